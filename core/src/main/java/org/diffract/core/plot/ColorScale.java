package org.diffract.core.plot;

/**
 * Maps data values to [0, 1] for a colour map: linearly between min and max, or linearly in log10 between
 * the smallest and largest positive values when {@code log}. In log mode min and max are log10 values;
 * non-positive data map to 0 (the minimum colour), because they have no logarithm.
 */
public record ColorScale(double min, double max, boolean log) {

    /** The range of the finite (and, for log, positive) values. */
    public static ColorScale of(double[] values, boolean log) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isNaN(v) || Double.isInfinite(v) || (log && v <= 0)) {
                continue;
            }
            double u = log ? Math.log10(v) : v;
            lo = Math.min(lo, u);
            hi = Math.max(hi, u);
        }
        if (lo > hi) {
            // nothing plottable: an empty range draws every pixel in the minimum colour
            lo = 0;
            hi = 0;
        }
        return new ColorScale(lo, hi, log);
    }

    /** Position of v in [0, 1]. */
    public double fraction(double v) {
        if (Double.isNaN(v)) {
            return 0;
        }
        double u;
        if (log) {
            if (v <= 0) {
                return 0;
            }
            u = Math.log10(v);
        } else {
            u = v;
        }
        if (!(max > min)) {
            return 0;
        }
        double f = (u - min) / (max - min);
        return f < 0 ? 0 : (f > 1 ? 1 : f);
    }

    /** The data value at the low end of the scale (10^min in log mode). */
    public double lowValue() {
        return log ? Math.pow(10, min) : min;
    }

    /** The data value at the high end of the scale (10^max in log mode). */
    public double highValue() {
        return log ? Math.pow(10, max) : max;
    }
}
