package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.diffract.core.io.AtomicFiles;

/**
 * run/STAGE.job: the last scheduler job of a stage, as {@code key=value} lines. {@code diffract run
 * --submit} writes it with state {@code submitted}; the job script rewrites it when it starts
 * ({@code running}) and when it ends ({@code finished}, {@code failed} with the exit code, or
 * {@code stopped} by a signal). It stays after the job: status asks the scheduler about the id, and
 * falls back on the last state written here when the scheduler no longer knows the job.
 */
record JobRecord(String scheduler, String id, String host, String state, String exit, long time) {
    static final String SUBMITTED = "submitted";
    static final String RUNNING = "running";
    static final String FINISHED = "finished";
    static final String FAILED = "failed";
    static final String STOPPED = "stopped";

    /** The record, or empty when there is none or it cannot be read (a half-written one is never seen). */
    static Optional<JobRecord> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            String id = kv.get("id");
            String scheduler = kv.get("scheduler");
            if (id == null || id.isEmpty() || scheduler == null) {
                return Optional.empty();
            }
            long time = 0;
            try {
                time = Long.parseLong(kv.getOrDefault("time", "0"));
            } catch (NumberFormatException ignored) {
                // no time shown
            }
            return Optional.of(new JobRecord(
                    scheduler,
                    id,
                    kv.getOrDefault("host", ""),
                    kv.getOrDefault("state", RUNNING),
                    kv.getOrDefault("exit", ""),
                    time));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void write(Path file) {
        AtomicFiles.writeString(
                file,
                "scheduler=" + scheduler + "\nid=" + id + "\nhost=" + host + "\nstate=" + state + "\nexit=" + exit
                        + "\ntime=" + time + "\n");
    }

    /** The shell function the job scripts use to write this file atomically: {@code record STATE [EXIT]}. */
    static String shellFunction(String scheduler, String jobFile) {
        return "record() {\n"
                + "  printf 'scheduler=" + scheduler + "\\nid=%s\\nhost=%s\\nstate=%s\\nexit=%s\\ntime=%s\\n' \"$job\" "
                + "\"$(hostname)\" \"$1\" \"${2:-}\" \"$(date +%s)\" > \"" + jobFile + ".tmp.$$\"\n"
                + "  mv -f \"" + jobFile + ".tmp.$$\" \"" + jobFile + "\"\n"
                + "}\n";
    }
}
