package org.diffract.correlate;

/**
 * All shots on the polar grid: {@code polar[(i * nq + k) * nphi + j]} for shot i (tag {@code tags[i]}),
 * ring k at radius {@code radii[k]} pixels and q {@code q[k]} 1/A, angle j; the same ring-normalised; and
 * the polar mask (1 = good) shared by all shots.
 */
public record PolarData(long[] tags, double[] polar, double[] normalized, byte[] mask, int nq, int nphi,
                        double[] radii, double[] q, double xCenter, double yCenter) {
    public int shots() {
        return tags.length;
    }

    /** (nq, 3) rows of ring index, radius in pixels, q in 1/A: RingData's q mapping table. */
    public double[] qMappingTable() {
        double[] t = new double[3 * nq];
        for (int k = 0; k < nq; k++) {
            t[3 * k] = k;
            t[3 * k + 1] = radii[k];
            t[3 * k + 2] = q[k];
        }
        return t;
    }
}
