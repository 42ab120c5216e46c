package org.diffract.correlate;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.diffract.core.UserError;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * What {@code diffract correlate bench} measures: difference-correlation pairs per second (against numpy's
 * FFT on the same estimator), and the live heap of one rank streaming a run (polar resampling and
 * consecutive pairs, as {@code correlate run} does) for several numbers of shots, which must not grow with
 * them. The shots are made on the fly (a modulated ring), so the bench needs no data file and no disk.
 */
public final class CorrelateBench {
    private CorrelateBench() {}

    /** Images and masks of {@code pool} random shots for timing pairs, with the numpy script's masked gap. */
    public static PolarData randomPolarData(int nq, int nphi, int pool) {
        Random rnd = new Random(1);
        double[] shots = new double[pool * nq * nphi];
        for (int i = 0; i < shots.length; i++) {
            shots[i] = 1 + 0.1 * rnd.nextGaussian();
        }
        byte[] mask = new byte[nq * nphi];
        Arrays.fill(mask, (byte) 1);
        for (int k = 0; k < nq; k++) {
            for (int j = nphi / 10; j < nphi / 10 + nphi / 20; j++) {
                mask[k * nphi + j] = 0; // the same gap as the numpy script
            }
        }
        long[] tags = new long[pool];
        Arrays.setAll(tags, i -> i);
        return new PolarData(tags, shots, shots, mask, nq, nphi, new double[nq], new double[nq], 0, 0);
    }

