package org.diffract.spots;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * The lu_hdf2spots pipeline on any number of ranks: (1) per-pixel statistics, ranks splitting the pixel
 * rows and reading their rows of every frame in blocks; the statistics are summed onto every rank (each
 * pixel has exactly one contributor, so the sum is exact); (2) per sync unit (frame, off/on pair or angle
 * block: one mask each) the raw masks {@code I >= avg + cutoff * std}, erosions then dilations, the union
 * of the unit's masks, labels and spot measures, ranks splitting the units; (3) every unit gathered on
 * rank 0. Within a rank the work runs on a {@link WorkerPool} of {@code threads} workers.
 */
public final class SpotFinder {
    private static final Logger LOG = LogManager.getLogger(SpotFinder.class);
    /** Floats per rank in the pixel-major buffer of the statistics pass (256 MiB). */
    static final long BAND_FLOATS = 64L << 20;
    /** Floats per hyperslab read (64 MiB). */
    static final long READ_FLOATS = 16L << 20;
    /** Pixels per work item of the statistics: small enough to balance Kruskal-Wallis's uneven cost. */
    static final int PIXELS_PER_ITEM = 1024;

    private final SpotsOptions options;
    private final Communicator comm;
    private final int threads;

    public SpotFinder(SpotsOptions options, Communicator comm, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        this.options = options;
        this.comm = comm;
        this.threads = threads;
    }

    /** Runs every rank's share; the full result on rank 0, null on the others. */
    public SpotsResult run(FrameSource source) {
        LaueSeries s = source.series();
        String file = source instanceof LaueInput li ? li.file().toString() : "input";
        check(s, file);
        int[][] units = SyncUnits.of(s, options.sync(), file);
        try (WorkerPool pool = new WorkerPool(threads, "spots")) {
            long t0 = System.nanoTime();
            PixelStats stats = statistics(source, pool);
            if (comm.rank() == 0) {
                LOG.info("statistics of {} pixels over {} frames: {} s", s.pixels(), s.numFrames(), seconds(t0));
            }
            long t1 = System.nanoTime();
            List<UnitResult> mine = masks(source, stats, units, pool);
            List<UnitResult> all = gather(mine, s);
            if (comm.rank() == 0) {
                LOG.info(
                        "masks, labels and spots of {} frames in {} masks: {} s",
                        s.numFrames(),
                        units.length,
                        seconds(t1));
                return SpotsResult.assemble(s, stats, all, units.length, options);
            }
            return null;
        }
    }

