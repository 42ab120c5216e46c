package org.diffract.core.parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mpi.MPI;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;
import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;

/**
 * What every stage's MPJ entry point does around its work: start MPJ, read the common arguments
 * ({@code --config FILE --threads T --resume --status-file F}; anything else is handed to the stage),
 * keep the console to rank 0's story, and turn the outcome into a status file, because MPJ's starter
 * does not pass a rank's exit code on. Any failure is caught here: an uncaught exception in one
 * multicore rank would hang the others.
 */
public final class RankMain {
    private RankMain() {}

    /** What a stage's rank body receives. */
    public record Context(Communicator comm, Path config, int threads, boolean resume, List<String> extraArgs) {}

    @FunctionalInterface
    public interface Body {
        void run(Context context) throws Exception;
    }

    /** Call from a stage's {@code main(String[])}; never returns normally on failure (exits the JVM). */
    public static void run(String[] argv, Body body) {
        String[] args;
        try {
            args = MPI.Init(argv);
        } catch (Exception e) {
            System.err.println("error: MPJ Express failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        int rank = MPI.COMM_WORLD.Rank();
        if (rank != 0) {
            // multicore ranks have their own log4j2 contexts: only rank 0 talks at INFO
            Configurator.setRootLevel(Level.WARN);
        }
        Logger log = LogManager.getLogger(RankMain.class);
        Path status = null;
        try {
            Path config = null;
            int threads = Runtime.getRuntime().availableProcessors();
            boolean resume = false;
            List<String> extra = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--config" -> config = Path.of(value(args, ++i, "--config"));
                    case "--threads" -> threads = parseThreads(value(args, ++i, "--threads"));
                    case "--resume" -> resume = true;
                    case "--status-file" -> status = Path.of(value(args, ++i, "--status-file"));
                    default -> extra.add(args[i]);
                }
            }
            Thread heartbeat = status == null ? null : heartbeat(heartbeatFile(status, rank));
            body.run(new Context(MpjCommunicator.world(), config, threads, resume, extra));
            MPI.COMM_WORLD.Barrier();
            if (heartbeat != null) {
                heartbeat.interrupt();
                heartbeat.join(1000);
                Files.deleteIfExists(heartbeatFile(status, rank));
            }
            if (rank == 0 && status != null) {
                AtomicFiles.writeString(status, "0\n");
            }
            MPI.Finalize();
        } catch (UserError e) {
            fail(status, e.exitCode(), e.getMessage(), rank, log, null);
        } catch (Throwable e) {
            fail(status, 1, "internal error: " + e, rank, log, e);
        }
    }

    /** Beside the status file: rank r touches it every {@value #HEARTBEAT_MS} ms while it lives. */
    public static Path heartbeatFile(Path status, int rank) {
        return status.resolveSibling(status.getFileName() + ".alive-" + rank);
    }

    public static final long HEARTBEAT_MS = 2000;

    /*
     * A rank killed by a signal, the OOM killer or a dead host cannot report; the peers then wait forever in
     * a collective (niodev does not notice). The launcher watches these files and stops the job when one
     * goes stale, so a dead rank ends the job in bounded time instead of hanging it.
     */
    private static Thread heartbeat(Path file) {
        Path stop = file.resolveSibling(STOP_FILE);
        Thread t = new Thread(
                () -> {
                    boolean wrote = false;
                    while (!Thread.currentThread().isInterrupted()) {
                        // the launcher asks every rank to end (a peer died): MPJ cannot be left cleanly then
                        if (Files.exists(stop)) {
                            System.err.println("error: stopped by the launcher: another rank of this job failed");
                            Runtime.getRuntime().halt(3);
                        }
                        try {
                            Files.writeString(file, Long.toString(System.currentTimeMillis()));
                            wrote = true;
                        } catch (IOException | RuntimeException e) {
                            if (wrote) {
                                // our folder is gone: the launcher ended and cleaned up, nobody waits for this rank
                                Runtime.getRuntime().halt(3);
                            }
                            return; // never reachable (no shared folder): the launcher relies on the status file alone
                        }
                        try {
                            Thread.sleep(HEARTBEAT_MS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "diffract-heartbeat");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Written by the launcher beside the status file to make every rank of the job exit. */
    public static final String STOP_FILE = "stop";

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new UserError(name + " needs a value");
        }
        return args[i];
    }

    private static int parseThreads(String s) {
        try {
            int t = Integer.parseInt(s);
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserError("--threads '" + s + "' must be a whole number >= 1");
    }

    private static void fail(Path status, int code, String message, int rank, Logger log, Throwable t) {
        if (t != null) {
            log.error("rank {} failed", rank, t);
        }
        if (status != null) {
            try {
                AtomicFiles.writeString(status, code + "\t" + message.replace('\n', ' ') + "\n");
            } catch (RuntimeException ignored) {
                // the launcher then reports that the ranks ended without a status
            }
        } else {
            System.err.println("error: " + message);
        }
        System.exit(code);
    }
}
