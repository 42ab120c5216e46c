package org.diffract.spots;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;

/**
 * The lu_hdf2spots pipeline on any number of ranks: (1) per-pixel statistics, ranks splitting the pixel
 * rows and reading their rows of every frame in blocks; the statistics are summed onto every rank (each
 * pixel has exactly one contributor, so the sum is exact); (2) per frame the raw mask
 * {@code I >= avg + cutoff * std}, erosions then dilations, the sync union, labels and spot measures,
 * ranks splitting the sync units; (3) everything gathered on rank 0.
 */
public final class SpotFinder {
    private static final Logger LOG = LogManager.getLogger(SpotFinder.class);
    /** Floats per rank in the pixel-major buffer of the statistics pass (256 MiB). */
    static final long BAND_FLOATS = 64L << 20;
    /** Floats per hyperslab read (64 MiB). */
    static final long READ_FLOATS = 16L << 20;

    private final SpotsOptions options;
    private final Communicator comm;
    private final int threads;

    public SpotFinder(SpotsOptions options, Communicator comm, int threads) {
        this.options = options;
        this.comm = comm;
        this.threads = Math.max(1, threads);
    }

    /** Runs every rank's share; the full result on rank 0, null on the others. */
    public SpotsResult run(FrameSource source) {
        LaueSeries s = source.series();
        String file = source instanceof LaueInput li ? li.file().toString() : "input";
        check(s, file);
        int[][] units = SyncUnits.of(s, options.sync(), file);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            PixelStats stats = statistics(source, pool);
            if (comm.rank() == 0) {
                LOG.info("statistics of {} pixels over {} frames: {} s", s.pixels(), s.numFrames(),
                        String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9));
            }
            long t1 = System.nanoTime();
            List<FrameResult> mine = masks(source, stats, units, pool);
            List<FrameResult> all = gather(mine, s);
            if (comm.rank() == 0) {
                LOG.info("masks, labels and spots of {} frames: {} s", s.numFrames(),
                        String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - t1) / 1e9));
                return SpotsResult.assemble(s, stats, all, units.length, options);
            }
            return null;
        } finally {
            pool.shutdownNow();
        }
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
    PixelStats statistics(FrameSource source, ExecutorService pool) {
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
                // pixel-major, so each pixel's time series is contiguous for sorting
                for (int f = 0; f < nf; f++) {
                    int src = f * bandPix;
                    int col = f0 + f;
                    for (int p = 0; p < bandPix; p++) {
                        series[p * n + col] = block[src + p];
                    }
                }
            }
            int base = y0 * w;
            parallel(pool, bandPix, (from, to) -> {
                PixelStatistics ps = options.kruskal() ? PixelStatistics.kruskal(s, options.alpha())
                        : PixelStatistics.trimmed(n, options.nPercent());
                for (int p = from; p < to; p++) {
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
        // each pixel is non-zero on exactly one rank, so the sum is a gather
        comm.allreduceSum(st.avg);
        comm.allreduceSum(st.std);
        comm.allreduceSum(st.iqr);
        comm.allreduceSum(st.max);
        comm.allreduceSum(st.arg);
        comm.allreduceSum(st.removed);
        return st;
    }

    /** Masks, labels and spots of this rank's sync units. */
    List<FrameResult> masks(FrameSource source, PixelStats st, int[][] units, ExecutorService pool) {
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
        boolean synced = !options.sync().equals("none");
        FrameResult[][] out = new FrameResult[u1 - u0][];
        AtomicInteger done = new AtomicInteger();
        int step = Math.max(1, (u1 - u0) / 10);
        parallel(pool, u1 - u0, (from, to) -> {
            Labeler labeler = new Labeler();
            byte[] scratch = new byte[px];
            float[] image = new float[px];
            for (int k = from; k < to; k++) {
                int u = u0 + k;
                int[] frames = units[u];
                FrameResult[] fr = new FrameResult[frames.length];
                byte[] union = synced ? new byte[px] : null;
                float[][] images = new float[frames.length][];
                for (int i = 0; i < frames.length; i++) {
                    float[] img = frames.length == 1 ? image : new float[px];
                    source.read(frames[i], 1, 0, h, img);
                    images[i] = img;
                    byte[] raw = new byte[px];
                    for (int p = 0; p < px; p++) {
                        raw[p] = img[p] >= threshold[p] ? (byte) 1 : 0;
                    }
                    byte[] filtered = new byte[px];
                    Morphology.open(raw, filtered, scratch, h, w, options.structure(), options.erosions(),
                            options.dilations());
                    if (synced) {
                        for (int p = 0; p < px; p++) {
                            union[p] |= filtered[p];
                        }
                    }
                    fr[i] = new FrameResult(frames[i], raw, filtered, null, null, null);
                }
                byte[] labelled = synced ? union : fr[0].filtered;
                int[] labels = new int[px];
                int count = labeler.label(labelled, labels, h, w, options.structure());
                for (int i = 0; i < frames.length; i++) {
                    FrameSpots spots = FrameSpots.measure(frames[i], u, images[i], st.avg, labels, count, w);
                    fr[i] = new FrameResult(frames[i], fr[i].raw, fr[i].filtered, union, labels, spots);
                }
                out[k] = fr;
                int d = done.incrementAndGet();
                if (comm.rank() == 0 && d % step == 0) {
                    LOG.info("masks: {} of {} units done on rank 0", d, u1 - u0);
                }
            }
        });
        List<FrameResult> list = new ArrayList<>();
        for (FrameResult[] fr : out) {
            for (FrameResult r : fr) {
                list.add(r);
            }
        }
        return list;
    }

    /** All ranks' frames on rank 0 (unordered), null elsewhere. */
    List<FrameResult> gather(List<FrameResult> mine, LaueSeries s) {
        if (comm.size() == 1) {
            return mine;
        }
        byte[] all = comm.gatherBytes(FrameResult.encode(mine, s.pixels()), 0);
        return all == null ? null : FrameResult.decodeAll(all, s.pixels());
    }

    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** Splits {@code [0, n)} into one contiguous range per thread; rethrows a task's failure. */
    private void parallel(ExecutorService pool, int n, Range body) {
        int parts = Math.min(threads * 4, Math.max(1, n));
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < parts; t++) {
            int from = (int) ((long) n * t / parts);
            int to = (int) ((long) n * (t + 1) / parts);
            fs.add(pool.submit(() -> body.run(from, to)));
        }
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted", 130, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Per-pixel statistics, as doubles so that ranks can sum them. */
    public static final class PixelStats {
        public final double[] avg;
        public final double[] std;
        public final double[] iqr;
        public final double[] max;
        public final double[] arg;
        public final double[] removed;

        PixelStats(int pixels) {
            avg = new double[pixels];
            std = new double[pixels];
            iqr = new double[pixels];
            max = new double[pixels];
            arg = new double[pixels];
            removed = new double[pixels];
        }
    }

    /** One frame's masks and spots; {@code synced} and {@code labels} may be shared within a unit. */
    record FrameResult(int frame, byte[] raw, byte[] filtered, byte[] synced, int[] labels, FrameSpots spots) {
        static byte[] encode(List<FrameResult> list, int px) {
            try {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(bos, 1 << 16));
                out.writeInt(list.size());
                java.nio.ByteBuffer lb = java.nio.ByteBuffer.allocate(px * 4);
                for (FrameResult r : list) {
                    out.writeInt(r.frame);
                    out.write(r.raw);
                    out.write(r.filtered);
                    out.writeBoolean(r.synced != null);
                    if (r.synced != null) {
                        out.write(r.synced);
                    }
                    lb.clear();
                    lb.asIntBuffer().put(r.labels);
                    out.write(lb.array());
                    FrameSpots sp = r.spots;
                    out.writeInt(sp.mask());
                    out.writeInt(sp.count());
                    for (int i = 0; i < sp.count(); i++) {
                        out.writeInt(sp.label()[i]);
                        out.writeDouble(sp.intensity()[i]);
                        out.writeDouble(sp.intensityBg()[i]);
                        out.writeInt(sp.xy()[2 * i]);
                        out.writeInt(sp.xy()[2 * i + 1]);
                        for (int k = 0; k < 4; k++) {
                            out.writeInt(sp.box()[4 * i + k]);
                        }
                        out.writeInt(sp.pixelStart()[i + 1]);
                    }
                    for (int p : sp.pixels()) {
                        out.writeInt(p);
                    }
                }
                out.flush();
                return bos.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static List<FrameResult> decodeAll(byte[] data, int px) {
            List<FrameResult> list = new ArrayList<>();
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
                byte[] lbytes = new byte[px * 4];
                while (in.available() > 0) {
                    int count = in.readInt();
                    for (int c = 0; c < count; c++) {
                        int frame = in.readInt();
                        byte[] raw = in.readNBytes(px);
                        byte[] filtered = in.readNBytes(px);
                        byte[] synced = in.readBoolean() ? in.readNBytes(px) : null;
                        in.readFully(lbytes);
                        int[] labels = new int[px];
                        java.nio.ByteBuffer.wrap(lbytes).asIntBuffer().get(labels);
                        int mask = in.readInt();
                        int n = in.readInt();
                        int[] label = new int[n];
                        double[] inten = new double[n];
                        double[] bg = new double[n];
                        int[] xy = new int[2 * n];
                        int[] box = new int[4 * n];
                        int[] start = new int[n + 1];
                        for (int i = 0; i < n; i++) {
                            label[i] = in.readInt();
                            inten[i] = in.readDouble();
                            bg[i] = in.readDouble();
                            xy[2 * i] = in.readInt();
                            xy[2 * i + 1] = in.readInt();
                            for (int k = 0; k < 4; k++) {
                                box[4 * i + k] = in.readInt();
                            }
                            start[i + 1] = in.readInt();
                        }
                        int[] pixels = new int[start[n]];
                        for (int i = 0; i < pixels.length; i++) {
                            pixels[i] = in.readInt();
                        }
                        list.add(new FrameResult(frame, raw, filtered, synced, labels,
                                new FrameSpots(frame, mask, label, inten, bg, xy, box, start, pixels)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return list;
        }
    }
}
