package org.diffract.launch;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The job step of a SLURM/PBS job on each node: holds the job's ports on this node ({@link PortLease}),
 * runs the MPJ daemon on them, and ends it when the job script creates {@code JOBDIR/stop}, then exits 0.
 * Ending the step from inside is what keeps a successful job's log free of SLURM's "srun: error: ...
 * Killed" and "STEP ... CANCELLED": those appear when the job kills a step that is still running.
 *
 * <p>The agents and the job script talk through the job folder (a shared filesystem): each agent writes
 * {@code agents/HOST-PID.ready} once its daemon listens, or {@code agents/HOST-PID.taken} when another job
 * holds a port on its node (the script then tries other ports). Usage from the scripts:
 * {@code java -cp diffract.jar org.diffract.launch.MpjNodeAgent --pick} prints a free base port here;
 * {@code ... MpjNodeAgent JOBDIR PORT} runs the step.
 */
public final class MpjNodeAgent {
    /** Three ports from the base: the daemon's two and the starter's (conf/mpjexpress.conf). */
    static final int PORTS = 3;
    /** Exit code of an agent that found a port taken on its node. */
    static final int PORT_TAKEN = 75;

    private MpjNodeAgent() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--pick")) {
            try (PortLease l = PortLease.claimAny(PortLease.defaultDir(), PORTS)) {
                System.out.println(l.base());
            }
            return;
        }
        if (args.length != 2) {
            System.err.println("usage: MpjNodeAgent --pick | MpjNodeAgent JOBDIR PORT");
            System.exit(2);
        }
        System.exit(run(Path.of(args[0]), Integer.parseInt(args[1])));
    }

    static int run(Path jobDir, int port) throws IOException, InterruptedException {
        Path agents = Files.createDirectories(jobDir.resolve("agents"));
        String me = Hosts.local() + "-" + ProcessHandle.current().pid();
        try (PortLease lease = PortLease.tryClaim(PortLease.defaultDir(), port, PORTS)) {
            if (lease == null) {
                Files.writeString(agents.resolve(me + ".taken"), port + "\n");
                return PORT_TAKEN;
            }
            Path home = jobDir.resolve("mpj");
            ProcessBuilder pb = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            home.resolve("lib/daemon.jar").toString(),
                            Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("MPJ_HOME", home.toString());
            Process daemon = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(daemon)));
            Thread copier = IncubatorNoticeFilter.relay(daemon.getInputStream(), System.out);
            Path stop = jobDir.resolve("stop");
            boolean ready = false;
            while (!Files.exists(stop)) {
                if (!daemon.isAlive()) {
                    copier.join(2000);
                    System.err.println("diffract: the MPJ daemon on " + Hosts.local() + " ended by itself (exit "
                            + daemon.exitValue() + ") on port " + port);
                    Files.writeString(agents.resolve(me + ".failed"), port + "\n");
                    return 1;
                }
                // the daemon holds its port once the bind fails; a test connection would upset it
                if (!ready && !PortLease.bindable(port) && !PortLease.bindable(port + 1)) {
                    ready = true;
                    Files.writeString(agents.resolve(me + ".ready"), port + "\n");
                }
                Thread.sleep(200);
            }
            stop(daemon);
            copier.join(2000);
            return 0;
        }
    }

    /** Ends the daemon and any rank it still runs: SIGTERM, then SIGKILL after 10 s. */
    private static void stop(Process daemon) {
        if (!daemon.isAlive()) {
            return;
        }
        List<ProcessHandle> ranks = daemon.descendants().toList();
        ranks.forEach(ProcessHandle::destroy);
        daemon.destroy();
        try {
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.descendants().forEach(ProcessHandle::destroyForcibly);
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
