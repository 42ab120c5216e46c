package org.diffract.refine.subtomo;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * {@code refine subtomo bench}: one refinement iteration on synthetic subtomograms, timed, with the bound
 * the coarse search cannot beat. The coarse search needs, per orientation and reference, one forward FFT
 * of the turned reference and one inverse FFT per particle (the correlation at every shift): the bound is
 * that count times the time of one FFT of that size, divided by the threads. The ratio measured / bound
 * says how much time goes to anything but FFTs (rotation, products, peak search).
 */
public final class SubtomoBench {
    /** One box size's figures. */
    public record Figures(
            int size,
            int particles,
            double iterationSeconds,
            double particlesPerSecondPerCore,
            long coarseFfts,
            double fftSeconds,
            double coarseSeconds,
            double coarseBoundSeconds,
            double coarseCpuSeconds,
            double fftCpuSeconds) {
        /** Wall-clock ratio: honest on a quiet machine only. */
        public double ratio() {
            return coarseSeconds / coarseBoundSeconds;
        }

        /** CPU-time ratio: the workers' CPU time over FFT count times one FFT's CPU time; other processes do not enter. */
        public double cpuRatio() {
            return coarseCpuSeconds / (coarseFfts * fftCpuSeconds);
        }
    }

    private SubtomoBench() {}

    public static Figures run(
            int size, int particles, int nref, double delta, int shrink, String falign, int threads, PrintStream out) {
        SyntheticSubtomograms data = new SyntheticSubtomograms(
                size,
                SyntheticSubtomograms.objects(size, nref, 8, 1L),
                Math.max(1, particles / nref),
                size / 16.0,
                1.0,
                30,
                2L);
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=synthetic",
                "--nref=" + nref,
                "--iter=1",
                "--align=rotate_translate_3d:delta=" + delta + ":dphi=" + delta,
                "--falign=" + falign,
                "--shrink=" + shrink,
                "--search=" + Math.max(1, size / 8)));
        o.validate();
        VolumeStack stack = new VolumeStack(Path.of("synthetic"), size, data.particles());
        out.printf(
                Locale.ROOT,
                "bench %d^3: %d particles, %d reference(s), delta %.1f, shrink %d, %s, %d threads%n",
                size,
                stack.count(),
                nref,
                delta,
                shrink,
                falign,
                threads);
        org.jtransforms.utils.CommonUtils.setThreadsBeginN_3D(Integer.MAX_VALUE);
        // the coarse search alone, on its own, for the ratio to its FFT bound
        double coarseSeconds;
        double coarseCpu;
        long ffts;
        int m;
        try (WorkerPool pool = new WorkerPool(threads, "bench")) {
            ParticleAligner a = new ParticleAligner(o, size, null, pool);
            m = a.coarseSize();
            List<double[]> vols = new ArrayList<>(Arrays.asList(data.particles()));
            List<Target>[] t = a.targets(vols);
            a.align(t[0], t[1], data.truth(), d -> {}, false); // warm-up: JIT
            long before = a.search().coarseFfts.sum();
            long cpuBefore = a.search().coarseCpuNanos.sum();
            long t0 = System.nanoTime();
            a.align(t[0], t[1], data.truth(), d -> {}, false);
            coarseSeconds = (System.nanoTime() - t0) / 1e9;
            ffts = a.search().coarseFfts.sum() - before;
            coarseCpu = (a.search().coarseCpuNanos.sum() - cpuBefore) / 1e9;
        }
        double[] fftTimes = fftSeconds(m);
        double fft = fftTimes[0];
        double bound = ffts * fft / threads;
        long t0 = System.nanoTime();
        new SubtomoRefinement(o, stack, new LocalCommunicator(), threads, null).run(data.truth());
        double s = (System.nanoTime() - t0) / 1e9;
        Figures f = new Figures(
                size,
                stack.count(),
                s,
                stack.count() / s / threads,
                ffts,
                fft,
                coarseSeconds,
                bound,
                coarseCpu,
                fftTimes[1]);
        out.printf(
                Locale.ROOT,
                "bench %d^3: one iteration %.2f s: %.4f particles/s per core%n",
                size,
                s,
                f.particlesPerSecondPerCore());
        out.printf(
                Locale.ROOT,
                "bench %d^3: coarse search %.3f s for %d FFTs of %d^3 (%.1f us each): bound %.3f s, "
                        + "measured / bound = %.2f (target <= 2); in CPU time %.3f s against %.3f s: %.2f%n",
                size,
                coarseSeconds,
                ffts,
                m,
                fft * 1e6,
                bound,
                f.ratio(),
                coarseCpu,
                ffts * fftTimes[1],
                f.cpuRatio());
        return f;
    }

    /**
     * Median wall-clock and CPU time of one complex 3D FFT of edge m (forward; the inverse costs the same), on
     * this one thread.
     */
    static double[] fftSeconds(int m) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Fourier f = new Fourier(m);
        double[] real = new double[m * m * m];
        Random rng = new Random(1);
        for (int i = 0; i < real.length; i++) {
            real[i] = rng.nextGaussian();
        }
        double[] c = new double[2 * real.length];
        int reps = Math.max(20, (int) (2_000_000 / real.length));
        for (int i = 0; i < reps; i++) {
            f.forward(real, c); // warm-up
        }
        double[] t = new double[9];
        double[] u = new double[9];
        for (int k = 0; k < t.length; k++) {
            long t0 = System.nanoTime();
            long c0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                f.forward(real, c);
            }
            t[k] = (System.nanoTime() - t0) / 1e9 / reps;
            u[k] = (cpu.getCurrentThreadCpuTime() - c0) / 1e9 / reps;
        }
        Arrays.sort(t);
        Arrays.sort(u);
        return new double[] {t[t.length / 2], u[u.length / 2]};
    }
}
