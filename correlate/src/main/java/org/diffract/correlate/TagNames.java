package org.diffract.correlate;

import org.diffract.core.UserError;

/**
 * SACLA names a shot by its group {@code tag_N}; RingData's JSON files (tag maps, tag pairs) use these
 * names. We accept a tag as that name, as the bare number N in a string, or as a JSON/INI integer.
 */
final class TagNames {
    static final String PREFIX = "tag_";

    private TagNames() {}

    static String name(long tag) {
        return PREFIX + tag;
    }

    /** The tag number of "tag_N" or "N"; {@code where} names the source in the error. */
    static long parse(String text, String where) {
        String t = text.strip();
        String digits = t.startsWith(PREFIX) ? t.substring(PREFIX.length()) : t;
        try {
            long v = Long.parseLong(digits);
            if (v >= 0 && !digits.startsWith("+")) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserError(where + ": '" + text + "' is not a shot tag; write tag_N (as SACLA names it) or N");
    }
}
