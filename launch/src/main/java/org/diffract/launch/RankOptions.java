package org.diffract.launch;

import java.nio.file.Path;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.stage.Stage;
import picocli.CommandLine.Option;

/**
 * The options every stage command has for its MPJ ranks on this machine, and the start of those ranks:
 * one place that checks them, sizes the heap from the stage's estimate and hands them to {@link RankLauncher}.
 */
public final class RankOptions {
    @Option(
            names = "--ranks",
            description = "MPJ ranks (default 1, or the config's process count where the stage "
                    + "has one, e.g. prime's n_processors)")
    Integer ranks;

    @Option(names = "--threads", description = "threads per rank (default: cores / ranks)")
    Integer threads;

    @Option(
            names = "--heap",
            description = "JVM heap for the ranks, e.g. 8g (default: from the stage's memory "
                    + "estimate where it has one, else the JVM's)")
    String heap;

    /** The ranks and threads of a run: as given, else from the stage's process count, else 1 x the cores. */
    record Shape(int ranks, int threads) {}

    Shape shape(Stage stage, IniConfig config) {
        int cores = Runtime.getRuntime().availableProcessors();
        int processes = 0;
        String key = stage.processesKey();
        if (key != null && ranks == null && threads == null) {
            String[] sk = key.split("\\.", 2);
            processes = config.getInt(sk[0], sk[1], 0);
        }
        int r = ranks != null ? ranks : processes > 0 ? Math.max(1, Math.min(processes, cores)) : 1;
        if (r < 1) {
            throw new UserError("--ranks must be >= 1");
        }
        int t = threads != null ? threads : processes > 0 ? Math.max(1, processes / r) : Math.max(1, cores / r);
        if (t < 1) {
            throw new UserError("--threads must be >= 1");
        }
        return new Shape(r, t);
    }

    /**
     * The heap for the JVM of a run, checked against the stage's estimate before anything is written: a run that
     * cannot fit is refused in one line.
     */
    String heap(Stage stage, IniConfig config, Shape shape) {
        // multicore ranks are threads of one JVM: its heap holds them all
        return HeapPlan.choose(
                heap, stage.heapBytes(config, shape.ranks(), shape.threads()), shape.ranks(), stage.name());
    }

    /** Starts the stage's rank main on this machine's multicore device; returns 0 or throws the ranks' error. */
    int launch(Stage stage, Shape shape, String xmx, Path logFile, List<String> args) {
        return RankLauncher.run(shape.ranks(), shape.threads(), xmx, logFile, stage.rankMainClass(), args);
    }
}
