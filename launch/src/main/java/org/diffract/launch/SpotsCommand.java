package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.spots.SpotsOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code diffract spots}: LaueUtil's lu_hdf2spots with MPJ ranks on this machine. Its options, short and long,
 * are those of {@link SpotsOptions.Key} (added to the command when picocli builds it). The resolved options
 * are written beside the output ({@link SpotsOptions#optionsFile}) and the ranks read that file.
 */
@Command(name = "spots", mixinStandardHelpOptions = true, subcommands = {SpotsBenchCommand.class},
        modelTransformer = SpotsCommand.KeyOptions.class,
        description = "Find Laue spots in a frame time series (LaueUtil lu_hdf2spots).")
public final class SpotsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE__mccd.h5", description = "input frames")
    Path input;

    @Option(names = "--config", description = "spots config (see conf/spots.ini); options given here override it")
    Path config;

    @Mixin
    RankOptions rankOptions;

    /** One option per {@link SpotsOptions.Key}, with lu_hdf2spots' short and long names. */
    public static final class KeyOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (SpotsOptions.Key k : SpotsOptions.Key.values()) {
                if (k.shortOption() != null) {
                    spec.addOption(OptionSpec.builder(k.shortOption(), k.longOption()).paramLabel(k.label())
                            .description(k.help()).type(String.class).build());
                }
            }
            return spec;
        }
    }

    @Override
    public Integer call() {
        if (config != null && !Files.isRegularFile(config)) {
            throw new UserError(config + ": no such config file; copy conf/spots.ini");
        }
        Map<String, String> given = new LinkedHashMap<>();
        if (input != null) {
            given.put(SpotsOptions.Key.INPUT.key(), input.toString());
        }
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (SpotsOptions.Key k : SpotsOptions.Key.values()) {
            if (k.shortOption() != null && parsed.hasMatchedOption(k.shortOption())) {
                given.put(k.key(), parsed.matchedOptionValue(k.shortOption(), ""));
            }
        }
        // resolved and checked here: a bad option or missing input fails before any rank starts
        SpotsOptions opts = SpotsOptions.resolve(config == null ? null : config.toAbsolutePath(), given);
        if (!Files.isRegularFile(opts.input())) {
            throw new UserError(opts.input() + ": no such input file; give the LaueCollect FILE__mccd.h5");
        }
        Path folder = opts.output().getParent();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UserError("cannot create output folder " + folder + ": " + e.getMessage());
        }
        Path optionsFile = opts.optionsFile();
        opts.write(optionsFile);
        String name = opts.output().getFileName().toString();
        Path log = opts.output().resolveSibling((name.endsWith(".h5") ? name.substring(0, name.length() - 3) : name)
                + ".log");
        try {
            return rankOptions.launch(log, "org.diffract.spots.SpotsRankMain", List.of("--config", optionsFile.toString()));
        } catch (RuntimeException e) {
            // the run wrote no output: leave no record of options for it either
            try {
                Files.deleteIfExists(optionsFile);
            } catch (IOException ignored) {
                // the error below is what the user needs
            }
            throw e;
        }
    }
}
