package org.diffract.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real {@code launch/diffract} command as a user would, capturing its output, for the
 * integration tests. Tests run from the launch module folder, where the script lives.
 */
final class DiffractProcess {
    static final Path SCRIPT = Path.of("diffract").toAbsolutePath();

    record Result(int exitCode, String stdout, String stderr) {
        /** stderr lines a user would read: blank lines and the JVM's incubator notice left out. */
        List<String> errorLines() {
            List<String> out = new ArrayList<>();
            for (String l : stderr.split("\n")) {
                if (!l.isBlank() && !l.startsWith("WARNING: Using incubator modules")) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    private DiffractProcess() {}

    static ProcessBuilder builder(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(SCRIPT.toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        String mpj = System.getProperty("diffract.mpj.home");
        if (mpj != null) {
            pb.environment().put("DIFFRACT_MPJ_HOME", mpj);
        }
        return pb;
    }

    /**
     * Starts the command with the test pause hook (core's PausePoint) armed at {@code point} of {@code iteration} on
     * {@code rank}, and returns once the run stands there (its console goes to {@code log}); fails when the run ends
     * first or does not get there within 5 minutes.
     */
    static Process startPausedAt(Path workDir, List<String> args, String point, int iteration, int rank, Path log)
            throws Exception {
        Path paused = Path.of(log + ".paused");
        ProcessBuilder pb = builder(workDir, args.toArray(String[]::new))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("DIFFRACT_TEST_PAUSE", point + ":" + iteration + ":" + rank + ":" + paused);
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.exists(paused)) {
            if (!p.isAlive()) {
                throw new AssertionError(point + ": the run ended before reaching its pause: " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(point + ": no pause after 5 minutes");
            }
            Thread.sleep(50);
        }
        return p;
    }

    /** The names of the temporary files (AtomicFiles' NAME.tmp-PID-N) in {@code folder}, sorted; none if absent. */
    static List<String> temporaryFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(f -> f.getFileName().toString())
                    .filter(f -> f.contains(".tmp-"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * SIGKILL to the command's whole process tree (launcher, starter, rank JVMs) in one kill(1) call, so no process
     * of it sees another end first, as when a node dies; waits until all have ended. Returns how many there were.
     */
    static int killTree(Process p) throws Exception {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(p.toHandle());
        p.descendants().forEach(tree::add);
        List<String> cmd = new ArrayList<>(List.of("kill", "-KILL"));
        tree.forEach(h -> cmd.add(Long.toString(h.pid())));
        new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle h : tree) {
            h.onExit().get(30, TimeUnit.SECONDS);
        }
        return tree.size();
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), args);
    }

    /** Runs with extra environment variables (e.g. DIFFRACT_HOME pointing into a temporary folder). */
    static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder pb = builder(workDir, args);
        pb.environment().putAll(env);
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("diffract " + String.join(" ", args) + " did not finish in 15 minutes");
        }
        // the launcher filters stderr through a pipe: give it a moment to drain after the JVM exits
        Thread.sleep(200);
        Result r = new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }
}
