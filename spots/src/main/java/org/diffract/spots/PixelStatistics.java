package org.diffract.spots;

import java.util.Arrays;

/**
 * Per-pixel statistics over a frame series, as lu_hdf2spots: max and argmax over every frame; avg, std
 * (population, as numpy's default) and iqr (Q75 - Q25 with numpy's linear interpolation) over what is
 * left after removing the largest values, either a fixed share ({@code n_removed}) or, for laser data,
 * as long as a Kruskal-Wallis test says the laser groups at one angle differ ({@code kruskal}).
 * One instance per thread: it owns its scratch arrays.
 */
public final class PixelStatistics {
    /** Output of one pixel. */
    public double avg;
    public double std;
    public double iqr;
    public double max;
    public int argmax;
    public int removed;

    private final int numFrames;
    private final float[] sorted;
    // kruskal only
    private final LaueSeries series;
    private final KruskalWallis kw;
    private final long[] keys;

    private final int trim;

    /** The number of values dropped per pixel by the n_removed method: floor(N * n / 100). */
    public static int trimCount(int numFrames, int percent) {
        return (int) ((long) numFrames * percent / 100);
    }

    /** For the n_removed method. */
    public static PixelStatistics trimmed(int numFrames, int percent) {
        return new PixelStatistics(numFrames, trimCount(numFrames, percent), null, 0);
    }

    /** For the kruskal method on laser data. */
    public static PixelStatistics kruskal(LaueSeries series, double alpha) {
        return new PixelStatistics(series.numFrames(), 0, series, alpha);
    }

    private PixelStatistics(int numFrames, int trim, LaueSeries series, double alpha) {
        this.numFrames = numFrames;
        this.trim = trim;
        this.sorted = new float[numFrames];
        this.series = series;
        if (series != null) {
            this.kw = new KruskalWallis(series.numLaserGroups(), alpha);
            this.keys = new long[series.maxFramesPerAngle()];
        } else {
            this.kw = null;
            this.keys = null;
        }
    }

    /** Computes the statistics of {@code values[off .. off + numFrames)}, one value per frame in file order. */
    public void compute(float[] values, int off) {
        float m = values[off];
        int am = 0;
        for (int f = 1; f < numFrames; f++) {
            if (values[off + f] > m) {
                m = values[off + f];
                am = f;
            }
        }
        max = m;
        argmax = am;
        int n;
        if (series == null) {
            System.arraycopy(values, off, sorted, 0, numFrames);
            Arrays.sort(sorted, 0, numFrames);
            n = numFrames - trim;
            removed = trim;
        } else {
            n = kruskalKeep(values, off);
            removed = numFrames - n;
            Arrays.sort(sorted, 0, n);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += sorted[i];
        }
        double mean = sum / n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = sorted[i] - mean;
            ss += d * d;
        }
        avg = mean;
        std = Math.sqrt(ss / n);
        iqr = percentile(sorted, n, 0.75) - percentile(sorted, n, 0.25);
    }

    /** Puts the values kept by the Kruskal-Wallis rule into {@code sorted[0, n)} (unsorted) and returns n. */
    private int kruskalKeep(float[] values, int off) {
        int n = 0;
        for (int a = 0; a < series.numAngles(); a++) {
            int[] frames = series.framesOfAngle(a);
            for (int i = 0; i < frames.length; i++) {
                keys[i] = KruskalWallis.key(values[off + frames[i]], series.laserGroup(frames[i]));
            }
            Arrays.sort(keys, 0, frames.length);
            int keep = frames.length;
            // the largest value goes first: it is the one a laser-induced spot would raise
            while (keep > 2 && kw.rejects(keys, keep)) {
                keep--;
            }
            for (int i = 0; i < keep; i++) {
                sorted[n++] = KruskalWallis.valueOf(keys[i]);
            }
        }
        return n;
    }

    /** numpy.percentile's default (linear) of the ascending {@code s[0, n)}. */
    static double percentile(float[] s, int n, double q) {
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, n - 1);
        double frac = pos - lo;
        return s[lo] + (s[hi] - (double) s[lo]) * frac;
    }
}
