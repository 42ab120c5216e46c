package org.diffract.correlate;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.diffract.core.parallel.WorkerPool;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AngularCorrelatorTest {
    /** sum_phi x(phi + d) y(phi), straight from the definition. */
    private static double[] direct(double[] x, double[] y) {
        int n = x.length;
        double[] c = new double[n];
        for (int d = 0; d < n; d++) {
            for (int j = 0; j < n; j++) {
                c[d] += x[(j + d) % n] * y[j];
            }
        }
        return c;
    }

    @Test
    void fftCorrelationMatchesTheDefinitionForEvenAndOddLengths() {
        Random rnd = new Random(7);
        for (int n : new int[] {2, 3, 8, 9, 30, 31}) {
            double[] x = rnd.doubles(n).toArray();
            double[] y = rnd.doubles(n).toArray();
            AngularCorrelator c = new AngularCorrelator(1, n, -1, -1);
            double[] out = new double[n];
            double[] tmp = new double[n];
            c.correlate(x, 0, x, 0, out, tmp);
            double[] auto = direct(x, x);
            c.correlate(x, 0, y, 0, out.clone(), tmp);
            double[] cross = new double[n];
            c.correlate(x, 0, y, 0, cross, tmp);
            double[] expCross = direct(x, y);
            for (int d = 0; d < n; d++) {
                c.correlate(x, 0, x, 0, out, tmp);
                assertEquals(auto[d], out[d], 1e-9, "auto n=" + n + " d=" + d);
                assertEquals(expCross[d], cross[d], 1e-9, "cross n=" + n + " d=" + d);
            }
        }
    }

    /** Shots 1 + a cos(n phi + theta) with random theta on nq identical rings, normalised. */
    private static PolarData modulated(int shots, int nq, int nphi, int fold, double a, byte[] mask, long seed) {
        return modulated(shots, nq, nphi, fold, a, mask, seed, true);
    }

    private static PolarData modulated(
            int shots, int nq, int nphi, int fold, double a, byte[] mask, long seed, boolean normalize) {
        Random rnd = new Random(seed);
        double[] p = new double[shots * nq * nphi];
        for (int i = 0; i < shots; i++) {
            double theta = 2 * Math.PI * rnd.nextDouble();
            for (int k = 0; k < nq; k++) {
                for (int j = 0; j < nphi; j++) {
                    p[(i * nq + k) * nphi + j] = (3 + k) * (1 + a * Math.cos(fold * 2 * Math.PI * j / nphi + theta));
                }
            }
        }
        double[] norm = p.clone();
        for (int i = 0; i < shots && normalize; i++) {
            PolarGrid.normalizeRings(norm, i * nq * nphi, mask, nq, nphi);
        }
        long[] tags = new long[shots];
        Arrays.setAll(tags, i -> i);
        return new PolarData(tags, p, norm, mask, nq, nphi, new double[nq], new double[nq], 0, 0);
    }

    private static byte[] allGood(int n) {
        byte[] m = new byte[n];
        Arrays.fill(m, (byte) 1);
        return m;
    }

    @Test
    void nFoldPatternPeaksAtMultiplesOfTwoPiOverN() {
        int nphi = 120;
        int fold = 5;
        PolarData p = modulated(40, 2, nphi, fold, 0.2, allGood(2 * nphi), 1);
        TagPairs pairs = TagPairs.consecutive(p.tags(), 0);
        CorrelationSums s = sumPairs(p, pairs, 0, pairs.size(), 1, -1, -1);
        double[] mean = s.mean();
        // local maxima of ring 0 over delta-phi are exactly at d = m * nphi / fold
        for (int d = 0; d < nphi; d++) {
            double v = mean[d];
            boolean isMax = v > mean[(d + 1) % nphi] && v > mean[(d + nphi - 1) % nphi];
            assertEquals(d % (nphi / fold) == 0, isMax, "local maximum at d = " + d);
        }
        // and the curve is the expected a^2 cos(n dphi) up to the finite number of pairs
        double var = 0;
        for (int d = 0; d < nphi; d++) {
            var += mean[d] * mean[d] / nphi;
        }
        assertEquals(20, s.pairs());
        assertTrue(var > 0, "correlation is not flat");
        for (int d = 0; d < nphi; d++) {
            assertEquals(mean[0] * Math.cos(2 * Math.PI * fold * d / nphi), mean[d], 1e-9);
        }
    }

    @Test
    void maskedGapsLeaveTheCorrectedCorrelationUnbiased() {
        int nphi = 90;
        int fold = 3;
        double a = 0.3;
        byte[] mask = allGood(nphi);
        for (int j = 10; j < 25; j++) {
            mask[j] = 0; // a panel gap
        }
        for (int j = 50; j < 58; j++) {
            mask[j] = 0;
        }
        // not ring-normalised: the mean over a gapped ring depends on the phase (a small a^3 effect of the
        // normalisation, not of the mask), and this test is about the mask correction alone
        PolarData p = modulated(4000, 1, nphi, fold, a, mask, 3, false);
        TagPairs pairs = TagPairs.consecutive(p.tags(), 0);
        double[] mean = sumPairs(p, pairs, 0, pairs.size(), 2, -1, -1).mean();
        // E[(x1 - x2)(x1' - x2')] for independent random phases: a^2 cos(n dphi)
        double worstCorrected = 0;
        double worstNaive = 0;
        double good = 0;
        for (byte b : mask) {
            good += b;
        }
        AngularCorrelator mc = new AngularCorrelator(1, nphi, -1, -1);
        double[] m = new double[nphi];
        for (int j = 0; j < nphi; j++) {
            m[j] = mask[j];
        }
        double[] maskCorr = new double[nphi];
        mc.correlate(m, 0, m, 0, maskCorr, new double[nphi]);
        for (int d = 0; d < nphi; d++) {
            // ring 0 is 3 (1 + a cos(...)): amplitude 3a
            double truth = 9 * a * a * Math.cos(2 * Math.PI * fold * d / nphi);
            worstCorrected += (mean[d] - truth) * (mean[d] - truth) / nphi;
            // what dividing by the number of angles instead of the mask correlation would give
            double naive = mean[d] * maskCorr[d] / nphi;
            worstNaive += (naive - truth) * (naive - truth) / nphi;
        }
        worstCorrected = Math.sqrt(worstCorrected);
        worstNaive = Math.sqrt(worstNaive);
        assertTrue(worstCorrected < 0.03 * 9 * a * a, "corrected correlation rms error " + worstCorrected);
        assertTrue(
                worstNaive > 0.15 * 9 * a * a, "the uncorrected correlation should be biased; rms error " + worstNaive);
    }

    @Test
    void varianceMatchesDirectComputationAndRanksCombineExactly() throws Exception {
        int nphi = 16;
        int nq = 3;
        Random rnd = new Random(11);
        int shots = 14;
        double[] p = new double[shots * nq * nphi];
        for (int i = 0; i < p.length; i++) {
            p[i] = 1 + rnd.nextDouble();
        }
        long[] tags = new long[shots];
        Arrays.setAll(tags, i -> 100 + i);
        PolarData data = new PolarData(tags, p, p, allGood(nq * nphi), nq, nphi, new double[nq], new double[nq], 0, 0);
        TagPairs pairs = TagPairs.consecutive(tags, 0);
        CorrelationSums one = sumPairs(data, pairs, 0, pairs.size(), 1, 0, 2);
        // direct: the per-pair autocorrelation of ring 1 at lag 3, divided by nphi (no mask)
        double[] vals = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            double[] d = new double[nphi];
            for (int j = 0; j < nphi; j++) {
                d[j] = p[(pairs.first()[i] * nq + 1) * nphi + j] - p[(pairs.second()[i] * nq + 1) * nphi + j];
            }
            vals[i] = direct(d, d)[3] / nphi;
        }
        double mu = Arrays.stream(vals).average().orElseThrow();
        double var = Arrays.stream(vals).map(v -> (v - mu) * (v - mu)).sum() / (vals.length - 1);
        assertEquals(mu, one.mean()[nphi + 3], 1e-12);
        assertEquals(var, one.variance()[nphi + 3], 1e-12);
        List<double[]> two = ThreadCommunicator.run(2, comm -> {
            int from = pairs.size() * comm.rank() / 2;
            int to = pairs.size() * (comm.rank() + 1) / 2;
            CorrelationSums s = sumPairs(data, pairs, from, to, 1, 0, 2);
            s.reduce(comm);
            double[] r = Arrays.copyOf(s.variance(), nq * nphi + nphi + 1);
            System.arraycopy(s.crossMean(), 0, r, nq * nphi, nphi);
            r[r.length - 1] = s.pairs();
            return r;
        });
        for (double[] r : two) {
            for (int i = 0; i < nq * nphi; i++) {
                assertEquals(one.variance()[i], r[i], 1e-12);
            }
            for (int d = 0; d < nphi; d++) {
                assertEquals(one.crossMean()[d], r[nq * nphi + d], 1e-12);
            }
            assertEquals(pairs.size(), r[r.length - 1]);
        }
        CorrelationSums local = sumPairs(data, pairs, 0, pairs.size(), 3, 0, 2);
        local.reduce(new LocalCommunicator());
        assertEquals(one.mean()[5], local.mean()[5], 1e-12);
    }

    @Test
    void allRingPairsMatchTheSingleCrossAndTheAutoCorrelations() {
        int nphi = 20;
        int nq = 4;
        Random rnd = new Random(5);
        int shots = 6;
        double[] p = new double[shots * nq * nphi];
        for (int i = 0; i < p.length; i++) {
            p[i] = 1 + rnd.nextDouble();
        }
        byte[] mask = allGood(nq * nphi);
        mask[3] = 0;
        mask[nphi + 7] = 0;
        mask[2 * nphi + 11] = 0;
        long[] tags = new long[shots];
        Arrays.setAll(tags, i -> i);
        PolarData data = new PolarData(tags, p, p, mask, nq, nphi, new double[nq], new double[nq], 0, 0);
        TagPairs pairs = TagPairs.consecutive(tags, 0);
        CorrelationSums all = sumPairs(data, pairs, 0, pairs.size(), 2, -1, -1, true, false);
        double[] full = all.allCrossMean();
        double[] auto = all.mean();
        for (int q = 0; q < nq; q++) {
            for (int d = 0; d < nphi; d++) {
                assertEquals(auto[q * nphi + d], full[(q * nq + q) * nphi + d], 1e-12);
            }
            for (int q2 = 0; q2 < nq; q2++) {
                if (q2 == q) {
                    continue;
                }
                double[] cross =
                        sumPairs(data, pairs, 0, pairs.size(), 1, q, q2).crossMean();
                for (int d = 0; d < nphi; d++) {
                    assertEquals(cross[d], full[(q * nq + q2) * nphi + d], 1e-12, "q " + q + " q' " + q2 + " d " + d);
                }
            }
        }
    }

    private static CorrelationSums sumPairs(
            PolarData p, TagPairs pairs, int from, int to, int threads, int q1, int q2) {
        return sumPairs(p, pairs, from, to, threads, q1, q2, false, false);
    }

    private static CorrelationSums sumPairs(
            PolarData p,
            TagPairs pairs,
            int from,
            int to,
            int threads,
            int q1,
            int q2,
            boolean allCross,
            boolean progress) {
        try (WorkerPool pool = new WorkerPool(threads, "test")) {
            return DiffCorrStep.sumPairs(
                    p,
                    p.meta(),
                    pairs,
                    from,
                    to,
                    pool,
                    new CorrelateSettings.Correlation(q1, q2, allCross, 0, false),
                    null,
                    progress);
        }
    }
}
