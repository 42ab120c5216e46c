package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.diffract.core.UserError;

/**
 * Starts a stage's MPJ rank main on this machine and turns its outcome into an exit code. The starter
 * always exits 0, so the ranks report through a status file; a missing status means the ranks died.
 */
public final class RankLauncher {
    private RankLauncher() {}

    /**
     * Where the ranks run: the multicore device of this machine, or MPJ daemons (niodev/hybdev) on the hosts
     * of a machines file, listening on {@code daemonPort}. {@code mpj} null = the located MPJ_HOME;
     * {@code sharedDir} is the working folder every host sees (status file, -wdir).
     */
    public record Placement(String device, Path machines, int daemonPort, MpjRuntime mpj, Path sharedDir) {
        public static Placement multicore() {
            return new Placement("multicore", null, 0, null, null);
        }
    }

    /** Runs the ranks with inherited stdout/stderr; returns 0 or throws UserError with the ranks' message. */
    public static int run(int ranks, int threads, String heap, Path logFile, String mainClass, List<String> args) {
        return run(Placement.multicore(), ranks, threads, heap, logFile, mainClass, args);
    }

    /** Seconds a rank's heartbeat may stay unchanged before the job is stopped (diffract.rank.timeout). */
    static long rankTimeoutSeconds() {
        return Long.getLong("diffract.rank.timeout", 30);
    }

