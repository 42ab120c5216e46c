package org.diffract.refine.xtal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;

/**
 * What the launcher does before starting a merge or post-refinement: read and check every option once
 * (bad keys fail here, before any rank starts), apply the command's mode, turn n_processors into ranks x
 * threads unless the command line chose, create the output folder and write the checked options to
 * prefix_options.ini, the one file the ranks read.
 *
 * @param optionsFile the options as checked, for the ranks' --config
 * @param logFile     where the ranks' log goes (prefix.log)
 */
public record XtalLaunch(XtalSettings settings, int ranks, int threads, Path optionsFile, Path logFile) {
    /** The rank main the launcher starts. */
    public static final String RANK_MAIN = XtalRankMain.class.getName();

    public static XtalLaunch prepare(Path config, Mode mode, Integer ranks, Integer threads) {
        if (config == null) {
            throw new UserError("give --config FILE (see conf/refine-merge.ini or conf/refine-postrefine.ini, or a "
                    + "prime params.phil)");
        }
        XtalSettings s = XtalSettings.read(config, mode);
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
        } catch (IOException e) {
            throw new UserError("cannot create output folder " + out + ": " + e.getMessage());
        }
        Path options = s.output("_options.ini");
        AtomicFiles.writeString(options, s.toIni());
        return new XtalLaunch(s, r, t, options, s.output(".log"));
    }
}
