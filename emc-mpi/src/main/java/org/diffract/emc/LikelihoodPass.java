package org.diffract.emc;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.geometry.Detector;
import org.diffract.core.parallel.WorkerPool;

/**
 * Expand and maximize, tile by tile: for each block of 8 local rotations (handed to threads one at a
 * time) the model is sliced and logged once, then every frame's log-likelihood at the 8 rotations is
 * summed from its sparse photons. Nothing of size rotations x frames is held: each value goes into the
 * thread's running normaliser of its frame ({@link FrameAccumulators}) and, if it can still be a kept
 * probability, into the block's record stream ({@link ProbabilityStore}).
 *
 * <p>Kept-entry pre-filter: with m the frame's running maximum log-weight, an entry below
 * {@code m + log(probMin)} is dropped at once. Since the final maximum M is at least m and the
 * normaliser at least 1, such an entry's probability is below probMin: nothing that the final rule
 * keeps is lost here.
 */
final class LikelihoodPass {
    private static final Logger LOG = LogManager.getLogger(LikelihoodPass.class);
    /** log(W) floor: a photon on a voxel the model says is empty costs this much instead of -inf. */
    static final double MIN_W = 1e-12;

    private static final int B = RotationShare.BLOCK;

    private final EmcData data;
    private final RotationShare share;
    private final ProbabilityStore store;
    private final EmcKernel kernel;
    private final int n;
    private final int numPix;
    private final int[] goodPix;
    private final double[] qxG;
    private final double[] qyG;
    private final double[] qzG;
    private final double[] corrG;
    private final Worker[] workers;

    LikelihoodPass(EmcData data, RotationShare share, ProbabilityStore store, EmcKernel kernel, int n, int threads) {
        this.data = data;
        this.share = share;
        this.store = store;
        this.kernel = kernel;
        this.n = n;
        Detector det = data.detector;
        this.numPix = det.numPix();
        int good = det.count(Detector.MASK_GOOD);
        goodPix = new int[good];
        qxG = new double[good];
        qyG = new double[good];
        qzG = new double[good];
        corrG = new double[good];
        for (int t = 0, g = 0; t < numPix; t++) {
            if (det.mask(t) == Detector.MASK_GOOD) {
                goodPix[g] = t;
                qxG[g] = det.qx(t);
                qyG[g] = det.qy(t);
                qzG[g] = det.qz(t);
                corrG[g] = det.corr(t);
                g++;
            }
        }
        workers = new Worker[threads];
    }

    /** The threads' accumulators after {@link #run}; entries past {@link #usedWorkers()} are unused. */
    FrameAccumulators[] accumulators() {
        FrameAccumulators[] a = new FrameAccumulators[workers.length];
        for (int i = 0; i < workers.length; i++) {
            a[i] = workers[i] == null ? null : workers[i].acc;
        }
        return a;
    }

    int usedWorkers() {
        int k = 0;
        while (k < workers.length && workers[k] != null) {
            k++;
        }
        return k;
    }

    /** Bytes of the per-thread scratch this pass holds (for the memory estimate). */
    static long bytesPerThread(int numPix, int numFrames) {
        return 4L * B * numPix + 8L * numPix + 44L * numFrames;
    }

    /**
     * Runs over all local blocks with log-weights {@code y = beta_d (L - scale_d W_r) + log w_r} where L is
     * the photons' sum of K log(W corr). Fills every block's record stream with the candidates. {@code atHalf}
     * runs once, on the thread that takes the middle block, before it (the engine's test pause point).
     */
    void run(
            float[] model,
            double[] scale,
            double[] beta,
            double logProbMin,
            WorkerPool pool,
            boolean report,
            Runnable atHalf) {
        int numBlocks = share.numBlocks();
        int half = numBlocks / 2;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger slot = new AtomicInteger();
        ProgressReporter progress = new ProgressReporter(LOG, "likelihood", numBlocks, report);
        pool.onEachWorker(w -> {
            int me = slot.getAndIncrement();
            if (workers[me] == null) {
                workers[me] = new Worker();
            }
            Worker wk = workers[me];
            wk.acc.reset();
            int b;
            while ((b = next.getAndIncrement()) < numBlocks) {
                if (b == half) {
                    atHalf.run();
                }
                wk.block(b, model, scale, beta, logProbMin);
                progress.step();
            }
        });
    }

    /** One thread's scratch, kept across iterations. */
    private final class Worker {
        final FrameAccumulators acc = new FrameAccumulators(data.numFrames);
        final ProbabilityStore.Writer out = store.new Writer();
        final float[] lw = new float[numPix * B];
        final double[] view = new double[goodPix.length];
        final double[] r9 = new double[9];
        final double[] sumW = new double[B];
        final double[] prior = new double[B];
        final double[] sums = new double[B];
        final double[] y = new double[B];
        final double[] l = new double[B];
        final int[] offsets = new int[B];

        void block(int b, float[] model, double[] scale, double[] beta, double logProbMin) {
            int r0 = b * B;
            int count = share.blockSize(b);
            expand(model, r0, count);
            ProbabilityStore.Writer o = out;
            o.begin(store.stream(b));
            EmcData dt = data;
            int first = share.rotStart + r0;
            for (int d = 0; d < dt.numFrames; d++) {
                kernel.frameSums(
                        lw,
                        dt.oOnes,
                        dt.oOnesStart[d],
                        dt.oOnesStart[d + 1],
                        dt.oMulti,
                        dt.oMultiCount,
                        dt.oMultiStart[d],
                        dt.oMultiStart[d + 1],
                        sums);
                double bd = beta[d];
                double sc = scale[d];
                double ymax = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < count; k++) {
                    double lk = sums[k] - sc * sumW[k];
                    double yk = bd * lk + prior[k];
                    l[k] = lk;
                    y[k] = yk;
                    if (yk > ymax) {
                        ymax = yk;
                    }
                }
                double m = acc.add(d, y, l, sumW, prior, count, first);
                double keep = m + logProbMin;
                if (ymax < keep) {
                    continue;
                }
                int mask = 0;
                for (int k = 0; k < count; k++) {
                    if (y[k] >= keep) {
                        mask |= 1 << k;
                        // base - y <= m - keep = -logProbMin: fits MAX_OFFSET (see EmcParams.PROB_MIN_LOWEST)
                        offsets[k] = (int) Math.round((ymax - y[k]) / ProbabilityStore.STEP);
                    }
                }
                o.put(d, mask, ymax, offsets);
            }
            o.end();
        }

        /** The block's log-slices, interleaved by pixel, and each rotation's summed slice W_r. */
        private void expand(float[] model, int r0, int count) {
            if (count < B) {
                // lanes past the last rotation must read as 0 (only lanes < count are used)
                Arrays.fill(lw, 0);
            }
            Arrays.fill(sumW, 0);
            Arrays.fill(prior, 0);
            for (int k = 0; k < count; k++) {
                System.arraycopy(share.matrices, 9 * (r0 + k), r9, 0, 9);
                EmcSlicer.slice(model, n, r9, qxG, qyG, qzG, view);
                double s = 0;
                for (int g = 0; g < view.length; g++) {
                    double v = view[g] * corrG[g];
                    view[g] = v;
                    s += v;
                }
                sumW[k] = s;
                prior[k] = share.logPrior[r0 + k];
                kernel.logFloor(view, view.length, MIN_W);
                for (int g = 0; g < view.length; g++) {
                    lw[(goodPix[g] << 3) + k] = (float) view[g];
                }
            }
        }
    }
}
