package org.diffract.emc;

import java.util.Arrays;

/**
 * One thread's running normaliser of every frame over the rotations it has seen, kept relative to a
 * running maximum so nothing overflows (a streamed log-sum-exp): with y the log-weight
 * {@code beta L + log w_r} and m its running maximum,
 * <pre>
 *   a = sum exp(y - m)        (the normaliser)
 *   c = sum exp(y - m) L      (for the mean log-likelihood and the mutual information)
 *   u = sum exp(y - m) W_r    (W_r = the rotation's summed slice: the scale factor's denominator)
 *   p = sum exp(y - m) log w_r
 * </pre>
 * over every rotation, not only the kept ones, so normalisation and scale factors are exact. Combining
 * threads and ranks rescales each to the common maximum ({@link FrameNormaliser}).
 */
final class FrameAccumulators {
    /** Terms below exp(-40) of the running maximum change no double sum: skipped. */
    static final double NEGLIGIBLE = 40;

    final double[] max;
    final double[] a;
    final double[] c;
    final double[] u;
    final double[] p;
    /** Global index of the rotation at the running maximum. */
    final int[] best;

    FrameAccumulators(int numFrames) {
        max = new double[numFrames];
        a = new double[numFrames];
        c = new double[numFrames];
        u = new double[numFrames];
        p = new double[numFrames];
        best = new int[numFrames];
        reset();
    }

    void reset() {
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        Arrays.fill(a, 0);
        Arrays.fill(c, 0);
        Arrays.fill(u, 0);
        Arrays.fill(p, 0);
        Arrays.fill(best, -1);
    }

    /**
     * Adds one frame's values at {@code count} rotations of a block: log-weights y, log-likelihoods l,
     * summed slices w, log priors lp (arrays indexed by lane), lane k being global rotation
     * {@code firstRotation + k}. Returns the frame's running maximum after the block.
     */
    double add(int d, double[] y, double[] l, double[] w, double[] lp, int count, int firstRotation) {
        double ymax = Double.NEGATIVE_INFINITY;
        int arg = -1;
        for (int k = 0; k < count; k++) {
            if (y[k] > ymax) {
                ymax = y[k];
                arg = k;
            }
        }
        double m = max[d];
        if (ymax > m) {
            if (m != Double.NEGATIVE_INFINITY) {
                double f = Math.exp(m - ymax);
                a[d] *= f;
                c[d] *= f;
                u[d] *= f;
                p[d] *= f;
            }
            m = ymax;
            max[d] = m;
            best[d] = firstRotation + arg;
        } else if (ymax < m - NEGLIGIBLE) {
            return m;
        }
        double sa = 0, sc = 0, su = 0, sp = 0;
        for (int k = 0; k < count; k++) {
            double e = Math.exp(y[k] - m);
            sa += e;
            sc += e * l[k];
            su += e * w[k];
            sp += e * lp[k];
        }
        a[d] += sa;
        c[d] += sc;
        u[d] += su;
        p[d] += sp;
        return m;
    }
}
