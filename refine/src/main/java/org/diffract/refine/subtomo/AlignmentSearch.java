package org.diffract.refine.subtomo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

import org.diffract.core.parallel.WorkerPool;

/**
 * Coarse global search then local refinement of particles against references at one working scale each.
 * Coarse: every orientation of the (symmetry-reduced) grid rotates each reference once, and that one
 * spectrum is correlated with all particles (rotating the reference, not the particle, keeps each
 * particle's missing wedge where it is); the translation is the correlation peak within the search
 * range. Fine: a local grid of small rotations around each kept peak, at the fine scale.
 */
public final class AlignmentSearch {
    private final WorkerPool pool;
    private final int threads;
    private final boolean fscCoarse;
    private final boolean fscFine;
    /** 3D FFTs run so far at the coarse and at the fine scale (the benchmark's bound counts them). */
    final LongAdder coarseFfts = new LongAdder();
    /** CPU time the workers spent in the coarse search (immune to other processes on the machine). */
    final LongAdder coarseCpuNanos = new LongAdder();

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    final LongAdder fineFfts = new LongAdder();

    public AlignmentSearch(WorkerPool pool) {
        this(pool, false, false);
    }

    /** fscCoarse / fscFine: score with fsc.tomo instead of ccc.tomo at that scale. */
    public AlignmentSearch(WorkerPool pool, boolean fscCoarse, boolean fscFine) {
        this.pool = pool;
        this.threads = pool.threads();
        this.fscCoarse = fscCoarse;
        this.fscFine = fscFine;
    }

    /**
     * Best {@code npeaks} coarse peaks of every particle against every reference (all at edge m), shifts
     * in voxels of this scale. {@code progress} is told the number of orientations done so far.
     */
    PeakList[][] coarse(
            List<Target> particles,
            double[][] refs,
            int m,
            boolean[] band,
            List<double[]> orientations,
            int npeaks,
            int search,
            IntConsumer progress) {
        int np = particles.size(), nr = refs.length, no = orientations.size();
        int chunks = Math.max(1, Math.min(no, threads * 4));
        PeakList[][][] partial = new PeakList[chunks][np][nr];
        AtomicInteger done = new AtomicInteger();
        run(chunks, c -> {
            long cpu0 = CPU.getCurrentThreadCpuTime();
            WedgeCorrelator wc = new WedgeCorrelator(m, band, false, fscCoarse);
            double[] rot = new double[m * m * m];
            double[] spec = new double[2 * m * m * m];
            double[] out = new double[4];
            double[] zero = new double[3];
            PeakList[][] mine = partial[c];
            for (int i = 0; i < np; i++) {
                for (int k = 0; k < nr; k++) {
                    mine[i][k] = new PeakList(npeaks);
                }
            }
            for (int o = c * no / chunks; o < (c + 1) * no / chunks; o++) {
                double[] rt = Rotations.transpose(orientations.get(o));
                for (int k = 0; k < nr; k++) {
                    VolumeTransform.apply(refs[k], m, rt, zero, rot);
                    wc.fft.forward(rot, spec);
                    boolean[] rmask = Fourier.powerMask(spec, m * m * m);
                    for (int i = 0; i < np; i++) {
                        wc.correlate(particles.get(i), spec, rmask, 0, 0, 0, search, out);
                        mine[i][k].offer(out[0], o, out[1], out[2], out[3]);
                    }
                    coarseFfts.add(1 + np);
                }
                progress.accept(done.incrementAndGet());
            }
            coarseCpuNanos.add(CPU.getCurrentThreadCpuTime() - cpu0);
        });
        PeakList[][] merged = new PeakList[np][nr];
        for (int i = 0; i < np; i++) {
            for (int k = 0; k < nr; k++) {
                merged[i][k] = new PeakList(npeaks);
                for (int c = 0; c < chunks; c++) {
                    merged[i][k].offerAll(partial[c][i][k]);
                }
            }
        }
        return merged;
    }

    /** One local refinement job: particle i against reference k from a start rotation and shift (fine voxels). */
    record FineJob(int particle, int ref, double[] rotation, double[] shift) {}

    /** Runs the jobs; each returns the best of the local grid around its start (shift in fine voxels). */
    Hit[] fine(
            List<Target> particles,
            double[][] refs,
            int m,
            boolean[] band,
            List<FineJob> jobs,
            List<double[]> localGrid,
            int search) {
        Hit[] hits = new Hit[jobs.size()];
        int chunks = Math.max(1, Math.min(jobs.size(), threads * 2));
        run(chunks, c -> {
            WedgeCorrelator wc = new WedgeCorrelator(m, band, true, fscFine);
            double[] rot = new double[m * m * m];
            double[] spec = new double[2 * m * m * m];
            double[] out = new double[4];
            double[] zero = new double[3];
            for (int j = c * jobs.size() / chunks; j < (c + 1) * jobs.size() / chunks; j++) {
                FineJob job = jobs.get(j);
                Hit best = Hit.NONE;
                for (double[] d : localGrid) {
                    double[] r = Rotations.multiply(job.rotation(), d);
                    VolumeTransform.apply(refs[job.ref()], m, Rotations.transpose(r), zero, rot);
                    wc.fft.forward(rot, spec);
                    wc.correlate(
                            particles.get(job.particle()),
                            spec,
                            Fourier.powerMask(spec, m * m * m),
                            job.shift()[0],
                            job.shift()[1],
                            job.shift()[2],
                            search,
                            out);
                    if (out[0] > best.score()) {
                        best = new Hit(out[0], r, new double[] {out[1], out[2], out[3]});
                    }
                }
                fineFfts.add(2L * localGrid.size());
                hits[j] = best;
            }
        });
        return hits;
    }

    /** Chunks handed to the workers one at a time; each chunk's result has its own slot, so the order is fixed. */
    private void run(int chunks, IntConsumer body) {
        pool.forEachItem(0, chunks, () -> null, (none, c) -> body.accept(c));
    }

    /** Small rotations on a cube grid of rotation vectors, |component| &lt;= range, the identity first. */
    public static List<double[]> localGrid(double range, double step) {
        List<double[]> g = new ArrayList<>();
        g.add(Rotations.identity());
        if (range <= 0 || step <= 0) {
            return g;
        }
        int k = (int) Math.floor(range / step + 1e-9);
        for (int a = -k; a <= k; a++) {
            for (int b = -k; b <= k; b++) {
                for (int c = -k; c <= k; c++) {
                    if (a != 0 || b != 0 || c != 0) {
                        g.add(Rotations.rotationVector(a * step, b * step, c * step));
                    }
                }
            }
        }
        return g;
    }
}
