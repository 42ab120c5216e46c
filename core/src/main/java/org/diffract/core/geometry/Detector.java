package org.diffract.core.geometry;

/**
 * A detector as Dragonfly describes it: per pixel the scattering vector (qx, qy, qz) in voxel units of
 * the 3D model, a correction factor (polarization times solid angle) and a mask value: 0 = used for
 * orientation and merging, 1 = merging only, 2 = unused. {@code detd} and {@code ewaldRad} are in
 * pixel units. Pixels are in the order of the flattened (Nx, Ny) frame when made from a frame shape.
 *
 * <p>Immutable: the arrays are copied in and handed out as copies, so a detector shared by threads or
 * ranks cannot be changed under them. Hot loops take their own copies once ({@link #copyQx()} ...) and
 * read those.
 */
public final class Detector {
    public static final byte MASK_GOOD = 0;
    public static final byte MASK_MERGE_ONLY = 1;
    public static final byte MASK_UNUSED = 2;

    private final double[] qx;
    private final double[] qy;
    private final double[] qz;
    private final double[] corr;
    private final byte[] mask;
    private final double detd;
    private final double ewaldRad;
    private final int nx;
    private final int ny;

    public Detector(
            double[] qx,
            double[] qy,
            double[] qz,
            double[] corr,
            byte[] mask,
            double detd,
            double ewaldRad,
            int nx,
            int ny) {
        int n = qx.length;
        if (qy.length != n || qz.length != n || corr.length != n || mask.length != n) {
            throw new IllegalArgumentException("detector arrays differ in length");
        }
        this.qx = qx.clone();
        this.qy = qy.clone();
        this.qz = qz.clone();
        this.corr = corr.clone();
        this.mask = mask.clone();
        this.detd = detd;
        this.ewaldRad = ewaldRad;
        this.nx = nx;
        this.ny = ny;
    }

    public int numPix() {
        return qx.length;
    }

    public double qx(int pixel) {
        return qx[pixel];
    }

    public double qy(int pixel) {
        return qy[pixel];
    }

    public double qz(int pixel) {
        return qz[pixel];
    }

    public double corr(int pixel) {
        return corr[pixel];
    }

    public byte mask(int pixel) {
        return mask[pixel];
    }

    public double[] copyQx() {
        return qx.clone();
    }

    public double[] copyQy() {
        return qy.clone();
    }

    public double[] copyQz() {
        return qz.clone();
    }

    public double[] copyCorr() {
        return corr.clone();
    }

    public byte[] copyMask() {
        return mask.clone();
    }

    /** Sample-detector distance in pixels. */
    public double detd() {
        return detd;
    }

    /** Ewald sphere radius in pixels. */
    public double ewaldRad() {
        return ewaldRad;
    }

    /** Frame width when the pixels came from a rectangular frame, else -1. */
    public int nx() {
        return nx;
    }

    /** Frame height when the pixels came from a rectangular frame, else -1. */
    public int ny() {
        return ny;
    }

    /** Number of pixels with this mask value. */
    public int count(byte maskValue) {
        int c = 0;
        for (byte m : mask) {
            c += m == maskValue ? 1 : 0;
        }
        return c;
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
