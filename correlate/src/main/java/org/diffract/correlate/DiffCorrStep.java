package org.diffract.correlate;

import java.util.Arrays;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * The {@code diffcorr} step, as RingData's DiffCorr: the mean and variance over pairs of the mask-corrected
 * difference angular correlations. Pairs are split over ranks and over the rank's workers, the sums are
 * reduced, and rank 0 writes {@code correlations.h5} and {@code correlation.png}.
 */
final class DiffCorrStep {
    private static final Logger LOG = LogManager.getLogger(DiffCorrStep.class);

    private final CorrelateSettings s;
    private final Communicator comm;
    private final WorkerPool pool;

    DiffCorrStep(CorrelateSettings settings, Communicator comm, WorkerPool pool) {
        this.s = settings;
        this.comm = comm;
        this.pool = pool;
    }

    CorrelationSums run(PolarData p, TagPairs pairs) {
        int nq = p.nq();
        CorrelateSettings.Correlation o = s.correlation();
        if (o.crossQ1() >= nq || o.crossQ2() >= nq) {
            throw new UserError(s.name() + ": [correlate] cross_q1/cross_q2 must be ring indices below " + nq);
        }
        int from = (int) ((long) pairs.size() * comm.rank() / comm.size());
        int to = (int) ((long) pairs.size() * (comm.rank() + 1) / comm.size());
        LOG.info("diffcorr: {} pairs over {} rank(s) x {} thread(s), {} rings x {} angles", pairs.size(),
                comm.size(), pool.threads(), nq, p.nphi());
        CorrelationSums sums = sumPairs(p, pairs, from, to, pool, o.crossQ1(), o.crossQ2(), o.allCross(),
                comm.rank() == 0);
        sums.reduce(comm);
        if (comm.rank() == 0) {
            write(p, pairs, sums);
        }
        return sums;
    }

    /**
     * Sums pairs [from, to) over the pool's workers, one contiguous range and one correlator each (so the
     * sums do not depend on scheduling); cross-correlates every ring pair when {@code allCross}, and logs
     * the first worker's progress when {@code progress}.
     */
    static CorrelationSums sumPairs(PolarData p, TagPairs pairs, int from, int to, WorkerPool pool, int q1, int q2,
                                    boolean allCross, boolean progress) {
        int nq = p.nq();
        int nphi = p.nphi();
        int per = nq * nphi;
        int workers = Math.max(1, Math.min(pool.threads(), to - from));
        CorrelationSums[] parts = new CorrelationSums[workers];
        pool.onEachWorker(w -> {
            if (w >= workers) {
                return;
            }
            int a = from + (int) ((long) (to - from) * w / workers);
            int b = from + (int) ((long) (to - from) * (w + 1) / workers);
            boolean report = progress && w == 0;
            AngularCorrelator c = new AngularCorrelator(nq, nphi, q1, q2, allCross);
            CorrelationSums part = new CorrelationSums(nq, nphi, allCross);
            int every = Math.max(1, (b - a) / 10);
            for (int i = a; i < b; i++) {
                c.addPair(p.normalized(), pairs.first()[i] * per, p.normalized(), pairs.second()[i] * per,
                        p.mask(), p.mask(), part);
                if (report && (i - a + 1) % every == 0 && b - a >= 20) {
                    LOG.info("diffcorr: {}/{} pairs of this thread", i - a + 1, b - a);
                }
            }
            parts[w] = part; // read after the pool's invokeAll returns, which orders it
        });
        CorrelationSums total = new CorrelationSums(nq, nphi, allCross);
        for (CorrelationSums part : parts) {
            total.add(part);
        }
        return total;
    }

    /** B_l(q, q') for every ring pair as {@code [(li * nq + q) * nq + q']}; NaN where too few lags are defined. */
    private double[] legendreAll(double[] all, double[] q, int nq, int nphi, int[] ls) {
        double[] b = new double[ls.length * nq * nq];
        double[] curve = new double[nphi];
        int lmax = s.correlation().legendreLmax();
        for (int a = 0; a < nq; a++) {
            for (int c = 0; c < nq; c++) {
                System.arraycopy(all, (a * nq + c) * nphi, curve, 0, nphi);
                boolean enough = LegendreExpansion.defined(curve) >= 2 * ls.length;
                double[] f = enough ? LegendreExpansion.fit(curve, q[a], q[c], s.geometry().wavelen(), lmax) : null;
                for (int li = 0; li < ls.length; li++) {
                    b[(li * nq + a) * nq + c] = enough ? f[li] : Double.NaN;
                }
            }
        }
        return b;
    }

