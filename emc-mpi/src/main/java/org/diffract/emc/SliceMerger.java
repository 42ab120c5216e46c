package org.diffract.emc;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.diffract.core.geometry.Detector;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * Compress: every local rotation's probability-weighted mean of the frames becomes a slice, merged into
 * the 3D volume; the volumes are summed across ranks. Only kept entries are visited: a block's records
 * give, per frame, the probabilities of the block's 8 rotations, and the frame's photons are added into
 * an interleaved 8-rotation view in one pass ({@link EmcKernel#mergeAdd}), the transpose of the
 * likelihood's tile.
 *
 * <p>Threads merge whole rotations into one of at most {@value #MAX_VOLUMES} volumes of interleaved
 * (sum, weight) pairs ({@link EmcSlicer#merge}), one volume per two threads: a volume is shared under a
 * lock held only while a finished slice is added (the cheap end of a block's work), so memory grows
 * slowly with the thread count.
 */
final class SliceMerger {
    static final int MAX_VOLUMES = 4;
    private static final int B = RotationShare.BLOCK;

    private final EmcData data;
    private final RotationShare share;
    private final ProbabilityStore store;
    private final EmcKernel kernel;
    private final int n;
    private final int numPix;
    private final double[] qx;
    private final double[] qy;
    private final double[] qz;
    private final double[] corr;
    private final boolean[] mergeUse;
    private final double[][] pairs;
    private final Object[] locks;
    private final Worker[] workers;
    private boolean merged;

    SliceMerger(EmcData data, RotationShare share, ProbabilityStore store, EmcKernel kernel, int n, int threads) {
        this.data = data;
        this.share = share;
        this.store = store;
        this.kernel = kernel;
        this.n = n;
        Detector det = data.detector;
        this.numPix = det.numPix();
        this.qx = det.copyQx();
        this.qy = det.copyQy();
        this.qz = det.copyQz();
        this.corr = det.copyCorr();
        this.mergeUse = new boolean[numPix];
        for (int t = 0; t < numPix; t++) {
            mergeUse[t] = det.mask(t) != Detector.MASK_UNUSED;
        }
        int volumes = volumes(threads);
        this.pairs = new double[volumes][];
        this.locks = new Object[volumes];
        for (int v = 0; v < volumes; v++) {
            locks[v] = new Object();
        }
        this.workers = new Worker[threads];
    }

    static int volumes(int threads) {
        return Math.min((threads + 1) / 2, MAX_VOLUMES);
    }

    static long bytesPerThread(int numPix) {
        return 4L * B * numPix + 8L * numPix;
    }

    /**
     * Merges every local rotation and sums across ranks; returns the interleaved (sum, weight) pairs of all
     * ranks, the merger's own buffer, valid until the next call. {@code atHalf} runs once, on the thread that
     * takes the middle block, before it, and {@code beforeReduce} just before the sum across ranks (the engine's
     * test pause points).
     */
    double[] merge(
            double[] frameFactor,
            double[] frameWeight,
            MergeRule rule,
            Communicator comm,
            WorkerPool pool,
            Runnable atHalf,
            Runnable beforeReduce) {
        int len = 2 * n * n * n;
        for (int v = 0; v < pairs.length; v++) {
            if (pairs[v] == null) {
                pairs[v] = new double[len];
            }
        }
        pool.forRanges(len, (i0, i1) -> {
            for (double[] a : pairs) {
                Arrays.fill(a, i0, i1, 0);
            }
        });
        int numBlocks = share.numBlocks();
        int half = numBlocks / 2;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger slot = new AtomicInteger();
        pool.onEachWorker(w -> {
            int me = slot.getAndIncrement();
            if (workers[me] == null) {
                workers[me] = new Worker(me % pairs.length);
            }
            Worker wk = workers[me];
            int b;
            while ((b = next.getAndIncrement()) < numBlocks) {
                if (b == half) {
                    atHalf.run();
                }
                wk.block(b, frameFactor, frameWeight, rule);
            }
        });
        double[] total = pairs[0];
        if (pairs.length > 1) {
            pool.forRanges(len, (i0, i1) -> {
                for (int v = 1; v < pairs.length; v++) {
                    double[] a = pairs[v];
                    for (int i = i0; i < i1; i++) {
                        total[i] += a[i];
                    }
                }
            });
        }
        beforeReduce.run();
        comm.allreduceSum(total);
        merged = true;
        return total;
    }

    /**
     * The last merge's weight volume (Dragonfly's inter_weight) as a (1, n, n, n) nested array for an HDF5
     * writer, or null before any merge.
     */
    double[][][][] lastWeights() {
        if (!merged) {
            return null;
        }
        double[] p = pairs[0];
        double[][][][] out = new double[1][n][n][n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                double[] row = out[0][x][y];
                int base = 2 * ((x * n + y) * n);
                for (int z = 0; z < n; z++) {
                    row[z] = p[base + 2 * z + 1];
                }
            }
        }
        return out;
    }

    private final class Worker {
        final int volume;
        final ProbabilityStore.Reader in = store.new Reader();
        final float[] view8 = new float[numPix * B];
        final double[] view = new double[numPix];
        final float[] weights = new float[B];
        final double[] sumP = new double[B];
        final double[] sumPhi = new double[B];
        final double[] r9 = new double[9];

        Worker(int volume) {
            this.volume = volume;
        }

        /**
         * frameFactor multiplies a frame's photons (1/phi for scaled frames, 1 for Dragonfly's rule);
         * frameWeight is what the slice is divided by besides sum P (phi for Dragonfly's rule, unused else).
         */
        void block(int b, double[] frameFactor, double[] frameWeight, MergeRule rule) {
            int count = share.blockSize(b);
            Arrays.fill(view8, 0);
            Arrays.fill(sumP, 0);
            Arrays.fill(sumPhi, 0);
            EmcData dt = data;
            ProbabilityStore.Reader r = in;
            r.begin(store.stream(b), false);
            while (r.next()) {
                int d = r.frame;
                double top = Math.exp(r.base);
                double f = frameFactor[d];
                double phi = frameWeight[d];
                int mask = r.mask;
                if (Integer.bitCount(mask) == 1) {
                    int k = Integer.numberOfTrailingZeros(mask);
                    double p = top * ProbabilityStore.expMinus(r.offsets[k]);
                    sumP[k] += p;
                    sumPhi[k] += p * phi;
                    addOne(view8, k, p * f, d);
                    continue;
                }
                for (int k = 0; k < B; k++) {
                    if ((mask & (1 << k)) != 0) {
                        double p = top * ProbabilityStore.expMinus(r.offsets[k]);
                        sumP[k] += p;
                        sumPhi[k] += p * phi;
                        weights[k] = (float) (p * f);
                    } else {
                        weights[k] = 0;
                    }
                }
                kernel.mergeAdd(
                        view8,
                        dt.oOnes,
                        dt.oOnesStart[d],
                        dt.oOnesStart[d + 1],
                        dt.oMulti,
                        dt.oMultiCount,
                        dt.oMultiStart[d],
                        dt.oMultiStart[d + 1],
                        weights);
                kernel.mergeAdd(
                        view8,
                        dt.mOnes,
                        dt.mOnesStart[d],
                        dt.mOnesStart[d + 1],
                        dt.mMulti,
                        dt.mMultiCount,
                        dt.mMultiStart[d],
                        dt.mMultiStart[d + 1],
                        weights);
            }
            r.end();
            for (int k = 0; k < count; k++) {
                double wp = sumP[k];
                double norm = rule == MergeRule.DRAGONFLY ? sumPhi[k] : wp;
                if (!(wp > 0) || !(norm > 0)) {
                    continue;
                }
                for (int t = 0; t < numPix; t++) {
                    view[t] = mergeUse[t] ? view8[(t << 3) + k] / (corr[t] * norm) : 0;
                }
                System.arraycopy(share.matrices, 9 * (b * B + k), r9, 0, 9);
                if (pairs.length == workers.length) {
                    kernel.mergeSlice(view, wp, r9, qx, qy, qz, mergeUse, pairs[volume], n);
                } else {
                    synchronized (locks[volume]) {
                        kernel.mergeSlice(view, wp, r9, qx, qy, qz, mergeUse, pairs[volume], n);
                    }
                }
            }
        }

        /** One rotation lane of one frame: the scalar path for records that keep a single rotation. */
        private void addOne(float[] v8, int k, double weight, int d) {
            float w = (float) weight;
            EmcData dt = data;
            for (int i = dt.oOnesStart[d]; i < dt.oOnesStart[d + 1]; i++) {
                v8[(dt.oOnes[i] << 3) + k] += w;
            }
            for (int i = dt.oMultiStart[d]; i < dt.oMultiStart[d + 1]; i++) {
                v8[(dt.oMulti[i] << 3) + k] += w * dt.oMultiCount[i];
            }
            for (int i = dt.mOnesStart[d]; i < dt.mOnesStart[d + 1]; i++) {
                v8[(dt.mOnes[i] << 3) + k] += w;
            }
            for (int i = dt.mMultiStart[d]; i < dt.mMultiStart[d + 1]; i++) {
                v8[(dt.mMulti[i] << 3) + k] += w * dt.mMultiCount[i];
            }
        }
    }
}
