package org.diffract.emc.sim;

import org.diffract.core.UserError;
import org.jtransforms.fft.DoubleFFT_3D;

/**
 * Diffracted intensity |F(q)|² of a density on the same n³ grid, with q = 0 at voxel n/2 (the Slicer's
 * origin). F is JTransforms' unnormalised forward DFT, so F(0) = sum of density and
 * sum |F|² = n³ sum density² (Parseval). For real densities I(q) = I(-q).
 */
public final class IntensityModel {
    private IntensityModel() {}

    public static double[] fromDensity(double[] density, int n) {
        if (n < 1 || density == null || density.length != (long) n * n * n) {
            throw new UserError("density must have n^3 = " + ((long) n * n * n) + " values for n = " + n);
        }
        long n3 = (long) n * n * n;
        if (2 * n3 > Integer.MAX_VALUE - 8) {
            throw new UserError("grid size n = " + n + " is too large for one FFT array: use n <= 1000");
        }
        // realForwardFull wants the real input in the first n³ slots of a 2 n³ array and returns the
        // full complex spectrum, interleaved (re, im), in the same C order.
        double[] a = new double[(int) (2 * n3)];
        System.arraycopy(density, 0, a, 0, (int) n3);
        new DoubleFFT_3D(n, n, n).realForwardFull(a);
        double[] out = new double[(int) n3];
        int c = n / 2;
        for (int kx = 0; kx < n; kx++) {
            // fftshift: frequency index k (k >= n - c meaning k - n) goes to voxel (k + c) mod n
            int sx = (kx + c) % n;
            for (int ky = 0; ky < n; ky++) {
                int sy = (ky + c) % n;
                int src = (kx * n + ky) * n;
                int dst = (sx * n + sy) * n;
                for (int kz = 0; kz < n; kz++) {
                    double re = a[2 * (src + kz)], im = a[2 * (src + kz) + 1];
                    out[dst + (kz + c) % n] = re * re + im * im;
                }
            }
        }
        return out;
    }
}
