package org.diffract.refine.subtomo;

/**
 * Resampling of a cube {@code v[(z * n + y) * n + x]} (x fastest) under a rotation about the box centre
 * c = n/2 (integer division, as EMAN2) and a shift: {@code out(p) = in(M (p - c) + c + u)} for p = (x, y, z),
 * trilinear, 0 outside. With M = R^T, u = 0 this turns a reference into a particle's frame; with M = R,
 * u = t it brings a particle (reference rotated by R, then shifted by t) back onto the reference, which is
 * what EMAN2's xform processor does with the transform (R^T, -R^T t).
 */
public final class VolumeTransform {
    private VolumeTransform() {}

    public static void apply(double[] in, int n, double[] m, double[] u, double[] out) {
        final double c = n / 2;
        final int nn = n * n;
        final double lim = n - 1;
        for (int z = 0; z < n; z++) {
            double dz = z - c;
            for (int y = 0; y < n; y++) {
                double dy = y - c;
                double bx = m[1] * dy + m[2] * dz + c + u[0];
                double by = m[4] * dy + m[5] * dz + c + u[1];
                double bz = m[7] * dy + m[8] * dz + c + u[2];
                int o = (z * n + y) * n;
                for (int x = 0; x < n; x++) {
                    double dx = x - c;
                    double sx = bx + m[0] * dx, sy = by + m[3] * dx, sz = bz + m[6] * dx;
                    if (!(sx >= 0 && sy >= 0 && sz >= 0 && sx <= lim && sy <= lim && sz <= lim)) {
                        out[o + x] = 0;
                        continue;
                    }
                    int ix = Math.min((int) sx, n - 2), iy = Math.min((int) sy, n - 2), iz = Math.min((int) sz, n - 2);
                    double fx = sx - ix, fy = sy - iy, fz = sz - iz;
                    double gx = 1 - fx, gy = 1 - fy, gz = 1 - fz;
                    int i = (iz * n + iy) * n + ix;
                    out[o + x] = gz * (gy * (gx * in[i] + fx * in[i + 1]) + fy * (gx * in[i + n] + fx * in[i + n + 1]))
                            + fz
                                    * (gy * (gx * in[i + nn] + fx * in[i + nn + 1])
                                            + fy * (gx * in[i + nn + n] + fx * in[i + nn + n + 1]));
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
            -(rt[6] * t[0] + rt[7] * t[1] + rt[8] * t[2])
        };
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
