package org.diffract.spots;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.RankMain;

/**
 * The MPJ entry of the spots stage, started with {@code --config FILE [--threads T] [--status-file F]} (see
 * {@link RankMain}): FILE is a [spots] config, the user's or the resolved one {@code diffract spots} writes
 * beside the output ({@link SpotsOptions#write}); every rank reads it with {@link SpotsOptions#read}.
 */
public final class SpotsRankMain {
    private static final Logger LOG = LogManager.getLogger(SpotsRankMain.class);

    private SpotsRankMain() {}

    public static void main(String[] argv) {
        RankMain.run(argv, ctx -> {
            if (ctx.config() == null || !ctx.extraArgs().isEmpty()) {
                throw new UserError("the spots rank main takes --config FILE (a [spots] config) and no other argument"
                        + (ctx.extraArgs().isEmpty() ? "" : "; got " + String.join(" ", ctx.extraArgs())));
            }
            SpotsOptions o = SpotsOptions.read(ctx.config());
            try (LaueInput in = LaueInput.open(o.input())) {
                if (ctx.comm().rank() == 0) {
                    LOG.info(
                            "spots: {} on {} ranks x {} threads: {}",
                            o.input(),
                            ctx.comm().size(),
                            ctx.threads(),
                            in.series());
                }
                SpotsResult r = new SpotFinder(o, ctx.comm(), ctx.threads()).run(in);
                if (r != null) {
                    SpotsOutput.write(r, o, in);
                    LOG.info(
                            "spots: {} spots in {} frames ({} masks) written to {}",
                            r.numSpots(),
                            r.numFrames(),
                            r.numMasks(),
                            o.output());
                }
            }
        });
    }
}
