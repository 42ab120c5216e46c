package org.diffract.launch;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.diffract.core.io.VolumeFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project workflow through the real diffract command: project new/config/use/show, run on the
 * multicore device, with niodev over an MPJ daemon on localhost, through generated SLURM and PBS scripts
 * run with stub scheduler commands that start real daemons, in the background, and status. Every way of
 * running gives the same model as the plain multicore run of the same project.
 */
class ProjectRunIT {
    private static final int ITERATIONS = 4;

    @TempDir
    static Path dir;

    private static Map<String, String> env;
    private static double[] reference;

    @BeforeAll
    static void simulateAndRunReference() throws Exception {
        env = Map.of("DIFFRACT_HOME", dir.resolve("home").toString());
        DiffractProcess.Result sim = DiffractProcess.run(
                dir,
                env,
                "simulate",
                "--out",
                "sim",
                "--frames",
                "300",
                "--detsize",
                "15",
                "--seed",
                "4",
                "--num-div",
                "2",
                "--iterations",
                Integer.toString(ITERATIONS));
        assertEquals(0, sim.exitCode(), sim.stderr());
        Path ref = newProject("ref");
        DiffractProcess.Result r =
                diffract("run", "emc", "--procs", "2", "--threads", "1", "--iters", Integer.toString(ITERATIONS));
        assertEquals(0, r.exitCode(), r.stderr());
        reference = model(ref, ITERATIONS);
    }

    private static DiffractProcess.Result diffract(String... args) throws Exception {
        return DiffractProcess.run(dir, env, args);
    }

    /** A project on the simulated patterns, with the geometry the simulation used; becomes current. */
    private static Path newProject(String name) throws Exception {
        DiffractProcess.Result r = diffract(
                "project", "new", "sim/patterns.h5", "--inh5", "/patterns", "--dir", "projects", "--name", name);
        assertEquals(0, r.exitCode(), r.stderr());
        r = diffract(
                "project",
                "config",
                "parameters|detd=100",
                "parameters|pixsize=0.5",
                "parameters|stoprad=3",
                "emc|num_div=2",
                "emc|beta=0.1",
                "emc|beta_schedule=1.5 1",
                "emc|num_iter=" + ITERATIONS);
        assertEquals(0, r.exitCode(), r.stderr());
        return dir.resolve("projects").resolve(name);
    }

    private static double[] model(Path project, int iteration) {
        return VolumeFile.readCube(project.resolve("output").resolve(String.format("intens_%03d.h5", iteration)))
                .data();
    }

