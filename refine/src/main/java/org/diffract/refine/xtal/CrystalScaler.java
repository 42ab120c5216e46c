package org.diffract.refine.xtal;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.util.Pair;

/**
 * cxi.merge's per-crystal scaling: least squares I_obs = G exp(-2 B s^2) I_ref over the reflections the
 * crystal shares with the reference (s = 1/2d), with B fixed at 0 unless asked for, and the correlation
 * between I_obs and I_ref that decides whether the crystal is kept.
 */
public final class CrystalScaler {
    /** Scale, B factor, correlation and the number of common reflections (NaN scale when too few). */
    public record Fit(double g, double b, double cc, int n) {
        public boolean usable(double minCorr) {
            return n >= 3 && g > 0 && Double.isFinite(g) && cc >= minCorr;
        }
    }

    private CrystalScaler() {
    }

    /**
     * @param obs observed intensities, ref reference intensities (NaN = absent), s2 = (1/2d)^2 per
     *            observation; only the first n entries are used
     */
    public static Fit fit(double[] obs, double[] ref, double[] s2, int n, boolean withB) {
        int m = 0;
        double sor = 0, srr = 0, so = 0, sr = 0, soo = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(ref[i])) {
                continue;
            }
            m++;
            sor += obs[i] * ref[i];
            srr += ref[i] * ref[i];
            so += obs[i];
            sr += ref[i];
            soo += obs[i] * obs[i];
        }
        double cc = MergeStatistics.pearson(m, so, sr, soo, srr, sor);
        if (m < 3 || !(srr > 0)) {
            return new Fit(Double.NaN, 0, cc, m);
        }
        double g = sor / srr;
        if (!withB || !(g > 0)) {
            return new Fit(g, 0, cc, m);
        }
        double[] o = new double[m], r = new double[m], s = new double[m];
        for (int i = 0, j = 0; i < n; i++) {
            if (Double.isFinite(ref[i])) {
                o[j] = obs[i];
                r[j] = ref[i];
                s[j] = s2[i];
                j++;
            }
        }
        final double g0 = g;
        try {
            LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                    .start(new double[] {1, 0})
                    .target(o)
                    .model(p -> {
                        // parameters: G / G0 and B, so both are of order one
                        double gg = p.getEntry(0) * g0, bb = p.getEntry(1);
                        double[] v = new double[o.length];
                        double[][] jac = new double[o.length][2];
                        for (int i = 0; i < o.length; i++) {
                            double e = Math.exp(-2 * bb * s[i]);
                            v[i] = gg * e * r[i];
                            jac[i][0] = g0 * e * r[i];
                            jac[i][1] = -2 * s[i] * v[i];
                        }
                        return new Pair<>(new ArrayRealVector(v, false), new Array2DRowRealMatrix(jac, false));
                    })
                    .maxEvaluations(200).maxIterations(200).build());
            double gg = opt.getPoint().getEntry(0) * g0, bb = opt.getPoint().getEntry(1);
            if (gg > 0 && Double.isFinite(bb) && Math.abs(bb) < 500) {
                return new Fit(gg, bb, cc, m);
            }
        } catch (TooManyEvaluationsException | TooManyIterationsException e) {
            // fall back to the B-free scale below
        }
        return new Fit(g, 0, cc, m);
    }
}
