package org.diffract.core.volume;

/**
 * Trilinear slicing of a cubic 3D volume along a rotated detector surface, and its exact adjoint,
 * merging: {@code <slice(V), s> == <V, merge(s)>} for every V and s. The volume is C-ordered
 * {@code v[(x * n + y) * n + z]} with the origin of q at voxel (n/2, n/2, n/2).
 * Samples outside the volume read 0 and merge nowhere.
 */
public final class Slicer {
    private Slicer() {}

    /**
     * out[t] = V(R q_t) for pixels t in [0, numPix). R is row-major 3x3.
     */
    public static void slice(double[] vol, int n, double[] r, double[] qx, double[] qy, double[] qz, double[] out) {
        final int c = n / 2;
        final int nn = n * n;
        final int numPix = out.length;
        for (int t = 0; t < numPix; t++) {
            double x = r[0] * qx[t] + r[1] * qy[t] + r[2] * qz[t] + c;
            double y = r[3] * qx[t] + r[4] * qy[t] + r[5] * qz[t] + c;
            double z = r[6] * qx[t] + r[7] * qy[t] + r[8] * qz[t] + c;
            int ix = (int) Math.floor(x), iy = (int) Math.floor(y), iz = (int) Math.floor(z);
            if (ix < 0 || iy < 0 || iz < 0 || ix >= n - 1 || iy >= n - 1 || iz >= n - 1) {
                out[t] = 0;
                continue;
            }
            double fx = x - ix, fy = y - iy, fz = z - iz;
            double gx = 1 - fx, gy = 1 - fy, gz = 1 - fz;
            int i = (ix * n + iy) * n + iz;
            out[t] = gx * (gy * (gz * vol[i] + fz * vol[i + 1]) + fy * (gz * vol[i + n] + fz * vol[i + n + 1]))
                    + fx
                            * (gy * (gz * vol[i + nn] + fz * vol[i + nn + 1])
                                    + fy * (gz * vol[i + nn + n] + fz * vol[i + nn + n + 1]));
        }
    }

    /**
     * The adjoint of {@link #slice}: adds {@code scale * view[t]} into {@code vol} at R q_t with trilinear
     * weights, and {@code scale} times the same weights into {@code weight} (if not null), for pixels t
     * whose {@code use[t]} is true (all when {@code use} is null).
     */
    public static void merge(
            double[] view,
            double scale,
            double[] r,
            double[] qx,
            double[] qy,
            double[] qz,
            boolean[] use,
            double[] vol,
            double[] weight,
            int n) {
        final int c = n / 2;
        final int nn = n * n;
        final int numPix = view.length;
        for (int t = 0; t < numPix; t++) {
            if (use != null && !use[t]) {
                continue;
            }
            double x = r[0] * qx[t] + r[1] * qy[t] + r[2] * qz[t] + c;
            double y = r[3] * qx[t] + r[4] * qy[t] + r[5] * qz[t] + c;
            double z = r[6] * qx[t] + r[7] * qy[t] + r[8] * qz[t] + c;
            int ix = (int) Math.floor(x), iy = (int) Math.floor(y), iz = (int) Math.floor(z);
            if (ix < 0 || iy < 0 || iz < 0 || ix >= n - 1 || iy >= n - 1 || iz >= n - 1) {
                continue;
            }
            double fx = x - ix, fy = y - iy, fz = z - iz;
            double gx = 1 - fx, gy = 1 - fy, gz = 1 - fz;
            int i = (ix * n + iy) * n + iz;
            double v = scale * view[t];
            addCorners(vol, i, n, nn, gx, gy, gz, fx, fy, fz, v);
            if (weight != null) {
                addCorners(weight, i, n, nn, gx, gy, gz, fx, fy, fz, scale);
            }
        }
    }

    private static void addCorners(
            double[] a,
            int i,
            int n,
            int nn,
            double gx,
            double gy,
            double gz,
            double fx,
            double fy,
            double fz,
            double v) {
        double vgx = v * gx, vfx = v * fx;
        a[i] += vgx * gy * gz;
        a[i + 1] += vgx * gy * fz;
        a[i + n] += vgx * fy * gz;
        a[i + n + 1] += vgx * fy * fz;
        a[i + nn] += vfx * gy * gz;
        a[i + nn + 1] += vfx * gy * fz;
        a[i + nn + n] += vfx * fy * gz;
        a[i + nn + n + 1] += vfx * fy * fz;
    }
}