    private static void assertSameModel(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length);
        double max = 0, diff = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(max > 0, what + ": empty model");
        assertTrue(diff <= 1e-6 * max, what + ": max difference " + diff + " of max " + max);
    }

    @Test
    void projectNewConfigUseShow() throws Exception {
        Path p = newProject("cfg");
        assertTrue(Files.isSymbolicLink(p.resolve("data/patterns.h5")));
        for (String sub : new String[] {"output", "logs", "run"}) {
            assertTrue(Files.isDirectory(p.resolve(sub)), sub);
        }
        String ini = Files.readString(p.resolve("emc.ini"));
        assertTrue(ini.contains("in_patterns_file = data/patterns.h5"), ini);
        assertTrue(ini.contains("in_patterns_dataset = /patterns"), ini);
        assertTrue(ini.contains("detsize = 15 15"), ini);
        assertFalse(ini.contains("in_photons_file ="), ini);
        assertTrue(ini.contains("# sample-detector distance"), "template comments are kept");
        assertTrue(ini.contains("detd = 100"), ini);
        assertEquals(
                p.toRealPath().toString(),
                Files.readString(dir.resolve("home/current")).trim());

        for (String[] bad : new String[][] {
            {"emc|nm_div=3", "unknown key 'emc|nm_div'"},
            {"emc|num_div=abc", "num_div"},
            {"parameters|detd=-1", "detd must be > 0"},
            {"num_div=3", "section|key=value"},
            {"cluster|time=soon", "wall time"},
            {"cluster|queue=x", "unknown key 'cluster|queue'"}
        }) {
            DiffractProcess.Result r = diffract("project", "config", bad[0]);
            assertNotEquals(0, r.exitCode(), bad[0]);
            assertEquals(1, r.errorLines().size(), r.stderr());
            assertTrue(r.errorLines().get(0).contains(bad[1]), r.stderr());
            assertEquals(ini, Files.readString(p.resolve("emc.ini")), "a rejected change leaves the config as it was");
        }

        DiffractProcess.Result use =
                diffract("project", "use", dir.resolve("projects/ref").toString());
        assertEquals(0, use.exitCode(), use.stderr());
        DiffractProcess.Result show = diffract("project", "show");
        assertEquals(0, show.exitCode(), show.stderr());
        assertTrue(show.stdout().startsWith("project ref: "), show.stdout());
        assertTrue(show.stdout().contains("num_iter = " + ITERATIONS), show.stdout());
        DiffractProcess.Result notProject = diffract("project", "use", dir.toString());
        assertEquals(1, notProject.errorLines().size(), notProject.stderr());
        assertTrue(notProject.errorLines().get(0).contains("is not a diffract project"), notProject.stderr());
    }

    @Test
    void statusReportsIterationsTimesAndLog() throws Exception {
        DiffractProcess.Result r =
                diffract("status", "--project", dir.resolve("projects/ref").toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("emc: not running"), r.stdout());
        assertTrue(r.stdout().contains("iteration: " + ITERATIONS + " of " + ITERATIONS), r.stdout());
        assertTrue(r.stdout().contains("time per iteration: "), r.stdout());
        assertTrue(r.stdout().contains("finished: all " + ITERATIONS + " iterations done"), r.stdout());
        assertTrue(r.stdout().contains("EmcRun - model: "), "last log lines: " + r.stdout());
    }

    @Test
    void niodevOverALocalhostDaemonGivesTheSameModel() throws Exception {
        Path p = newProject("nio");
        int port = freePorts();
        Path home = privateMpjHome(dir.resolve("nio-mpj"), port);
        ProcessBuilder daemonBuilder = new ProcessBuilder(
                        java(), "-jar", home.resolve("lib/daemon.jar").toString(), Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile());
        daemonBuilder.environment().put("MPJ_HOME", home.toString());
        Process daemon = daemonBuilder.start();
        try {
            waitForPort(port, daemon);
            Path machines = dir.resolve("machines");
            Files.writeString(machines, "localhost\n");
            DiffractProcess.Result r = diffract(
                    "run",
                    "emc",
                    "--procs",
                    "2",
                    "--threads",
                    "1",
                    "--machines",
                    machines.toString(),
                    "--dport",
                    Integer.toString(port));
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue((r.stdout() + r.stderr()).contains("with niodev"), "ran through the daemon: " + r.stdout());
            assertSameModel(reference, model(p, ITERATIONS), "niodev vs multicore");
            aKilledRankEndsTheJob(p, machines, port, daemon);
        } finally {
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
        try (var files = Files.list(p.resolve("run"))) {
            assertTrue(
                    files.noneMatch(f -> f.getFileName().toString().startsWith("mpj-")),
                    "the run's private MPJ conf is removed");
        }
    }

    @Test
    void slurmScriptRunsWithStubSchedulerAndResumesWhenRequeued() throws Exception {
        Path p = newProject("slurm");
        // resources from options and from the project's [cluster] defaults
        assertEquals(
                0,
                diffract("project", "config", "cluster|partition=short", "cluster|account=lab7")
                        .exitCode());
        DiffractProcess.Result r = diffract(
                "run",
                "emc",
                "--procs",
                "2",
                "--threads",
                "1",
                "--scheduler",
                "slurm",
                "--mem",
                "2G",
                "--time",
                "00:10:00");
        assertEquals(0, r.exitCode(), r.stderr());
        Path script = p.resolve("run/emc.slurm");
        assertTrue(r.stdout().contains("sbatch " + script.toRealPath()), r.stdout());
        String text = Files.readString(script);
        for (String line : new String[] {
            "#SBATCH --nodes=1",
            "#SBATCH --ntasks=2",
            "#SBATCH --cpus-per-task=1",
            "#SBATCH --mem=2G",
            "#SBATCH --time=00:10:00",
            "#SBATCH --partition=short",
            "#SBATCH --account=lab7",
            "#SBATCH --requeue"
        }) {
            assertTrue(text.contains(line + "\n"), line);
        }
        shellcheck(script);
        Path bin = stubs();
        int port = freePorts();
        Map<String, String> jobEnv = stubEnv(bin, port);

        Process job = submit(bin, "sbatch", script, jobEnv);
        assertEquals(0, job.exitValue(), Files.readString(dir.resolve("job.out")));
        List<String> calls = Files.readAllLines(dir.resolve("stub.log"));
        assertTrue(calls.contains("scontrol show hostnames localhost"), calls.toString());
        assertTrue(
                calls.stream()
                        .anyMatch(c -> c.startsWith("srun --nodes=1 --ntasks=1 --ntasks-per-node=1")
                                && c.contains(MpjNodeAgent.class.getName())
                                && c.endsWith(" " + port)),
                "one node agent (daemon) per node on the job's port: " + calls);
        assertQuietLog(Files.readString(dir.resolve("job.out")));
        assertSameModel(reference, model(p, ITERATIONS), "SLURM script (niodev) vs multicore");
        assertJobCleanedUp(p, port);

        // a requeued job (here: more iterations asked for) continues from the checkpoint by itself
        assertEquals(
                0,
                diffract("project", "config", "--project", p.toString(), "emc|num_iter=" + (ITERATIONS + 2))
                        .exitCode());
        Process again = submit(bin, "sbatch", script, jobEnv);
        String out = Files.readString(dir.resolve("job.out"));
        assertEquals(0, again.exitValue(), out);
        assertTrue(out.contains("resuming from"), out);
        assertEquals(
                ITERATIONS + 3, Files.readAllLines(p.resolve("output/EMC.log")).size(), "each iteration once");
        assertJobCleanedUp(p, port);
    }

    @Test
    void pbsScriptRunsWithStubScheduler() throws Exception {
        Path p = newProject("pbs");
        DiffractProcess.Result r = diffract(
                "run",
                "emc",
                "--procs",
                "2",
                "--threads",
                "1",
                "--scheduler",
                "pbs",
                "--mem",
                "2G",
                "--queue",
                "short");
        assertEquals(0, r.exitCode(), r.stderr());
        Path script = p.resolve("run/emc.pbs");
        String text = Files.readString(script);
        for (String line : new String[] {"#PBS -l nodes=1:ppn=2", "#PBS -l mem=2gb", "#PBS -q short", "#PBS -r y"}) {
            assertTrue(text.contains(line + "\n"), line);
        }
        shellcheck(script);
        Path bin = stubs();
        int port = freePorts();
        // submitted by diffract itself: the stub qsub runs the job before it prints the id
        Map<String, String> submitEnv = new HashMap<>(stubEnv(bin, port));
        submitEnv.putAll(env);
        DiffractProcess.Result sub = DiffractProcess.run(
                dir,
                submitEnv,
                "run",
                "emc",
                "--procs",
                "2",
                "--threads",
                "1",
                "--scheduler",
                "pbs",
                "--mem",
                "2G",
                "--queue",
                "short",
                "--submit");
        assertEquals(0, sub.exitCode(), sub.stderr() + Files.readString(dir.resolve("job.out")));
        assertTrue(sub.stdout().contains("submitted emc as pbs job 77.pbsserver"), sub.stdout());
        List<String> calls = Files.readAllLines(dir.resolve("stub.log"));
        assertTrue(
                calls.stream()
                        .anyMatch(c -> c.startsWith("pbsdsh -u ")
                                && c.contains(MpjNodeAgent.class.getName())
                                && c.endsWith(" " + port)),
                calls.toString());
        assertQuietLog(Files.readString(dir.resolve("job.out")));
        assertSameModel(reference, model(p, ITERATIONS), "PBS script (niodev) vs multicore");
        assertJobCleanedUp(p, port);
    }

    /**
     * Jobs 4242 and 8242 got the same ports under the old rule (20000 + id % 4000 * 3). Run at once on one
     * node, each must probe and lock its own ports, write them to its job folder, and give the right model.
     */
    @Test
    void twoJobsWhoseIdsCollidedUnderTheOldPortRuleRunAtOnce() throws Exception {
        assertEquals(4242 % 4000, 8242 % 4000);
        Path bin = stubs();
        String[] ids = {"4242", "8242"};
        Path[] projects = new Path[2];
        Process[] jobs = new Process[2];
        for (int i = 0; i < 2; i++) {
            projects[i] = newProject("collide" + i);
            DiffractProcess.Result r = diffract("run", "emc", "--procs", "2", "--threads", "1", "--scheduler", "slurm");
            assertEquals(0, r.exitCode(), r.stderr());
        }
        for (int i = 0; i < 2; i++) {
            Map<String, String> jobEnv = new HashMap<>(Map.of(
                    "PATH",
                    bin + File.pathSeparator + System.getenv("PATH"),
                    "STUB_LOG",
                    dir.resolve("stub-" + i + ".log").toString(),
                    "STUB_JOB_OUT",
                    dir.resolve("job-" + i + ".out").toString(),
                    "STUB_DIR",
                    dir.toString(),
                    "STUB_JOB_ID",
                    ids[i]));
            ProcessBuilder pb = new ProcessBuilder(
                            bin.resolve("sbatch").toString(),
                            projects[i].resolve("run/emc.slurm").toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("submit-" + i + ".out").toFile());
            pb.environment().putAll(jobEnv);
            jobs[i] = pb.start();
        }
        String[] ports = new String[2];
        for (int i = 0; i < 2; i++) {
            assertTrue(jobs[i].waitFor(8, TimeUnit.MINUTES), "job " + ids[i] + " did not finish");
            String log = Files.readString(dir.resolve("job-" + i + ".out"));
            assertEquals(0, jobs[i].exitValue(), log);
            assertQuietLog(log);
            ports[i] = Files.readString(projects[i].resolve("run/job-" + ids[i] + "/ports"));
            assertTrue(ports[i].matches("daemon=(\\d+)\nportmanager=\\d+\nstarter=\\d+\n"), ports[i]);
            assertSameModel(reference, model(projects[i], ITERATIONS), "job " + ids[i]);
        }
        assertNotEquals(ports[0], ports[1], "two jobs at once on one node share no port");
    }

    @Test
    void backgroundRunIsTrackedByStatusAndBlocksASecondRun() throws Exception {
        Path p = newProject("bg");
        DiffractProcess.Result r =
                diffract("run", "emc", "--procs", "2", "--threads", "1", "--iters", "20", "--background");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("in the background (pid "), r.stdout());
        long pid =
                Long.parseLong(Files.readString(p.resolve("run/emc.pid")).trim().split(" ")[0]);
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("background run already gone"));
        DiffractProcess.Result second = diffract("run", "emc", "--procs", "1");
        DiffractProcess.Result status = diffract("status");
        boolean wasRunning = h.isAlive();
        h.onExit().get(5, TimeUnit.MINUTES);
        if (wasRunning) {
            assertNotEquals(0, second.exitCode(), "a second run of the same stage must be refused");
            assertTrue(second.errorLines().get(0).contains("already running"), second.stderr());
            assertTrue(status.stdout().contains("emc: running (pid " + pid + ")"), status.stdout());
        }
        assertFalse(Files.exists(p.resolve("run/emc.pid")), "pid file removed at the end");
        DiffractProcess.Result after = diffract("status");
        assertTrue(after.stdout().contains("emc: not running"), after.stdout());
        assertTrue(after.stdout().contains("iteration: 20 of 20"), after.stdout());
        String console = Files.readString(p.resolve("logs/emc-console.log"));
        assertTrue(console.contains("iter   20"), "the detached run's output went to the project's log");
        assertFalse(console.contains("WARNING: Using incubator modules"), "no JVM notice in the log: " + console);
    }

    /**
     * A real multi-host run: two network namespaces joined by a veth pair, each with its own host name (UTS
     * namespace) and hosts file, an MPJ daemon in each; three ranks spread over both give the model of the
     * single-host run. Needs root (ip netns); skipped where namespaces cannot be made.
     */
    @Test
    void threeRanksOverTwoNetworkNamespacesGiveTheSameModel() throws Exception {
        String tag = Long.toString(ProcessHandle.current().pid() % 100000);
        String[] ns = {"dfa" + tag, "dfb" + tag};
        String[] host = {"nodea" + tag, "nodeb" + tag};
        int net = (int) (ProcessHandle.current().pid() % 200) + 20;
        String[] ip = {"10.199." + net + ".1", "10.199." + net + ".2"};
        String hosts = "127.0.0.1 localhost\n" + ip[0] + " " + host[0] + "\n" + ip[1] + " " + host[1] + "\n";
        String setup = "set -e\n"
                + "ip netns add " + ns[0] + "\nip netns add " + ns[1] + "\n"
                + "ip link add dva" + tag + " type veth peer name dvb" + tag + "\n"
                + "ip link set dva" + tag + " netns " + ns[0] + "\nip link set dvb" + tag + " netns " + ns[1] + "\n"
                + "ip -n " + ns[0] + " addr add " + ip[0] + "/24 dev dva" + tag + "\n"
                + "ip -n " + ns[1] + " addr add " + ip[1] + "/24 dev dvb" + tag + "\n"
                + "for n in " + ns[0] + " " + ns[1] + "; do ip -n $n link set lo up; done\n"
                + "ip -n " + ns[0] + " link set dva" + tag + " up\nip -n " + ns[1] + " link set dvb" + tag + " up\n"
                + "for n in " + ns[0] + " " + ns[1] + "; do mkdir -p /etc/netns/$n; printf '" + hosts
                + "' > /etc/netns/$n/hosts; done\n"
                + "ip netns exec " + ns[0] + " unshare --uts true\n";
        Process[] daemons = new Process[2];
        try {
            Process sp = new ProcessBuilder("bash", "-c", setup)
                    .redirectErrorStream(true)
                    .start();
            String setupOut = new String(sp.getInputStream().readAllBytes());
            Assumptions.assumeTrue(sp.waitFor() == 0, "network namespaces unavailable (needs root): " + setupOut);

            Path p = newProject("hosts");
            int port = freePorts();
            Path home = privateMpjHome(dir.resolve("hosts-mpj"), port);
            for (int i = 0; i < 2; i++) {
                ProcessBuilder pb = new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                ns[i],
                                "unshare",
                                "--uts",
                                "sh",
                                "-c",
                                "hostname \"$0\" && exec \"$1\" -jar \"$2\" \"$3\"",
                                host[i],
                                java(),
                                home.resolve("lib/daemon.jar").toString(),
                                Integer.toString(port))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("daemon-" + i + ".log").toFile());
                pb.environment().put("MPJ_HOME", home.toString());
                daemons[i] = pb.start();
            }
            for (int i = 0; i < 2; i++) {
                String probe = "for t in $(seq 1 300); do (exec 3<>/dev/tcp/" + ip[i] + "/" + port
                        + ") 2>/dev/null && exit 0; sleep 0.2; done; exit 1";
                Process w = new ProcessBuilder("ip", "netns", "exec", ns[0], "bash", "-c", probe).start();
                assertEquals(
                        0,
                        w.waitFor(),
                        "the daemon on " + host[i] + " did not listen: "
                                + Files.readString(dir.resolve("daemon-" + i + ".log")));
            }
            Path machines = dir.resolve("machines-hosts");
            Files.writeString(machines, host[0] + "\n" + host[1] + "\n");
            ProcessBuilder run = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            ns[0],
                            "unshare",
                            "--uts",
                            "sh",
                            "-c",
                            "hostname \"$0\" && shift && exec bash \"$@\"",
                            host[0],
                            "--",
                            DiffractProcess.SCRIPT.toString(),
                            "run",
                            "emc",
                            "--procs",
                            "3",
                            "--threads",
                            "1",
                            "--machines",
                            machines.toString(),
                            "--dport",
                            Integer.toString(port))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("hosts-run.log").toFile());
            run.environment().putAll(env);
            run.environment().put("DIFFRACT_MPJ_HOME", System.getProperty("diffract.mpj.home"));
            Process r = run.start();
            assertTrue(r.waitFor(10, TimeUnit.MINUTES), "multi-host run did not finish");
            String out = Files.readString(dir.resolve("hosts-run.log"));
            assertEquals(0, r.exitValue(), out);
            assertTrue(
                    out.contains("on <" + host[0] + ">") && out.contains("on <" + host[1] + ">"),
                    "ranks on both hosts: " + out);
            assertSameModel(reference, model(p, ITERATIONS), "3 ranks on 2 hosts vs 2 ranks multicore");
        } finally {
            for (Process d : daemons) {
                if (d != null) {
                    d.destroy();
                    d.waitFor(20, TimeUnit.SECONDS);
                }
            }
            new ProcessBuilder(
                            "bash",
                            "-c",
                            "ip netns del " + ns[0] + " 2>/dev/null; ip netns del " + ns[1]
                                    + " 2>/dev/null; rm -rf /etc/netns/" + ns[0] + " /etc/netns/" + ns[1])
                    .start()
                    .waitFor();
        }
    }

    /**
     * niodev ranks do not notice a dead peer and would wait forever: the launcher must see the rank's
     * heartbeat stop, end the job with one clear line, and leave the last checkpoint whole.
     */
    private static void aKilledRankEndsTheJob(Path p, Path machines, int port, Process daemon) throws Exception {
        Path log = dir.resolve("killed-rank.log");
        ProcessBuilder pb = DiffractProcess.builder(
                dir,
                "run",
                "emc",
                "--procs",
                "2",
                "--threads",
                "1",
                "--iters",
                "400",
                "--resume",
                "--machines",
                machines.toString(),
                "--dport",
                Integer.toString(port));
        pb.environment().putAll(env);
        pb.environment().put("DIFFRACT_JAVA_OPTS", "-Ddiffract.rank.timeout=5");
        Process run = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (checkpointIteration(p) < ITERATIONS + 2) {
            assertTrue(run.isAlive(), "run ended before a rank could be killed: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no progress in 5 minutes");
            Thread.sleep(100);
        }
        ProcessHandle rank = daemon.toHandle()
                .children()
                .findFirst()
                .orElseThrow(() -> new AssertionError("the daemon runs no rank"));
        rank.destroyForcibly();
        assertTrue(run.waitFor(5, TimeUnit.MINUTES), "the job hangs after a rank was killed");
        String out = Files.readString(log);
        assertEquals(1, run.exitValue(), out);
        assertTrue(out.contains("stopped responding") && out.contains("--resume"), out);
        int reached = checkpointIteration(p);
        assertTrue(reached >= ITERATIONS + 2 && reached < 400, "checkpoint intact and readable: " + reached);
        deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (daemon.toHandle().children().findAny().isPresent()) {
            assertTrue(System.nanoTime() < deadline, "the surviving rank was not stopped");
            Thread.sleep(200);
        }
    }

    private static int checkpointIteration(Path project) {
        try {
            return Stages.byName("emc").iterationsDone(project.resolve("output"));
        } catch (RuntimeException e) {
            return 0; // being replaced this instant: the rename is atomic, so the next look sees a whole file
        }
    }

    // ---- helpers

    /** A successful job's log: no error, no kill, no JVM notice. */
    static void assertQuietLog(String log) {
        for (String bad : new String[] {"WARNING: Using incubator modules", "error", "Killed", "CANCELLED"}) {
            assertFalse(log.contains(bad), "'" + bad + "' in the log of a successful job:\n" + log);
        }
    }

    private static void assertJobCleanedUp(Path project, int port) {
        JobRecord rec = JobRecord.read(project.resolve("run/emc.job")).orElseThrow();
        assertEquals(JobRecord.FINISHED, rec.state(), "the job recorded its end");
        try {
            String status =
                    diffract("status", "emc", "--project", project.toString()).stdout();
            assertTrue(
                    status.contains("emc: finished (" + rec.scheduler() + " job " + rec.id())
                            && !status.contains("running"),
                    status);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", port), 1000);
            throw new AssertionError("the MPJ daemon on port " + port + " still runs after the job");
        } catch (IOException expected) {
            // refused: the trap stopped the daemon
        }
    }

    /** Runs the stub submit command in the foreground (the stub runs the job itself) and waits for it. */
    private static Process submit(Path bin, String command, Path script, Map<String, String> jobEnv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(bin.resolve(command).toString(), script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("submit.out").toFile());
        pb.environment().putAll(jobEnv);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(
                    command + " job did not finish in 5 minutes: " + Files.readString(dir.resolve("job.out")));
        }
        return p;
    }

    private static Map<String, String> stubEnv(Path bin, int port) {
        return Map.of(
                "PATH",
                bin + File.pathSeparator + System.getenv("PATH"),
                "STUB_LOG",
                dir.resolve("stub.log").toString(),
                "STUB_JOB_OUT",
                dir.resolve("job.out").toString(),
                "STUB_DIR",
                dir.toString(),
                "DIFFRACT_MPJ_PORT",
                Integer.toString(port));
    }

    /**
     * sbatch/qsub stubs record their arguments and run the script as a job on localhost in the foreground;
     * srun/pbsdsh stubs drop their options and start the command (the real MPJ daemon) here.
     */
    private static Path stubs() throws IOException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Files.writeString(dir.resolve("nodefile"), "localhost\nlocalhost\n");
        write(
                bin.resolve("sbatch"),
                "echo \"sbatch $*\" >> \"$STUB_LOG\"\nscript=\"${!#}\"\n"
                        + "id=${STUB_JOB_ID:-4242}\n"
                        + "SLURM_JOB_ID=$id SLURM_JOB_NODELIST=localhost bash \"$script\" > \"$STUB_JOB_OUT\" 2>&1\n"
                        + "echo \"Submitted batch job $id\"\n");
        write(
                bin.resolve("qsub"),
                "echo \"qsub $*\" >> \"$STUB_LOG\"\nscript=\"${!#}\"\n"
                        + "PBS_JOBID=77.pbsserver PBS_NODEFILE=\"$STUB_DIR/nodefile\" bash \"$script\" > \"$STUB_JOB_OUT\" 2>&1\n"
                        + "echo 77.pbsserver\n");
        String runner = "while [ \"$#\" -gt 0 ] && [ \"${1#-}\" != \"$1\" ]; do shift; done\nexec \"$@\"\n";
        write(bin.resolve("srun"), "echo \"srun $*\" >> \"$STUB_LOG\"\n" + runner);
        write(bin.resolve("pbsdsh"), "echo \"pbsdsh $*\" >> \"$STUB_LOG\"\n" + runner);
        write(
                bin.resolve("scontrol"),
                "echo \"scontrol $*\" >> \"$STUB_LOG\"\n"
                        + "if [ \"$1 $2\" = 'show hostnames' ]; then echo localhost; fi\n");
        Files.deleteIfExists(dir.resolve("stub.log"));
        return bin;
    }

    private static void write(Path f, String body) throws IOException {
        Files.writeString(f, "#!/usr/bin/env bash\nset -euo pipefail\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void shellcheck(Path script) throws Exception {
        Process which = new ProcessBuilder("bash", "-c", "command -v shellcheck")
                .redirectErrorStream(true)
                .start();
        which.getInputStream().readAllBytes();
        Assumptions.assumeTrue(which.waitFor() == 0, "shellcheck is not installed (apt-get install shellcheck)");
        Process sc = new ProcessBuilder("shellcheck", script.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(sc.getInputStream().readAllBytes());
        assertEquals(0, sc.waitFor(), "shellcheck: " + out);
    }

    /** A port p with p, p+1 and p+2 free: a daemon's two ports and the starter's. */
    private static int freePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p;
            try (ServerSocket s = new ServerSocket(0)) {
                p = s.getLocalPort();
            }
            if (p < 65000 && free(p + 1) && free(p + 2)) {
                return p;
            }
        }
        throw new IOException("no three consecutive free ports");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path privateMpjHome(Path home, int port) throws IOException {
        Path shared = Path.of(System.getProperty("diffract.mpj.home", "../target/mpj-home"))
                .toAbsolutePath();
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("logs"));
        Files.createSymbolicLink(home.resolve("lib"), shared.resolve("lib"));
        Files.writeString(home.resolve("conf/mpjexpress.conf"), MpjRuntime.conf(port, port + 1, port + 2));
        return home;
    }

    /** Waits until the daemon holds its port; binding is the check (a test connection upsets the daemon). */
    private static void waitForPort(int port, Process daemon) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (free(port)) {
            assertTrue(daemon.isAlive(), "the MPJ daemon ended: " + Files.readString(dir.resolve("daemon.log")));
            assertTrue(System.nanoTime() < deadline, "the MPJ daemon did not listen within 60 s");
            Thread.sleep(200);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
