package org.diffract.correlate;

import java.util.Locale;

import org.diffract.core.UserError;

/** The steps of a correlate run, in the order {@link #RUN} does them. */
public enum CorrelateStep {
    /** Ring fit on the mean of some shots: the beam centre. */
    CENTER,
    /** Every shot onto the polar grid. */
    POLAR,
    /** Which shots to difference. */
    PAIRS,
    /** Mean and variance of the difference correlations. */
    DIFFCORR,
    /** All of them (center only when the config gives no centre). */
    RUN;

    /** The step named on the command line (center, polar, pairs, diffcorr, run). */
    public static CorrelateStep parse(String name) {
        for (CorrelateStep s : values()) {
            if (s.cliName().equals(name)) {
                return s;
            }
        }
        throw new UserError("unknown correlate step '" + name + "'; use center, polar, pairs, diffcorr or run");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
