package org.diffract.spots;

import java.util.Arrays;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * The Kruskal-Wallis H test as scipy.stats.kruskal: ranks with ties averaged, H divided by the tie
 * correction 1 - sum(t^3 - t) / (n^3 - n), p from the chi-square distribution with G - 1 degrees of
 * freedom. Works on samples pre-sorted into {@code long} keys (see {@link #key}) so that dropping the
 * largest value is shrinking a length, with no allocation per test.
 */
public final class KruskalWallis {
    private final double[] critical;
    private final double[] rankSum;
    private final int[] count;

    /** For up to {@code maxGroups} groups at significance {@code alpha}. */
    public KruskalWallis(int maxGroups, double alpha) {
        critical = new double[Math.max(2, maxGroups)];
        for (int dof = 1; dof < critical.length; dof++) {
            critical[dof] = new ChiSquaredDistribution(dof).inverseCumulativeProbability(1 - alpha);
        }
        rankSum = new double[critical.length];
        count = new int[critical.length];
    }

    /** A sort key: ascending {@code long} order is ascending value; the low 32 bits carry the group. */
    public static long key(float value, int group) {
        int bits = Float.floatToIntBits(value);
        bits ^= (bits >> 31) & 0x7fffffff;
        return ((long) bits << 32) | (group & 0xffffffffL);
    }

    public static float valueOf(long key) {
        int bits = (int) (key >> 32);
        bits ^= (bits >> 31) & 0x7fffffff;
        return Float.intBitsToFloat(bits);
    }

    public static int groupOf(long key) {
        return (int) key;
    }

    /** H of the sorted keys {@code [0, n)}, or 0 with fewer than two non-empty groups; see {@link #groups}. */
    public double statistic(long[] sorted, int n) {
        Arrays.fill(rankSum, 0);
        Arrays.fill(count, 0);
        double ties = 0;
        int i = 0;
        while (i < n) {
            int j = i + 1;
            float v = valueOf(sorted[i]);
            while (j < n && valueOf(sorted[j]) == v) {
                j++;
            }
            double rank = (i + 1 + j) / 2.0; // mean of ranks i+1 .. j
            for (int k = i; k < j; k++) {
                int g = groupOf(sorted[k]);
                rankSum[g] += rank;
                count[g]++;
            }
            double t = j - i;
            ties += t * t * t - t;
            i = j;
        }
        double sum = 0;
        int groups = 0;
        for (int g = 0; g < count.length; g++) {
            if (count[g] > 0) {
                sum += rankSum[g] * rankSum[g] / count[g];
                groups++;
            }
        }
        lastGroups = groups;
        if (groups < 2 || n < 2) {
            return 0;
        }
        double h = 12.0 / ((double) n * (n + 1)) * sum - 3.0 * (n + 1);
        double correction = 1 - ties / ((double) n * n * n - n);
        return correction <= 0 ? 0 : h / correction;
    }

    private int lastGroups;

    /** Non-empty groups seen by the last {@link #statistic} call. */
    public int groups() {
        return lastGroups;
    }

    /** Whether the samples differ at alpha: H above the chi-square critical value for G - 1 dof. */
    public boolean rejects(long[] sorted, int n) {
        double h = statistic(sorted, n);
        return lastGroups >= 2 && h > critical[lastGroups - 1];
    }

    /** The p-value of H with {@code groups - 1} degrees of freedom. */
    public static double pValue(double h, int groups) {
        return 1 - new ChiSquaredDistribution(groups - 1).cumulativeProbability(h);
    }
}
