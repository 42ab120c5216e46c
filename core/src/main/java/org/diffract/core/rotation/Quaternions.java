package org.diffract.core.rotation;

import java.util.random.RandomGenerator;

/**
 * Unit quaternions (w, x, y, z) stored as 4 consecutive doubles, and the rotation matrices they stand
 * for, in Dragonfly's convention: a detector pixel's q vector is rotated into the model by
 * {@code R q} with R from {@link #toMatrix}.
 */
public final class Quaternions {
    private Quaternions() {}

    /** Row-major 3x3 rotation matrix of the unit quaternion {@code q[off..off+4)} into {@code r[0..9)}. */
    public static void toMatrix(double[] q, int off, double[] r) {
        double q0 = q[off], q1 = q[off + 1], q2 = q[off + 2], q3 = q[off + 3];
        double q00 = q0 * q0, q11 = q1 * q1, q22 = q2 * q2, q33 = q3 * q3;
        r[0] = q00 + q11 - q22 - q33;
        r[1] = 2 * (q1 * q2 + q0 * q3);
        r[2] = 2 * (q1 * q3 - q0 * q2);
        r[3] = 2 * (q1 * q2 - q0 * q3);
        r[4] = q00 - q11 + q22 - q33;
        r[5] = 2 * (q0 * q1 + q2 * q3);
        r[6] = 2 * (q0 * q2 + q1 * q3);
        r[7] = 2 * (q2 * q3 - q0 * q1);
        r[8] = q00 - q11 - q22 + q33;
    }

    public static double[] toMatrix(double[] q) {
        double[] r = new double[9];
        toMatrix(q, 0, r);
        return r;
    }

    /** Hamilton product a*b; in this (transposed) matrix convention toMatrix(a*b) = toMatrix(b) toMatrix(a). */
    public static double[] multiply(double[] a, double[] b) {
        return new double[] {
            a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
            a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
            a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
            a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]
        };
    }

    public static double[] conjugate(double[] q) {
        return new double[] {q[0], -q[1], -q[2], -q[3]};
    }

    public static double[] normalize(double[] q) {
        double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        return new double[] {q[0] / n, q[1] / n, q[2] / n, q[3] / n};
    }

    /** A rotation drawn uniformly from SO(3) (Shoemake's method). */
    public static double[] random(RandomGenerator rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble(), u3 = rng.nextDouble();
        double a = Math.sqrt(1 - u1), b = Math.sqrt(u1);
        return new double[] {
            a * Math.sin(2 * Math.PI * u2), a * Math.cos(2 * Math.PI * u2),
            b * Math.sin(2 * Math.PI * u3), b * Math.cos(2 * Math.PI * u3)
        };
    }

    /** Angle in radians of the rotation taking a to b (q and -q are the same rotation). */
    public static double angleBetween(double[] a, double[] b) {
        double dot = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
        return 2 * Math.acos(Math.min(1.0, dot));
    }
}