    private static String seconds(long t0) {
        return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9);
    }

    private void check(LaueSeries s, String file) {
        if (s.numAngles() < options.minAngles()) {
            throw new UserError(file + ": lauecollect/angle has " + s.numAngles() + " distinct values, fewer than -a "
                    + options.minAngles() + "; collect more angles or lower -a");
        }
        if (options.kruskal() && (!s.hasLaser() || s.numLaserGroups() < 2)) {
            throw new UserError(file + ": -m kruskal needs laser data (lauecollect/laser_on or lauecollect/delay with"
                    + " at least two states); use -m n_removed");
        }
        if (s.numFrames() < 2) {
            throw new UserError(file + ": only " + s.numFrames() + " frame; statistics need a series of frames");
        }
    }

    /** Per-pixel statistics; each rank computes its rows, then all ranks hold all pixels. */
    PixelStats statistics(FrameSource source, WorkerPool pool) {
        LaueSeries s = source.series();
        int h = s.height();
        int w = s.width();
        int n = s.numFrames();
        PixelStats st = new PixelStats(s.pixels());
        int r0 = (int) ((long) h * comm.rank() / comm.size());
        int r1 = (int) ((long) h * (comm.rank() + 1) / comm.size());
        int bandRows = (int) Math.max(1, Math.min(Math.max(1, r1 - r0), BAND_FLOATS / ((long) w * n)));
        float[] series = new float[bandRows * w * n];
        int frameBlock = (int) Math.max(1, Math.min(n, READ_FLOATS / ((long) bandRows * w)));
        float[] block = new float[frameBlock * bandRows * w];
        for (int y0 = r0; y0 < r1; y0 += bandRows) {
            int rows = Math.min(bandRows, r1 - y0);
            int bandPix = rows * w;
            for (int f0 = 0; f0 < n; f0 += frameBlock) {
                int nf = Math.min(frameBlock, n - f0);
                source.read(f0, nf, y0, rows, block);
                // pixel-major, so each pixel's time series is contiguous for selection
                for (int f = 0; f < nf; f++) {
                    int src = f * bandPix;
                    int col = f0 + f;
                    for (int p = 0; p < bandPix; p++) {
                        series[p * n + col] = block[src + p];
                    }
                }
            }
            int base = y0 * w;
            int items = (bandPix + PIXELS_PER_ITEM - 1) / PIXELS_PER_ITEM;
            pool.forEachItem(
                    0,
                    items,
                    () -> options.kruskal()
                            ? PixelStatistics.kruskal(s, options.alpha())
                            : PixelStatistics.trimmed(n, options.nPercent()),
                    (ps, item) -> {
                        int to = Math.min(bandPix, (item + 1) * PIXELS_PER_ITEM);
                        for (int p = item * PIXELS_PER_ITEM; p < to; p++) {
                            ps.compute(series, p * n);
                            int q = base + p;
                            st.avg[q] = ps.avg;
                            st.std[q] = ps.std;
                            st.iqr[q] = ps.iqr;
                            st.max[q] = ps.max;
                            st.arg[q] = ps.argmax;
                            st.removed[q] = ps.removed;
                        }
                    });
            if (comm.rank() == 0) {
                LOG.info("statistics: rows {}..{} of {} done on rank 0", y0, y0 + rows - 1, r1 - r0);
            }
        }
        st.sumOverRanks(comm);
        return st;
    }

    /** What one worker reuses from unit to unit. */
    private static final class Scratch {
        final Labeler labeler = new Labeler();
        final byte[] morphology;

        Scratch(int pixels) {
            morphology = new byte[pixels];
        }
    }

    /** Masks, labels and spots of this rank's sync units, in unit order. */
    List<UnitResult> masks(FrameSource source, PixelStats st, int[][] units, WorkerPool pool) {
        LaueSeries s = source.series();
        int h = s.height();
        int w = s.width();
        int px = s.pixels();
        int u0 = (int) ((long) units.length * comm.rank() / comm.size());
        int u1 = (int) ((long) units.length * (comm.rank() + 1) / comm.size());
        double[] threshold = new double[px];
        for (int p = 0; p < px; p++) {
            threshold[p] = st.avg[p] + options.cutoff() * st.std[p];
        }
        boolean synced = options.synced();
        UnitResult[] out = new UnitResult[u1 - u0];
        AtomicInteger done = new AtomicInteger();
        int step = Math.max(1, (u1 - u0) / 10);
        pool.forEachItem(u0, u1, () -> new Scratch(px), (scratch, u) -> {
            int[] frames = units[u];
            byte[][] raw = new byte[frames.length][px];
            byte[][] filtered = new byte[frames.length][px];
            float[][] images = new float[frames.length][px];
            byte[] union = synced ? new byte[px] : null;
            for (int i = 0; i < frames.length; i++) {
                float[] img = images[i];
                source.read(frames[i], 1, 0, h, img);
                byte[] r = raw[i];
                for (int p = 0; p < px; p++) {
                    r[p] = img[p] >= threshold[p] ? (byte) 1 : 0;
                }
                Morphology.open(
                        r,
                        filtered[i],
                        scratch.morphology,
                        h,
                        w,
                        options.structure(),
                        options.erosions(),
                        options.dilations());
                if (synced) {
                    byte[] f = filtered[i];
                    for (int p = 0; p < px; p++) {
                        union[p] |= f[p];
                    }
                }
            }
            int[] labels = new int[px];
            int count = scratch.labeler.label(synced ? union : filtered[0], labels, h, w, options.structure());
            FrameSpots[] spots = new FrameSpots[frames.length];
            for (int i = 0; i < frames.length; i++) {
                spots[i] = FrameSpots.measure(frames[i], u, images[i], st.avg, labels, count, w);
            }
            out[u - u0] = new UnitResult(u, frames, raw, filtered, union, labels, count, spots);
            int d = done.incrementAndGet();
            if (comm.rank() == 0 && d % step == 0) {
                LOG.info("masks: {} of {} masks done on rank 0", d, u1 - u0);
            }
        });
        return List.of(out);
    }

    /** All ranks' units on rank 0, in unit order; null elsewhere. */
    List<UnitResult> gather(List<UnitResult> mine, LaueSeries s) {
        if (comm.size() == 1) {
            return mine;
        }
        byte[] all = comm.gatherBytes(UnitResult.encode(mine, s.pixels()), 0);
        if (all == null) {
            return null;
        }
        // blocks arrive in rank order and each rank's units are contiguous and ascending
        return new ArrayList<>(UnitResult.decodeAll(all, s.pixels()));
    }
}
