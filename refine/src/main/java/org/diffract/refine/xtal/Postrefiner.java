package org.diffract.refine.xtal;

import java.util.Arrays;

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
 * Post-refinement of one crystal against the current merged intensities (prime): Levenberg-Marquardt
 * (commons-math3) on the residuals (I_obs - G exp(-2 B s^2) p(h) I_h) / sigma over the observations whose
 * I_h is known, in parameters scaled to order one (the Jacobian by forward differences), then rejection of
 * observations whose residual is more than outlier_sigma robust standard deviations from the median,
 * and a second fit without them. A fit that leaves the cell outside uc_tolerance, makes G or rs
 * non-positive, or turns the crystal by more than a degree is refused and the crystal left out.
 */
public final class Postrefiner {
    private static final double MAX_ROTATION = Math.toRadians(1);

    private final XtalSettings settings;

    public Postrefiner(XtalSettings settings) {
        this.settings = settings;
    }

    /** Which parameters move: scale (G, B) and/or all the others. */
    private int[] free(CrystalModel m) {
        int total = m.params.length;
        boolean scale = settings.refineScale(), all = settings.refineAllParams();
        int[] f = new int[total];
        int n = 0;
        for (int i = 0; i < total; i++) {
            boolean isScale = i == CrystalModel.G || i == CrystalModel.B;
            if (isScale ? scale : all) {
                f[n++] = i;
            }
        }
        return Arrays.copyOf(f, n);
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

    /** Refines m against merged intensities iH (NaN = unknown); returns whether the crystal is kept. */
    public boolean refine(CrystalModel m, double[] iH) {
        int[] free = free(m);
        if (free.length == 0) {
            return m.accepted;
        }
        double[] before = m.params.clone();
        Arrays.fill(m.outlier, false);
        for (int round = 0; round < 2; round++) {
            if (!fit(m, iH, free)) {
                m.params = before;
                m.accepted = false;
                return false;
            }
            if (round == 0) {
                markOutliers(m, iH);
            }
        }
        m.accepted = plausible(m, before);
        if (!m.accepted) {
            m.params = before;
        }
        return m.accepted;
    }

    private boolean plausible(CrystalModel m, double[] before) {
        double[] p = m.params;
        if (!(p[CrystalModel.G] > 0) || !(Math.abs(p[CrystalModel.RS]) > 0)
                || Math.abs(p[CrystalModel.RS]) > 20 * Math.abs(before[CrystalModel.RS])
                || Math.abs(p[CrystalModel.ROT_X]) > MAX_ROTATION || Math.abs(p[CrystalModel.ROT_Y]) > MAX_ROTATION
                || !Double.isFinite(p[CrystalModel.B]) || Math.abs(p[CrystalModel.B]) > 200) {
            return false;
        }
        try {
            return m.cell(p).isWithin(settings.targetCell(), settings.ucTolerance());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private int[] active(CrystalModel m, double[] iH) {
        int[] act = new int[m.n];
        int k = 0;
        for (int j = 0; j < m.n; j++) {
            if (!m.outlier[j] && Double.isFinite(iH[m.unique[j]])) {
                act[k++] = j;
            }
        }
        return Arrays.copyOf(act, k);
    }

    private boolean fit(CrystalModel m, double[] iH, int[] free) {
        int[] act = active(m, iH);
        if (act.length < free.length + 3) {
            return false;
        }
        double[] p0 = m.params.clone();
        double[] scale = new double[free.length];
        for (int f = 0; f < free.length; f++) {
            scale[f] = step(m, free[f], p0);
        }
        double[] target = new double[act.length];
        double[] obsI = m.crystal.intensity(), obsS = m.crystal.sigma();
        for (int r = 0; r < act.length; r++) {
            int j = act[r];
            target[r] = obsI[m.source[j]] / obsS[m.source[j]];
        }
        double[] a = new double[9], part = new double[m.n], corr = new double[m.n];
        double[] p = p0.clone();
        // prediction (I_model / sigma) for a point x in scaled parameter units
        java.util.function.Function<double[], double[]> predict = x -> {
            for (int f = 0; f < free.length; f++) {
                p[free[f]] = p0[free[f]] + x[f] * scale[f];
            }
            double[] out = new double[act.length];
            m.predict(p, a, part, corr);
            for (int r = 0; r < act.length; r++) {
                int j = act[r];
                out[r] = corr[j] * iH[m.unique[j]] / obsS[m.source[j]];
            }
            return out;
        };
        double h = 1e-4;
        try {
            LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
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
                    .maxEvaluations(200).maxIterations(100).build());
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
        } catch (TooManyEvaluationsException | TooManyIterationsException | ConvergenceException
                 | IllegalArgumentException e) {
            // a crystal LM cannot fit (singular or diverging) is left out of this cycle
            return false;
        }
    }

    /** Marks observations whose normalised residual is far from the median (robust scale: 1.4826 MAD). */
    void markOutliers(CrystalModel m, double[] iH) {
        int[] act = active(m, iH);
        if (act.length < 5) {
            return;
        }
        double[] a = new double[9], part = new double[m.n], corr = new double[m.n];
        m.predict(m.params, a, part, corr);
        double[] res = new double[act.length];
        for (int r = 0; r < act.length; r++) {
            int j = act[r];
            res[r] = (m.crystal.intensity()[m.source[j]] - corr[j] * iH[m.unique[j]]) / m.crystal.sigma()[m.source[j]];
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
            if (Math.abs(res[r] - med) > settings.outlierSigma() * sd) {
                m.outlier[act[r]] = true;
            }
        }
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
