package org.diffract.refine.xtal;

import org.diffract.core.UserError;
import org.diffract.core.parallel.RankMain;

/**
 * The MPJ entry of {@code diffract refine postrefine}: one call per rank, started by MPJ Express's starter
 * with {@code --config FILE [--threads T] [--status-file F]}; the threads share the rank's crystals.
 */
public final class PostrefineRankMain {
    private PostrefineRankMain() {
    }

    public static void main(String[] argv) {
        RankMain.run(argv, ctx -> {
            if (ctx.config() == null) {
                throw new UserError("no --config given to the postrefine rank main");
            }
            if (!ctx.extraArgs().isEmpty()) {
                throw new UserError("unknown argument '" + ctx.extraArgs().get(0) + "' for the postrefine rank main");
            }
            new PostrefineRun(XtalSettings.read(ctx.config()), ctx.comm(), ctx.threads()).run();
        });
    }
}
