package org.diffract.refine.xtal;

import java.util.Locale;

import org.diffract.core.UserError;

/**
 * What a run does after the mark0 start merge: stop there (cxi.merge) or post-refine every crystal and
 * re-merge for n_postref_cycle cycles (prime). The one thing the two user commands differ in.
 */
public enum Mode {
    MERGE,
    POSTREFINE;

    /** The word users and config files write: merge, postrefine. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode of(String word, String where) {
        for (Mode m : values()) {
            if (m.word().equalsIgnoreCase(word.trim())) {
                return m;
            }
        }
        throw new UserError(where + " = '" + word + "' is not valid; expected merge or postrefine");
    }
}
