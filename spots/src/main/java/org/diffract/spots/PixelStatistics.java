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
    /** Output of the last {@link #compute}, one pixel. */
    double avg;

    double std;
    double iqr;
    double max;
    int argmax;
    int removed;

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
            n = numFrames - trim;
            removed = trim;
            if (trim > 0) {
                select(sorted, 0, numFrames - 1, n - 1); // the n smallest now fill [0, n)
            }
        } else {
            n = kruskalKeep(values, off);
            removed = numFrames - n;
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
        iqr = quartileRange(sorted, n);
    }

    /**
     * Q75 - Q25 (numpy's linear percentile) of {@code s[0, n)} by selection rather than sorting: each
     * percentile needs the order statistics at floor(q (n - 1)) and the next one. Reorders s.
     */
    static double quartileRange(float[] s, int n) {
        double p25 = 0.25 * (n - 1);
        double p75 = 0.75 * (n - 1);
        int lo25 = (int) p25;
        int lo75 = (int) p75;
        select(s, 0, n - 1, lo25);
        double q25 = interpolate(s[lo25], minFrom(s, lo25 + 1, n, s[lo25]), p25 - lo25);
        if (lo75 > lo25) {
            select(s, lo25 + 1, n - 1, lo75);
        }
        double q75 = interpolate(s[lo75], minFrom(s, lo75 + 1, n, s[lo75]), p75 - lo75);
        return q75 - q25;
    }

    private static double interpolate(float a, float b, double frac) {
        return a + (b - (double) a) * frac;
    }

    /** Smallest of {@code s[from, n)}, or {@code dflt} if empty. */
    private static float minFrom(float[] s, int from, int n, float dflt) {
        if (from >= n) {
            return dflt;
        }
        float m = s[from];
        for (int i = from + 1; i < n; i++) {
            if (s[i] < m) {
                m = s[i];
            }
        }
        return m;
    }

    /**
     * Selection (quickselect): reorders {@code a[lo, hi]} (inclusive) so that {@code a[k]} is the value a
     * sort would put there, with nothing larger before it and nothing smaller after it. The partitions are
     * branch-free (swap always, advance by the comparison), since pixel series are random and a branchy
     * partition mispredicts every other element; values equal to the pivot are gathered in a second pass,
     * so constant series (dead pixels, gaps) stay linear.
     */
    static void select(float[] a, int lo, int hi, int k) {
        while (hi - lo > 8) {
            int mid = (lo + hi) >>> 1;
            float x = a[lo];
            float y = a[mid];
            float z = a[hi];
            int m = x < y ? (y < z ? mid : (x < z ? hi : lo)) : (x < z ? lo : (y < z ? hi : mid));
            float pivot = a[m];
            a[m] = a[hi];
            a[hi] = pivot;
            int store = lo;
            for (int i = lo; i < hi; i++) {
                float v = a[i];
                a[i] = a[store];
                a[store] = v;
                store += v < pivot ? 1 : 0;
            }
            a[hi] = a[store];
            a[store] = pivot;
            // a[lo, store) < pivot == a[store] <= a(store, hi]
            if (k < store) {
                hi = store - 1;
                continue;
            }
            int eq = store + 1;
            for (int i = store + 1; i <= hi; i++) {
                float v = a[i];
                a[i] = a[eq];
                a[eq] = v;
                eq += v == pivot ? 1 : 0;
            }
            // a[store, eq) == pivot
            if (k < eq) {
                return;
            }
            lo = eq;
        }
        for (int i = lo + 1; i <= hi; i++) {
            float v = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
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
}
