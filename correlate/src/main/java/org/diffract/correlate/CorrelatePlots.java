package org.diffract.correlate;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.diffract.core.plot.SlicePlot;

/** The pictures a scientist checks: the ring fit over the image, one polar image, the mean correlation map. */
public final class CorrelatePlots {
    private CorrelatePlots() {}

    /** Percentiles of the good pixels that bound center_fit.png's colours. */
    static final double LOW_PERCENTILE = 1;

    static final double HIGH_PERCENTILE = 99.5;

    /** The mean image with the fitted ring and centre burnt in: see {@link #ringFitImage}. */
    public static void ringFit(Path png, double[] image, byte[] mask, int nx, int ny, RingFit fit) {
        SlicePlot.writeImage(
                png,
                ringFitImage(image, mask, nx, ny, fit),
                ny,
                nx,
                String.format(
                        Locale.ROOT,
                        "ring fit: centre x %.2f y %.2f, r %.2f px, residual %.2f px (fit at the top colour; image "
                                + "%.0f-%.1fth percentile of good pixels)",
                        fit.xCenter(),
                        fit.yCenter(),
                        fit.radius(),
                        fit.residual(),
                        LOW_PERCENTILE,
                        HIGH_PERCENTILE),
                false);
    }

    /**
     * The values drawn: the image clipped to the 1st..99.5th percentile of its good pixels (so a few hot
     * pixels, masked or not, cannot squash the ring into the bottom colour), masked pixels at the low end,
     * and the fitted curve and centre cross a quarter of that range above it, the top colour.
     */
    static double[] ringFitImage(double[] image, byte[] mask, int nx, int ny, RingFit fit) {
        int good = 0;
        double[] sorted = new double[image.length];
        for (int t = 0; t < image.length; t++) {
            if (mask == null || mask[t] == 1) {
                sorted[good++] = image[t];
            }
        }
        Arrays.sort(sorted, 0, good);
        double lo = good == 0 ? 0 : sorted[(int) Math.floor((good - 1) * LOW_PERCENTILE / 100)];
        double hi = good == 0 ? 1 : sorted[(int) Math.ceil((good - 1) * HIGH_PERCENTILE / 100)];
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double[] img = new double[image.length];
        for (int t = 0; t < image.length; t++) {
            img[t] = mask != null && mask[t] != 1 ? lo : Math.max(lo, Math.min(hi, image[t]));
        }
        double mark = hi + 0.25 * (hi - lo);
        int steps = (int) Math.ceil(8 * Math.PI * Math.max(fit.radiusX(), fit.radiusY())) + 16;
        for (int s = 0; s < steps; s++) {
            double a = 2 * Math.PI * s / steps;
            set(
                    img,
                    nx,
                    ny,
                    fit.xCenter() + fit.radiusX() * Math.cos(a),
                    fit.yCenter() + fit.radiusY() * Math.sin(a),
                    mark);
        }
        for (int d = -3; d <= 3; d++) {
            set(img, nx, ny, fit.xCenter() + d, fit.yCenter(), mark);
            set(img, nx, ny, fit.xCenter(), fit.yCenter() + d, mark);
        }
        return img;
    }

    private static void set(double[] img, int nx, int ny, double x, double y, double v) {
        int ix = (int) Math.round(x);
        int iy = (int) Math.round(y);
        if (ix >= 0 && iy >= 0 && ix < nx && iy < ny) {
            img[iy * nx + ix] = v;
        }
    }

    /** One shot on the polar grid: rows are rings (q), columns angles. */
    public static void polarImage(Path png, double[] image, PolarMeta p, long tag) {
        SlicePlot.writeImage(
                png,
                image,
                p.nq(),
                p.nphi(),
                String.format(
                        Locale.ROOT,
                        "polar image of tag %d: q %.3f..%.3f 1/A down, phi 0..2pi across",
                        tag,
                        p.q()[0],
                        p.q()[p.nq() - 1]),
                false);
    }

    /**
     * The mean correlation, rings down and delta-phi across from one step to pi (the map is symmetric in
     * delta-phi, and delta-phi = 0 holds the noise variance, which would swamp the colour scale).
     */
    public static void correlationMap(Path png, double[] mean, double[] q, int nq, int nphi) {
        int cols = Math.max(1, nphi / 2);
        double[] img = new double[nq * cols];
        for (int k = 0; k < nq; k++) {
            for (int d = 0; d < cols; d++) {
                double v = mean[k * nphi + Math.min(nphi - 1, d + 1)];
                img[k * cols + d] = Double.isNaN(v) ? 0 : v;
            }
        }
        SlicePlot.writeImage(
                png,
                img,
                nq,
                cols,
                String.format(
                        Locale.ROOT,
                        "mean difference correlation: q %.3f..%.3f 1/A down, delta-phi 2pi/%d..pi across",
                        q[0],
                        q[nq - 1],
                        nphi),
                false);
    }
}
