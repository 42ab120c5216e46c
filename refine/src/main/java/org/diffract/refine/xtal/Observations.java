package org.diffract.refine.xtal;

import java.util.Arrays;

/**
 * A crystal's reflections prepared for merging: each kept observation's unique-reflection number,
 * intensity and sigma (polarisation-corrected when asked), s^2 = (1/2d)^2 on the target cell, plus its
 * position in the crystal's own reflection table. The crystal's indices are first reindexed by its
 * indexing-ambiguity operator (row vector h' = h M). Observations outside the resolution range,
 * systematically absent, with sigma <= 0 or with I/sigma below sigma_min are dropped here. Buffers are
 * reused from crystal to crystal.
 */
public final class Observations {
    public int n;
    public int[] unique = new int[256];
    public int[] source = new int[256];
    public double[] intensity = new double[256];
    public double[] sigma = new double[256];
    public double[] s2 = new double[256];
    private final int[] scratch = new int[3];

    /** Fills from the crystal without reindexing or polarisation correction; returns this. */
    public Observations fill(Crystal c, HklIndex index, double sigmaMin) {
        return fill(c, index, null, sigmaMin, null);
    }

    /**
     * Fills from the crystal; {@code reindex} (9 ints, row-major, null = identity) maps its indices to the
     * wanted setting and {@code pol} (null = none) corrects intensities. Returns this.
     */
    public Observations fill(Crystal c, HklIndex index, int[] reindex, double sigmaMin, Polarisation pol) {
        n = 0;
        if (unique.length < c.size()) {
            int m = Math.max(c.size(), 2 * unique.length);
            unique = Arrays.copyOf(unique, m);
            source = Arrays.copyOf(source, m);
            intensity = Arrays.copyOf(intensity, m);
            sigma = Arrays.copyOf(sigma, m);
            s2 = Arrays.copyOf(s2, m);
        }
        double[] as = c.astar(), bs = c.bstar(), cs = c.cstar();
        double invLambda = 1 / c.wavelength();
        if (pol != null && !(invLambda > 0)) {
            throw new IllegalArgumentException("polarisation correction needs the crystal's wavelength");
        }
        for (int i = 0; i < c.size(); i++) {
            double sig = c.sigma()[i], in = c.intensity()[i];
            if (!(sig > 0) || in / sig < sigmaMin) {
                continue;
            }
            int h = c.h()[i], k = c.k()[i], l = c.l()[i];
            int u;
            if (reindex == null) {
                u = index.find(h, k, l, scratch);
            } else {
                u = index.find(
                        h * reindex[0] + k * reindex[3] + l * reindex[6],
                        h * reindex[1] + k * reindex[4] + l * reindex[7],
                        h * reindex[2] + k * reindex[5] + l * reindex[8],
                        scratch);
            }
            if (u < 0) {
                continue;
            }
            if (pol != null) {
                double f = pol.factor(
                        h * as[0] + k * bs[0] + l * cs[0],
                        h * as[1] + k * bs[1] + l * cs[1],
                        h * as[2] + k * bs[2] + l * cs[2],
                        invLambda);
                in /= f;
                sig /= f;
            }
            unique[n] = u;
            source[n] = i;
            intensity[n] = in;
            sigma[n] = sig;
            double d = index.d(u);
            s2[n] = 1 / (4 * d * d);
            n++;
        }
        return this;
    }

    /** The reference value for each kept observation (NaN where the reference has none) into out. */
    public double[] referenceOf(double[] reference, double[] out) {
        double[] r = out.length >= n ? out : new double[unique.length];
        for (int i = 0; i < n; i++) {
            double v = reference[unique[i]];
            r[i] = v > 0 ? v : Double.NaN;
        }
        return r;
    }
}
