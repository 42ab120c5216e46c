package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.stage.Stage;

/**
 * run/STAGE.pid: "pid start-millis host" of the launcher running a stage of a project. The start time guards
 * against a recycled pid; one live run per project and stage keeps two runs from writing one output folder.
 * A pid is only checked on the host that wrote it: a cluster job's launcher runs on a compute node, where
 * the scheduler (run/STAGE.job), not this file, tells whether it runs.
 */
final class PidFile {
    private final Path file;
    private final long pid;

    private PidFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    /** Fails when another live process holds the file; otherwise writes this process into it. */
    static PidFile claim(Path file, Stage stage) {
        ProcessHandle me = ProcessHandle.current();
        Optional<ProcessHandle> other = running(file);
        if (other.isPresent() && other.get().pid() != me.pid()) {
            throw busy(file, stage, other.get());
        }
        write(file, me);
        return new PidFile(file, me.pid());
    }

    static void checkFree(Path file, Stage stage) {
        Optional<ProcessHandle> other = running(file);
        if (other.isPresent()) {
            throw busy(file, stage, other.get());
        }
    }

    private static UserError busy(Path file, Stage stage, ProcessHandle h) {
        return new UserError(stage.name() + " is already running in this project (pid " + h.pid() + ", " + file
                + "); wait for it or stop it with 'kill " + h.pid() + "'");
    }

    static void write(Path file, ProcessHandle h) {
        long start = h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        AtomicFiles.writeString(file, h.pid() + " " + start + " " + Hosts.local() + "\n");
    }

    /** Deletes the file if it still names this process. */
    void release() {
        try {
            Optional<long[]> v = read(file);
            if (v.isPresent() && v.get()[0] == pid) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a stale pid file is recognised as stale by running()
        }
    }

    /** The live process the file names, if any. */
    static Optional<ProcessHandle> running(Path file) {
        Optional<long[]> v = read(file);
        if (v.isEmpty() || !onThisHost(file)) {
            return Optional.empty();
        }
        long pid = v.get()[0];
        long start = v.get()[1];
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> start == 0
                        || h.info()
                                .startInstant()
                                .map(i -> Math.abs(i.toEpochMilli() - start) < 2000)
                                .orElse(true));
    }

    /** True for a file written on this host, or by a version that wrote no host. */
    private static boolean onThisHost(Path file) {
        try {
            String[] f = Files.readString(file).trim().split("\\s+");
            return f.length < 3 || f[2].equals(Hosts.local());
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<long[]> read(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String[] f = Files.readString(file).trim().split("\\s+");
            return Optional.of(new long[] {Long.parseLong(f[0]), f.length > 1 ? Long.parseLong(f[1]) : 0});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
