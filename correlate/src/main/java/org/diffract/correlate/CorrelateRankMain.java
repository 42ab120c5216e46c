package org.diffract.correlate;

import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.parallel.RankMain;

/**
 * The MPJ entry of the correlate stage: {@code --config FILE [--threads T] [--status-file F] [STEP]} with
 * STEP one of center, polar, pairs, diffcorr, run (the default).
 */
public final class CorrelateRankMain {
    private CorrelateRankMain() {}

    public static void main(String[] argv) {
        RankMain.run(argv, ctx -> {
            if (ctx.config() == null) {
                throw new UserError("no --config given to the correlate rank main");
            }
            List<String> extra = ctx.extraArgs();
            if (extra.size() > 1) {
                throw new UserError("unknown argument '" + extra.get(1) + "' for the correlate rank main");
            }
            CorrelateStep step = extra.isEmpty() ? CorrelateStep.RUN : CorrelateStep.parse(extra.get(0));
            try (CorrelateRun run = new CorrelateRun(CorrelateSettings.read(ctx.config()), ctx.comm(), ctx.threads())) {
                run.step(step);
            }
        });
    }
}
