package org.diffract.refine.subtomo;

/**
 * A particle's alignment as EMAN2 writes it in xform.align3d: the Transform (matrix M, translation t) that
 * maps the particle onto its class average, x -> M (x - c) + c + t about the box centre c = n/2, applied as
 * EMAN2's xform processor does (out(x) = in(M^-1 (x - c - t) + c)). Our {@link Hit} says the opposite
 * direction: particle = average rotated by R about c, then shifted by d. So M = R^T and t = -R^T d.
 */
public record EmanTransform(double[] matrix, double[] translation) {
    public static EmanTransform of(Hit h) {
        double[] m = Rotations.transpose(h.rotation());
        double[] d = h.shift();
        double[] t = {
            -(m[0] * d[0] + m[1] * d[1] + m[2] * d[2]),
            -(m[3] * d[0] + m[4] * d[1] + m[5] * d[2]),
            -(m[6] * d[0] + m[7] * d[1] + m[8] * d[2])
        };
        return new EmanTransform(m, t);
    }

    /** Back to our direction: R = M^T, d = -M^T t. */
    public Hit toHit(double score) {
        double[] r = Rotations.transpose(matrix);
        double[] t = translation;
        double[] d = {
            -(r[0] * t[0] + r[1] * t[1] + r[2] * t[2]),
            -(r[3] * t[0] + r[4] * t[1] + r[5] * t[2]),
            -(r[6] * t[0] + r[7] * t[1] + r[8] * t[2])
        };
        return new Hit(score, r, d);
    }

    /** EMAN2's az, alt, phi (degrees) of the matrix. */
    public double[] angles() {
        return Rotations.emanAngles(matrix);
    }

    /** The 3x4 row-major [M | t] that EMAN2 stores in HDF (a compound of 12 floats "00".."23") and JSON ("matrix"). */
    public double[] rows() {
        double[] a = new double[12];
        for (int r = 0; r < 3; r++) {
            System.arraycopy(matrix, 3 * r, a, 4 * r, 3);
            a[4 * r + 3] = translation[r];
        }
        return a;
    }

    public static EmanTransform fromRows(double[] a) {
        double[] m = new double[9];
        double[] t = new double[3];
        for (int r = 0; r < 3; r++) {
            System.arraycopy(a, 4 * r, m, 3 * r, 3);
            t[r] = a[4 * r + 3];
        }
        return new EmanTransform(m, t);
    }
}
