package org.diffract.refine.xtal;

import java.util.Arrays;
import java.util.function.Function;

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
 * Post-refinement of one crystal against the current merged intensities, in prime's two steps, each on the
 * observations its own filters pass ([postref_scale] and [postref_allparams]: resolution, I/sigma,
 * partiality under the current parameters) and repeated n_postref_sub_cycle times:
 * <ol>
 * <li>scale: G (and B with b_factor) with the geometry fixed;</li>
 * <li>all parameters: the two rotations across the beam, the reflecting-range radius rs and the cell
 * parameters the crystal system leaves free, with G again and B fixed (prime keeps G fixed here, but G and
 * rs are so correlated that alternating them converges over many cycles; refined together they settle in
 * one).</li>
 * </ol>
 * Each step is Levenberg-Marquardt (commons-math3) on (I_obs - G exp(-2 B s^2) p(h) I_h) / sigma in
 * parameters scaled to order one (Jacobian by forward differences), then rejection of observations more
 * than outlier_sigma robust standard deviations from the median residual and a refit. A geometry step that
 * fails, turns the crystal by more than a degree, moves rs implausibly or takes the cell outside
 * [postref_allparams] uc_tolerance is undone (as prime keeps the last good parameters). The crystal is
 * rejected, with its verdict, when its cell leaves [merge] uc_tolerance or its correlation with I_h falls
 * below frame_accept_min_cc; {@link #scaleVerdict} (B and scale bounds) is checked by the caller once the
 * cycle's B are centred. A crystal left out for its correlation is refined again in the next cycle, as
 * prime does; any other rejection is final.
 */
public final class Postrefiner {
    private static final double MAX_ROTATION = Math.toRadians(1);

    private final XtalSettings settings;

    public Postrefiner(XtalSettings settings) {
        this.settings = settings;
    }

    private static double step(CrystalModel m, int param, double[] p0) {
        return switch (param) {
            case CrystalModel.G -> Math.max(Math.abs(p0[CrystalModel.G]), 1e-12);
            case CrystalModel.B -> 5;
            case CrystalModel.ROT_X, CrystalModel.ROT_Y -> 1e-3;
            case CrystalModel.RS -> Math.max(Math.abs(p0[CrystalModel.RS]), 1e-5);
            default -> p0[param] > 30 && p0[param] < 150 && isAngle(m, param) ? 0.2 : 0.005 * p0[param];
        };
    }

    private static boolean isAngle(CrystalModel m, int param) {
        int c = param - CrystalModel.CELL;
        return (m.system.equals("monoclinic") && c == 3) || (m.system.equals("triclinic") && c >= 3);
    }

    private int[] scaleParams() {
        return settings.scaling().bFactor() ? new int[] {CrystalModel.G, CrystalModel.B} : new int[] {CrystalModel.G};
    }

    /** G with the geometry: G and rs trade off almost one for one, and alternating them converges slowly. */
    private static int[] geometryParams(CrystalModel m) {
        int[] f = new int[1 + m.params.length - CrystalModel.ROT_X];
        f[0] = CrystalModel.G;
        for (int i = 1; i < f.length; i++) {
            f[i] = CrystalModel.ROT_X + i - 1;
        }
        return f;
    }

    /** Refines m against merged intensities iH (NaN = unknown); returns whether the crystal is still merged. */
    public boolean refine(CrystalModel m, double[] iH) {
        if (!m.accepted() && m.record.verdict != Verdict.LOW_CC) {
            return false;
        }
        // as prime, a crystal below frame_accept_min_cc in one cycle is refined again in the next
        m.record.verdict = Verdict.ACCEPTED;
        XtalSettings.Postref pr = settings.postref();
        Arrays.fill(m.outlier, false);
        if (Double.isNaN(m.startScale)) {
            m.startScale = overallScale(m, iH);
        }
        for (int sub = 0; sub < pr.subCycles(); sub++) {
            if (pr.refineScale()) {
                int[] act = active(m, iH, settings.scale());
                if (act.length < scaleParams().length + 3) {
                    m.record.reject(Verdict.TOO_FEW);
                    return false;
                }
                double[] before = m.params.clone();
                if (!fitTwice(m, iH, scaleParams(), settings.scale()) || !(m.params[CrystalModel.G] > 0)) {
                    m.params = before;
                }
            }
            if (pr.refineAllParams()) {
                double[] before = m.params.clone();
                if (!fitTwice(m, iH, geometryParams(m), settings.allParams()) || !plausible(m, before)) {
                    m.params = before;
                }
            }
        }
        if (!settings.cellWithin(m.cell(m.params), settings.merge().ucTolerance())) {
            m.record.reject(Verdict.CELL);
            return false;
        }
        double cc = correlation(m, iH);
        m.record.ccAfter = cc;
        if (!(cc >= settings.scaling().frameAcceptMinCc())) {
            m.record.reject(Verdict.LOW_CC);
            return false;
        }
        return true;
    }

    /** B within its bound and the crystal's overall scale within the drift factor of its start. */
    Verdict scaleVerdict(CrystalModel m, double[] iH) {
        double g = m.params[CrystalModel.G], b = m.params[CrystalModel.B];
        if (!(g > 0) || !Double.isFinite(g)) {
            return Verdict.SCALE_DRIFT;
        }
        if (!(Math.abs(b) <= settings.scaling().bMax())) {
            return Verdict.B_BOUNDS;
        }
        double drift = settings.scaling().scaleDriftMax(), ratio = overallScale(m, iH) / m.startScale;
        return ratio <= drift && ratio >= 1 / drift ? Verdict.ACCEPTED : Verdict.SCALE_DRIFT;
    }

    /**
     * The crystal's overall scale against the reference, sum G exp(-2 B s^2) p I_h / sum I_h over its
     * observations with I_h known: what merging divides by. G alone is no measure, since G and rs trade off
     * (p scales as rs^2 away from the Bragg condition) while this product stays put.
     */
    static double overallScale(CrystalModel m, double[] iH) {
        double[] a = new double[9], part = new double[m.n], corr = new double[m.n];
        m.predict(m.params, a, part, corr);
        double num = 0, den = 0;
        for (int j = 0; j < m.n; j++) {
            double ih = iH[m.unique[j]];
            if (Double.isFinite(ih) && !m.outlier[j]) {
                num += corr[j] * ih;
                den += ih;
            }
        }
        return num / den;
    }

    private boolean plausible(CrystalModel m, double[] before) {
        double[] p = m.params;
        if (!(p[CrystalModel.G] > 0)
                || !(Math.abs(p[CrystalModel.RS]) > 0)
                || Math.abs(p[CrystalModel.RS]) > 20 * Math.abs(before[CrystalModel.RS])
                || Math.abs(p[CrystalModel.ROT_X]) > MAX_ROTATION
                || Math.abs(p[CrystalModel.ROT_Y]) > MAX_ROTATION) {
            return false;
        }
        try {
            return settings.cellWithin(m.cell(p), settings.allParams().ucTolerance());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Observations a step uses: not outliers, I_h known, and passing the step's filters under the current parameters. */
    int[] active(CrystalModel m, double[] iH, Filters f) {
        double[] a = new double[9], part = new double[m.n], corr = new double[m.n];
        m.predict(m.params, a, part, corr);
        int[] act = new int[m.n];
        int k = 0;
        for (int j = 0; j < m.n; j++) {
            if (!m.outlier[j]
                    && Double.isFinite(iH[m.unique[j]])
                    && f.accepts(m.dObs[j], m.iObs[j] / m.sigObs[j], part[j])) {
                act[k++] = j;
            }
        }
        return Arrays.copyOf(act, k);
    }

    /** Fit, mark outliers, fit again; false when a fit fails. */
    private boolean fitTwice(CrystalModel m, double[] iH, int[] free, Filters f) {
        if (!fit(m, iH, free, active(m, iH, f))) {
            return false;
        }
        markOutliers(m, iH, active(m, iH, f));
        return fit(m, iH, free, active(m, iH, f));
    }

    private boolean fit(CrystalModel m, double[] iH, int[] free, int[] act) {
        if (act.length < free.length + 3) {
            return false;
        }
        double[] p0 = m.params.clone();
        double[] scale = new double[free.length];
        for (int f = 0; f < free.length; f++) {
            scale[f] = step(m, free[f], p0);
        }
        double[] target = new double[act.length];
        for (int r = 0; r < act.length; r++) {
            target[r] = m.iObs[act[r]] / m.sigObs[act[r]];
        }
        double[] a = new double[9], part = new double[m.n], corr = new double[m.n];
        double[] p = p0.clone();
        // prediction (I_model / sigma) for a point x in scaled parameter units
        Function<double[], double[]> predict = x -> {
            for (int f = 0; f < free.length; f++) {
                p[free[f]] = p0[free[f]] + x[f] * scale[f];
            }
            double[] out = new double[act.length];
            m.predict(p, a, part, corr);
            for (int r = 0; r < act.length; r++) {
                int j = act[r];
                out[r] = corr[j] * iH[m.unique[j]] / m.sigObs[j];
            }
            return out;
        };
        double h = 1e-4;
        try {
            LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer()
                    .optimize(new LeastSquaresBuilder()
                            .start(new double[free.length])
                            .target(target)
                            .model(point -> {
                                double[] x = point.toArray();
                                double[] v = predict.apply(x);
                                double[][] jac = new double[act.length][free.length];
                                for (int f = 0; f < free.length; f++) {
                                    double keep = x[f];
                                    x[f] = keep + h;
                                    double[] vp = predict.apply(x);
                                    x[f] = keep;
                                    for (int r = 0; r < act.length; r++) {
                                        jac[r][f] = (vp[r] - v[r]) / h;
                                    }
                                }
                                return new Pair<>(new ArrayRealVector(v, false), new Array2DRowRealMatrix(jac, false));
                            })
                            .maxEvaluations(200)
                            .maxIterations(100)
                            .build());
            double[] x = opt.getPoint().toArray();
            double[] result = p0.clone();
            for (int f = 0; f < free.length; f++) {
                result[free[f]] = p0[free[f]] + x[f] * scale[f];
            }
            for (double v : result) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
            m.params = result;
            return true;
        } catch (TooManyEvaluationsException
                | TooManyIterationsException
                | ConvergenceException
                | IllegalArgumentException e) {
            // a fit LM cannot do (singular or diverging) is undone by the caller
            return false;
        }
    }

    /** Marks observations whose normalised residual is far from the median (robust scale: 1.4826 MAD). */
    void markOutliers(CrystalModel m, double[] iH, int[] act) {
        if (act.length < 5) {
            return;
        }
        double[] a = new double[9], part = new double[m.n], corr = new double[m.n];
        m.predict(m.params, a, part, corr);
        double[] res = new double[act.length];
        for (int r = 0; r < act.length; r++) {
            int j = act[r];
            res[r] = (m.iObs[j] - corr[j] * iH[m.unique[j]]) / m.sigObs[j];
        }
        double med = median(res.clone());
        double[] dev = new double[res.length];
        for (int r = 0; r < res.length; r++) {
            dev[r] = Math.abs(res[r] - med);
        }
        double sd = 1.4826 * median(dev);
        if (!(sd > 0)) {
            return;
        }
        for (int r = 0; r < act.length; r++) {
            if (Math.abs(res[r] - med) > settings.postref().outlierSigma() * sd) {
                m.outlier[act[r]] = true;
            }
        }
    }

    /**
     * prime's frame CC: Pearson correlation of I_obs with the model G exp(-2 B s^2) p I_h over the observations
     * merging would use (I_h known, partiality at least [merge] partiality_min).
     */
    double correlation(CrystalModel m, double[] iH) {
        double[] a = new double[9], part = new double[m.n], corr = new double[m.n];
        m.predict(m.params, a, part, corr);
        int n = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int j = 0; j < m.n; j++) {
            double ih = iH[m.unique[j]];
            if (!Double.isFinite(ih) || part[j] < settings.merge().partialityMin()) {
                continue;
            }
            double x = m.iObs[j], y = corr[j] * ih;
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        return MergeStatistics.pearson(n, sx, sy, sxx, syy, sxy);
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
