package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.refine.xtal.XtalSettings;

/**
 * Starts a serial-crystallography refine stage (merge or postrefine) on this machine: reads the config
 * first so a bad key fails before any rank starts, turns n_processors into ranks x threads unless the
 * command line chose, and runs the rank main through {@link RankLauncher}.
 */
final class XtalRunner {
    private XtalRunner() {
    }

    static int run(Path config, Integer ranks, Integer threads, String heap, String mainClass) {
        if (config == null) {
            throw new UserError("give --config FILE (see conf/refine-merge.ini or conf/refine-postrefine.ini)");
        }
        XtalSettings s = XtalSettings.read(config);
        int cores = Runtime.getRuntime().availableProcessors();
        int r = ranks != null ? ranks : Math.max(1, Math.min(s.nProcessors(), cores));
        if (r < 1) {
            throw new UserError("--ranks must be >= 1");
        }
        int t = threads != null ? threads : Math.max(1, s.nProcessors() / r);
        if (t < 1) {
            throw new UserError("--threads must be >= 1");
        }
        Path out = s.outputFolder();
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new UserError("cannot create output folder " + out + ": " + e.getMessage());
        }
        Path log = s.output(".log");
        return RankLauncher.run(r, t, heap, log, mainClass, List.of("--config", config.toAbsolutePath().toString()));
    }
}
