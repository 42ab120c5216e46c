package org.diffract.core.geometry;

/**
 * A detector as Dragonfly describes it: per pixel the scattering vector (qx, qy, qz) in voxel units of
 * the 3D model, a correction factor (polarization times solid angle) and a mask value: 0 = used for
 * orientation and merging, 1 = merging only, 2 = unused. {@code detd} and {@code ewaldRad} are in
 * pixel units. Pixels are in the order of the flattened (Nx, Ny) frame when made from a frame shape.
 */
public final class Detector {
    public static final byte MASK_GOOD = 0;
    public static final byte MASK_MERGE_ONLY = 1;
    public static final byte MASK_UNUSED = 2;

    public final double[] qx;
    public final double[] qy;
    public final double[] qz;
    public final double[] corr;
    public final byte[] mask;
    public final double detd;
    public final double ewaldRad;
    /** Frame shape (nx, ny) when the pixels came from a rectangular frame, else {-1, -1}. */
    public final int nx;
    public final int ny;

    public Detector(double[] qx, double[] qy, double[] qz, double[] corr, byte[] mask, double detd,
                    double ewaldRad, int nx, int ny) {
        int n = qx.length;
        if (qy.length != n || qz.length != n || corr.length != n || mask.length != n) {
            throw new IllegalArgumentException("detector arrays differ in length");
        }
        this.qx = qx;
        this.qy = qy;
        this.qz = qz;
        this.corr = corr;
        this.mask = mask;
        this.detd = detd;
        this.ewaldRad = ewaldRad;
        this.nx = nx;
        this.ny = ny;
    }

    public int numPix() {
        return qx.length;
    }

    /** Largest |q| over pixels that are not unused, in voxels. */
    public double qMax() {
        double m = 0;
        for (int t = 0; t < qx.length; t++) {
            if (mask[t] != MASK_UNUSED) {
                m = Math.max(m, Math.sqrt(qx[t] * qx[t] + qy[t] * qy[t] + qz[t] * qz[t]));
            }
        }
        return m;
    }

    /** Edge length of the cubic model that holds every used pixel: 2 ceil(qmax) + 3 (Dragonfly's). */
    public int modelSize() {
        return 2 * (int) Math.ceil(qMax()) + 3;
    }

    /** A copy whose mask is replaced. */
    public Detector withMask(byte[] newMask) {
        return new Detector(qx, qy, qz, corr, newMask, detd, ewaldRad, nx, ny);
    }
}