    private void write(PolarData p, TagPairs pairs, CorrelationSums sums) {
        int nq = p.nq();
        int nphi = p.nphi();
        CorrelateSettings.Correlation o = s.correlation();
        double wavelen = s.geometry().wavelen();
        double[] mean = sums.mean();
        H5Writer w = PolarStep.polarFields(new H5Writer(), p, s)
                .put("tag_pairs", pairs.tagArray(), pairs.size(), 2)
                .put("correlations/mean", mean, nq, nphi)
                .put("correlations/variance", sums.variance(), nq, nphi)
                .put("correlations/count", sums.count(), nq, nphi)
                .put("correlations/num_pairs", sums.pairs())
                .put("correlations/skipped_pairs", pairs.skipped())
                .attribute("correlations", "definition", "mean over pairs of sum_phi d(phi) d(phi+dphi) m m / "
                        + "sum_phi m(phi) m(phi+dphi), d = difference of ring-normalised polar images, m = mask");
        if (o.crossQ1() >= 0) {
            w.put("correlations/cross_mean", sums.crossMean()).put("correlations/cross_variance", sums.crossVariance())
                    .put("correlations/cross_count", sums.crossCount()).put("correlations/cross_q1", o.crossQ1())
                    .put("correlations/cross_q2", o.crossQ2());
        }
        double[] all = sums.hasAllCross() ? sums.allCrossMean() : null;
        if (all != null) {
            w.put("correlations/all_cross_mean", all, nq, nq, nphi).attribute("correlations/all_cross_mean",
                    "definition", "[q, q', dphi]: mean over pairs of sum_phi d_q(phi+dphi) d_q'(phi) m m / (same for m)");
        }
        if (o.legendreLmax() > 0) {
            int[] ls = LegendreExpansion.orders(o.legendreLmax());
            double[] bl = new double[nq * ls.length];
            double[] ring = new double[nphi];
            for (int k = 0; k < nq; k++) {
                System.arraycopy(mean, k * nphi, ring, 0, nphi);
                if (LegendreExpansion.defined(ring) < 2 * ls.length) {
                    // a ring mostly off the detector or masked: too few lags for a fit
                    Arrays.fill(bl, k * ls.length, (k + 1) * ls.length, Double.NaN);
                    continue;
                }
                double[] b = LegendreExpansion.fit(ring, p.q()[k], p.q()[k], wavelen, o.legendreLmax());
                System.arraycopy(b, 0, bl, k * ls.length, ls.length);
            }
            w.put("legendre/l", ls).put("legendre/B_l_diagonal", bl, nq, ls.length)
                    .attribute("legendre", "definition", "C(q,q,dphi) = sum over even l of B_l(q,q) P_l(cos psi)");
            if (all != null) {
                w.put("legendre/B_l", legendreAll(all, p.q(), nq, nphi, ls), ls.length, nq, nq)
                        .attribute("legendre/B_l", "definition", "[l index, q, q']: C(q,q',dphi) = sum over even l "
                                + "of B_l(q,q') P_l(cos psi), cos psi = sin t sin t' + cos t cos t' cos dphi");
            }
            if (o.crossQ1() >= 0) {
                w.put("legendre/B_l_cross", LegendreExpansion.fit(sums.crossMean(), p.q()[o.crossQ1()],
                        p.q()[o.crossQ2()], wavelen, o.legendreLmax()));
            }
        }
        w.write(s.correlationsFile());
        CorrelatePlots.correlationMap(s.outputFolder().resolve("correlation.png"), mean, p.q(), nq, nphi);
        LOG.info("diffcorr: {} pairs correlated; wrote {}", sums.pairs(), s.correlationsFile());
    }
}
