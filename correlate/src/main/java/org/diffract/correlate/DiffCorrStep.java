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
 * difference angular correlations. Pairs are split over ranks in contiguous blocks and over the rank's
 * workers; each worker reads the two images of a pair from polar.h5 as it needs them (keeping the last
 * two, so consecutive pairs read each shot once). The sums are reduced over ranks and rank 0 writes
 * {@code correlations.h5} and {@code correlation.png}.
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

    /** Refuses cross-correlation rings beyond the grid, before any work. */
    void checkRings(PolarMeta meta) {
        CorrelateSettings.Correlation o = s.correlation();
        if (o.crossQ1() >= meta.nq() || o.crossQ2() >= meta.nq()) {
            throw new UserError(s.name() + ": [correlate] cross_q1/cross_q2 must be ring indices below " + meta.nq());
        }
    }

    /** This rank's block of pairs, correlated from {@code images}; the sums are not yet reduced. */
    CorrelationSums correlate(PolarMeta meta, PolarImages images, TagPairs pairs, PairSink sink) {
        checkRings(meta);
        int from = Blocks.start(pairs.size(), comm.size(), comm.rank());
        int to = Blocks.end(pairs.size(), comm.size(), comm.rank());
        LOG.info(
                "diffcorr: {} pairs over {} rank(s) x {} thread(s), {} rings x {} angles",
                pairs.size(),
                comm.size(),
                pool.threads(),
                meta.nq(),
                meta.nphi());
        return sumPairs(images, meta, pairs, from, to, pool, s.correlation(), sink, comm.rank() == 0);
    }

    /**
     * Sums pairs [from, to) over the pool's workers, one contiguous range and one correlator each (so the
     * sums do not depend on scheduling), logging the first worker's progress when {@code progress}.
     */
    static CorrelationSums sumPairs(
            PolarImages images,
            PolarMeta meta,
            TagPairs pairs,
            int from,
            int to,
            WorkerPool pool,
            CorrelateSettings.Correlation o,
            PairSink sink,
            boolean progress) {
        int workers = Math.max(1, Math.min(pool.threads(), to - from));
        CorrelationSums[] parts = new CorrelationSums[workers];
        pool.onEachWorker(w -> {
            if (w >= workers) {
                return;
            }
            int a = from + Blocks.start(to - from, workers, w);
            int b = from + Blocks.end(to - from, workers, w);
            PairWorker worker = new PairWorker(meta, o, sink);
            ImageCache cache = new ImageCache(images, meta.size());
            boolean report = progress && w == 0;
            int every = Math.max(1, (b - a) / 10);
            for (int i = a; i < b; i++) {
                int s1 = pairs.first()[i];
                int s2 = pairs.second()[i];
                double[] x = cache.get(s1, -1);
                double[] y = cache.get(s2, s1);
                worker.add(x, y, i);
                if (report && (i - a + 1) % every == 0 && b - a >= 20) {
                    LOG.info("diffcorr: {}/{} pairs of this thread", i - a + 1, b - a);
                }
            }
            parts[w] = worker.sums(); // read after the pool's invokeAll returns, which orders it
        });
        CorrelationSums total = new CorrelationSums(meta.nq(), meta.nphi(), o.allCross());
        for (CorrelationSums part : parts) {
            if (part != null) {
                total.add(part);
            }
        }
        return total;
    }

    /** The last two images a worker read, by shot. */
    private static final class ImageCache {
        private final PolarImages images;
        private final double[][] slot;
        private final int[] shot = {-1, -1};

        ImageCache(PolarImages images, int size) {
            this.images = images;
            this.slot = new double[][] {new double[size], new double[size]};
        }

        /** The image of shot {@code s}, read unless cached, never evicting shot {@code keep}. */
        double[] get(int s, int keep) {
            for (int k = 0; k < 2; k++) {
                if (shot[k] == s) {
                    return slot[k];
                }
            }
            int k = shot[0] == keep ? 1 : 0;
            images.readNormalized(s, slot[k]);
            shot[k] = s;
            return slot[k];
        }
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
                double[] f = enough
                        ? LegendreExpansion.fit(curve, q[a], q[c], s.geometry().wavelen(), lmax)
                        : null;
                for (int li = 0; li < ls.length; li++) {
                    b[(li * nq + a) * nq + c] = enough ? f[li] : Double.NaN;
                }
            }
        }
        return b;
    }

    /** Rank 0: correlations.h5 and correlation.png from the sums reduced over ranks. */
    void write(PolarMeta p, TagPairs pairs, CorrelationSums sums) {
        int nq = p.nq();
        int nphi = p.nphi();
        CorrelateSettings.Correlation o = s.correlation();
        double wavelen = s.geometry().wavelen();
        double[] mean = sums.mean();
        H5Writer w = PolarFile.metaFields(new H5Writer(), p, s.geometry())
                .put("tag_pairs", pairs.tagArray(), pairs.size(), 2)
                .put("correlations/mean", mean, nq, nphi)
                .put("correlations/variance", sums.variance(), nq, nphi)
                .put("correlations/count", sums.count(), nq, nphi)
                .put("correlations/num_pairs", sums.pairs())
                .put("correlations/skipped_pairs", pairs.skipped())
                .attribute(
                        "correlations",
                        "definition",
                        "mean over pairs of sum_phi d(phi) d(phi+dphi) m m / "
                                + "sum_phi m(phi) m(phi+dphi), d = difference of ring-normalised polar images, m = mask");
        if (o.crossQ1() >= 0) {
            w.put("correlations/cross_mean", sums.crossMean())
                    .put("correlations/cross_variance", sums.crossVariance())
                    .put("correlations/cross_count", sums.crossCount())
                    .put("correlations/cross_q1", o.crossQ1())
                    .put("correlations/cross_q2", o.crossQ2());
        }
        double[] all = sums.hasAllCross() ? sums.allCrossMean() : null;
        if (all != null) {
            w.put("correlations/all_cross_mean", all, nq, nq, nphi)
                    .attribute(
                            "correlations/all_cross_mean",
                            "definition",
                            "[q, q', dphi]: mean over pairs of sum_phi d_q(phi+dphi) d_q'(phi) m m / (same for m)");
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
            w.put("legendre/l", ls)
                    .put("legendre/B_l_diagonal", bl, nq, ls.length)
                    .attribute("legendre", "definition", "C(q,q,dphi) = sum over even l of B_l(q,q) P_l(cos psi)");
            if (all != null) {
                w.put("legendre/B_l", legendreAll(all, p.q(), nq, nphi, ls), ls.length, nq, nq)
                        .attribute(
                                "legendre/B_l",
                                "definition",
                                "[l index, q, q']: C(q,q',dphi) = sum over even l "
                                        + "of B_l(q,q') P_l(cos psi), cos psi = sin t sin t' + cos t cos t' cos dphi");
            }
            if (o.crossQ1() >= 0) {
                w.put(
                        "legendre/B_l_cross",
                        LegendreExpansion.fit(
                                sums.crossMean(), p.q()[o.crossQ1()], p.q()[o.crossQ2()], wavelen, o.legendreLmax()));
            }
        }
        w.write(s.correlationsFile());
        CorrelatePlots.correlationMap(s.outputFolder().resolve("correlation.png"), mean, p.q(), nq, nphi);
        LOG.info("diffcorr: {} pairs correlated; wrote {}", sums.pairs(), s.correlationsFile());
    }
}
