package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.emc.EmcSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code diffract emc}: EMC reconstruction with MPJ ranks on this machine (multicore device). */
@Command(name = "emc", mixinStandardHelpOptions = true, subcommands = {EmcBenchCommand.class, EmcCompareCommand.class},
        description = "EMC 3D reconstruction of single-particle diffraction patterns.")
public final class EmcCommand implements Callable<Integer> {
    @Option(names = "--config", description = "EMC config file (see conf/emc.ini); required to run")
    Path config;

    @Mixin
    RankOptions rankOptions;

    @Option(names = "--resume", description = "continue from the output folder's last complete checkpoint")
    boolean resume;


    @Override
    public Integer call() {
        if (config == null) {
            throw new UserError("give --config FILE (see conf/emc.ini), or a subcommand: bench, compare");
        }
        int t = rankOptions.threads();
        if (!Files.isRegularFile(config)) {
            throw new UserError(config + ": no such config file; copy conf/emc.ini or run 'diffract simulate'");
        }
        // Read the config here first: a bad key fails in a second, before any rank starts.
        EmcSettings settings = EmcSettings.read(config, t);
        // The memory check reads the data: a run that cannot fit is refused before anything is written.
        String xmx = EmcHeap.choose(settings, rankOptions.ranks(), t, rankOptions.heap);
        List<String> args = new ArrayList<>(List.of("--config", config.toAbsolutePath().toString()));
        if (resume) {
            args.add("--resume");
        }
        Path log = settings.outputFolder().resolve("diffract.log");
        try {
            Files.createDirectories(settings.outputFolder());
        } catch (java.io.IOException e) {
            throw new UserError("cannot create output folder " + settings.outputFolder() + ": " + e.getMessage());
        }
        return RankLauncher.run(rankOptions.ranks(), t, xmx, log, "org.diffract.emc.EmcRankMain", args);
    }
}
