package org.diffract.correlate;

import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;

/**
 * The {@code pairs} step: which shots to difference, consecutive after the dark shots or from a JSON list
 * of tag pairs; rank 0 writes them to {@code pairs.json}.
 */
final class PairsStep {
    private static final Logger LOG = LogManager.getLogger(PairsStep.class);

    private final CorrelateSettings s;
    private final Communicator comm;

    PairsStep(CorrelateSettings settings, Communicator comm) {
        this.s = settings;
        this.comm = comm;
    }

    TagPairs run(long[] tags) {
        CorrelateSettings.Pairs o = s.pairs();
        TagPairs p = o.pairsFile() != null ? TagPairs.fromJson(o.pairsFile(), tags)
                : TagPairs.consecutive(tags, o.skipDark(), o.mode());
        if (comm.rank() == 0) {
            LOG.info("pairs: {} pairs from {} shots ({}), {} skipped for a missing tag", p.size(), tags.length,
                    o.pairsFile() != null ? o.pairsFile() : "consecutive, " + o.mode().name().toLowerCase(Locale.ROOT)
                            + ", after " + o.skipDark() + " dark shots",
                    p.skipped());
            s.createOutputFolder();
            p.writeJson(s.pairsOut());
        }
        if (p.size() == 0) {
            throw new UserError(s.name() + ": no shot pairs to correlate (" + tags.length + " shots, skip_dark "
                    + o.skipDark() + ", " + p.skipped() + " pairs with missing tags); check [pairs]");
        }
        return p;
    }
}
