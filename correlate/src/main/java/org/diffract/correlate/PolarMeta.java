package org.diffract.correlate;

/**
 * What the polar images of a run share: the tag of each shot (shot i is {@code tags[i]}), nq rings at
 * {@code radii[k]} pixels and {@code q[k]} 1/A, nphi angles, the polar mask {@code [k * nphi + j]}
 * (1 = good) and the beam centre (x = column, y = row, pixels).
 */
public record PolarMeta(
        long[] tags, byte[] mask, int nq, int nphi, double[] radii, double[] q, double xCenter, double yCenter) {
    public int shots() {
        return tags.length;
    }

    /** Samples per polar image. */
    public int size() {
        return nq * nphi;
    }

    /**
     * (nq, 2) rows of ring index and q in 1/A: RingData's q mapping table, which its readers unpack as
     * {@code {i: q for i, q in f['q_mapping']}} (the radii in pixels are in ring_radius_pix).
     */
    public double[] qMappingTable() {
        double[] t = new double[2 * nq];
        for (int k = 0; k < nq; k++) {
            t[2 * k] = k;
            t[2 * k + 1] = q[k];
        }
        return t;
    }
}
