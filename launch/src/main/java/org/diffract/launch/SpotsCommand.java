package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.spots.SpotsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code diffract spots}: LaueUtil's lu_hdf2spots with MPJ ranks on this machine. */
@Command(name = "spots", mixinStandardHelpOptions = true, subcommands = {SpotsBenchCommand.class},
        description = "Find Laue spots in a frame time series (LaueUtil lu_hdf2spots).")
public final class SpotsCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE__mccd.h5", description = "input frames")
    Path input;

    @Option(names = "-o", paramLabel = "FILE__spots.h5", description = "output (default: input with __spots.h5)")
    Path output;

    @Option(names = "-m", paramLabel = "n_removed|kruskal", description = "statistics method (default n_removed)")
    String method;

    @Option(names = "-n", description = "percent of largest values removed per pixel; 0 means 25 (default 25)")
    String nPercent;

    @Option(names = "-A", description = "Kruskal-Wallis significance level (default 0.05)")
    String alpha;

    @Option(names = "-c", description = "mask cutoff in standard deviations (default 3.0)")
    String cutoff;

    @Option(names = "-e", description = "erosions (default 1)")
    String erosions;

    @Option(names = "-d", description = "dilations (default 2)")
    String dilations;

    @Option(names = "-s", paramLabel = "rank,connectivity", description = "structure (default 2,2)")
    String structure;

    @Option(names = "-a", description = "minimum distinct angles (default 10)")
    String minAngles;

    @Option(names = "-S", paramLabel = "none|pairs|blocks", description = "mask sync (default none)")
    String sync;

    @Option(names = "-C", paramLabel = "gzip|none", description = "output compression (default gzip)")
    String compression;

    @Option(names = "--config", description = "spots config (see conf/spots.ini); options above override it")
    Path config;

    @Mixin
    RankOptions rankOptions;

    @Override
    public Integer call() {
        if (config != null && !Files.isRegularFile(config)) {
            throw new UserError(config + ": no such config file; copy conf/spots.ini");
        }
        Map<String, String> o = new LinkedHashMap<>();
        if (input != null) {
            o.put("input", input.toAbsolutePath().toString());
        }
        if (output != null) {
            o.put("output", output.toAbsolutePath().toString());
        }
        put(o, "method", method);
        put(o, "n_percent", nPercent);
        put(o, "alpha", alpha);
        put(o, "cutoff", cutoff);
        put(o, "erosions", erosions);
        put(o, "dilations", dilations);
        put(o, "structure", structure);
        put(o, "min_angles", minAngles);
        put(o, "sync", sync);
        put(o, "compression", compression);
        // resolve here first: a bad option or missing input fails before any rank starts
        SpotsOptions opts = SpotsOptions.resolve(config == null ? null : config.toAbsolutePath(), o);
        if (!Files.isRegularFile(opts.input())) {
            throw new UserError(opts.input() + ": no such input file; give the LaueCollect FILE__mccd.h5");
        }
        List<String> args = new ArrayList<>(opts.asArgs());
        String name = opts.output().getFileName().toString();
        Path log = opts.output().resolveSibling((name.endsWith(".h5") ? name.substring(0, name.length() - 3) : name)
                + ".log");
        return rankOptions.launch(log.toAbsolutePath(), Stages.byName("spots").rankMainClass(), args);
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
