package org.diffract.core.parallel;

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
    private RankMain() {
    }

    /** What a stage's rank body receives. */
    public record Context(Communicator comm, Path config, int threads, boolean resume, List<String> extraArgs) {
    }

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
            body.run(new Context(MpjCommunicator.world(), config, threads, resume, extra));
            MPI.COMM_WORLD.Barrier();
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
