package org.diffract.correlate;

/** Where each pair's own correlation goes ({@code [correlate] per_pair = yes}); shared by all workers. */
interface PairSink {
    /** Pair {@code pair}'s correlation {@code [k * nphi + d]}, NaN at undefined lags. */
    void write(int pair, double[] correlation);
}
