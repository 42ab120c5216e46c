package org.diffract.refine.xtal;

import org.diffract.core.UserError;

/**
 * The MTZ column names the merged intensities get, as the tool a user's scripts expect writes them (cctbx's
 * as_mtz_dataset with a column root label): IMEAN/SIGIMEAN (CCP4, e.g. aimless; the default), IOBS/SIGIOBS
 * (prime) or Iobs/SIGIobs followed by IMEAN/SIGIMEAN (cxi.merge). Anomalous data get root(+), SIGroot(+),
 * root(-), SIGroot(-) as types K and M.
 */
public enum MtzLabels {
    IMEAN("I", true),
    IOBS("IOBS", false),
    IOBS_CXI_MERGE("Iobs", true);

    private final String root;
    private final boolean withMean;

    MtzLabels(String root, boolean withMean) {
        this.root = root;
        this.withMean = withMean;
    }

    /** The value written in configs: IMEAN, IOBS or Iobs (case matters: IOBS is prime's, Iobs cxi.merge's). */
    public String word() {
        return this == IMEAN ? "IMEAN" : root;
    }

    /** Label root of the Friedel-pair columns: I(+), IOBS(+), Iobs(+). */
    public String anomalousRoot() {
        return root;
    }

    /** Label of the non-anomalous intensity column (IMEAN, IOBS or Iobs) and of its sigma. */
    public String meanLabel() {
        return this == IMEAN ? "IMEAN" : root;
    }

    public String meanSigmaLabel() {
        return "SIG" + meanLabel();
    }

    /** Whether IMEAN/SIGIMEAN also follow the main columns (cxi.merge, and CCP4 style for anomalous data). */
    public boolean alsoImean() {
        return withMean && this != IMEAN;
    }

    /** Whether anomalous data also get IMEAN/SIGIMEAN (the Friedel mean) after the K/M columns. */
    public boolean anomalousWithMean() {
        return withMean;
    }

    public static MtzLabels of(String word, String where) {
        return switch (word.trim()) {
            case "IMEAN", "imean" -> IMEAN;
            case "IOBS", "prime" -> IOBS;
            case "Iobs", "cxi.merge" -> IOBS_CXI_MERGE;
            default ->
                throw new UserError(where + " = '" + word + "' is not valid; expected IMEAN, IOBS (prime) or "
                        + "Iobs (cxi.merge)");
        };
    }
}
