package org.diffract.launch;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the scheduler says about a job: SLURM through {@code squeue} (every state, while slurmctld keeps the
 * record: MinJobAge, 300 s by default), then {@code scontrol show job}, then {@code sacct} (only where
 * accounting is on); PBS (Torque or PBS Pro) through {@code qstat -f}, then {@code qstat -x -f} (PBS Pro's
 * finished jobs). Empty when no command knows the job or none is installed here.
 */
final class SchedulerQuery {
    /** The five words status shows, plus the scheduler's own word and reason for the details. */
    enum Phase {
        PENDING("pending"),
        RUNNING("running"),
        FINISHED("finished"),
        FAILED("failed"),
        CANCELLED("cancelled");

        final String word;

        Phase(String word) {
            this.word = word;
        }
    }

    record Answer(Phase phase, String detail) {}

    /** Runs a command and returns its stdout when it exits 0 (empty when missing, failing or slow). */
    interface Shell {
        Optional<String> run(List<String> command);
    }

    static final Shell SYSTEM = command -> {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    };

    /** Whether a command is on this machine's PATH. */
    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private final Shell shell;
    private final Predicate<String> installed;

    SchedulerQuery(Shell shell, Predicate<String> installed) {
        this.shell = shell;
        this.installed = installed;
    }

    static SchedulerQuery system() {
        return new SchedulerQuery(SYSTEM, SchedulerQuery::onPath);
    }

    /** Whether this machine can ask the scheduler at all (its query command is installed). */
    boolean canAsk(String scheduler) {
        return installed.test(scheduler.equals("pbs") ? "qstat" : "squeue");
    }

    Optional<Answer> ask(String scheduler, String id) {
        return scheduler.equals("pbs") ? pbs(id) : slurm(id);
    }

    private Optional<Answer> slurm(String id) {
        Optional<String> q = shell.run(List.of("squeue", "-h", "-j", id, "--states=all", "-o", "%T|%r"));
        if (q.isPresent() && !q.get().isBlank()) {
            String[] f = q.get().trim().split("\n")[0].split("\\|", 2);
            return Optional.of(slurmState(f[0], f.length > 1 ? f[1] : "", ""));
        }
        Optional<String> c = shell.run(List.of("scontrol", "show", "job", "-o", id));
        if (c.isPresent()) {
            String state = field(c.get(), "JobState");
            if (state != null) {
                return Optional.of(slurmState(state, field(c.get(), "Reason"), field(c.get(), "ExitCode")));
            }
        }
        Optional<String> a = shell.run(List.of("sacct", "-n", "-X", "-P", "-j", id, "-o", "State,ExitCode"));
        if (a.isPresent() && !a.get().isBlank()) {
            String[] f = a.get().trim().split("\n")[0].split("\\|", 2);
            // sacct writes "CANCELLED by 0"
            return Optional.of(slurmState(f[0].split(" ")[0], "", f.length > 1 ? f[1] : ""));
        }
        return Optional.empty();
    }

    private static String field(String text, String key) {
        Matcher m = Pattern.compile("(?:^|\\s)" + key + "=(\\S*)").matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** SLURM's job states (squeue(1) "JOB STATE CODES") as one of the five phases. */
    static Answer slurmState(String state, String reason, String exitCode) {
        String s = state.trim().toUpperCase(Locale.ROOT);
        String r = reason == null || reason.isBlank() || reason.equals("None") ? "" : reason.trim();
        String e = exitCode == null || exitCode.isBlank() ? "" : ", exit " + exitCode.trim();
        return switch (s) {
            case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "CONFIGURING" ->
                new Answer(Phase.PENDING, "SLURM " + s + (r.isEmpty() ? "" : ", reason " + r));
            case "RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING", "SUSPENDED", "STOPPED" ->
                new Answer(Phase.RUNNING, "SLURM " + s);
            case "COMPLETED" -> new Answer(Phase.FINISHED, "SLURM COMPLETED");
            case "CANCELLED" -> new Answer(Phase.CANCELLED, "SLURM CANCELLED");
            default -> new Answer(Phase.FAILED, "SLURM " + s + (r.isEmpty() ? "" : ", reason " + r) + e);
        };
    }

    private Optional<Answer> pbs(String id) {
        Optional<String> q = shell.run(List.of("qstat", "-f", id));
        if (q.isEmpty() || pbsField(q.get(), "job_state") == null) {
            q = shell.run(List.of("qstat", "-x", "-f", id));
        }
        if (q.isEmpty()) {
            return Optional.empty();
        }
        String state = pbsField(q.get(), "job_state");
        if (state == null) {
            return Optional.empty();
        }
        String exit = pbsField(q.get(), "exit_status");
        return Optional.of(pbsState(state, exit));
    }

    /** {@code key = value} of qstat -f (either case of the key), or Torque's XML form of -x. */
    private static String pbsField(String text, String key) {
        Matcher m = Pattern.compile("(?im)^\\s*" + key + "\\s*=\\s*(\\S+)").matcher(text);
        if (m.find()) {
            return m.group(1);
        }
        Matcher x = Pattern.compile("(?i)<" + key + ">([^<]*)</" + key + ">").matcher(text);
        return x.find() ? x.group(1).trim() : null;
    }

    /**
     * PBS job_state letters: Q, H, W, T queued, held, waiting, moving; R, E, B, S running, exiting, array
     * begun, suspended; C (Torque) and F (PBS Pro) ended, with exit_status: 0 done, >= 256 killed by
     * signal exit - 256 (qdel, walltime), other values failed.
     */
    static Answer pbsState(String state, String exitStatus) {
        String s = state.trim().toUpperCase(Locale.ROOT);
        switch (s) {
            case "Q", "H", "W", "T":
                return new Answer(Phase.PENDING, "PBS state " + s);
            case "R", "E", "B", "S", "U":
                return new Answer(Phase.RUNNING, "PBS state " + s);
            default:
                break;
        }
        int code;
        try {
            code = Integer.parseInt(exitStatus == null ? "" : exitStatus.trim());
        } catch (NumberFormatException e) {
            return new Answer(Phase.FAILED, "PBS state " + s + ", no exit status");
        }
        if (code == 0) {
            return new Answer(Phase.FINISHED, "PBS state " + s + ", exit 0");
        }
        if (code >= 256) {
            return new Answer(Phase.CANCELLED, "PBS state " + s + ", killed by signal " + (code - 256));
        }
        return new Answer(Phase.FAILED, "PBS state " + s + ", exit " + code);
    }
}
