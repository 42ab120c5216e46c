package org.diffract.launch;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffract refine merge}: cxi.merge-style scaling and merging of a CrystFEL stream with MPJ ranks. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Scale and merge serial crystallography reflections from a CrystFEL stream (cxi.merge mark0): "
                + "writes prefix.mtz, .hkl, .hkl1, .hkl2, _stats.txt and _stats.png.")
public final class RefineMergeCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "config file (see conf/refine-merge.ini)")
    Path config;

    @Option(names = "--ranks", description = "MPJ ranks (default: [main] n_processors, at most the cores)")
    Integer ranks;

    @Option(names = "--threads", description = "threads per rank (default: n_processors / ranks)")
    Integer threads;

    @Option(names = "--heap", description = "JVM heap for the ranks, e.g. 8g (default: the JVM's)")
    String heap;

    @Override
    public Integer call() {
        return XtalRunner.run(config, ranks, threads, heap, Stages.byName("refine-merge").rankMainClass());
    }
}
