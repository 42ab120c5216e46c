package org.diffract.refine.xtal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Merging statistics per resolution shell (shells hold equal numbers of possible reflections, i.e. equal
 * reciprocal volume) and overall: completeness against the possible unique reflections, multiplicity,
 * mean I/sigma(I), CC1/2 and Rsplit between the half sets, and CCiso against a reference.
 * Rsplit = 2^-1/2 sum|I1 - I2| / (sum (I1 + I2) / 2), as CrystFEL's compare_hkl computes it.
 */
public final class MergeStatistics {
    /** One shell; the overall row has shell = -1. */
    public record Shell(
            int shell,
            double dMax,
            double dMin,
            int possible,
            int observed,
            double completeness,
            double multiplicity,
            double meanIOverSigma,
            double cc12,
            double rsplit,
            double ccIso,
            int nPairs) {}

    private MergeStatistics() {}

    /** Shells of the index (sorted by decreasing d) and the overall row last. reference may be null. */
    public static List<Shell> compute(HklIndex index, MergeSums sums, double[] reference, int nBins) {
        int n = index.size();
        List<Shell> out = new ArrayList<>();
        int bins = Math.max(1, Math.min(nBins, n));
        for (int b = 0; b < bins; b++) {
            int from = (int) ((long) b * n / bins), to = (int) ((long) (b + 1) * n / bins);
            out.add(shell(b, index, sums, reference, from, to));
        }
        out.add(shell(-1, index, sums, reference, 0, n));
        return out;
    }

    private static Shell shell(int id, HklIndex index, MergeSums sums, double[] reference, int from, int to) {
        int observed = 0;
        long nObs = 0;
        double iOverSig = 0;
        int pairs = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, diff = 0, sum = 0;
        int nIso = 0;
        double ix = 0, iy = 0, ixx = 0, iyy = 0, ixy = 0;
        for (int u = from; u < to; u++) {
            int c = sums.count(u);
            if (c == 0) {
                continue;
            }
            observed++;
            nObs += c;
            double in = sums.intensity(u);
            iOverSig += in / sums.sigma(u);
            double a = sums.halfIntensity(u, 0), b = sums.halfIntensity(u, 1);
            if (Double.isFinite(a) && Double.isFinite(b)) {
                pairs++;
                sx += a;
                sy += b;
                sxx += a * a;
                syy += b * b;
                sxy += a * b;
                diff += Math.abs(a - b);
                sum += a + b;
            }
            if (reference != null && Double.isFinite(reference[u])) {
                nIso++;
                double r = reference[u];
                ix += in;
                iy += r;
                ixx += in * in;
                iyy += r * r;
                ixy += in * r;
            }
        }
        int possible = to - from;
        double dMax = possible > 0 ? index.d(from) : Double.NaN, dMin = possible > 0 ? index.d(to - 1) : Double.NaN;
        return new Shell(
                id,
                dMax,
                dMin,
                possible,
                observed,
                possible > 0 ? (double) observed / possible : Double.NaN,
                observed > 0 ? (double) nObs / observed : Double.NaN,
                observed > 0 ? iOverSig / observed : Double.NaN,
                pearson(pairs, sx, sy, sxx, syy, sxy),
                pairs > 0 && sum != 0 ? diff / (0.5 * sum) / Math.sqrt(2) : Double.NaN,
                pearson(nIso, ix, iy, ixx, iyy, ixy),
                pairs);
    }

    /** Pearson correlation from sums; NaN with fewer than 3 pairs or no variance. */
    static double pearson(int n, double sx, double sy, double sxx, double syy, double sxy) {
        if (n < 3) {
            return Double.NaN;
        }
        double vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
        if (!(vx > 0) || !(vy > 0)) {
            return Double.NaN;
        }
        return (sxy - sx * sy / n) / Math.sqrt(vx * vy);
    }

    /** The table as text, one row per shell and the overall row, for the _stats.txt file and the log. */
    public static String table(List<Shell> shells) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%8s %8s %9s %9s %8s %8s %8s %8s %8s %8s%n",
                "d_max",
                "d_min",
                "possible",
                "observed",
                "compl%",
                "mult",
                "<I/sig>",
                "CC1/2",
                "Rsplit%",
                "CCiso"));
        for (Shell s : shells) {
            if (s.shell() < 0) {
                sb.append("-".repeat(96)).append('\n');
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "%8.2f %8.2f %9d %9d %8.1f %8.2f %8.2f %8.4f %8.2f %8.4f%n",
                    s.dMax(),
                    s.dMin(),
                    s.possible(),
                    s.observed(),
                    100 * s.completeness(),
                    s.multiplicity(),
                    s.meanIOverSigma(),
                    s.cc12(),
                    100 * s.rsplit(),
                    s.ccIso()));
        }
        return sb.toString();
    }
}
