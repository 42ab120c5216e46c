package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.correlate.CorrelateSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code diffract correlate}: SACLA RingData-style difference angular correlations with MPJ ranks on this
 * machine. Each step reads conf/correlate.ini-style settings; {@code --set section.key=value} overrides
 * any key. The ranks get the effective config written into the output folder.
 */
@Command(name = "correlate", mixinStandardHelpOptions = true, subcommands = {CorrelateBenchCommand.class},
        description = {"Ring-fit centring, polar resampling and difference angular correlations (SACLA RingData).",
            "Steps: center (beam centre from a ring), polar (shots onto q rings), pairs (which shots to difference),",
            "diffcorr (mean/variance of the correlations), run (all of them). Masks: 1 = good pixel, 0 = bad."})
public final class CorrelateCommand implements Runnable {
    static final String RANK_MAIN = "org.diffract.correlate.CorrelateRankMain";

    /** The options every step shares. */
    static final class RunOptions {
        @Option(names = "--config", required = true, description = "correlate config (see conf/correlate.ini)")
        Path config;

        @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE",
                description = "override a config key, e.g. --set polar.nphi=360 (repeatable)")
        List<String> overrides = new ArrayList<>();

        @Mixin
        RankOptions rank;
    }

    @Override
    public void run() {
        throw new UserError("name a step: center, polar, pairs, diffcorr, run (or bench); see 'diffract correlate --help'");
    }

    @Command(name = "center", mixinStandardHelpOptions = true,
            description = "Fit a circle (or ellipse) to a bright ring on the mean of num_shots shots after skip_dark "
                    + "(or of [center] tags): beam centre, radius, residual; center.h5 + PNG.")
    int center(@Mixin RunOptions o) {
        return launch("center", o);
    }

    @Command(name = "polar", mixinStandardHelpOptions = true,
            description = "Resample every shot onto rings qmin..qmax (1/A), normalise rings; polar.h5, polar.json "
                    + "(tag map) + PNG. Mask (1 = good) is resampled the same way.")
    int polar(@Mixin RunOptions o) {
        return launch("polar", o);
    }

    @Command(name = "pairs", mixinStandardHelpOptions = true,
            description = "Choose shot pairs (consecutive after skip_dark, [pairs] mode non_overlapping or "
                    + "overlapping, or [pairs] pairs_file JSON); pairs.json + pairs-settings.ini.")
    int pairs(@Mixin RunOptions o) {
        return launch("pairs", o);
    }

    @Command(name = "diffcorr", mixinStandardHelpOptions = true,
            description = "Mask-corrected difference angular correlations of pairs.json's pairs (made again if "
                    + "[input]/[pairs] changed since the pairs step) from polar.h5; correlations.h5 + PNG.")
    int diffcorr(@Mixin RunOptions o) {
        return launch("diffcorr", o);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "center (unless [geometry] x_center/y_center are set), polar, pairs, diffcorr.")
    int runAll(@Mixin RunOptions o) {
        return launch("run", o);
    }

    private static int launch(String step, RunOptions o) {
        Path effective = effectiveConfig(o.config, o.overrides);
        CorrelateSettings s = CorrelateSettings.read(effective);
        return o.rank.launch(s.outputFolder().resolve("diffract.log"), RANK_MAIN,
                List.of("--config", effective.toString(), step));
    }

    /**
     * Reads and checks the config with the overrides applied (a bad key fails here, before any rank starts)
     * and writes it, with absolute paths, into the output folder for the ranks.
     */
    static Path effectiveConfig(Path config, List<String> overrides) {
        if (!Files.isRegularFile(config)) {
            throw new UserError(config + ": no such config file; copy conf/correlate.ini and edit it");
        }
        IniConfig c = IniConfig.read(config);
        for (String o : overrides) {
            int dot = o.indexOf('.');
            int eq = o.indexOf('=');
            if (dot < 1 || eq < dot + 2) {
                throw new UserError("--set '" + o + "' must be section.key=value, e.g. --set polar.nphi=360");
            }
            c.set(o.substring(0, dot).trim(), o.substring(dot + 1, eq).trim(), o.substring(eq + 1).trim());
        }
        CorrelateSettings s = CorrelateSettings.from(c);
        // relative paths resolve against the original config's folder: make them absolute for the copy
        for (String key : CorrelateSettings.PATH_KEYS) {
            String section = key.substring(0, key.indexOf('.'));
            String name = key.substring(key.indexOf('.') + 1);
            Path p = c.getPath(section, name, null);
            if (p != null) {
                c.set(section, name, p.toAbsolutePath().toString());
            }
        }
        // the default output folder depends on where the config is: the copy names it explicitly
        c.set("output", "output_folder", s.outputFolder().toAbsolutePath().toString());
        s.createOutputFolder();
        Path effective = s.outputFolder().resolve("correlate-effective.ini").toAbsolutePath();
        c.write(effective);
        return effective;
    }
}
