package org.diffract.core.config;

import java.util.Collection;

/**
 * Levenshtein edit distance and the "did you mean" lookup built on it: every place that refuses a name a
 * user typed (config keys, space-group symbols) suggests the nearest known one the same way.
 */
public final class EditDistance {
    private EditDistance() {}

    /** Insertions, deletions and substitutions turning a into b (two rolling rows, no per-cell allocation). */
    public static int between(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The candidate nearest to {@code word} with a distance below {@code limit}, the first in iteration order
     * on ties; null when none is that close (pass Integer.MAX_VALUE to always get the nearest).
     */
    public static String nearest(String word, Collection<String> candidates, int limit) {
        String best = null;
        int bestDistance = limit;
        for (String c : candidates) {
            int d = between(word, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }
}
