package org.diffract.correlate;

import org.diffract.core.parallel.Communicator;

/**
 * Running sums of per-pair angular correlations: for every (ring, delta-phi) the sum, the sum of squares
 * and the number of pairs that defined it (a lag no good sample pair reaches is undefined for that pair),
 * plus the same for the optional cross-correlation of two rings. Sums add across threads and ranks, so
 * the mean and variance over all pairs are exact however the pairs were split.
 */
public final class CorrelationSums {
    private final int nq;
    private final int nphi;
    final double[] sum;
    final double[] sumSq;
    final double[] count;
    final double[] crossSum;
    final double[] crossSumSq;
    final double[] crossCount;
    /** Cross-correlations of every ring pair q <= q' (index {@link #ringPair}), when asked for; else empty. */
    final double[] allSum;

    final double[] allSumSq;
    final double[] allCount;
    private double pairs;

    public CorrelationSums(int nq, int nphi) {
        this(nq, nphi, false);
    }

    public CorrelationSums(int nq, int nphi, boolean allCross) {
        this.nq = nq;
        this.nphi = nphi;
        int all = allCross ? nq * (nq + 1) / 2 * nphi : 0;
        allSum = new double[all];
        allSumSq = new double[all];
        allCount = new double[all];
        sum = new double[nq * nphi];
        sumSq = new double[nq * nphi];
        count = new double[nq * nphi];
        crossSum = new double[nphi];
        crossSumSq = new double[nphi];
        crossCount = new double[nphi];
    }

    void addPair() {
        pairs++;
    }

    /** Adds another set of sums (another thread's) into this one. */
    public void add(CorrelationSums o) {
        addInto(sum, o.sum);
        addInto(sumSq, o.sumSq);
        addInto(count, o.count);
        addInto(crossSum, o.crossSum);
        addInto(crossSumSq, o.crossSumSq);
        addInto(crossCount, o.crossCount);
        addInto(allSum, o.allSum);
        addInto(allSumSq, o.allSumSq);
        addInto(allCount, o.allCount);
        pairs += o.pairs;
    }

    private static void addInto(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    /** Sums over all ranks, in place; every rank ends with the totals. */
    public void reduce(Communicator comm) {
        int n = nq * nphi;
        int all = allSum.length;
        double[] flat = new double[3 * n + 3 * nphi + 3 * all + 1];
        int o = 3 * n + 3 * nphi;
        System.arraycopy(allSum, 0, flat, o, all);
        System.arraycopy(allSumSq, 0, flat, o + all, all);
        System.arraycopy(allCount, 0, flat, o + 2 * all, all);
        System.arraycopy(sum, 0, flat, 0, n);
        System.arraycopy(sumSq, 0, flat, n, n);
        System.arraycopy(count, 0, flat, 2 * n, n);
        System.arraycopy(crossSum, 0, flat, 3 * n, nphi);
        System.arraycopy(crossSumSq, 0, flat, 3 * n + nphi, nphi);
        System.arraycopy(crossCount, 0, flat, 3 * n + 2 * nphi, nphi);
        flat[flat.length - 1] = pairs;
        comm.allreduceSum(flat);
        System.arraycopy(flat, 0, sum, 0, n);
        System.arraycopy(flat, n, sumSq, 0, n);
        System.arraycopy(flat, 2 * n, count, 0, n);
        System.arraycopy(flat, 3 * n, crossSum, 0, nphi);
        System.arraycopy(flat, 3 * n + nphi, crossSumSq, 0, nphi);
        System.arraycopy(flat, 3 * n + 2 * nphi, crossCount, 0, nphi);
        System.arraycopy(flat, o, allSum, 0, all);
        System.arraycopy(flat, o + all, allSumSq, 0, all);
        System.arraycopy(flat, o + 2 * all, allCount, 0, all);
        pairs = flat[flat.length - 1];
    }

    /** Index of ring pair (q, q') with q <= q' among all pairs, in row order. */
    public static int ringPair(int q, int q2, int nq) {
        return q * nq - q * (q - 1) / 2 + (q2 - q);
    }

    public boolean hasAllCross() {
        return allSum.length > 0;
    }

    /**
     * Mean cross-correlation of every ring pair as {@code [(q * nq + q') * nphi + d]} = mean over pairs of
     * sum_phi x_q(phi + d) x_q'(phi) / (mask same); the lower triangle is the upper one at -d.
     */
    public double[] allCrossMean() {
        double[] m = mean(allSum, allCount);
        double[] full = new double[nq * nq * nphi];
        for (int q = 0; q < nq; q++) {
            for (int q2 = q; q2 < nq; q2++) {
                int pr = ringPair(q, q2, nq) * nphi;
                for (int d = 0; d < nphi; d++) {
                    full[(q * nq + q2) * nphi + d] = m[pr + d];
                    full[(q2 * nq + q) * nphi + (nphi - d) % nphi] = m[pr + d];
                }
            }
        }
        return full;
    }

    public int nq() {
        return nq;
    }

    public int nphi() {
        return nphi;
    }

    public long pairs() {
        return Math.round(pairs);
    }

    /** Mean correlation {@code [k * nphi + d]} over the pairs defining it; NaN where none did. */
    public double[] mean() {
        return mean(sum, count);
    }

    /** Unbiased variance over pairs (n - 1 in the denominator); NaN with fewer than two pairs. */
    public double[] variance() {
        return variance(sum, sumSq, count);
    }

    /** Number of pairs defining each element. */
    public double[] count() {
        return count.clone();
    }

    public double[] crossMean() {
        return mean(crossSum, crossCount);
    }

    public double[] crossVariance() {
        return variance(crossSum, crossSumSq, crossCount);
    }

    public double[] crossCount() {
        return crossCount.clone();
    }

    private static double[] mean(double[] s, double[] c) {
        double[] m = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            m[i] = c[i] > 0 ? s[i] / c[i] : Double.NaN;
        }
        return m;
    }

    private static double[] variance(double[] s, double[] s2, double[] c) {
        double[] v = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            v[i] = c[i] > 1 ? Math.max(0, (s2[i] - s[i] * s[i] / c[i]) / (c[i] - 1)) : Double.NaN;
        }
        return v;
    }
}
