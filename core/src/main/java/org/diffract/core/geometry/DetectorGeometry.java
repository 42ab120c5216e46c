package org.diffract.core.geometry;

import java.util.Locale;

import org.diffract.core.UserError;

/**
 * Makes a flat rectangular detector the way Dragonfly's make_detector utility does, so that models and
 * photons made with either program live on the same q grid.
 *
 * <p>Pixel (i, j), flattened row-major over (nx, ny), sits at x = i - cx, y = j - cy pixels from the beam
 * centre, D = detd / pixsize pixels from the sample. With norm = sqrt(x² + y² + D²) its scattering
 * vector in voxels is {@code s * ewaldRad * (x / norm, y / norm, D / norm - 1)}, where
 * {@code s = 1 / (2 D sin(atan(1 / D) / 2))}. The factor s (1 + 3/(8 D²) to leading order, a few 1e-6
 * for real geometries) is Dragonfly's: it defines one voxel as the exact |q| step between the centre
 * pixel and its neighbour, rather than the small-angle D. Keeping it makes our q agree with Dragonfly's
 * detector files to rounding error.
 *
 * <p>corr is polarization times the solid angle of the pixel in units of pixsize² / detd², i.e.
 * D / norm³ (Dragonfly writes it unnormalised: about 1 / D² at the centre). Polarization is
 * 1 - (x/norm)² for 'x', 1 - (y/norm)² for 'y', and for 'none' (unpolarised) the average of the two,
 * 1 - (x² + y²) / (2 norm²).
 *
 * <p>Mask: 2 (unused) where r < stoprad; otherwise 1 (merge only) where r > min(cx, cy), the circle
 * inscribed in the frame around the centre, because corners have incomplete rings and Dragonfly keeps
 * them out of orientation; else 0.
 */
public final class DetectorGeometry {
    private DetectorGeometry() {}

