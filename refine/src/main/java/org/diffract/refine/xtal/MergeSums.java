package org.diffract.refine.xtal;

import java.util.Arrays;

import org.diffract.core.parallel.Communicator;

/**
 * Inverse-variance sums per unique reflection, for the whole data set and its two half sets (crystals
 * with even and odd stream index): sum of weights, of weight x intensity and the number of observations.
 * One flat array so that one element-wise reduction combines all ranks.
 */
public final class MergeSums {
    private static final int F = 9;
    private final int n;
    private final double[] s;

    public MergeSums(int nUnique) {
        this.n = nUnique;
        this.s = new double[F * nUnique];
    }

    /** Adds an observation already corrected to the full-intensity scale: value and its sigma. */
    public void add(int u, double intensity, double sigma, int half) {
        double w = 1 / (sigma * sigma);
        int b = F * u;
        s[b] += w;
        s[b + 1] += w * intensity;
        s[b + 2] += 1;
        int hb = b + 3 + 3 * half;
        s[hb] += w;
        s[hb + 1] += w * intensity;
        s[hb + 2] += 1;
    }

    public void allreduce(Communicator comm) {
        comm.allreduceSum(s, s.length);
    }

    public void clear() {
        Arrays.fill(s, 0);
    }

    public int size() {
        return n;
    }

    public int count(int u) {
        return (int) s[F * u + 2];
    }

    /** Merged intensity (NaN when unobserved). */
    public double intensity(int u) {
        double w = s[F * u];
        return w > 0 ? s[F * u + 1] / w : Double.NaN;
    }

    public double sigma(int u) {
        double w = s[F * u];
        return w > 0 ? 1 / Math.sqrt(w) : Double.NaN;
    }

    public double halfIntensity(int u, int half) {
        int b = F * u + 3 + 3 * half;
        return s[b] > 0 ? s[b + 1] / s[b] : Double.NaN;
    }

    public double halfSigma(int u, int half) {
        int b = F * u + 3 + 3 * half;
        return s[b] > 0 ? 1 / Math.sqrt(s[b]) : Double.NaN;
    }

    public int halfCount(int u, int half) {
        return (int) s[F * u + 5 + 3 * half];
    }

    public double[] intensities() {
        double[] out = new double[n];
        for (int u = 0; u < n; u++) {
            out[u] = intensity(u);
        }
        return out;
    }

    /** The merged data (or one half set, half = 0 or 1; -1 for all) as a reflection list on the index. */
    public Reflections reflections(HklIndex index, int half) {
        int[] h = new int[n], k = new int[n], l = new int[n], nm = new int[n];
        double[] in = new double[n], sig = new double[n];
        for (int u = 0; u < n; u++) {
            h[u] = index.h(u);
            k[u] = index.k(u);
            l[u] = index.l(u);
            in[u] = half < 0 ? intensity(u) : halfIntensity(u, half);
            sig[u] = half < 0 ? sigma(u) : halfSigma(u, half);
            nm[u] = half < 0 ? count(u) : halfCount(u, half);
        }
        return new Reflections(h, k, l, in, sig, nm);
    }
}
