package org.diffract.refine.xtal;

import java.util.Arrays;

/**
 * A list of reflections with intensity, sigma and number of measurements, as read from or written to
 * .hkl and MTZ files. Parallel primitive arrays; a reflection without data has NaN intensity.
 */
public record Reflections(int[] h, int[] k, int[] l, double[] intensity, double[] sigma, int[] nmeas) {
    public int size() {
        return h.length;
    }

    /**
     * The intensities laid out on an index's unique reflections (symmetry-mapped), NaN where absent. On an
     * anomalous index a reflection fills its I(+) or I(-); a Friedel member the list lacks takes its mate's
     * value (a reference without anomalous signal has equal mates).
     */
    public double[] onto(HklIndex index) {
        double[] out = new double[index.size()];
        Arrays.fill(out, Double.NaN);
        for (int i = 0; i < h.length; i++) {
            int u = index.find(h[i], k[i], l[i]);
            if (u >= 0 && Double.isFinite(intensity[i])) {
                out[u] = intensity[i];
            }
        }
        if (index.anomalous()) {
            for (int u = 0; u < out.length; u++) {
                int m = index.mate(u);
                if (Double.isNaN(out[u]) && m >= 0 && Double.isFinite(out[m])) {
                    out[u] = out[m];
                }
            }
        }
        return out;
    }
}
