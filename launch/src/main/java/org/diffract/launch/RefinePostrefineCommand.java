package org.diffract.launch;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffract refine postrefine}: prime-style post-refinement and merging of a CrystFEL stream. */
@Command(name = "postrefine", mixinStandardHelpOptions = true,
        description = "Post-refine partial serial crystallography data (prime: scale, B, orientation, reflecting "
                + "range, cell with Lorentzian partiality) alternating with merging; outputs as merge plus "
                + "prefix_postref.txt.")
public final class RefinePostrefineCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "config file (see conf/refine-postrefine.ini)")
    Path config;

    @Option(names = "--ranks", description = "MPJ ranks (default: [main] n_processors, at most the cores)")
    Integer ranks;

    @Option(names = "--threads", description = "threads per rank (default: n_processors / ranks)")
    Integer threads;

    @Option(names = "--heap", description = "JVM heap for the ranks, e.g. 8g (default: the JVM's)")
    String heap;

    @Override
    public Integer call() {
        return XtalRunner.run(config, ranks, threads, heap, Stages.byName("refine-postrefine").rankMainClass());
    }
}
