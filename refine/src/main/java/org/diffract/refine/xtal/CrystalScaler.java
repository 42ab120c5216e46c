package org.diffract.refine.xtal;

import org.apache.commons.math3.exception.ConvergenceException;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.util.Pair;

/**
 * cxi.merge's per-crystal scaling: least squares I_obs = G exp(-2 B s^2) I_ref over the reflections the
 * crystal shares with the reference (s = 1/2d), with B fixed at 0 unless asked for, and the correlation
 * between I_obs and I_ref that decides whether the crystal is kept. A B fit is bounded: a crystal whose
 * |B| exceeds b_max, or whose G moves from the B-free least-squares scale G0 by more than scale_drift_max,
 * is rejected rather than merged with a runaway correction (one such crystal once turned CC1/2 from 0.86
 * into 0.01).
 */
public final class CrystalScaler {
    /** Bounds on a B fit: |B| <= bMax (A^2) and G / G0 within [1/driftMax, driftMax]. */
    public record Bounds(double bMax, double driftMax) {}

    /**
     * Scale, B factor, correlation and the number of common reflections (NaN scale when too few); verdict
     * without the correlation threshold (see {@link #verdict}).
     */
    public record Fit(double g, double b, double cc, int n, Verdict bound) {
        public Verdict verdict(double minCorr) {
            if (n < 3 || !Double.isFinite(g)) {
                return Verdict.TOO_FEW;
            }
            if (!(cc >= minCorr) || !(g > 0)) {
                return Verdict.LOW_CC;
            }
            return bound;
        }

        public boolean usable(double minCorr) {
            return verdict(minCorr) == Verdict.ACCEPTED;
        }
    }

    private CrystalScaler() {}

    /**
     * @param obs observed intensities, ref reference intensities (NaN = absent), s2 = (1/2d)^2 per
     *            observation; only the first n entries are used. bounds null: no B (B = 0).
     */
    public static Fit fit(double[] obs, double[] ref, double[] s2, int n, Bounds bounds) {
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
            return new Fit(Double.NaN, 0, cc, m, Verdict.TOO_FEW);
        }
        double g = sor / srr;
        if (bounds == null || !(g > 0)) {
            return new Fit(g, 0, cc, m, Verdict.ACCEPTED);
        }
        double[] gb = fitB(obs, ref, s2, n, m, g);
        if (gb == null || !(Math.abs(gb[1]) <= bounds.bMax())) {
            return new Fit(g, gb == null ? Double.NaN : gb[1], cc, m, Verdict.B_BOUNDS);
        }
        double ratio = gb[0] / g;
        if (!(ratio <= bounds.driftMax() && ratio >= 1 / bounds.driftMax())) {
            return new Fit(gb[0], gb[1], cc, m, Verdict.SCALE_DRIFT);
        }
        return new Fit(gb[0], gb[1], cc, m, Verdict.ACCEPTED);
    }

    /** Levenberg-Marquardt over (G / G0, B) from (1, 0); null when it does not converge. */
    private static double[] fitB(double[] obs, double[] ref, double[] s2, int n, int m, double g0) {
        double[] o = new double[m], r = new double[m], s = new double[m];
        for (int i = 0, j = 0; i < n; i++) {
            if (Double.isFinite(ref[i])) {
                o[j] = obs[i];
                r[j] = ref[i];
                s[j] = s2[i];
                j++;
            }
        }
        try {
            LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer()
                    .optimize(new LeastSquaresBuilder()
                            .start(new double[] {1, 0})
                            .target(o)
                            .model(p -> {
                                // parameters: G / G0 and B, so both are of order one
                                double gg = p.getEntry(0) * g0, bb = p.getEntry(1);
                                double[] v = new double[m];
                                double[][] jac = new double[m][2];
                                for (int i = 0; i < m; i++) {
                                    double e = Math.exp(-2 * bb * s[i]);
                                    v[i] = gg * e * r[i];
                                    jac[i][0] = g0 * e * r[i];
                                    jac[i][1] = -2 * s[i] * v[i];
                                }
                                return new Pair<>(new ArrayRealVector(v, false), new Array2DRowRealMatrix(jac, false));
                            })
                            .maxEvaluations(200)
                            .maxIterations(200)
                            .build());
            double gg = opt.getPoint().getEntry(0) * g0, bb = opt.getPoint().getEntry(1);
            return gg > 0 && Double.isFinite(gg) && Double.isFinite(bb) ? new double[] {gg, bb} : null;
        } catch (TooManyEvaluationsException | TooManyIterationsException | ConvergenceException e) {
            return null;
        }
    }
}
