package org.diffract.refine.xtal;

import org.diffract.core.UserError;
import org.diffract.core.parallel.RankMain;

/**
 * The MPJ entry of {@code diffract refine merge}: one call per rank, started by MPJ Express's starter with
 * {@code --config FILE [--threads T] [--status-file F]} (see {@link RankMain}).
 */
public final class MergeRankMain {
    private MergeRankMain() {
    }

    public static void main(String[] argv) {
        RankMain.run(argv, ctx -> {
            if (ctx.config() == null) {
                throw new UserError("no --config given to the merge rank main");
            }
            if (!ctx.extraArgs().isEmpty()) {
                throw new UserError("unknown argument '" + ctx.extraArgs().get(0) + "' for the merge rank main");
            }
            new MergeRun(XtalSettings.read(ctx.config()), ctx.comm()).run();
        });
    }
}
