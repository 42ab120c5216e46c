package org.diffract.launch;

import java.nio.file.Path;
import java.util.List;

import org.diffract.core.UserError;
import picocli.CommandLine.Option;

/**
 * The options every stage command has for its MPJ ranks on this machine, and the start of those ranks:
 * one place that checks them and hands them to {@link RankLauncher}.
 */
public final class RankOptions {
    @Option(names = "--ranks", defaultValue = "1", description = "MPJ ranks (default ${DEFAULT-VALUE})")
    int ranks;

    @Option(names = "--threads", description = "threads per rank (default: cores / ranks)")
    Integer threads;

    @Option(names = "--heap", description = "JVM heap for the ranks, e.g. 8g (default: the JVM's)")
    String heap;

    public int ranks() {
        if (ranks < 1) {
            throw new UserError("--ranks must be >= 1");
        }
        return ranks;
    }

    /** Threads per rank: as given, else the cores shared out among the ranks. */
    public int threads() {
        int t = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / ranks());
        if (t < 1) {
            throw new UserError("--threads must be >= 1");
        }
        return t;
    }

    /** Starts {@code mainClass} on these ranks and returns 0, or throws the ranks' one-line error. */
    public int launch(Path logFile, String mainClass, List<String> args) {
        return RankLauncher.run(ranks(), threads(), heap, logFile, mainClass, args);
    }
}
