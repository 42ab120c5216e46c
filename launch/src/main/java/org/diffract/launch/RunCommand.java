package org.diffract.launch;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.stage.Stage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code diffract run STAGE}: runs any registered stage of the current project now (MPJ multicore on this
 * machine, or niodev/hybdev over the daemons of a machines file), detached in the background, or writes a
 * SLURM/PBS script for it.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run a stage of the current project: now, in the background, or as a SLURM/PBS script.")
public final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STAGE", description = "the stage to run (emc, ...)")
    String stageName;

    @Option(names = "--project", description = "project folder (default: the current project)")
    Path project;

    @Option(names = "--procs", defaultValue = "1", description = "MPJ ranks (default ${DEFAULT-VALUE})")
    int procs;

    @Option(names = "--threads", description = "threads per rank (default: cores / procs)")
    Integer threads;

    @Option(names = "--iters", description = "iterations: sets the stage's iteration count in the project config")
    Integer iters;

    @Option(names = "--background", description = "detach; output goes to the project's logs/, see 'diffract status'")
    boolean background;

    @Option(names = "--resume", description = "continue from the last complete checkpoint")
    boolean resume;

    @Option(
            names = "--scheduler",
            defaultValue = "none",
            description = "none (run now), slurm or pbs (write a " + "submission script into the project)")
    String scheduler;

    @Option(
            names = "--submit",
            description = "with --scheduler: also submit the script (sbatch/qsub) and record the "
                    + "job id, so 'diffract status' follows the job from pending on")
    boolean submit;

    @Option(names = "--machines", description = "machines file: run with MPJ daemons on these hosts (niodev)")
    Path machines;

    @Option(
            names = "--dport",
            defaultValue = "40055",
            description = "port of the MPJ daemons (default ${DEFAULT-VALUE})")
    int dport;

    @Option(
            names = "--device",
            description = "MPJ device with daemons: niodev or hybdev (default: cluster|device "
                    + "of the project, else niodev)")
    String device;

    @Option(names = "--mpj-home", description = "a job-private MPJ_HOME (the generated scripts make one)")
    Path mpjHome;

    @Option(names = "--heap", description = "JVM heap for the ranks, e.g. 8g (default: the JVM's)")
    String heap;

    @Option(names = "--nodes", description = "scripts: nodes (default: cluster|nodes of the project, else 1)")
    Integer nodes;

    @Option(names = "--mem", description = "scripts: memory per node, e.g. 16G (default: cluster|mem of the project)")
    String mem;

    @Option(names = "--time", description = "scripts: wall time (default: cluster|time of the project, else 01:00:00)")
    String time;

    @Option(
            names = {"--partition", "--queue"},
            description = "scripts: SLURM partition or PBS queue (default: " + "cluster|partition of the project)")
    String partition;

    @Option(names = "--account", description = "scripts: account to charge (default: cluster|account of the project)")
    String account;

    @Override
    public Integer call() {
        Stage stage = Stages.byName(stageName);
        if (procs < 1) {
            throw new UserError("--procs must be >= 1");
        }
        if (threads != null && threads < 1) {
            throw new UserError("--threads must be >= 1");
        }
        Project p = Project.resolve(project);
        // options win; the project's [cluster] section gives the defaults (diffract project config cluster|...)
        device = device != null ? device : p.cluster("device").orElse("niodev");
        if (!device.equals("niodev") && !device.equals("hybdev")) {
            throw new UserError("--device '" + device + "' must be niodev or hybdev");
        }
        nodes = nodes != null ? nodes : Integer.valueOf(p.cluster("nodes").orElse("1"));
        time = time != null ? time : p.cluster("time").orElse("01:00:00");
        mem = mem != null ? mem : p.cluster("mem").orElse(null);
        partition = partition != null ? partition : p.cluster("partition").orElse(null);
        account = account != null ? account : p.cluster("account").orElse(null);
        Path config = p.config(stage);
        if (!Files.isRegularFile(config)) {
            throw new UserError(config + " is missing: the project has no " + stage.name() + " config; copy conf/"
                    + stage.configTemplate() + " there");
        }
        if (iters != null) {
            String[] key = stage.iterationsKey();
            if (key == null) {
                throw new UserError("stage " + stage.name() + " has no iterations: leave out --iters");
            }
            p.configure(List.of(key[0] + "|" + key[1] + "=" + iters));
        }
        // read the whole config now: a bad key fails in a second, before anything starts or is submitted
        Path out = stage.outputFolder(config);
        int t = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / procs);
        if (submit && scheduler.equals("none")) {
            throw new UserError("--submit needs --scheduler slurm or pbs");
        }
        return switch (scheduler) {
            case "none" -> background ? detach(p, stage) : runNow(p, stage, out, t);
            case "slurm", "pbs" -> writeScript(p, stage, out, t);
            default -> throw new UserError("--scheduler '" + scheduler + "' must be none, slurm or pbs");
        };
    }

    private int runNow(Project p, Stage stage, Path out, int t) {
        supersedeJob(p, stage);
        PidFile pid = PidFile.claim(p.pidFile(stage), stage);
        Path privateHome = null;
        try {
            Files.createDirectories(p.logs());
            RankLauncher.Placement where = RankLauncher.Placement.multicore();
            if (machines != null) {
                if (!Files.isRegularFile(machines)) {
                    throw new UserError(machines + ": no such machines file; list one host per line");
                }
                MpjRuntime mpj;
                if (mpjHome != null) {
                    mpj = MpjRuntime.at(mpjHome);
                } else {
                    // our own conf copy: the starter's port must not collide with another job's on this host
                    privateHome =
                            p.runDir().resolve("mpj-" + ProcessHandle.current().pid());
                    mpj = MpjRuntime.locate().privateCopy(privateHome, dport, dport + 1, freePort());
                }
                where = new RankLauncher.Placement(device, machines.toAbsolutePath(), dport, mpj, p.runDir());
            }
            // the one options path: the project's config, checked by the stage, copied for the ranks into run/
            RunConfig rc = RunConfig.load(stage, p.config(stage));
            RunConfig.Checked checked = rc.check(p.logFile(stage));
            // multicore ranks share one JVM; with daemons every rank has its own
            String xmx = HeapPlan.choose(
                    heap, stage.heapBytes(rc.config(), procs, t), machines == null ? procs : 1, stage.name());
            RunConfig.Prepared run = rc.write(checked, p.runDir().resolve(stage.name() + ".run.ini"));
            List<String> args = new ArrayList<>(List.of("--config", run.file().toString()));
            if (resume) {
                args.add("--resume");
            }
            boolean ok = false;
            try {
                int code = RankLauncher.run(where, procs, t, xmx, run.log(), stage.rankMainClass(), args);
                ok = code == 0;
                return code;
            } finally {
                run.finish(ok, stage.checkpoint(run.outputFolder()));
            }
        } catch (IOException e) {
            throw new UserError("cannot create " + out + ": " + e.getMessage());
        } finally {
            pid.release();
            if (privateHome != null) {
                Folders.deleteTree(privateHome);
            }
        }
    }

    /**
     * A run outside the stage's recorded scheduler job becomes the stage's latest: the record goes, so status
     * no longer reports that job. Refused while the scheduler still has the job queued or running (both would
     * write one output folder). Inside that job (its id in the environment) nothing changes.
     */
    private static void supersedeJob(Project p, Stage stage) {
        Path file = p.jobFile(stage);
        Optional<JobRecord> rec = JobRecord.read(file);
        if (rec.isEmpty()) {
            return;
        }
        JobRecord job = rec.get();
        String inside = System.getenv(job.scheduler().equals("pbs") ? "PBS_JOBID" : "SLURM_JOB_ID");
        if (job.id().equals(inside)) {
            return;
        }
        Optional<SchedulerQuery.Answer> a = SchedulerQuery.system().ask(job.scheduler(), job.id());
        if (a.isPresent()
                && (a.get().phase() == SchedulerQuery.Phase.PENDING
                        || a.get().phase() == SchedulerQuery.Phase.RUNNING)) {
            throw new UserError(stage.name() + " is " + a.get().phase().word + " as " + job.scheduler() + " job "
                    + job.id() + " in this project; wait for it or cancel it with '"
                    + (job.scheduler().equals("pbs") ? "qdel " : "scancel ") + job.id() + "'");
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UserError("cannot remove " + file + " (" + e.getMessage() + "); remove it by hand");
        }
    }

    /** Starts this same command again without --background in a new session, output to logs/, and returns. */
    private int detach(Project p, Stage stage) {
        PidFile.checkFree(p.pidFile(stage), stage);
        supersedeJob(p, stage);
        Path jar = AppJar.path();
        if (jar == null) {
            throw new UserError("--background needs diffract.jar; build it with 'mvn -B -DskipTests package'");
        }
        // this JVM only launches ranks: without the vector module it writes no incubator notice into the log
        List<String> cmd = new ArrayList<>(List.of(
                "setsid",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String prop : new String[] {"diffract.mpj.home", "diffract.home", "diffract.log.level"}) {
            if (System.getProperty(prop) != null) {
                cmd.add("-D" + prop + "=" + System.getProperty(prop));
            }
        }
        cmd.add("-jar");
        cmd.add(jar.toString());
        for (String a : spec.commandLine().getParseResult().originalArgs()) {
            if (!a.equals("--background")) {
                cmd.add(a);
            }
        }
        if (project == null) {
            cmd.add("--project");
            cmd.add(p.dir().toString());
        }
        Path console = p.logs().resolve(stage.name() + "-console.log");
        try {
            Files.createDirectories(p.logs());
            Process child = new ProcessBuilder(cmd)
                    .directory(new File(System.getProperty("user.dir")))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                    .redirectErrorStream(true)
                    .start();
            // setsid execs in place, so this is the pid of the JVM that writes the pid file itself
            PidFile.write(p.pidFile(stage), child.toHandle());
            System.out.println("started " + stage.name() + " in the background (pid " + child.pid() + "); output: "
                    + console + "; follow it with 'diffract status'");
            return 0;
        } catch (IOException e) {
            throw new UserError("cannot start the background run: " + e.getMessage());
        }
    }

    private int writeScript(Project p, Stage stage, Path out, int t) {
        if (nodes < 1 || nodes > procs) {
            throw new UserError("--nodes " + nodes + " must be between 1 and --procs " + procs);
        }
        if (!time.matches(Project.WALL_TIME)) {
            throw new UserError("--time '" + time + "' must be a wall time such as 01:30:00 or 2-00:00:00");
        }
        if (mem != null) {
            ClusterScript.pbsMemory(mem);
        }
        Path jar = AppJar.path();
        if (jar == null) {
            throw new UserError("scripts need diffract.jar; build it with 'mvn -B -DskipTests package'");
        }
        ClusterScript.Resources r = new ClusterScript.Resources(nodes, procs, t, mem, time, partition, account, heap);
        ClusterScript.Paths paths = new ClusterScript.Paths(
                p.dir(),
                jar.toAbsolutePath(),
                MpjRuntime.locate().home().resolve("lib"),
                Path.of(System.getProperty("java.home"), "bin", "java"),
                stage.checkpoint(out));
        boolean slurm = scheduler.equals("slurm");
        String text = slurm
                ? ClusterScript.slurm(stage, p.name(), r, paths, device)
                : ClusterScript.pbs(stage, p.name(), r, paths, device);
        Path script = p.runDir().resolve(stage.name() + (slurm ? ".slurm" : ".pbs"));
        AtomicFiles.write(script, tmp -> {
            Files.writeString(tmp, text);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        });
        System.out.println("wrote " + script);
        if (!submit) {
            System.out.println("submit with: " + (slurm ? "sbatch " : "qsub ") + script);
            return 0;
        }
        String id = submit(slurm, script);
        // a job that started at once has already recorded itself (with its host): keep that
        Optional<JobRecord> now = JobRecord.read(p.jobFile(stage));
        if (now.isEmpty() || !now.get().id().equals(id)) {
            new JobRecord(scheduler, id, "", JobRecord.SUBMITTED, "", System.currentTimeMillis() / 1000)
                    .write(p.jobFile(stage));
        }
        System.out.println(
                "submitted " + stage.name() + " as " + scheduler + " job " + id + "; follow it with 'diffract status'");
        return 0;
    }

    /** Runs sbatch --parsable or qsub on the script and returns the job id they print. */
    private static String submit(boolean slurm, Path script) {
        List<String> cmd =
                slurm ? List.of("sbatch", "--parsable", script.toString()) : List.of("qsub", script.toString());
        try {
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int rc = proc.waitFor();
            String first = out.isEmpty() ? "" : out.split("\n")[0];
            if (rc != 0 || first.isEmpty()) {
                throw new UserError(
                        cmd.get(0) + " refused " + script + " (exit " + rc + "): " + first
                                + "; fix the resources with 'diffract project config cluster|...' or the options, then submit again");
            }
            // sbatch --parsable prints "id" or "id;cluster"; qsub prints "id.server"
            return slurm ? first.split(";")[0].trim() : first.trim();
        } catch (IOException e) {
            throw new UserError(
                    "cannot run " + cmd.get(0) + " (" + e.getMessage() + "): is the " + (slurm ? "SLURM" : "PBS")
                            + " client installed on this machine? Submit " + script + " where it is");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while submitting " + script, 130, null);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UserError("cannot find a free port: " + e.getMessage());
        }
    }
}
