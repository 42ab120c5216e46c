package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.core.stage.Stage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code diffract status [STAGE]}: for each stage of the project, whether it runs (pid or scheduler job),
 * the iteration reached, time per iteration, estimated finish and the last lines of its log.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show what the current project's stages are doing: running, iteration, ETA, last log lines.")
public final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @Parameters(index = "0", arity = "0..1", paramLabel = "STAGE", description = "one stage (default: all)")
    String stageName;

    @Option(names = "--project", description = "project folder (default: the current project)")
    Path project;

    @Option(names = "--lines", defaultValue = "5", description = "log lines to show (default ${DEFAULT-VALUE})")
    int lines;

    @Override
    public Integer call() {
        Project p = Project.resolve(project);
        List<Stage> stages = stageName != null ? List.of(Stages.byName(stageName)) : Stages.all();
        StringBuilder sb = new StringBuilder("project " + p.name() + ": " + p.dir() + "\n");
        for (Stage s : stages) {
            if (Files.isRegularFile(p.config(s))) {
                report(p, s, sb);
            }
        }
        System.out.print(sb);
        return 0;
    }

    /** What a stage is doing, in one line, and whether it is still under way (pending or running). */
    record Activity(String line, boolean active) {}

    /**
     * The stage's scheduler job (its record in run/STAGE.job, and what the scheduler says of it) and the
     * launcher of a run on this machine (run/STAGE.pid). The scheduler's word wins while the job is pending
     * or running; after it, a live local run wins; a job the scheduler no longer knows is described by the
     * last state the job script recorded.
     */
    static Activity activity(Path pidFile, Path jobFile, SchedulerQuery query) {
        Optional<ProcessHandle> pid = PidFile.running(pidFile);
        Optional<Activity> local = pid.map(h -> new Activity("running (pid " + h.pid() + ")", true));
        Optional<JobRecord> rec = JobRecord.read(jobFile);
        if (rec.isEmpty()) {
            return local.orElse(new Activity("not running", false));
        }
        JobRecord job = rec.get();
        String what = job.scheduler() + " job " + job.id();
        Optional<SchedulerQuery.Answer> answer = query.ask(job.scheduler(), job.id());
        if (answer.isPresent()) {
            SchedulerQuery.Answer a = answer.get();
            return switch (a.phase()) {
                case PENDING -> new Activity("pending as " + what + " (" + a.detail() + ")", true);
                case RUNNING ->
                    new Activity(
                            "running as " + what + (job.host().isEmpty() ? "" : " on " + job.host()) + " (" + a.detail()
                                    + ")",
                            true);
                default -> local.orElse(new Activity(a.phase().word + " (" + what + ", " + a.detail() + ")", false));
            };
        }
        if (local.isPresent()) {
            return local.get();
        }
        String when = job.time() > 0 ? " at " + WHEN.format(Instant.ofEpochSecond(job.time())) : "";
        String scheduler = job.scheduler().equals("pbs") ? "PBS" : "SLURM";
        return switch (job.state()) {
            case JobRecord.FINISHED -> new Activity("finished (" + what + ", ended" + when + ")", false);
            case JobRecord.FAILED -> new Activity("failed (" + what + ", exit " + job.exit() + when + ")", false);
            case JobRecord.STOPPED ->
                new Activity(
                        "cancelled (" + what + " was stopped by a signal" + when
                                + ": scancel/qdel, its time limit, or a requeue)",
                        false);
            default ->
                query.canAsk(job.scheduler())
                        ? new Activity(
                                "failed (" + what + " is unknown to " + scheduler + " and never recorded its end: "
                                        + "killed with SIGKILL, or its node failed)",
                                false)
                        : new Activity(
                                job.state() + " as " + what + (job.host().isEmpty() ? "" : " on " + job.host())
                                        + " according to " + jobFile.getFileName() + " (" + scheduler
                                        + " cannot be asked from this "
                                        + "machine)",
                                true);
        };
    }

    private void report(Project p, Stage s, StringBuilder sb) {
        sb.append('\n').append(s.name()).append(": ");
        Activity act = activity(p.pidFile(s), p.jobFile(s), SchedulerQuery.system());
        boolean running = act.active();
        sb.append(act.line()).append('\n');
        if (!running) {
            for (String ext : new String[] {"slurm", "pbs"}) {
                Path script = p.runDir().resolve(s.name() + "." + ext);
                if (Files.isRegularFile(script)) {
                    sb.append("  script: ")
                            .append(script)
                            .append(" (submit with ")
                            .append(ext.equals("slurm") ? "sbatch" : "qsub")
                            .append(")\n");
                }
            }
        }
        Path out;
        try {
            out = s.outputFolder(p.config(s));
        } catch (UserError e) {
            sb.append("  config: ").append(e.getMessage()).append('\n');
            return;
        }
        int done = s.iterationsDone(out);
        String[] key = s.iterationsKey();
        Integer target = null;
        if (key != null) {
            target = p.get(s, key[0], key[1])
                    .map(v -> {
                        try {
                            return Integer.valueOf(v);
                        } catch (NumberFormatException e) {
                            return null;
                        }
                    })
                    .orElse(null);
        }
        Path checkpoint = s.checkpoint(out);
        sb.append("  iteration: ")
                .append(done)
                .append(target != null ? " of " + target : "")
                .append(checkpoint != null ? " (checkpoint " + checkpoint + ")" : "")
                .append(running && target != null && done >= target ? ", writing the final outputs" : "")
                .append("\n");
        double[] sec = s.iterationSeconds(out);
        if (sec.length > 0) {
            // the last few iterations: early ones are often slower or faster (annealing, caches)
            int from = Math.max(0, sec.length - 5);
            double mean = 0;
            for (int i = from; i < sec.length; i++) {
                mean += sec[i];
            }
            mean /= sec.length - from;
            sb.append(String.format(
                    Locale.ROOT, "  time per iteration: %.2f s (mean of the last %d)%n", mean, sec.length - from));
            if (target != null && done < target) {
                double left = (target - done) * mean;
                sb.append(String.format(
                        Locale.ROOT,
                        "  estimated finish: %s (%.0f s of work left%s)%n",
                        WHEN.format(Instant.now().plusMillis((long) (left * 1000))),
                        left,
                        act.line().startsWith("running") ? "" : ", once running"));
            } else if (target != null && !running) {
                sb.append("  finished: all ").append(target).append(" iterations done\n");
            }
        }
        Path log = Files.isRegularFile(p.logFile(s)) ? p.logFile(s) : p.logs().resolve(s.name() + "-console.log");
        if (Files.isRegularFile(log) && lines > 0) {
            sb.append("  last lines of ").append(log).append(":\n");
            try {
                List<String> all = Files.readAllLines(log);
                for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
                    sb.append("    ").append(l).append('\n');
                }
            } catch (IOException e) {
                sb.append("    (unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
    }
}
