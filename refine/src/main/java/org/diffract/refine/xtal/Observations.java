package org.diffract.refine.xtal;

import java.util.Arrays;

/**
 * A crystal's reflections prepared for merging: each kept observation's unique-reflection number,
 * intensity, sigma and s^2 = (1/2d)^2 on the target cell, plus its position in the crystal's own
 * reflection table. Observations outside the resolution range, systematically absent, with sigma <= 0 or
 * with I/sigma below sigma_min are dropped here. Buffers are reused from crystal to crystal.
 */
public final class Observations {
    public int n;
    public int[] unique = new int[256];
    public int[] source = new int[256];
    public double[] intensity = new double[256];
    public double[] sigma = new double[256];
    public double[] s2 = new double[256];
    private final int[] scratch = new int[3];

    /** Fills from the crystal; returns this. */
    public Observations fill(Crystal c, HklIndex index, double sigmaMin) {
        n = 0;
        if (unique.length < c.size()) {
            int m = Math.max(c.size(), 2 * unique.length);
            unique = Arrays.copyOf(unique, m);
            source = Arrays.copyOf(source, m);
            intensity = Arrays.copyOf(intensity, m);
            sigma = Arrays.copyOf(sigma, m);
            s2 = Arrays.copyOf(s2, m);
        }
        for (int i = 0; i < c.size(); i++) {
            double sig = c.sigma()[i], in = c.intensity()[i];
            if (!(sig > 0) || in / sig < sigmaMin) {
                continue;
            }
            int u = index.find(c.h()[i], c.k()[i], c.l()[i], scratch);
            if (u < 0) {
                continue;
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
