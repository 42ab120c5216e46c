package org.diffract.refine.xtal;

import org.diffract.core.UserError;
import org.diffract.core.parallel.RankMain;

/**
 * The MPJ entry of {@code diffract refine merge} and {@code diffract refine postrefine}: one call per rank,
 * started by MPJ Express's starter with {@code --config FILE [--threads T] [--status-file F]} (see
 * {@link RankMain}). The config's [main] mode says which; the launcher writes it.
 */
public final class XtalRankMain {
    private XtalRankMain() {}

    public static void main(String[] argv) {
        RankMain.run(argv, ctx -> {
            if (ctx.config() == null) {
                throw new UserError("no --config given to the refine merge/postrefine rank main");
            }
            if (!ctx.extraArgs().isEmpty()) {
                throw new UserError("unknown argument '" + ctx.extraArgs().get(0) + "' for the refine rank main");
            }
            new XtalRun(XtalSettings.read(ctx.config()), ctx.comm(), ctx.threads()).run();
        });
    }
}
