package org.diffract.core.volume;

/**
 * Trilinear interpolation at one point of a C-ordered cube {@code v[(x * n + y) * n + z]}, in voxel
 * index coordinates. Unlike {@link Slicer} (which reads 0 outside so that slicing and merging stay
 * adjoint), points outside return NaN so callers can count only the inside samples. The whole closed
 * cube [0, n-1]^3 is inside: a point on the last plane interpolates the last cell with weight 1.
 */
public final class Trilinear {
    private Trilinear() {}

    public static double sample(double[] vol, int n, double x, double y, double z) {
        if (!(x >= 0 && y >= 0 && z >= 0 && x <= n - 1 && y <= n - 1 && z <= n - 1)) {
            return Double.NaN;
        }
        if (n == 1) {
            return vol[0];
        }
        // Clamp the base cell so a coordinate of exactly n - 1 uses cell n - 2 with fraction 1.
        int ix = Math.min((int) x, n - 2), iy = Math.min((int) y, n - 2), iz = Math.min((int) z, n - 2);
        double fx = x - ix, fy = y - iy, fz = z - iz;
        double gx = 1 - fx, gy = 1 - fy, gz = 1 - fz;
        int nn = n * n;
        int i = (ix * n + iy) * n + iz;
        return gx * (gy * (gz * vol[i] + fz * vol[i + 1]) + fy * (gz * vol[i + n] + fz * vol[i + n + 1]))
                + fx
                        * (gy * (gz * vol[i + nn] + fz * vol[i + nn + 1])
                                + fy * (gz * vol[i + nn + n] + fz * vol[i + nn + n + 1]));
    }
}
