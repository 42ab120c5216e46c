package org.diffract.correlate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;

/**
 * The correlate steps on one rank, as RingData's SACLA workflow: {@code center} (ring fit for the beam
 * centre), {@code polar} (every shot on the polar grid, shots split over ranks), {@code pairs} (which
 * shots to difference), {@code diffcorr} (mean and variance of the difference angular correlations,
 * pairs split over ranks and threads, sums reduced). Rank 0 writes every file, atomically.
 */
public final class CorrelateRun {
    private static final Logger LOG = LogManager.getLogger(CorrelateRun.class);

    private final CorrelateSettings s;
    private final Communicator comm;
    private final int threads;

    public CorrelateRun(CorrelateSettings settings, Communicator comm, int threads) {
        this.s = settings;
        this.comm = comm;
        this.threads = Math.max(1, threads);
    }

    /** Runs a named step: center, polar, pairs, diffcorr or run (all of them). */
    public void step(String name) {
        switch (name) {
            case "center" -> center();
            case "polar" -> polar(centre());
            case "pairs" -> pairs(readTags());
            case "diffcorr" -> {
                PolarData p = readPolar(s.polarFile());
                correlate(p, pairs(p.tags()));
            }
            case "run" -> {
                double[] c = s.hasCenter() ? new double[] {s.xCenter(), s.yCenter()} : fitToCentre(center());
                PolarData p = polar(c);
                correlate(p, pairs(p.tags()));
            }
            default -> throw new UserError("unknown correlate step '" + name + "'; use center, polar, pairs, diffcorr "
                    + "or run");
        }
    }

    private boolean root() {
        return comm.rank() == 0;
    }

    private void createOutputFolder() {
        AtomicFiles.createFolder(s.outputFolder());
    }

    private static double[] fitToCentre(RingFit f) {
        return new double[] {f.xCenter(), f.yCenter()};
    }

    // ---------------------------------------------------------------------------------------------- center

    /** Fits the ring on the mean of the first num_shots shots; every rank gets the same result. */
    public RingFit center() {
        if (Double.isNaN(s.guessX()) || Double.isNaN(s.guessY()) || Double.isNaN(s.guessR())) {
            throw new UserError(name() + ": the ring fit needs [center] guess_x, guess_y and guess_r (pixels)");
        }
        double[] result = new double[7];
        if (root()) {
            createOutputFolder();
            try (ShotFile shots = ShotFile.open(s.dataFile(), s.dataset(), s.run())) {
                int nx = shots.width();
                int ny = shots.height();
                byte[] mask = DetectorMask.read(s.maskFile(), ny, nx);
                int n = Math.min(usable(shots.count()), s.centerShots());
                double[] mean = new double[nx * ny];
                double[] img = new double[nx * ny];
                for (int i = 0; i < n; i++) {
                    shots.read(i, img);
                    for (int t = 0; t < img.length; t++) {
                        mean[t] += img[t] / n;
                    }
                }
                RingFit f = RingFitter.fit(mean, mask, nx, ny, s.guessX(), s.guessY(), s.guessR(), s.ringWidth(),
                        s.dropBrightest(), s.ellipse());
                LOG.info(String.format(Locale.ROOT, "center: x %.3f y %.3f radius %.3f px (rx %.3f ry %.3f), "
                                + "residual %.3f px from %d pixels of the mean of %d shots", f.xCenter(), f.yCenter(),
                        f.radius(), f.radiusX(), f.radiusY(), f.residual(), f.pixels(), n));
                new H5Writer().put("x_center", f.xCenter()).put("y_center", f.yCenter()).put("radius", f.radius())
                        .put("radius_x", f.radiusX()).put("radius_y", f.radiusY()).put("residual", f.residual())
                        .put("pixels_used", f.pixels()).put("ellipse", f.ellipse() ? 1 : 0)
                        .put("num_shots", n).write(s.centerFile());
                CorrelatePlots.ringFit(s.outputFolder().resolve("center_fit.png"), mean, nx, ny, f);
                result = new double[] {f.xCenter(), f.yCenter(), f.radius(), f.radiusX(), f.radiusY(), f.residual(),
                    f.pixels()};
            }
        }
        comm.broadcast(result, 0);
        return new RingFit(result[0], result[1], result[2], result[3], result[4], result[5], (int) result[6],
                s.ellipse());
    }

    private String name() {
        return s.configFile() == null ? "config" : s.configFile().getFileName().toString();
    }

    private int usable(int count) {
        return s.maxShots() > 0 ? Math.min(count, s.maxShots()) : count;
    }

