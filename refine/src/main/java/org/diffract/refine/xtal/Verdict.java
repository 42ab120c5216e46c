package org.diffract.refine.xtal;

/** Why a crystal was merged or left out: one word for the per-crystal table, and what it means for the log. */
public enum Verdict {
    ACCEPTED("accepted", "merged"),
    CELL("cell", "cell off the target by more than uc_tolerance"),
    TOO_FEW("too_few", "fewer than 3 reflections shared with the reference"),
    LOW_CC("low_cc", "correlation with the reference below frame_accept_min_cc"),
    B_BOUNDS("b_bounds", "fitted |B| above b_max"),
    SCALE_DRIFT("scale_drift", "scale moved by more than scale_drift_max");

    private final String word;
    private final String meaning;

    Verdict(String word, String meaning) {
        this.word = word;
        this.meaning = meaning;
    }

    public String word() {
        return word;
    }

    public String meaning() {
        return meaning;
    }
}
