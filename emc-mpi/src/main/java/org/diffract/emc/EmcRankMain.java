package org.diffract.emc;

import java.nio.file.Path;

import mpi.MPI;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;
import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.parallel.MpjCommunicator;

/**
 * The MPJ entry of the EMC stage: one call per rank, started by MPJ Express's starter. Arguments after
 * MPJ's: {@code --config FILE [--threads T] [--resume] [--status-file F]}. MPJ's starter does not pass a
 * rank's exit code on, so the outcome is written to the status file ("0" or "code<TAB>message") for the
 * launcher to report. Any failure is caught here: an uncaught exception in one multicore rank would hang
 * the others.
 */
public final class EmcRankMain {
    private EmcRankMain() {
    }

    public static void main(String[] argv) {
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
            // multicore ranks have their own log4j2 contexts: keep the console to rank 0's story
            Configurator.setRootLevel(Level.WARN);
        }
        Logger log = LogManager.getLogger(EmcRankMain.class);
        Path status = null;
        try {
            Path config = null;
            int threads = Runtime.getRuntime().availableProcessors();
            boolean resume = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--config" -> config = Path.of(args[++i]);
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--resume" -> resume = true;
                    case "--status-file" -> status = Path.of(args[++i]);
                    default -> throw new UserError("unknown argument '" + args[i] + "' for the EMC rank main");
                }
            }
            if (config == null) {
                throw new UserError("no --config given to the EMC rank main");
            }
            EmcSettings settings = EmcSettings.read(config, threads);
            new EmcRun(settings, MpjCommunicator.world()).run(resume);
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

    private static void fail(Path status, int code, String message, int rank, Logger log, Throwable t) {
        if (t != null) {
            log.error("rank {} failed", rank, t);
        }
        if (status != null) {
            try {
                AtomicFiles.writeString(status, code + "\t" + message.replace('\n', ' ') + "\n");
            } catch (RuntimeException ignored) {
                // the launcher then reports a missing status; nothing better to do here
            }
        } else {
            System.err.println("error: " + message);
        }
        System.exit(code);
    }
}
