package org.diffract.spots;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.parallel.RankMain;

/**
 * The MPJ entry of the spots stage, started with {@code [--config FILE] --set key=value ... [--threads T]
 * [--status-file F]} (see {@link RankMain}); the keys are those of conf/spots.ini.
 */
public final class SpotsRankMain {
    private static final Logger LOG = LogManager.getLogger(SpotsRankMain.class);

    private SpotsRankMain() {
    }

    public static void main(String[] argv) {
        RankMain.run(argv, ctx -> {
            SpotsOptions o = SpotsOptions.resolve(ctx.config(), SpotsOptions.parseSetArgs(ctx.extraArgs()));
            try (LaueInput in = LaueInput.open(o.input())) {
                if (ctx.comm().rank() == 0) {
                    LOG.info("spots: {} on {} ranks x {} threads: {}", o.input(), ctx.comm().size(), ctx.threads(),
                            in.series());
                }
                SpotsResult r = new SpotFinder(o, ctx.comm(), ctx.threads()).run(in);
                if (r != null) {
                    SpotsOutput.write(r, o, in);
                    LOG.info("spots: {} spots in {} frames written to {}", r.numSpots(), r.series.numFrames(),
                            o.output());
                }
            }
        });
    }
}
