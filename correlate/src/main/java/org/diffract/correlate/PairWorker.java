package org.diffract.correlate;

/**
 * One thread's share of the pair correlations: its own FFT buffers and running sums, and, when a
 * {@link PairSink} is given, each pair's own correlation handed on as it is made.
 */
final class PairWorker {
    private final AngularCorrelator correlator;
    private final CorrelationSums sums;
    private final byte[] mask;
    private final PairSink sink;
    private final double[] pairOut;

    PairWorker(PolarMeta meta, CorrelateSettings.Correlation o, PairSink sink) {
        this.correlator = new AngularCorrelator(meta.nq(), meta.nphi(), o.crossQ1(), o.crossQ2(), o.allCross());
        this.sums = new CorrelationSums(meta.nq(), meta.nphi(), o.allCross());
        this.mask = meta.mask();
        this.sink = sink;
        this.pairOut = sink == null ? null : new double[meta.size()];
    }

    /** Adds the correlation of a - b (normalised images of one shot pair, pair number {@code pair}). */
    void add(double[] a, double[] b, int pair) {
        correlator.addPair(a, 0, b, 0, mask, mask, sums, pairOut);
        if (sink != null) {
            sink.write(pair, pairOut);
        }
    }

    CorrelationSums sums() {
        return sums;
    }
}