    /**
     * Experiment parameters, with Dragonfly's names in comments.
     *
     * @param detdMm       sample-detector distance in mm (detd)
     * @param lambdaA      wavelength in Angstrom (lambda); only sets the voxel size in 1/A
     * @param nx           pixels along the first (slow) axis (detsize x)
     * @param ny           pixels along the second (fast) axis (detsize y)
     * @param pixsizeMm    pixel edge in mm (pixsize)
     * @param stopradPx    beam stop radius in pixels (stoprad); 0 for none
     * @param polarization "x", "y" or "none"
     * @param ewaldRadPx   Ewald sphere radius in voxels (ewald_rad); NaN means detd / pixsize
     * @param centerX      beam centre along x in pixels; NaN means (nx - 1) / 2
     * @param centerY      beam centre along y in pixels; NaN means (ny - 1) / 2
     */
    public record Params(
            double detdMm,
            double lambdaA,
            int nx,
            int ny,
            double pixsizeMm,
            double stopradPx,
            String polarization,
            double ewaldRadPx,
            double centerX,
            double centerY) {

        /** Square detector, centred, default Ewald radius. */
        public static Params square(
                double detdMm, double lambdaA, int size, double pixsizeMm, double stopradPx, String polarization) {
            return new Params(
                    detdMm,
                    lambdaA,
                    size,
                    size,
                    pixsizeMm,
                    stopradPx,
                    polarization,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN);
        }

        /** Distance in pixels, D. */
        public double detdPx() {
            return detdMm / pixsizeMm;
        }

        public double ewaldRad() {
            return Double.isNaN(ewaldRadPx) ? detdPx() : ewaldRadPx;
        }

        public double cx() {
            return Double.isNaN(centerX) ? (nx - 1) / 2.0 : centerX;
        }

        public double cy() {
            return Double.isNaN(centerY) ? (ny - 1) / 2.0 : centerY;
        }

        /** Throws {@link UserError} naming the first parameter that is out of range. */
        public void validate() {
            positive("detd", detdMm);
            positive("lambda", lambdaA);
            positive("pixsize", pixsizeMm);
            if (nx <= 0 || ny <= 0) {
                throw new UserError("detector size must be positive, got " + nx + " x " + ny);
            }
            if ((long) nx * ny > Integer.MAX_VALUE) {
                throw new UserError("detector of " + nx + " x " + ny + " pixels is too large: at most 2^31 - 1 pixels");
            }
            if (!(stopradPx >= 0) || Double.isInfinite(stopradPx)) {
                throw new UserError("stoprad must be >= 0 pixels, got " + stopradPx);
            }
            if (!Double.isNaN(ewaldRadPx)) {
                positive("ewald_rad", ewaldRadPx);
            }
            if (Double.isInfinite(centerX) || Double.isInfinite(centerY)) {
                throw new UserError("detector centre must be finite (or unset), got " + centerX + ", " + centerY);
            }
            polarizationCode(polarization);
        }

        private static void positive(String name, double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new UserError(name + " must be a positive number, got " + v);
            }
        }
    }

    private static final int POL_X = 0;
    private static final int POL_Y = 1;
    private static final int POL_NONE = 2;

    private static int polarizationCode(String word) {
        if (word != null) {
            switch (word.trim().toLowerCase(Locale.ROOT)) {
                case "x":
                    return POL_X;
                case "y":
                    return POL_Y;
                case "none":
                    return POL_NONE;
                default:
                    break;
            }
        }
        throw new UserError("polarization must be x, y or none, got '" + word + "'");
    }

    /** Dragonfly's q scale factor s (see class comment) for distance D in pixels. */
    static double qStepFactor(double detdPx) {
        return 1.0 / (2.0 * detdPx * Math.sin(0.5 * Math.atan(1.0 / detdPx)));
    }

    /**
     * Size of one voxel in 1/A (Dragonfly's q_sep): the |q| between the centre pixel and its neighbour,
     * scaled by D / ewaldRad when the Ewald radius is set explicitly.
     */
    public static double voxelSizeInvA(Params p) {
        p.validate();
        double d = p.detdPx();
        return 2.0 * Math.sin(0.5 * Math.atan(1.0 / d)) / p.lambdaA() * (d / p.ewaldRad());
    }

    public static Detector make(Params p) {
        p.validate();
        final int nx = p.nx(), ny = p.ny();
        final int numPix = nx * ny;
        final double d = p.detdPx();
        final double scale = p.ewaldRad() * qStepFactor(d);
        final double cx = p.cx(), cy = p.cy();
        final double inscribed = Math.min(cx, cy);
        final double stop = p.stopradPx();
        final int pol = polarizationCode(p.polarization());
        double[] qx = new double[numPix], qy = new double[numPix], qz = new double[numPix];
        double[] corr = new double[numPix];
        byte[] mask = new byte[numPix];
        for (int i = 0; i < nx; i++) {
            double x = i - cx;
            for (int j = 0; j < ny; j++) {
                double y = j - cy;
                int t = i * ny + j;
                double norm2 = x * x + y * y + d * d;
                double norm = Math.sqrt(norm2);
                qx[t] = scale * x / norm;
                qy[t] = scale * y / norm;
                qz[t] = scale * (d / norm - 1.0);
                double polar;
                if (pol == POL_X) {
                    polar = 1.0 - x * x / norm2;
                } else if (pol == POL_Y) {
                    polar = 1.0 - y * y / norm2;
                } else {
                    polar = 1.0 - (x * x + y * y) / (2.0 * norm2);
                }
                corr[t] = polar * d / (norm2 * norm);
                double r = Math.sqrt(x * x + y * y);
                if (r < stop) {
                    mask[t] = Detector.MASK_UNUSED;
                } else if (r > inscribed) {
                    mask[t] = Detector.MASK_MERGE_ONLY;
                } else {
                    mask[t] = Detector.MASK_GOOD;
                }
            }
        }
        return new Detector(qx, qy, qz, corr, mask, d, p.ewaldRad(), nx, ny);
    }
}
