package org.diffract.refine.subtomo;

/**
 * Resampling of a cube {@code v[(x * n + y) * n + z]} under a rotation about the box centre c = n/2 and a
 * shift: {@code out(x) = in(M (x - c) + c + u)}, trilinear, 0 outside. With M = R^T, u = 0 this turns a
 * reference into a particle's frame; with M = R, u = t it brings a particle (reference rotated by R, then
 * shifted by t) back onto the reference.
 */
public final class VolumeTransform {
    private VolumeTransform() {
    }

    public static void apply(double[] in, int n, double[] m, double[] u, double[] out) {
        final double c = n / 2;
        final int nn = n * n;
        final double lim = n - 1;
        for (int x = 0; x < n; x++) {
            double dx = x - c;
            for (int y = 0; y < n; y++) {
                double dy = y - c;
                double bx = m[0] * dx + m[1] * dy + c + u[0];
                double by = m[3] * dx + m[4] * dy + c + u[1];
                double bz = m[6] * dx + m[7] * dy + c + u[2];
                int o = (x * n + y) * n;
                for (int z = 0; z < n; z++) {
                    double dz = z - c;
                    double sx = bx + m[2] * dz, sy = by + m[5] * dz, sz = bz + m[8] * dz;
                    if (!(sx >= 0 && sy >= 0 && sz >= 0 && sx <= lim && sy <= lim && sz <= lim)) {
                        out[o + z] = 0;
                        continue;
                    }
                    int ix = Math.min((int) sx, n - 2), iy = Math.min((int) sy, n - 2), iz = Math.min((int) sz, n - 2);
                    double fx = sx - ix, fy = sy - iy, fz = sz - iz;
                    double gx = 1 - fx, gy = 1 - fy, gz = 1 - fz;
                    int i = (ix * n + iy) * n + iz;
                    out[o + z] = gx * (gy * (gz * in[i] + fz * in[i + 1]) + fy * (gz * in[i + n] + fz * in[i + n + 1]))
                            + fx * (gy * (gz * in[i + nn] + fz * in[i + nn + 1])
                            + fy * (gz * in[i + nn + n] + fz * in[i + nn + n + 1]));
                }
            }
        }
    }

    /** The particle model: truth rotated by R about the centre, then shifted by t. */
    public static double[] rotateThenShift(double[] truth, int n, double[] r, double[] t) {
        double[] rt = Rotations.transpose(r);
        double[] u = {
                -(rt[0] * t[0] + rt[1] * t[1] + rt[2] * t[2]),
                -(rt[3] * t[0] + rt[4] * t[1] + rt[5] * t[2]),
                -(rt[6] * t[0] + rt[7] * t[1] + rt[8] * t[2])};
        double[] out = new double[truth.length];
        apply(truth, n, rt, u, out);
        return out;
    }

    /** Undoes {@link #rotateThenShift}: the particle brought back onto the reference frame. */
    public static double[] align(double[] particle, int n, double[] r, double[] t) {
        double[] out = new double[particle.length];
        apply(particle, n, r, t, out);
        return out;
    }
}