    /** The beam centre from the config, else from the center step's file. */
    private double[] centre() {
        if (s.hasCenter()) {
            return new double[] {s.xCenter(), s.yCenter()};
        }
        Path f = s.centerFile();
        if (!Files.isRegularFile(f)) {
            throw new UserError(name() + ": no beam centre: set [geometry] x_center and y_center, or run "
                    + "'diffract correlate center' first (it writes " + f + ")");
        }
        try (H5Reader r = H5Reader.open(f)) {
            return new double[] {r.scalar("x_center", Double.NaN), r.scalar("y_center", Double.NaN)};
        }
    }

    // ----------------------------------------------------------------------------------------------- polar

    /** Resamples every shot; ranks take contiguous blocks of shots and the images are summed to all ranks. */
    public PolarData polar(double[] centre) {
        QMapping qm = s.qMapping();
        double rmin = qm.invang2pix(s.qmin());
        double rmax = qm.invang2pix(s.qmax());
        int nq = (int) Math.floor(rmax - rmin) + 1;
        int nphi = s.nphi() > 0 ? s.nphi() : (int) (2 * Math.PI * rmax);
        try (ShotFile shots = ShotFile.open(s.dataFile(), s.dataset(), s.run())) {
            int nx = shots.width();
            int ny = shots.height();
            byte[] detMask = DetectorMask.read(s.maskFile(), ny, nx);
            PolarGrid grid = new PolarGrid(nx, ny, detMask, centre[0], centre[1], rmin, nq, nphi, s.interpolation());
            byte[] mask = grid.mask();
            int good = 0;
            for (byte b : mask) {
                good += b;
            }
            if (good == 0) {
                throw new UserError(name() + ": no good polar sample: rings " + String.format(Locale.ROOT,
                        "%.1f..%.1f", rmin, rmax) + " px around (" + centre[0] + ", " + centre[1] + ") miss the "
                        + "detector or its mask; check [polar] qmin/qmax and the centre");
            }
            int n = usable(shots.count());
            long[] tags = java.util.Arrays.copyOf(shots.tags(), n);
            int per = nq * nphi;
            if ((long) n * per > Integer.MAX_VALUE) {
                throw new UserError(name() + ": " + n + " shots x " + per + " polar samples is too many for one run; "
                        + "set [input] max_shots or narrow qmin..qmax");
            }
            double[] polar = new double[n * per];
            int from = (int) ((long) n * comm.rank() / comm.size());
            int to = (int) ((long) n * (comm.rank() + 1) / comm.size());
            double[] img = new double[nx * ny];
            int report = Math.max(1, (to - from) / 10);
            LOG.info("polar: {} shots, {} rings x {} angles ({} interpolation), centre ({}, {}), {} rank(s)", n, nq,
                    nphi, s.interpolation().name().toLowerCase(Locale.ROOT), centre[0], centre[1], comm.size());
            for (int i = from; i < to; i++) {
                shots.read(i, img);
                grid.resample(img, polar, i * per);
                if ((i - from + 1) % report == 0) {
                    LOG.info("polar: {}/{} of this rank's shots", i - from + 1, to - from);
                }
            }
            comm.allreduceSum(polar);
            double[] normalized = polar.clone();
            for (int i = 0; i < n; i++) {
                PolarGrid.normalizeRings(normalized, i * per, mask, nq, nphi);
            }
            double[] radii = grid.radii();
            double[] q = new double[nq];
            for (int k = 0; k < nq; k++) {
                q[k] = qm.pix2invang(radii[k]);
            }
            PolarData p = new PolarData(tags, polar, normalized, mask, nq, nphi, radii, q, centre[0], centre[1]);
            if (root()) {
                createOutputFolder();
                polarFields(new H5Writer(), p).write(s.polarFile());
                CorrelatePlots.polarImage(s.outputFolder().resolve("polar.png"), p, 0);
                LOG.info("polar: wrote {}", s.polarFile());
            }
            return p;
        }
    }

    private H5Writer polarFields(H5Writer w, PolarData p) {
        int n = p.shots();
        return w.put("polar_data", p.polar(), n, p.nq(), p.nphi())
                .put("normalized_polar_data", p.normalized(), n, p.nq(), p.nphi())
                .putUnsigned("polar_mask", reshape(p.mask(), p.nq(), p.nphi()))
                .put("x_center", p.xCenter()).put("y_center", p.yCenter())
                .put("q_ring", p.q()).put("ring_radius_pix", p.radii()).put("num_phi", p.nphi())
                .put("wavelen", s.wavelen()).put("pixsize", s.pixsize()).put("detdist", s.detdist())
                .put("q_mapping", p.qMappingTable(), p.nq(), 3).put("tag_map", p.tags())
                .attribute("polar_mask", "convention", "1 = good sample, 0 = masked")
                .attribute("q_mapping", "columns", "ring index, radius (pixels), q (1/A)")
                .attribute("q_ring", "units", "1/A");
    }

