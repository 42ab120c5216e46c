package org.diffract.refine.subtomo;

/**
 * Rotation matrices: row-major 3x3 in 9 doubles, acting on column vectors of voxel coordinates (x, y, z)
 * about the box centre, with x the fastest array index (numpy's data[z][y][x], MRC columns, EMAN2).
 * EMAN2's "eman" Euler angles (az, alt, phi, degrees) name the matrix its Transform holds,
 * M = Rz(-phi) Rx(-alt) Rz(-az) in right-handed active rotations (libEM/transform.cpp set_rotation).
 */
public final class Rotations {
    private Rotations() {}

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
            c + x * x * k,
            x * y * k - z * s,
            x * z * k + y * s,
            y * x * k + z * s,
            c + y * y * k,
            y * z * k - x * s,
            z * x * k - y * s,
            z * y * k + x * s,
            c + z * z * k
        };
    }

    /** Rotation whose axis is v and angle |v| degrees. */
    public static double[] rotationVector(double vx, double vy, double vz) {
        return axisAngle(vx, vy, vz, Math.sqrt(vx * vx + vy * vy + vz * vz));
    }

    /** The rotation part of EMAN2's Transform({"type": "eman", "az": az, "alt": alt, "phi": phi}). */
    public static double[] eman(double az, double alt, double phi) {
        return multiply(rz(-phi), multiply(rx(-alt), rz(-az)));
    }

    /**
     * (az, alt, phi) in degrees as EMAN2's Transform.get_rotation("eman") reports them for the matrix m:
     * alt in [0, 180]; at alt 0 or 180 az is 0 and phi carries the whole turn.
     */
    public static double[] emanAngles(double[] m) {
        double cosAlt = m[8];
        if (cosAlt >= 1 - 1e-12) {
            return new double[] {0, 0, Math.toDegrees(Math.atan2(m[1], m[0]))};
        }
        if (cosAlt <= -1 + 1e-12) {
            return new double[] {0, 180, Math.toDegrees(Math.atan2(-m[1], m[0]))};
        }
        double az = Math.toDegrees(Math.atan2(m[6], -m[7]));
        double alt = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cosAlt))));
        double phi = Math.toDegrees(Math.atan2(m[2], m[5]));
        return new double[] {az, alt, phi};
    }
}
