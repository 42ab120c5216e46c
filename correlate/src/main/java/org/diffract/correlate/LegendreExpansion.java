package org.diffract.correlate;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.diffract.core.UserError;

/**
 * Expands a mean angular correlation C(q, q', delta) in Legendre polynomials of the angle psi between the
 * two scattering vectors, C = sum over even l of B_l(q, q') P_l(cos psi), by least squares over the
 * defined lags. On the Ewald sphere cos psi = sin(t) sin(t') + cos(t) cos(t') cos(delta) with t, t' the
 * Bragg half angles asin(q lambda / 4 pi); only even l appear for Friedel-symmetric intensities.
 */
public final class LegendreExpansion {
    private LegendreExpansion() {}

    /** Even orders 0, 2, ..., lmax. */
    public static int[] orders(int lmax) {
        int[] l = new int[lmax / 2 + 1];
        for (int i = 0; i < l.length; i++) {
            l[i] = 2 * i;
        }
        return l;
    }

    /** Number of defined (not NaN) lags of a correlation curve. */
    public static int defined(double[] corr) {
        int n = 0;
        for (double c : corr) {
            if (!Double.isNaN(c)) {
                n++;
            }
        }
        return n;
    }

    /** P_0..P_lmax at x by the three-term recurrence. */
    static double[] legendre(int lmax, double x) {
        double[] p = new double[lmax + 1];
        p[0] = 1;
        if (lmax >= 1) {
            p[1] = x;
        }
        for (int l = 2; l <= lmax; l++) {
            p[l] = ((2 * l - 1) * x * p[l - 1] - (l - 1) * p[l - 2]) / l;
        }
        return p;
    }

    /**
     * B_l for l = 0, 2, ..., lmax from one correlation curve {@code corr[delta]} (NaN = undefined) at
     * q1 and q2 (1/A).
     */
    public static double[] fit(double[] corr, double q1, double q2, double wavelen, int lmax) {
        int nphi = corr.length;
        int[] ls = orders(lmax);
        double t1 = Math.asin(q1 * wavelen / (4 * Math.PI));
        double t2 = Math.asin(q2 * wavelen / (4 * Math.PI));
        int rows = defined(corr);
        if (rows < ls.length) {
            throw new UserError("only " + rows + " defined lags for a Legendre fit to l = " + lmax
                    + "; lower [correlate] legendre_lmax");
        }
        double[][] a = new double[rows][ls.length];
        double[] b = new double[rows];
        int r = 0;
        for (int d = 0; d < nphi; d++) {
            if (Double.isNaN(corr[d])) {
                continue;
            }
            double delta = 2 * Math.PI * d / nphi;
            double cosPsi = Math.sin(t1) * Math.sin(t2) + Math.cos(t1) * Math.cos(t2) * Math.cos(delta);
            double[] p = legendre(lmax, cosPsi);
            for (int i = 0; i < ls.length; i++) {
                a[r][i] = p[ls[i]];
            }
            b[r] = corr[d];
            r++;
        }
        try {
            return new QRDecomposition(new Array2DRowRealMatrix(a, false))
                    .getSolver()
                    .solve(new ArrayRealVector(b, false))
                    .toArray();
        } catch (SingularMatrixException e) {
            throw new UserError("the Legendre fit is singular (too few distinct angles for l = " + lmax
                    + "); lower [correlate] legendre_lmax or raise nphi");
        }
    }
}