    private static byte[][] reshape(byte[] flat, int rows, int cols) {
        byte[][] out = new byte[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    /** Reads what the polar step wrote. */
    public static PolarData readPolar(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no polar file; run 'diffract correlate polar' first");
        }
        try (H5Reader r = H5Reader.open(file)) {
            long[] tags = r.integers("tag_map");
            long[] m = r.integers("polar_mask");
            int[] dims = r.dataset("polar_mask").getDimensions();
            int nq = dims[0];
            int nphi = dims[1];
            byte[] mask = new byte[m.length];
            for (int i = 0; i < m.length; i++) {
                mask[i] = (byte) m[i];
            }
            double[] polar = r.doubles("polar_data");
            double[] norm = r.doubles("normalized_polar_data");
            if (polar.length != (long) tags.length * nq * nphi || norm.length != polar.length) {
                throw new UserError(file + ": polar_data does not match tag_map and polar_mask; rerun the polar step");
            }
            return new PolarData(tags, polar, norm, mask, nq, nphi, r.doubles("ring_radius_pix"), r.doubles("q_ring"),
                    r.scalar("x_center", Double.NaN), r.scalar("y_center", Double.NaN));
        }
    }

    // ----------------------------------------------------------------------------------------------- pairs

    private long[] readTags() {
        try (ShotFile shots = ShotFile.open(s.dataFile(), s.dataset(), s.run())) {
            return java.util.Arrays.copyOf(shots.tags(), usable(shots.count()));
        }
    }

    public TagPairs pairs(long[] tags) {
        TagPairs p = s.pairsFile() != null ? TagPairs.fromJson(s.pairsFile(), tags)
                : TagPairs.consecutive(tags, s.skipDark());
        if (root()) {
            LOG.info("pairs: {} pairs from {} shots ({}), {} skipped for a missing tag", p.size(), tags.length,
                    s.pairsFile() != null ? s.pairsFile() : "consecutive after " + s.skipDark() + " dark shots",
                    p.skipped());
            createOutputFolder();
            p.writeJson(s.pairsOut());
        }
        if (p.size() == 0) {
            throw new UserError(name() + ": no shot pairs to correlate (" + tags.length + " shots, skip_dark "
                    + s.skipDark() + ", " + p.skipped() + " pairs with missing tags); check [pairs]");
        }
        return p;
    }

    // -------------------------------------------------------------------------------------------- diffcorr

    /** Mean and variance of the difference correlations over all pairs; rank 0 writes the result file. */
    public CorrelationSums correlate(PolarData p, TagPairs pairs) {
        int nq = p.nq();
        int nphi = p.nphi();
        if (s.crossQ1() >= nq || s.crossQ2() >= nq) {
            throw new UserError(name() + ": [correlate] cross_q1/cross_q2 must be ring indices below " + nq);
        }
        int from = (int) ((long) pairs.size() * comm.rank() / comm.size());
        int to = (int) ((long) pairs.size() * (comm.rank() + 1) / comm.size());
        LOG.info("diffcorr: {} pairs over {} rank(s) x {} thread(s), {} rings x {} angles", pairs.size(),
                comm.size(), threads, nq, nphi);
        CorrelationSums sums = sumPairs(p, pairs, from, to, threads, s.crossQ1(), s.crossQ2(), s.allCross(), root());
        sums.reduce(comm);
        if (root()) {
            write(p, pairs, sums);
        }
        return sums;
    }

    /** Sums pairs [from, to) with {@code threads} threads, each with its own correlator. */
    public static CorrelationSums sumPairs(PolarData p, TagPairs pairs, int from, int to, int threads, int q1,
                                           int q2) {
        return sumPairs(p, pairs, from, to, threads, q1, q2, false, false);
    }

    /**
     * As above, also cross-correlating every ring pair when {@code allCross}, and logging progress of the
     * first thread when {@code progress}.
     */
    public static CorrelationSums sumPairs(PolarData p, TagPairs pairs, int from, int to, int threads, int q1,
                                           int q2, boolean allCross, boolean progress) {
        int nq = p.nq();
        int nphi = p.nphi();
        int per = nq * nphi;
        int t = Math.max(1, Math.min(threads, to - from));
        CorrelationSums total = new CorrelationSums(nq, nphi, allCross);
        ExecutorService pool = t > 1 ? Executors.newFixedThreadPool(t) : null;
        try {
            List<Future<CorrelationSums>> parts = new ArrayList<>();
            for (int w = 0; w < t; w++) {
                int a = from + (int) ((long) (to - from) * w / t);
                int b = from + (int) ((long) (to - from) * (w + 1) / t);
                boolean report = progress && w == 0;
                java.util.concurrent.Callable<CorrelationSums> job = () -> {
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
                    return part;
                };
                if (pool == null) {
                    total.add(job.call());
                } else {
                    parts.add(pool.submit(job));
                }
            }
            for (Future<CorrelationSums> f : parts) {
                total.add(f.get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted", 130, e);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return total;
    }

    /** B_l(q, q') for every ring pair as {@code [(li * nq + q) * nq + q']}; NaN where too few lags are defined. */
    private double[] legendreAll(double[] all, double[] q, int nq, int nphi, int[] ls) {
        double[] b = new double[ls.length * nq * nq];
        double[] curve = new double[nphi];
        for (int a = 0; a < nq; a++) {
            for (int c = 0; c < nq; c++) {
                System.arraycopy(all, (a * nq + c) * nphi, curve, 0, nphi);
                boolean enough = LegendreExpansion.defined(curve) >= 2 * ls.length;
                double[] f = enough ? LegendreExpansion.fit(curve, q[a], q[c], s.wavelen(), s.legendreLmax()) : null;
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
        double[] mean = sums.mean();
        H5Writer w = polarFields(new H5Writer(), p)
                .put("tag_pairs", pairs.tagArray(), pairs.size(), 2)
                .put("correlations/mean", mean, nq, nphi)
                .put("correlations/variance", sums.variance(), nq, nphi)
                .put("correlations/count", sums.count(), nq, nphi)
                .put("correlations/num_pairs", sums.pairs())
                .put("correlations/skipped_pairs", pairs.skipped())
                .attribute("correlations", "definition", "mean over pairs of sum_phi d(phi) d(phi+dphi) m m / "
                        + "sum_phi m(phi) m(phi+dphi), d = difference of ring-normalised polar images, m = mask");
        if (s.crossQ1() >= 0) {
            w.put("correlations/cross_mean", sums.crossMean()).put("correlations/cross_variance", sums.crossVariance())
                    .put("correlations/cross_count", sums.crossCount()).put("correlations/cross_q1", s.crossQ1())
                    .put("correlations/cross_q2", s.crossQ2());
        }
        double[] all = sums.hasAllCross() ? sums.allCrossMean() : null;
        if (all != null) {
            w.put("correlations/all_cross_mean", all, nq, nq, nphi).attribute("correlations/all_cross_mean",
                    "definition", "[q, q', dphi]: mean over pairs of sum_phi d_q(phi+dphi) d_q'(phi) m m / (same for m)");
        }
        if (s.legendreLmax() > 0) {
            int[] ls = LegendreExpansion.orders(s.legendreLmax());
            double[] bl = new double[nq * ls.length];
            double[] ring = new double[nphi];
            for (int k = 0; k < nq; k++) {
                System.arraycopy(mean, k * nphi, ring, 0, nphi);
                if (LegendreExpansion.defined(ring) < 2 * ls.length) {
                    // a ring mostly off the detector or masked: too few lags for a fit
                    java.util.Arrays.fill(bl, k * ls.length, (k + 1) * ls.length, Double.NaN);
                    continue;
                }
                double[] b = LegendreExpansion.fit(ring, p.q()[k], p.q()[k], s.wavelen(), s.legendreLmax());
                System.arraycopy(b, 0, bl, k * ls.length, ls.length);
            }
            w.put("legendre/l", ls).put("legendre/B_l_diagonal", bl, nq, ls.length)
                    .attribute("legendre", "definition", "C(q,q,dphi) = sum over even l of B_l(q,q) P_l(cos psi)");
            if (all != null) {
                w.put("legendre/B_l", legendreAll(all, p.q(), nq, nphi, ls), ls.length, nq, nq)
                        .attribute("legendre/B_l", "definition", "[l index, q, q']: C(q,q',dphi) = sum over even l "
                                + "of B_l(q,q') P_l(cos psi), cos psi = sin t sin t' + cos t cos t' cos dphi");
            }
            if (s.crossQ1() >= 0) {
                w.put("legendre/B_l_cross", LegendreExpansion.fit(sums.crossMean(), p.q()[s.crossQ1()],
                        p.q()[s.crossQ2()], s.wavelen(), s.legendreLmax()));
            }
        }
        w.write(s.correlationsFile());
        CorrelatePlots.correlationMap(s.outputFolder().resolve("correlation.png"), mean, p.q(), nq, nphi);
        LOG.info("diffcorr: {} pairs correlated; wrote {}", sums.pairs(), s.correlationsFile());
    }
}
