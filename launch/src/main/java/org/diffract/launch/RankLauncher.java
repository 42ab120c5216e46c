package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.diffract.core.UserError;

/**
 * Starts a stage's MPJ rank main on this machine and turns its outcome into an exit code. The starter
 * always exits 0, so the ranks report through a status file; a missing status means the ranks died.
 */
public final class RankLauncher {
    private RankLauncher() {
    }

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

    public static int run(Placement where, int ranks, int threads, String heap, Path logFile, String mainClass,
                          List<String> args) {
        Path jar = AppJar.path();
        if (jar == null) {
            throw new UserError("diffract must run from launch/target/diffract.jar to start MPJ ranks; build it with "
                    + "'mvn -B -DskipTests package'");
        }
        MpjRuntime mpj = where.mpj() != null ? where.mpj() : MpjRuntime.locate();
        Path status;
        try {
            // on a cluster rank 0 may run on another host: its status file must be on the shared folder
            status = where.sharedDir() != null
                    ? Files.createTempFile(Files.createDirectories(where.sharedDir()), ".status-", ".txt")
                    : Files.createTempFile("diffract-status", ".txt");
            Files.delete(status);
        } catch (IOException e) {
            throw new UserError("cannot create a temporary file: " + e.getMessage());
        }
        List<String> jvm = new ArrayList<>();
        jvm.add("--add-modules=jdk.incubator.vector");
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
        ProcessBuilder pb = new ProcessBuilder(where.machines() == null
                ? mpj.multicoreCommand(ranks, jvm, jar, mainClass, rankArgs)
                : mpj.clusterCommand(where.device(), ranks, where.machines(), where.daemonPort(), where.sharedDir(), jvm,
                        jar, mainClass, rankArgs));
        pb.environment().put("MPJ_HOME", mpj.home().toString());
        pb.inheritIO();
        try {
            Process p = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (p.isAlive()) {
                    p.descendants().forEach(ProcessHandle::destroy);
                    p.destroy();
                }
            }));
            int rc = p.waitFor();
            if (!Files.isRegularFile(status)) {
                throw new UserError("the MPJ ranks ended without reporting (starter exit " + rc + "); see the log above",
                        1, null);
            }
            String s = Files.readString(status).trim();
            Files.deleteIfExists(status);
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
