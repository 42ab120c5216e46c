package org.diffract.emc.sim;

import java.util.Locale;
import java.util.SplittableRandom;

import org.diffract.core.UserError;

/**
 * Electron densities with known truth for simulations, on an n³ C-ordered grid
 * {@code rho[(x * n + y) * n + z]} centred at voxel n/2.
 *
 * <p>Sampling: {@link IntensityModel} Fourier transforms this grid, so one voxel of the intensity is
 * 1 / n of the reciprocal of a real-space voxel. |F|² is the transform of the autocorrelation of the
 * density, whose support is twice the particle's. The FFT wraps the autocorrelation around the box
 * of n voxels, so it is free of aliasing, and |F|² on the grid equals samples of the continuous
 * intensity, only when the particle's diameter d is at most n/2 (oversampling ratio n/d >= 2; speckles
 * are then n/d >= 2 voxels wide). The makers reject a larger particle; n/d of 3 or more gives smoother
 * intensities for EMC. d counts atom tails to 3 sigma.
 */
public final class DensityModel {
    /** Atom width of {@link #blob}, in voxels: about a carbon atom at 1-voxel = 1-2 A resolution. */
    static final double BLOB_SIGMA = 0.7;

    static final int BLOB_ATOMS = 400;

    private DensityModel() {}

    /**
     * Gaussian atoms of one electron each (normalised Gaussians of width {@code atomSigmaVoxels}) at
     * uniformly random positions inside a sphere of {@code radiusVoxels} around the centre.
     */
    public static double[] randomAtoms(int n, int numAtoms, double atomSigmaVoxels, double radiusVoxels, long seed) {
        checkSupport(n, atomSigmaVoxels, radiusVoxels);
        if (numAtoms < 1) {
            throw new UserError("number of atoms must be at least 1, got " + numAtoms);
        }
        double[] rho = new double[n * n * n];
        SplittableRandom rng = new SplittableRandom(seed);
        double c = n / 2;
        for (int a = 0; a < numAtoms; a++) {
            double x, y, z;
            do {
                // rejection from the enclosing cube: uniform in the ball
                x = (2 * rng.nextDouble() - 1) * radiusVoxels;
                y = (2 * rng.nextDouble() - 1) * radiusVoxels;
                z = (2 * rng.nextDouble() - 1) * radiusVoxels;
            } while (x * x + y * y + z * z > radiusVoxels * radiusVoxels);
            addAtom(rho, n, c + x, c + y, c + z, atomSigmaVoxels, 1.0);
        }
        return rho;
    }

    /**
     * A small protein-like particle: {@value #BLOB_ATOMS} atoms with C, N, O, S electron counts (6, 7, 8, 16)
     * in the proportions of a protein, three quarters in an ellipsoid with semi-axes
     * (1, 0.7, 0.5) * 0.75 radius and the rest in a lobe off to one side, so the particle has no symmetry
     * and every orientation is distinguishable. Everything lies within {@code radiusVoxels} of the centre.
     */
    public static double[] blob(int n, double radiusVoxels, long seed) {
        checkSupport(n, BLOB_SIGMA, radiusVoxels);
        double[] rho = new double[n * n * n];
        SplittableRandom rng = new SplittableRandom(seed);
        double c = n / 2;
        double body = 0.75 * radiusVoxels;
        double[] lobeCentre = {0.35 * radiusVoxels, 0.45 * radiusVoxels, 0.2 * radiusVoxels};
        double lobeRadius = 0.3 * radiusVoxels;
        for (int a = 0; a < BLOB_ATOMS; a++) {
            double x, y, z;
            if (a % 4 != 3) {
                do {
                    x = 2 * rng.nextDouble() - 1;
                    y = 2 * rng.nextDouble() - 1;
                    z = 2 * rng.nextDouble() - 1;
                } while (x * x + y * y + z * z > 1);
                x *= body;
                y *= 0.7 * body;
                z *= 0.5 * body;
            } else {
                do {
                    x = 2 * rng.nextDouble() - 1;
                    y = 2 * rng.nextDouble() - 1;
                    z = 2 * rng.nextDouble() - 1;
                } while (x * x + y * y + z * z > 1);
                x = lobeCentre[0] + x * lobeRadius;
                y = lobeCentre[1] + y * lobeRadius;
                z = lobeCentre[2] + z * lobeRadius;
            }
            double e = rng.nextDouble();
            double electrons = e < 0.62 ? 6 : (e < 0.79 ? 7 : (e < 0.98 ? 8 : 16));
            addAtom(rho, n, c + x, c + y, c + z, BLOB_SIGMA, electrons);
        }
        return rho;
    }

    private static void checkSupport(int n, double sigma, double radius) {
        if (n < 4) {
            throw new UserError("grid size n must be at least 4, got " + n);
        }
        if ((long) n * n * n > Integer.MAX_VALUE / 2) {
            throw new UserError("grid size n = " + n + " is too large for one array: use n <= 1000");
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new UserError("atom sigma must be a positive number of voxels, got " + sigma);
        }
        if (!(radius >= 0) || Double.isInfinite(radius)) {
            throw new UserError("particle radius must be >= 0 voxels, got " + radius);
        }
        double diameter = 2 * (radius + 3 * sigma);
        if (diameter > n / 2.0) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "particle diameter %.1f voxels (2 (radius + 3 sigma)) exceeds n/2 = %.1f: use a radius <= %.1f "
                            + "or a larger grid, so the intensity is oversampled",
                    diameter,
                    n / 2.0,
                    n / 4.0 - 3 * sigma));
        }
    }

    /** Adds a normalised 3D Gaussian of {@code electrons} electrons, cut at 4 sigma (mass lost < 1e-3). */
    private static void addAtom(double[] rho, int n, double x0, double y0, double z0, double sigma, double electrons) {
        int reach = (int) Math.ceil(4 * sigma);
        double amp = electrons / Math.pow(2 * Math.PI * sigma * sigma, 1.5);
        double inv2s2 = 1.0 / (2 * sigma * sigma);
        int ix0 = (int) Math.round(x0), iy0 = (int) Math.round(y0), iz0 = (int) Math.round(z0);
        for (int ix = Math.max(0, ix0 - reach); ix <= Math.min(n - 1, ix0 + reach); ix++) {
            double dx = ix - x0;
            for (int iy = Math.max(0, iy0 - reach); iy <= Math.min(n - 1, iy0 + reach); iy++) {
                double dy = iy - y0;
                double dxy = dx * dx + dy * dy;
                int row = (ix * n + iy) * n;
                for (int iz = Math.max(0, iz0 - reach); iz <= Math.min(n - 1, iz0 + reach); iz++) {
                    double dz = iz - z0;
                    rho[row + iz] += amp * Math.exp(-(dxy + dz * dz) * inv2s2);
                }
            }
        }
    }
}