    /**
     * Waits for the starter; stops the job (the starter's death makes the MPJ daemons end their ranks) when a
     * rank reported a failure but the others do not end within a grace time, or when a rank's heartbeat
     * stops. Returns why it stopped the job, or null when the ranks ended by themselves.
     */
    private static String watch(Process p, Path status) throws InterruptedException, IOException {
        long timeout = TimeUnit.SECONDS.toNanos(rankTimeoutSeconds());
        Map<Path, long[]> seen = new HashMap<>(); // file -> {last mtime, nanoTime it changed}
        long failedAt = 0;
        while (!p.waitFor(1, TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            if (Files.isRegularFile(status)) {
                String s = Files.readString(status).trim();
                if (!s.equals("0") && !s.isEmpty()) {
                    if (failedAt == 0) {
                        failedAt = now;
                    } else if (now - failedAt > timeout / 3) {
                        stop(p, status);
                        return null; // the status file tells what happened
                    }
                }
            }
            try (var files = Files.list(status.getParent())) {
                for (Path f : (Iterable<Path>) files.filter(
                        x -> x.getFileName().toString().startsWith(status.getFileName() + ".alive-"))::iterator) {
                    long mtime;
                    try {
                        mtime = Files.getLastModifiedTime(f).toMillis();
                    } catch (IOException gone) {
                        continue; // the rank finished and removed it
                    }
                    long[] last = seen.get(f);
                    if (last == null || last[0] != mtime) {
                        seen.put(f, new long[] {mtime, now});
                    } else if (now - last[1] > timeout) {
                        String name = f.getFileName().toString();
                        String rank = name.substring(name.lastIndexOf('-') + 1);
                        stop(p, status);
                        return "MPJ rank " + rank + " stopped responding for " + rankTimeoutSeconds() + " s (killed, "
                                + "out of memory, or its host failed); the job was stopped. The checkpoint of the last "
                                + "complete iteration is intact: continue with --resume";
                    }
                }
            }
        }
        return null;
    }

    /**
     * Ends the job: the stop file makes every live rank exit within a heartbeat (on any host, through the
     * shared folder), then the starter is ended (which also makes the MPJ daemons end their ranks).
     */
    private static void stop(Process p, Path status) throws InterruptedException {
        try {
            Files.writeString(status.resolveSibling(org.diffract.core.parallel.RankMain.STOP_FILE), "stop\n");
        } catch (IOException ignored) {
            // the starter is ended below all the same
        }
        Thread.sleep(2 * org.diffract.core.parallel.RankMain.HEARTBEAT_MS + 1000);
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    public static int run(
            Placement where, int ranks, int threads, String heap, Path logFile, String mainClass, List<String> args) {
        Path jar = AppJar.path();
        if (jar == null) {
            throw new UserError("diffract must run from launch/target/diffract.jar to start MPJ ranks; build it with "
                    + "'mvn -B -DskipTests package'");
        }
        MpjRuntime mpj = where.mpj() != null ? where.mpj() : MpjRuntime.locate();
        Path status;
        try {
            // on a cluster rank 0 may run on another host: its status file must be on the shared folder
            // a folder of its own: the ranks' heartbeat files go beside the status file
            Path statusDir = where.sharedDir() != null
                    ? Files.createTempDirectory(Files.createDirectories(where.sharedDir()), ".ranks-")
                    : Files.createTempDirectory("diffract-ranks-");
            status = statusDir.resolve("status");
        } catch (IOException e) {
            throw new UserError("cannot create a temporary file: " + e.getMessage());
        }
        List<String> jvm = new ArrayList<>();
        jvm.add("--add-modules=jdk.incubator.vector");
        // 2 MB pages for the heap (where the kernel allows them, madvise): a 3D model of 213^3 doubles spans
        // 19000 4 KB pages, and EMC's slicing and merging were three times slower from TLB misses alone
        jvm.add("-XX:+UseTransparentHugePages");
        if (heap != null) {
            jvm.add("-Xmx" + heap);
        }
        if (logFile != null) {
            jvm.add("-Ddiffract.log.file=" + logFile.toAbsolutePath());
        }
        String level = System.getProperty("diffract.log.level");
        if (level != null) {
            jvm.add("-Ddiffract.log.level=" + level);
        }
        List<String> rankArgs = new ArrayList<>(args);
        rankArgs.add("--threads");
        rankArgs.add(Integer.toString(threads));
        rankArgs.add("--status-file");
        rankArgs.add(status.toString());
        ProcessBuilder pb = new ProcessBuilder(
                where.machines() == null
                        ? mpj.multicoreCommand(ranks, jvm, jar, mainClass, rankArgs)
                        : mpj.clusterCommand(
                                where.device(),
                                ranks,
                                where.machines(),
                                where.daemonPort(),
                                where.sharedDir(),
                                jvm,
                                jar,
                                mainClass,
                                rankArgs));
        pb.environment().put("MPJ_HOME", mpj.home().toString());
        // the ranks' output passes through here: the starter relays each rank JVM's incubator-module notice
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        try {
            Process p = pb.start();
            Thread outRelay = IncubatorNoticeFilter.relay(p.getInputStream(), System.out);
            Thread errRelay = IncubatorNoticeFilter.relay(p.getErrorStream(), System.err);
            Path stopFile = status.resolveSibling(org.diffract.core.parallel.RankMain.STOP_FILE);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (p.isAlive()) {
                    // killed (Ctrl-C, scheduler's SIGTERM at wall time): ranks on other hosts end too
                    try {
                        Files.writeString(stopFile, "stop\n");
                    } catch (IOException ignored) {
                        // the starter's end still makes the daemons end their ranks
                    }
                    p.descendants().forEach(ProcessHandle::destroy);
                    p.destroy();
                }
            }));
            String stopped = watch(p, status);
            int rc = p.exitValue();
            outRelay.join(5000);
            errRelay.join(5000);
            String outcome =
                    Files.isRegularFile(status) ? Files.readString(status).trim() : null;
            Folders.deleteTree(status.getParent());
            if (stopped != null) {
                throw new UserError(stopped, 1, null);
            }
            if (outcome == null) {
                throw new UserError(
                        "the MPJ ranks ended without reporting (starter exit " + rc + "); see the log above", 1, null);
            }
            String s = outcome;
            if (s.equals("0")) {
                return 0;
            }
            int tab = s.indexOf('\t');
            int code = tab > 0 ? Integer.parseInt(s.substring(0, tab)) : 1;
            throw new UserError(tab > 0 ? s.substring(tab + 1) : s, code, null);
        } catch (IOException e) {
            throw new UserError("cannot start MPJ Express from " + mpj.home() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted", 130, null);
        }
    }
}
