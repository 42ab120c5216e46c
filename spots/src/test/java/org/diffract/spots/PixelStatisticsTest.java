package org.diffract.spots;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PixelStatisticsTest {
    @Test
    void trimmedStatisticsOfHandSample() {
        // 8 frames, n = 25 %: floor(8 * 0.25) = 2 largest (8 and 7) removed, leaving 1..6
        float[] v = {3, 8, 1, 5, 7, 2, 6, 4};
        PixelStatistics ps = PixelStatistics.trimmed(8, 25);
        ps.compute(v, 0);
        assertEquals(2, ps.removed);
        assertEquals(3.5, ps.avg, 1e-12);
        assertEquals(Math.sqrt(35.0 / 12), ps.std, 1e-12); // population variance of 1..6
        // numpy.percentile([1..6], 75) = 4.75, 25 -> 2.25
        assertEquals(2.5, ps.iqr, 1e-12);
        assertEquals(8, ps.max, 0);
        assertEquals(1, ps.argmax);
    }

    @Test
    void offsetAndFirstMaximumWin() {
        float[] v = {99, 99, 5, 9, 9, 1};
        PixelStatistics ps = PixelStatistics.trimmed(4, 0 + 50);
        ps.compute(v, 2); // sample 5, 9, 9, 1; two largest removed -> 1, 5
        assertEquals(9, ps.max, 0);
        assertEquals(1, ps.argmax);
        assertEquals(3, ps.avg, 1e-12);
        assertEquals(2, ps.std, 1e-12);
    }

    /** Selection-based statistics against sorting, on samples with many ties and odd sizes. */
    @Test
    void selectionMatchesSorting() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + rnd.nextInt(120);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = trial % 2 == 0 ? rnd.nextInt(6) : (float) rnd.nextDouble(-50, 50);
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            int k = rnd.nextInt(n);
            float[] sel = a.clone();
            PixelStatistics.select(sel, 0, n - 1, k);
            assertEquals(sorted[k], sel[k], 0);
            for (int i = 0; i < n; i++) {
                assertTrue(i < k ? sel[i] <= sel[k] : sel[i] >= sel[k]);
            }
            double expected = sortedPercentile(sorted, 0.75) - sortedPercentile(sorted, 0.25);
            assertEquals(expected, PixelStatistics.quartileRange(a.clone(), n), 1e-9);
        }
    }

    /** numpy.percentile (linear) of an ascending array. */
    private static double sortedPercentile(float[] s, double q) {
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (s[hi] - (double) s[lo]) * (pos - lo);
    }

    @Test
    void trimCountIsFloor() {
        assertEquals(10, PixelStatistics.trimCount(40, 25));
        assertEquals(2, PixelStatistics.trimCount(9, 25));
        assertEquals(0, PixelStatistics.trimCount(3, 25));
    }

    /**
     * Normal background: the mean and sd of the lowest 75 % of N(mu, s^2) are mu - s phi(z)/0.75 and
     * s sqrt(1 - z phi(z)/0.75 - (phi(z)/0.75)^2) with z = 0.6745; Q75 - Q25 of that sample are the normal
     * quantiles at 0.5625 and 0.1875 of the full distribution: (0.15731 + 0.88715) s.
     */
    @Test
    void backgroundStatisticsMatchTruncatedNormal() {
        SyntheticLaue d = SyntheticLaue.builder()
                .size(40, 40)
                .angles(20, 10)
                .spots(0, 0, 0)
                .integer(false)
                .seed(11)
                .build();
        SpotsOptions o = SpotTestData.options(null);
        SpotsResult r = new SpotFinder(o, new org.diffract.core.parallel.LocalCommunicator(), 2).run(d);
        double z = 0.6744897501960817;
        double phi = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
        double mean = 100 - 5 * phi / 0.75;
        double sd = 5 * Math.sqrt(1 - z * phi / 0.75 - Math.pow(phi / 0.75, 2));
        double iqr = 5 * (0.15731068461017067 + 0.887146559018876);
        assertEquals(mean, avg(r.stats.avg), 0.05);
        assertEquals(sd, avg(r.stats.std), 0.03 * sd);
        assertEquals(iqr, avg(r.stats.iqr), 0.04 * iqr);
    }

    @Test
    void kruskalRemovesLaserInducedValuesOnly() {
        // one angle, 5 off and 5 on frames; the on frames are much brighter: KW rejects until the
        // on group is gone down to where the groups no longer differ
        LaueSeries s =
                new LaueSeries(10, 1, 1, new double[10], new long[10], 10, new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1});
        float[] v = {10, 50, 11, 51, 12, 52, 13, 53, 14, 54};
        PixelStatistics ps = PixelStatistics.kruskal(s, 0.05);
        ps.compute(v, 0);
        // scipy.stats.kruskal: 5 off vs 5 on H = 6.818 (p 0.009) rejects; vs 4 on 6.0 (p 0.014) and vs 3
        // on 5.0 (p 0.025) reject; vs 2 on H = 3.75 (p 0.0528) stops: 3 values removed
        assertEquals(3, ps.removed);
        assertEquals((10 + 11 + 12 + 13 + 14 + 50 + 51) / 7.0, ps.avg, 1e-9);
        assertEquals(54, ps.max, 0);
        assertEquals(9, ps.argmax);
    }

    @Test
    void kruskalKeepsSampleWithoutLaserEffect() {
        LaueSeries s =
                new LaueSeries(10, 1, 1, new double[10], new long[10], 10, new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1});
        float[] v = {10, 11, 14, 12, 13, 15, 11, 10, 12, 14};
        PixelStatistics ps = PixelStatistics.kruskal(s, 0.05);
        ps.compute(v, 0);
        assertEquals(0, ps.removed);
        assertEquals(12.2, ps.avg, 1e-9);
    }

    static double avg(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }
}
