package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.emc.EmcSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffract emc}: EMC reconstruction with MPJ ranks on this machine (multicore device). */
@Command(name = "emc", mixinStandardHelpOptions = true, subcommands = {EmcBenchCommand.class, EmcCompareCommand.class},
        description = "EMC 3D reconstruction of single-particle diffraction patterns.")
public final class EmcCommand implements Callable<Integer> {
    @Option(names = "--config", description = "EMC config file (see conf/emc.ini); required to run")
    Path config;

    @Option(names = "--ranks", defaultValue = "1", description = "MPJ ranks (default ${DEFAULT-VALUE})")
    int ranks;

    @Option(names = "--threads", description = "threads per rank (default: cores / ranks)")
    Integer threads;

    @Option(names = "--resume", description = "continue from the output folder's last complete checkpoint")
    boolean resume;

    @Option(names = "--heap", description = "JVM heap for the ranks, e.g. 8g (default: the JVM's)")
    String heap;

    @Override
    public Integer call() {
        if (config == null) {
            throw new UserError("give --config FILE (see conf/emc.ini), or a subcommand: bench, compare");
        }
        if (ranks < 1) {
            throw new UserError("--ranks must be >= 1");
        }
        int t = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / ranks);
        if (t < 1) {
            throw new UserError("--threads must be >= 1");
        }
        if (!Files.isRegularFile(config)) {
            throw new UserError(config + ": no such config file; copy conf/emc.ini or run 'diffract simulate'");
        }
        // Read the config here first: a bad key fails in a second, before any rank starts.
        EmcSettings settings = EmcSettings.read(config, t);
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
        return RankLauncher.run(ranks, t, heap, log, "org.diffract.emc.EmcRankMain", args);
    }
}
