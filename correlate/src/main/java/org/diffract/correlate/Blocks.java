package org.diffract.correlate;

/**
 * Contiguous blocks of {@code n} items over {@code parts} ranks or workers. With fewer items than parts the
 * first n parts get one item each and the rest none, so the parts that hold items are always a prefix and
 * an item's predecessor is in the same part or the one before.
 */
final class Blocks {
    private Blocks() {}

    /** First item of part {@code p}; part p holds [start(p), start(p + 1)). */
    static int start(int n, int parts, int p) {
        return n >= parts ? (int) ((long) n * p / parts) : Math.min(p, n);
    }

    static int end(int n, int parts, int p) {
        return start(n, parts, p + 1);
    }
}