    /**
     * Pairs per second over {@code pairs} pairs of {@code data}'s shots with {@code workers} workers: the best
     * of three timed passes after an untimed warm-up, as the numpy script does (the machine is shared, so the
     * best pass is the fair one).
     */
    public static double pairsPerSecond(PolarData data, int pairs, int workers) {
        int pool = data.shots();
        int[] a = new int[pairs];
        int[] b = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            a[i] = i % pool;
            b[i] = (i + 1) % pool;
        }
        TagPairs tp = new TagPairs(a, b, new long[pairs], new long[pairs], 0);
        try (WorkerPool threads = new WorkerPool(workers, "bench")) {
            CorrelateRun.sumPairs(data, tp, 0, Math.min(pairs, 200), threads, -1, -1);
            double best = 0;
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                CorrelationSums s = CorrelateRun.sumPairs(data, tp, 0, pairs, threads, -1, -1);
                double dt = (System.nanoTime() - t0) / 1e9;
                if (s.pairs() != pairs) {
                    throw new IllegalStateException("pair count mismatch");
                }
                best = Math.max(best, pairs / dt);
            }
            return best;
        }
    }

    /** numpy's pairs per second on the same sizes (1 core), or null with the reason printed by the caller. */
    public static double numpyPairsPerSecond(String python, int nq, int nphi, int pairs) throws IOException {
        try (InputStream in = CorrelateBench.class.getResourceAsStream("diffcorr_numpy.py")) {
            if (in == null) {
                throw new IllegalStateException("diffcorr_numpy.py missing from the jar");
            }
            Path script = Files.createTempFile("diffcorr_numpy", ".py");
            try {
                Files.write(script, in.readAllBytes());
                ProcessBuilder pb = new ProcessBuilder(
                                python,
                                script.toString(),
                                "bench",
                                Integer.toString(nq),
                                Integer.toString(nphi),
                                Integer.toString(pairs))
                        .redirectErrorStream(true);
                // pin numpy's BLAS threads so its figure is a 1-core one (its pocketfft is single-threaded)
                pb.environment().put("OMP_NUM_THREADS", "1");
                pb.environment().put("OPENBLAS_NUM_THREADS", "1");
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                boolean done = p.waitFor(10, TimeUnit.MINUTES);
                if (!done || p.exitValue() != 0 || !out.startsWith("numpy_pairs_per_s ")) {
                    throw new IOException("numpy run failed (" + python + "): " + out);
                }
                return Double.parseDouble(out.substring("numpy_pairs_per_s ".length()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                Files.deleteIfExists(script);
            }
        }
    }

    /** One streaming run: shots, pairs, the largest live heap seen, seconds, and what a polar stack would take. */
    public record Streaming(int shots, long pairs, long liveHeapMax, double seconds, long stackBytes) {}

    /**
     * Streams {@code shots} synthetic shots of {@code detector}^2 pixels through the polar step and the
     * consecutive-pair correlator on one rank of {@code threads} workers, without storing polar images; the
     * live heap is sampled after a full GC ten times during the run.
     */
    public static Streaming streaming(int shots, int detector, int nq, int nphi, int threads) {
        double c = detector / 2.0 - 0.5;
        double rmax = detector / 2.0 - 2;
        double rmin = rmax - (nq - 1);
        if (shots < 2 || rmin < 1 || nphi < 4) {
            throw new UserError("bench: " + nq + " rings do not fit a " + detector + "^2 detector (or fewer than 2 "
                    + "shots or 4 angles); use a larger --detector or fewer --nq");
        }
        PolarGrid grid =
                new PolarGrid(detector, detector, null, c, c, rmin, nq, nphi, PolarGrid.Interpolation.BILINEAR);
        long[] tags = new long[shots];
        Arrays.setAll(tags, i -> i);
        QMapping qm = new QMapping(1e-4, 0.05, 1.0);
        double[] radii = grid.radii();
        double[] q = new double[nq];
        for (int k = 0; k < nq; k++) {
            q[k] = qm.pix2invang(radii[k]);
        }
        PolarMeta meta = new PolarMeta(tags, grid.mask(), nq, nphi, radii, q, c, c);
        CorrelateSettings s = new CorrelateSettings(
                null,
                new CorrelateSettings.Input(Path.of("bench"), "auto", "auto", null, 0),
                new CorrelateSettings.Geometry(1.0, 1e-4, 0.05, c, c),
                new CorrelateSettings.Center(c, c, rmin, 5, 10, false, 10, 0, List.of()),
                new CorrelateSettings.Polar(q[0], q[nq - 1], nphi, PolarGrid.Interpolation.BILINEAR),
                new CorrelateSettings.Pairs(CorrelateSettings.PairMode.NON_OVERLAPPING, 0, null),
                new CorrelateSettings.Correlation(-1, -1, false, 0, false),
                Path.of("bench-output"));
        TagPairs pairs = TagPairs.consecutive(tags, 0);
        LocalCommunicator comm = new LocalCommunicator();
        // the steps' progress lines would drown the bench's own
        Configurator.setLevel(PolarStep.class.getName(), Level.WARN);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] live = {0};
        try (WorkerPool pool = new WorkerPool(threads, "bench");
                RingShots source = new RingShots(detector, shots)) {
            ConsecutivePairs correlator = new ConsecutivePairs(meta, pairs, s.correlation(), null, threads);
            PolarStep.Listener sampled = (w, a, b) -> {
                PolarStep.Segment inner = correlator.segment(w, a, b);
                int every = Math.max(1, shots / 10);
                return (i, norm) -> {
                    inner.shot(i, norm);
                    if (w == 0 && (i - a) % every == every - 1) {
                        System.gc();
                        synchronized (live) {
                            live[0] = Math.max(
                                    live[0], memory.getHeapMemoryUsage().getUsed());
                        }
                    }
                };
            };
            long t0 = System.nanoTime();
            new PolarStep(s, comm, pool, source).run(new PolarStep.Layout(grid, meta), sampled, false);
            CorrelationSums sums = correlator.finish(comm, 0, shots);
            double dt = (System.nanoTime() - t0) / 1e9;
            return new Streaming(shots, sums.pairs(), live[0], dt, 2L * shots * nq * nphi * Double.BYTES);
        }
    }

    /**
     * Shots made on the fly: a Gaussian ring whose intensity is modulated as 1 + 0.3 cos(6 phi + theta_i),
     * from three precomputed images, so making a shot costs about as much as reading one.
     */
    private static final class RingShots implements Shots {
        private final int size;
        private final long[] tags;
        private final double[] base;
        private final double[] cos6;
        private final double[] sin6;

        RingShots(int size, int shots) {
            this.size = size;
            this.tags = new long[shots];
            Arrays.setAll(tags, i -> i);
            this.base = new double[size * size];
            this.cos6 = new double[size * size];
            this.sin6 = new double[size * size];
            double c = size / 2.0 - 0.5;
            double r0 = size / 2.0 - 20;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double r = Math.hypot(x - c, y - c);
                    double phi = Math.atan2(y - c, x - c);
                    int t = y * size + x;
                    base[t] = 5 + 100 * Math.exp(-(r - r0) * (r - r0) / 18);
                    cos6[t] = 0.3 * base[t] * Math.cos(6 * phi);
                    sin6[t] = -0.3 * base[t] * Math.sin(6 * phi);
                }
            }
        }

        private RingShots(RingShots o) {
            this.size = o.size;
            this.tags = o.tags;
            this.base = o.base;
            this.cos6 = o.cos6;
            this.sin6 = o.sin6;
        }

        @Override
        public int count() {
            return tags.length;
        }

        @Override
        public int width() {
            return size;
        }

        @Override
        public int height() {
            return size;
        }

        @Override
        public long[] tags() {
            return tags.clone();
        }

        @Override
        public double[] read(int i, double[] out) {
            double theta = 2.399963 * i; // the golden angle: phases spread evenly, no random state per thread
            double a = Math.cos(theta);
            double b = Math.sin(theta);
            for (int t = 0; t < out.length; t++) {
                out[t] = base[t] + a * cos6[t] + b * sin6[t];
            }
            return out;
        }

        @Override
        public Shots reader() {
            return new RingShots(this);
        }

        @Override
        public void close() {}
    }
}
