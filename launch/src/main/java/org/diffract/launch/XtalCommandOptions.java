package org.diffract.launch;

import java.nio.file.Path;
import java.util.List;

import org.diffract.refine.xtal.Mode;
import org.diffract.refine.xtal.XtalLaunch;
import picocli.CommandLine.Option;

/**
 * The options of {@code diffract refine merge} and {@code diffract refine postrefine}, and their one run
 * path: the module checks the config and writes the options file ({@link XtalLaunch}), the ranks start here.
 * --ranks/--threads default to the config's n_processors, as prime's does.
 */
public final class XtalCommandOptions {
    @Option(names = "--config", required = true,
            description = "config file (conf/refine-merge.ini, conf/refine-postrefine.ini) or a prime params.phil")
    Path config;

    @Option(names = "--ranks", description = "MPJ ranks (default: [main] n_processors, at most the cores)")
    Integer ranks;

    @Option(names = "--threads", description = "threads per rank (default: n_processors / ranks)")
    Integer threads;

    @Option(names = "--heap", description = "JVM heap for the ranks, e.g. 8g (default: the JVM's)")
    String heap;

    int run(Mode mode) {
        XtalLaunch plan = XtalLaunch.prepare(config, mode, ranks, threads);
        return RankLauncher.run(plan.ranks(), plan.threads(), heap, plan.logFile(), XtalLaunch.RANK_MAIN,
                List.of("--config", plan.optionsFile().toString()));
    }
}
