package org.diffract.refine.xtal;

/**
 * A list of reflections with intensity, sigma and number of measurements, as read from or written to
 * .hkl and MTZ files. Parallel primitive arrays; a reflection without data has NaN intensity.
 */
public record Reflections(int[] h, int[] k, int[] l, double[] intensity, double[] sigma, int[] nmeas) {
    public int size() {
        return h.length;
    }

    /** The intensities laid out on an index's unique reflections (symmetry-mapped), NaN where absent. */
    public double[] onto(HklIndex index) {
        double[] out = new double[index.size()];
        java.util.Arrays.fill(out, Double.NaN);
        for (int i = 0; i < h.length; i++) {
            int u = index.find(h[i], k[i], l[i]);
            if (u >= 0 && Double.isFinite(intensity[i])) {
                out[u] = intensity[i];
            }
        }
        return out;
    }
}
