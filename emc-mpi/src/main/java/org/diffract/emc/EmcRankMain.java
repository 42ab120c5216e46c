package org.diffract.emc;

import org.diffract.core.UserError;
import org.diffract.core.parallel.RankMain;

/**
 * The MPJ entry of the EMC stage: one call per rank, started by MPJ Express's starter with
 * {@code --config FILE [--threads T] [--resume] [--status-file F]} (see {@link RankMain}).
 */
public final class EmcRankMain {
    private EmcRankMain() {}

    public static void main(String[] argv) {
        RankMain.run(argv, ctx -> {
            if (ctx.config() == null) {
                throw new UserError("no --config given to the EMC rank main");
            }
            if (!ctx.extraArgs().isEmpty()) {
                throw new UserError("unknown argument '" + ctx.extraArgs().get(0) + "' for the EMC rank main");
            }
            EmcSettings settings = EmcSettings.read(ctx.config(), ctx.threads());
            new EmcRun(settings, ctx.comm()).run(ctx.resume());
        });
    }
}
