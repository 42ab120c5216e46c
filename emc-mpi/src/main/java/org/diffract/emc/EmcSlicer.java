package org.diffract.emc;

/**
 * core's {@link org.diffract.core.volume.Slicer} operations (trilinear slice and its adjoint, the merge;
 * same geometry and origin) on the memory layouts EMC's engine uses to halve its traffic to the 3D volume,
 * which at 213^3 (77 MB) does not fit any cache and makes these two loops the largest cost of an
 * iteration: slicing reads a float copy of the model, and merging adds value and weight into interleaved
 * (sum, weight) pairs, so one cache line serves both.
 */
final class EmcSlicer {
    private EmcSlicer() {}

    /** out[t] = V(R q_t) for pixels t in [0, out.length), V given as a float cube; 0 outside. */
    static void slice(float[] vol, int n, double[] r, double[] qx, double[] qy, double[] qz, double[] out) {
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
     * The adjoint of slice, for pixels whose {@code use[t]} is true: adds {@code scale * view[t]} times the
     * trilinear weights into the sums {@code pairs[2 i]} and {@code scale} times them into the weights
     * {@code pairs[2 i + 1]} of voxel i.
     */
    static void merge(
            double[] view,
            double scale,
            double[] r,
            double[] qx,
            double[] qy,
            double[] qz,
            boolean[] use,
            double[] pairs,
            int n) {
        final int c = n / 2;
        final int nn = n * n;
        final int numPix = view.length;
        for (int t = 0; t < numPix; t++) {
            if (!use[t]) {
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
            double v = view[t];
            double sgx = scale * gx, sfx = scale * fx;
            add(pairs, i, sgx * gy * gz, v);
            add(pairs, i + 1, sgx * gy * fz, v);
            add(pairs, i + n, sgx * fy * gz, v);
            add(pairs, i + n + 1, sgx * fy * fz, v);
            add(pairs, i + nn, sfx * gy * gz, v);
            add(pairs, i + nn + 1, sfx * gy * fz, v);
            add(pairs, i + nn + n, sfx * fy * gz, v);
            add(pairs, i + nn + n + 1, sfx * fy * fz, v);
        }
    }

    private static void add(double[] pairs, int voxel, double w, double v) {
        int j = voxel << 1;
        pairs[j] += w * v;
        pairs[j + 1] += w;
    }
}
