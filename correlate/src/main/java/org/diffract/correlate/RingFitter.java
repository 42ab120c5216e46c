package org.diffract.correlate;

import java.util.Arrays;

import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;
import org.diffract.core.UserError;

/**
 * Finds the beam centre by fitting a circle (or an axis-aligned ellipse) to a bright powder or water ring,
 * as RingData's RingFit: starting from a guess (x, y, r), keep the good pixels within {@code width} of
 * the guessed ring, drop the brightest few (hot pixels, Bragg spots), and fit the curve by orthogonal
 * distance with each pixel weighted by its intensity above the annulus's 20th percentile (divided by its
 * radius, so that every radius of the ring profile counts alike). The annulus is then
 * re-centred on the fit and the fit repeated, because an annulus off-centre from the ring cuts its
 * profile asymmetrically and pulls the centre.
 */
public final class RingFitter {
    private static final int MAX_ROUNDS = 8;

    private RingFitter() {}

    /**
     * @param image  row-major {@code image[y * width + x]}
     * @param mask   1 = good pixel, or null for all good
     * @param drop   number of brightest annulus pixels to leave out
     */
    public static RingFit fit(
            double[] image,
            byte[] mask,
            int nx,
            int ny,
            double x0,
            double y0,
            double r0,
            double ringWidth,
            int drop,
            boolean ellipse) {
        if (!(r0 > 0) || !(ringWidth > 0)) {
            throw new UserError("ring guess radius and ring_width must be > 0; set [center] guess_r and ring_width");
        }
        double[] p = ellipse ? new double[] {x0, y0, r0, r0} : new double[] {x0, y0, r0};
        RingFit result = null;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Selection s = select(image, mask, nx, ny, p, ringWidth, drop);
            double[] q = solve(s, p, ellipse);
            double move = Math.hypot(q[0] - p[0], q[1] - p[1]);
            p = q;
            result = ellipse
                    ? new RingFit(p[0], p[1], Math.sqrt(p[2] * p[3]), p[2], p[3], residual(s, p, true), s.n, true)
                    : new RingFit(p[0], p[1], p[2], p[2], p[2], residual(s, p, false), s.n, false);
            if (move < 1e-4) {
                break;
            }
        }
        return result;
    }

    /** Pixel positions and weights of the annulus around the current curve. */
    private record Selection(double[] x, double[] y, double[] w, int n) {}

    private static Selection select(
            double[] image, byte[] mask, int nx, int ny, double[] p, double ringWidth, int drop) {
        double rx = p[2];
        double ry = p.length == 4 ? p[3] : p[2];
        double rmax = Math.max(rx, ry) + ringWidth;
        int xa = Math.max(0, (int) Math.floor(p[0] - rmax));
        int xb = Math.min(nx - 1, (int) Math.ceil(p[0] + rmax));
        int ya = Math.max(0, (int) Math.floor(p[1] - rmax));
        int yb = Math.min(ny - 1, (int) Math.ceil(p[1] + rmax));
        int cap = Math.max(0, (xb - xa + 1)) * Math.max(0, (yb - ya + 1));
        int[] idx = new int[cap];
        int n = 0;
        for (int y = ya; y <= yb; y++) {
            for (int x = xa; x <= xb; x++) {
                int t = y * nx + x;
                if (mask != null && mask[t] != 1) {
                    continue;
                }
                if (Math.abs(curveDistance(x, y, p)) <= ringWidth) {
                    idx[n++] = t;
                }
            }
        }
        if (n - drop < 8) {
            throw new UserError("only " + n + " good pixels lie within ring_width of the guessed ring (x " + p[0]
                    + ", y " + p[1] + ", r " + p[2] + "); check [center] guess_x, guess_y, guess_r");
        }
        // sort the annulus by intensity to drop the brightest and find the floor
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = image[idx[i]];
        }
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        // the floor: a low percentile, so that noise on the flat background weighs in symmetrically
        double floor = sorted[(n - drop) / 5];
        // values tied with the cut go too: a saturated plateau is no better than one hot pixel
        double cut = drop > 0 ? sorted[n - drop] : Double.POSITIVE_INFINITY;
        double[] xs = new double[n];
        double[] ys = new double[n];
        double[] ws = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            double val = v[i];
            if (val >= cut) {
                continue;
            }
            double w = val - floor;
            if (w <= 0) {
                continue;
            }
            double x = idx[i] % nx;
            double y = idx[i] / nx;
            // pixels per unit radius grow with the radius: divide by it so the outer half of the ring
            // profile does not outweigh the inner half and inflate the radius
            double rho = Math.max(1, Math.hypot(x - p[0], y - p[1]));
            xs[m] = x;
            ys[m] = y;
            ws[m] = w * rx / rho;
            m++;
        }
        if (m < 8) {
            throw new UserError("the guessed ring has no intensity above its floor; check [center] guess_r and "
                    + "ring_width, or the image");
        }
        return new Selection(xs, ys, ws, m);
    }

    /** Signed radial distance (pixels) of (x, y) from the circle or ellipse p. */
    private static double curveDistance(double x, double y, double[] p) {
        double dx = x - p[0];
        double dy = y - p[1];
        if (p.length == 3) {
            return Math.hypot(dx, dy) - p[2];
        }
        // distance along the ray from the centre: exact for a circle, close for a mild ellipse
        double rho = Math.hypot(dx, dy);
        double s = Math.hypot(dx / p[2], dy / p[3]);
        return s == 0 ? -Math.min(p[2], p[3]) : rho - rho / s;
    }

    private static double[] solve(Selection s, double[] start, boolean ellipse) {
        int n = s.n;
        int k = start.length;
        double[] sw = new double[n];
        for (int i = 0; i < n; i++) {
            sw[i] = Math.sqrt(s.w[i]);
        }
        MultivariateJacobianFunction model = point -> {
            double[] p = point.toArray();
            double[] r = new double[n];
            double[][] jac = new double[n][k];
            for (int i = 0; i < n; i++) {
                double dx = s.x[i] - p[0];
                double dy = s.y[i] - p[1];
                double rho = Math.hypot(dx, dy);
                if (rho == 0) {
                    rho = 1e-12;
                }
                if (!ellipse) {
                    r[i] = sw[i] * (rho - p[2]);
                    jac[i][0] = -sw[i] * dx / rho;
                    jac[i][1] = -sw[i] * dy / rho;
                    jac[i][2] = -sw[i];
                } else {
                    // residual rho (1 - 1/s), s = |(dx/a, dy/b)|
                    double a = p[2];
                    double b = p[3];
                    double sv = Math.hypot(dx / a, dy / b);
                    double f = 1 - 1 / sv;
                    r[i] = sw[i] * rho * f;
                    double dsdx = dx / (a * a * sv);
                    double dsdy = dy / (b * b * sv);
                    double dsda = -dx * dx / (a * a * a * sv);
                    double dsdb = -dy * dy / (b * b * b * sv);
                    double g = rho / (sv * sv);
                    // d/d cx: d rho/d cx = -dx/rho, d s/d cx = -dsdx
                    jac[i][0] = sw[i] * (-dx / rho * f - g * dsdx);
                    jac[i][1] = sw[i] * (-dy / rho * f - g * dsdy);
                    jac[i][2] = sw[i] * g * dsda;
                    jac[i][3] = sw[i] * g * dsdb;
                }
            }
            return new Pair<>(new ArrayRealVector(r, false), new Array2DRowRealMatrix(jac, false));
        };
        LeastSquaresOptimizer.Optimum opt;
        try {
            opt = new LevenbergMarquardtOptimizer()
                    .optimize(new LeastSquaresBuilder()
                            .start(start)
                            .model(model)
                            .target(new double[n])
                            .lazyEvaluation(false)
                            .maxEvaluations(1000)
                            .maxIterations(1000)
                            .build());
        } catch (TooManyEvaluationsException e) {
            throw new UserError("the ring fit did not converge; improve [center] guess_x, guess_y, guess_r");
        }
        RealVector v = opt.getPoint();
        return v.toArray();
    }

    private static double residual(Selection s, double[] p, boolean ellipse) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < s.n; i++) {
            double d = curveDistance(s.x[i], s.y[i], p);
            num += s.w[i] * d * d;
            den += s.w[i];
        }
        return Math.sqrt(num / den);
    }
}
