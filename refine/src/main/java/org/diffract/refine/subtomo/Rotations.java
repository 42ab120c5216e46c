package org.diffract.refine.subtomo;

/**
 * Rotation matrices (row-major 3x3 in 9 doubles, acting on voxel coordinate vectors (x, y, z) with z the
 * fastest array index) and EMAN2's Euler convention R = Rz(phi) Rx(alt) Rz(az), angles in degrees.
 */
public final class Rotations {
    private Rotations() {
    }

    public static double[] identity() {
        return new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
    }

    public static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
            }
        }
        return c;
    }

    public static double[] transpose(double[] a) {
        return new double[] {a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]};
    }

    public static double trace(double[] a) {
        return a[0] + a[4] + a[8];
    }

    /** Angle in degrees of the rotation taking a to b. */
    public static double angleBetween(double[] a, double[] b) {
        double t = 0;
        for (int i = 0; i < 9; i++) {
            t += a[i] * b[i]; // trace(a^T b)
        }
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, (t - 1) / 2))));
    }

    static double[] rz(double deg) {
        double c = Math.cos(Math.toRadians(deg)), s = Math.sin(Math.toRadians(deg));
        return new double[] {c, -s, 0, s, c, 0, 0, 0, 1};
    }

    static double[] rx(double deg) {
        double c = Math.cos(Math.toRadians(deg)), s = Math.sin(Math.toRadians(deg));
        return new double[] {1, 0, 0, 0, c, -s, 0, s, c};
    }

    /** Rotation by {@code deg} degrees about the unit axis (ax, ay, az) (Rodrigues). */
    public static double[] axisAngle(double ax, double ay, double az, double deg) {
        double norm = Math.sqrt(ax * ax + ay * ay + az * az);
        if (norm == 0 || deg == 0) {
            return identity();
        }
        double x = ax / norm, y = ay / norm, z = az / norm;
        double t = Math.toRadians(deg), c = Math.cos(t), s = Math.sin(t), k = 1 - c;
        return new double[] {
                c + x * x * k, x * y * k - z * s, x * z * k + y * s,
                y * x * k + z * s, c + y * y * k, y * z * k - x * s,
                z * x * k - y * s, z * y * k + x * s, c + z * z * k};
    }

    /** Rotation whose axis is v and angle |v| degrees. */
    public static double[] rotationVector(double vx, double vy, double vz) {
        return axisAngle(vx, vy, vz, Math.sqrt(vx * vx + vy * vy + vz * vz));
    }

    public static double[] fromEuler(double az, double alt, double phi) {
        return multiply(rz(phi), multiply(rx(alt), rz(az)));
    }

    /** (az, alt, phi) in degrees with alt in [0, 180]; az = 0 where alt is 0 or 180 (gimbal lock). */
    public static double[] toEuler(double[] r) {
        double alt = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, r[8]))));
        double sinAlt = Math.sqrt(r[6] * r[6] + r[7] * r[7]);
        if (sinAlt < 1e-9) {
            return new double[] {0, alt, Math.toDegrees(Math.atan2(r[3], r[0]))};
        }
        double az = Math.toDegrees(Math.atan2(r[6], r[7]));
        double phi = Math.toDegrees(Math.atan2(r[2], -r[5]));
        return new double[] {az, alt, phi};
    }
}
