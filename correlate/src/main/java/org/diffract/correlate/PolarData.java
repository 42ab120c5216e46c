package org.diffract.correlate;

/**
 * Polar images held in memory, for tests and the bench: {@code polar[(i * nq + k) * nphi + j]} for shot i
 * (tag {@code tags[i]}), ring k at radius {@code radii[k]} pixels and q {@code q[k]} 1/A, angle j; the same
 * ring-normalised; and the polar mask (1 = good) shared by all shots. Runs stream polar.h5 instead.
 */
public record PolarData(
        long[] tags,
        double[] polar,
        double[] normalized,
        byte[] mask,
        int nq,
        int nphi,
        double[] radii,
        double[] q,
        double xCenter,
        double yCenter)
        implements PolarImages {
    public int shots() {
        return tags.length;
    }

    public PolarMeta meta() {
        return new PolarMeta(tags, mask, nq, nphi, radii, q, xCenter, yCenter);
    }

    @Override
    public void readNormalized(int shot, double[] out) {
        System.arraycopy(normalized, shot * nq * nphi, out, 0, nq * nphi);
    }
}
