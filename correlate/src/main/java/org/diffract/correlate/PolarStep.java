package org.diffract.correlate;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.io.H5RowWriter;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * The {@code polar} step, as RingData's InterpSimple: every shot resampled onto rings qmin..qmax around the
 * beam centre and each ring normalised by its unmasked mean. It streams: a rank resamples only its own
 * contiguous block of shots, each worker a contiguous part of it, one shot at a time, and writes each
 * image straight into its rows of polar.h5 (laid out by rank 0, renamed into place when every rank is
 * done). Memory is a few images per worker, whatever the number of shots. Each normalised image can also be
 * handed to a {@link Listener} as it passes, which is how {@code run} correlates consecutive pairs without
 * reading the images back.
 */
final class PolarStep {
    private static final Logger LOG = LogManager.getLogger(PolarStep.class);

    /** Receives, in shot order, the ring-normalised images of one worker's contiguous range of shots. */
    interface Segment {
        void shot(int index, double[] normalized);
    }

    /** Makes the {@link Segment} of each worker's range [from, to) (called on that worker's thread). */
    interface Listener {
        Segment segment(int worker, int from, int to);
    }

    /** The polar grid of this run and what its images share. */
    record Layout(PolarGrid grid, PolarMeta meta) {}

    private final CorrelateSettings s;
    private final Communicator comm;
    private final WorkerPool pool;
    private final Shots shots;

    PolarStep(CorrelateSettings settings, Communicator comm, WorkerPool pool, Shots shots) {
        this.s = settings;
        this.comm = comm;
        this.pool = pool;
        this.shots = shots;
    }

    /** The grid around {@code centre} over qmin..qmax; every rank computes the same one. */
    Layout layout(double[] centre) {
        QMapping qm = s.geometry().qMapping();
        CorrelateSettings.Polar o = s.polar();
        double rmin = qm.invang2pix(o.qmin());
        double rmax = qm.invang2pix(o.qmax());
        int nq = (int) Math.floor(rmax - rmin) + 1;
        int nphi = o.nphi() > 0 ? o.nphi() : (int) (2 * Math.PI * rmax);
        byte[] detMask = DetectorMask.read(s.input().maskFile(), shots.height(), shots.width());
        PolarGrid grid = new PolarGrid(
                shots.width(), shots.height(), detMask, centre[0], centre[1], rmin, nq, nphi, o.interpolation());
        byte[] mask = grid.mask();
        int good = 0;
        for (byte b : mask) {
            good += b;
        }
        if (good == 0) {
            throw new UserError(
                    s.name() + ": no good polar sample: rings " + String.format(Locale.ROOT, "%.1f..%.1f", rmin, rmax)
                            + " px around (" + centre[0] + ", " + centre[1] + ") miss the "
                            + "detector or its mask; check [polar] qmin/qmax and the centre");
        }
        double[] radii = grid.radii();
        double[] q = new double[nq];
        for (int k = 0; k < nq; k++) {
            q[k] = qm.pix2invang(radii[k]);
        }
        long[] tags = Arrays.copyOf(shots.tags(), s.usable(shots.count()));
        return new Layout(grid, new PolarMeta(tags, mask, nq, nphi, radii, q, centre[0], centre[1]));
    }

    /**
     * Resamples this rank's shots, writes polar.h5 and polar.png when {@code write}, and hands every
     * normalised image to {@code listener} (may be null).
     */
    PolarMeta run(Layout layout, Listener listener, boolean write) {
        PolarMeta meta = layout.meta();
        PolarGrid grid = layout.grid();
        int n = meta.shots();
        int per = meta.size();
        int[] shape = {n, meta.nq(), meta.nphi()};
        List<int[]> shapes = List.of(shape, shape);
        Path target = s.polarFile();
        Path partial = H5RowWriter.partial(target);
        double[] where = new double[2];
        if (write && comm.rank() == 0) {
            s.createOutputFolder();
            long[] a = H5RowWriter.layout(
                    partial,
                    PolarFile.metaFields(new H5Writer(), meta, s.geometry()),
                    List.of(PolarFile.RAW, PolarFile.NORMALIZED),
                    shapes);
            where = new double[] {a[0], a[1]};
        }
        if (write) {
            comm.broadcast(where, 0);
        }
        int from = Blocks.start(n, comm.size(), comm.rank());
        int to = Blocks.end(n, comm.size(), comm.rank());
        int workers = Math.max(1, Math.min(pool.threads(), to - from));
        LOG.info(
                "polar: {} shots, {} rings x {} angles ({} interpolation), centre ({}, {}), {} rank(s) x {} "
                        + "thread(s){}",
                n,
                meta.nq(),
                meta.nphi(),
                s.polar().interpolation().name().toLowerCase(Locale.ROOT),
                meta.xCenter(),
                meta.yCenter(),
                comm.size(),
                pool.threads(),
                write ? "" : ", polar images not stored");
        double[] firstRaw = new double[per];
        boolean root = comm.rank() == 0;
        try (H5RowWriter rows =
                write ? H5RowWriter.open(partial, new long[] {(long) where[0], (long) where[1]}, shapes) : null) {
            pool.onEachWorker(w -> {
                if (w >= workers || from >= to) {
                    return;
                }
                int a = from + Blocks.start(to - from, workers, w);
                int b = from + Blocks.end(to - from, workers, w);
                Segment segment = listener == null ? null : listener.segment(w, a, b);
                boolean report = root && w == 0;
                int every = Math.max(1, (b - a) / 10);
                double[] img = new double[shots.width() * shots.height()];
                double[] raw = new double[per];
                double[] norm = new double[per];
                try (Shots reader = shots.reader()) {
                    for (int i = a; i < b; i++) {
                        reader.read(i, img);
                        grid.resample(img, raw, 0);
                        System.arraycopy(raw, 0, norm, 0, per);
                        PolarGrid.normalizeRings(norm, 0, meta.mask(), meta.nq(), meta.nphi());
                        if (rows != null) {
                            rows.writeRow(0, i, raw, 0);
                            rows.writeRow(1, i, norm, 0);
                        }
                        if (i == 0) {
                            System.arraycopy(raw, 0, firstRaw, 0, per);
                        }
                        if (segment != null) {
                            segment.shot(i, norm);
                        }
                        if (report && (i - a + 1) % every == 0 && b - a >= 20) {
                            LOG.info("polar: {}/{} shots of this thread", i - a + 1, b - a);
                        }
                    }
                }
            });
        }
        if (write) {
            comm.barrier(); // every rank's rows are in the file
            if (root) {
                H5RowWriter.commit(partial, target);
                PolarFile.writeTagMap(PolarFile.tagMapFile(target), meta.tags());
                CorrelatePlots.polarImage(s.outputFolder().resolve("polar.png"), firstRaw, meta, meta.tags()[0]);
                LOG.info("polar: wrote {}", target);
            }
            comm.barrier(); // polar.h5 is in place before any rank goes on to read it
        }
        return meta;
    }
}
