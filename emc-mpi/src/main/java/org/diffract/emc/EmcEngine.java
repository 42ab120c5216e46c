package org.diffract.emc;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.geometry.Detector;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.QuaternionSampling;
import org.diffract.core.rotation.Quaternions;
import org.diffract.core.volume.Slicer;
import org.diffract.core.volume.Symmetry;

/**
 * One rank's share of EMC: it owns a contiguous block of the rotation sampling and runs expand,
 * maximize and compress over it with a pool of threads; per-frame normalisation and the merged volume
 * are combined across ranks through the {@link Communicator}, so the result does not depend on the
 * number of ranks (beyond summation order).
 */
public final class EmcEngine implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(EmcEngine.class);
    /** log(W) floor: a photon on a voxel the model says is empty costs this much instead of -inf. */
    private static final double MIN_W = 1e-12;
    private static final int B = LikelihoodKernel.BLOCK;

    private final EmcData data;
    private final EmcParams params;
    private final Communicator comm;
    private final int n;
    private final int numRot;
    private final int rotStart;
    private final int numLocal;
    private final double[] rotMatrices;
    private final double[] logPrior;
    private final double[] viewSum;
    /** like[r][d]: log-likelihood of frame d at local rotation r, then its probability. */
    private final double[][] like;
    private final boolean[] mergeUse;
    private final double[] qx;
    private final double[] qy;
    private final double[] qz;
    private final double[] corr;
    private final byte[] mask;
    private final int threads;
    private final WorkerPool pool;
    private final LikelihoodKernel kernel;
    private final double[][] workerNum;
    private final double[][] workerDen;
    private final int[] bestRotation;
    private final double[] bestProb;
    private final double[] quats;

    public EmcEngine(EmcData data, EmcParams params, int n, Communicator comm) {
        this.data = data;
        this.params = params;
        this.comm = comm;
        this.n = n;
        QuaternionSampling sampling = QuaternionSampling.of(params.numDiv());
        if (params.symIcosahedral()) {
            sampling = sampling.reduceIcosahedral();
        }
        this.numRot = sampling.count();
        this.quats = sampling.quaternions();
        int size = comm.size();
        int rank = comm.rank();
        this.rotStart = (int) ((long) rank * numRot / size);
        int rotEnd = (int) ((long) (rank + 1) * numRot / size);
        this.numLocal = rotEnd - rotStart;
        this.rotMatrices = new double[9 * numLocal];
        this.logPrior = new double[numLocal];
        double[] r9 = new double[9];
        double[] w = sampling.weights();
        for (int r = 0; r < numLocal; r++) {
            Quaternions.toMatrix(quats, 4 * (rotStart + r), r9);
            System.arraycopy(r9, 0, rotMatrices, 9 * r, 9);
            logPrior[r] = Math.log(w[rotStart + r]);
        }
        this.viewSum = new double[numLocal];
        this.like = new double[numLocal][data.numFrames];
        Detector det = data.detector;
        // the hot loops read their own copies of the detector's arrays
        this.qx = det.copyQx();
        this.qy = det.copyQy();
        this.qz = det.copyQz();
        this.corr = det.copyCorr();
        this.mask = det.copyMask();
        this.mergeUse = new boolean[det.numPix()];
        for (int t = 0; t < mergeUse.length; t++) {
            mergeUse[t] = mask[t] != Detector.MASK_UNUSED;
        }
        this.threads = params.threads();
        this.pool = new WorkerPool(threads, "emc-worker");
        this.kernel = LikelihoodKernel.best();
        this.workerNum = new double[threads][];
        this.workerDen = new double[threads][];
        this.bestRotation = new int[data.numFrames];
        this.bestProb = new double[data.numFrames];
        if (rank == 0) {
            LOG.info("EMC: {} rotations (num_div {}{}), {} frames, {} pixels, model {}^3, {} ranks x {} threads, kernel {}",
                    numRot, params.numDiv(), params.symIcosahedral() ? ", icosahedral" : "", data.numFrames,
                    det.numPix(), n, size, threads, kernel.name());
        }
    }

    public int numRotations() {
        return numRot;
    }

    /** The sampled quaternions (4 per rotation), global indices. */
    public double[] quaternions() {
        return quats;
    }

    /** After {@link #iterate}: global index of each frame's most likely rotation. */
    public int[] bestRotation() {
        return bestRotation;
    }

    /** After {@link #iterate}: the probability of that rotation. */
    public double[] bestProbability() {
        return bestProb;
    }

    /** Runs iteration {@code state.iterationsDone + 1} and updates the state in place. */
    public IterationStats iterate(EmcState state) {
        long t0 = System.nanoTime();
        int iter = state.iterationsDone + 1;
        double beta = params.betaAt(iter);
        expandMaximize(state);
        double[] norm = normalise(beta);
        double[] scale = updateScale(state);
        double[] oldModel = state.model;
        double[] newModel = compress(scale);
        if (params.symIcosahedral()) {
            Symmetry.icosahedral(newModel, n, pool);
        }
        Symmetry.friedel(newModel, n, pool);
        double change = 0;
        for (int i = 0; i < newModel.length; i++) {
            double dlt = newModel[i] - oldModel[i];
            change += dlt * dlt;
        }
        state.model = newModel;
        state.scale = scale;
        state.iterationsDone = iter;
        double secs = (System.nanoTime() - t0) / 1e9;
        return new IterationStats(iter, secs, Math.sqrt(change / newModel.length), norm[0], norm[1], beta, numRot);
    }

    /** Expand the model into log-slices, block by block, and fill {@link #like} with log-likelihoods. */
    private void expandMaximize(EmcState state) {
        Detector det = data.detector;
        int numPix = det.numPix();
        int numBlocks = (numLocal + B - 1) / B;
        AtomicInteger next = new AtomicInteger();
        ProgressReporter progress = new ProgressReporter(LOG, "maximize", numBlocks, comm.rank() == 0);
        final double[] model = state.model;
        final double[] scale = state.scale;
        pool.onEachWorker(worker -> {
            double[] view = new double[numPix];
            double[] lw = new double[numPix * B];
            double[] acc = new double[B];
            double[] sumW = new double[B];
            double[] r9 = new double[9];
            int blk;
            while ((blk = next.getAndIncrement()) < numBlocks) {
                int r0 = blk * B;
                int count = Math.min(B, numLocal - r0);
                Arrays.fill(lw, 0);
                for (int k = 0; k < count; k++) {
                    System.arraycopy(rotMatrices, 9 * (r0 + k), r9, 0, 9);
                    Slicer.slice(model, n, r9, qx, qy, qz, view);
                    double s = 0;
                    for (int t = 0; t < numPix; t++) {
                        if (mask[t] == Detector.MASK_GOOD) {
                            double v = view[t] * corr[t];
                            s += v;
                            lw[t * B + k] = Math.log(Math.max(v, MIN_W));
                        }
                    }
                    sumW[k] = s;
                    viewSum[r0 + k] = s;
                }
                for (int d = 0; d < data.numFrames; d++) {
                    kernel.frameSums(lw, data.lOnes, data.lOnesStart[d], data.lOnesStart[d + 1], data.lMulti,
                            data.lMultiCount, data.lMultiStart[d], data.lMultiStart[d + 1], acc);
                    double sc = scale[d];
                    for (int k = 0; k < count; k++) {
                        like[r0 + k][d] = acc[k] - sc * sumW[k];
                    }
                }
                progress.step();
            }
        });
    }

    /**
     * Turns log-likelihoods into probabilities P = w_r exp(beta (L - max)) / sum, exactly across ranks
     * (global max, then global sum). Returns {mutual information, mean log-likelihood}.
     */
    private double[] normalise(double beta) {
        int nd = data.numFrames;
        double[] max = new double[nd];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        forFrameRanges((d0, d1) -> {
            for (int r = 0; r < numLocal; r++) {
                double[] row = like[r];
                for (int d = d0; d < d1; d++) {
                    if (row[d] > max[d]) {
                        max[d] = row[d];
                    }
                }
            }
        });
        comm.allreduceMax(max);
        // sums[0..nd): normaliser, [nd..2nd): sum e*L, [2nd..3nd): sum e*beta(L-max)
        double[] sums = new double[3 * nd];
        double[] localBest = new double[nd];
        int[] localBestIdx = new int[nd];
        forFrameRanges((d0, d1) -> {
            Arrays.fill(localBestIdx, d0, d1, -1);
            for (int r = 0; r < numLocal; r++) {
                double[] row = like[r];
                double lp = logPrior[r];
                for (int d = d0; d < d1; d++) {
                    double l = row[d];
                    double x = beta * (l - max[d]);
                    double e = Math.exp(x + lp);
                    row[d] = e;
                    sums[d] += e;
                    sums[nd + d] += e * l;
                    sums[2 * nd + d] += e * x;
                    if (e > localBest[d]) {
                        localBest[d] = e;
                        localBestIdx[d] = r;
                    }
                }
            }
        });
        comm.allreduceSum(sums);
        double mi = 0, ll = 0;
        double[] cand = new double[nd];
        for (int d = 0; d < nd; d++) {
            double s = sums[d];
            mi += sums[2 * nd + d] / s - Math.log(s);
            ll += sums[nd + d] / s;
            localBest[d] /= s;
            bestProb[d] = localBest[d];
        }
        comm.allreduceMax(bestProb);
        for (int d = 0; d < nd; d++) {
            cand[d] = localBestIdx[d] >= 0 && localBest[d] == bestProb[d] ? rotStart + localBestIdx[d] : -1;
        }
        comm.allreduceMax(cand);
        for (int d = 0; d < nd; d++) {
            bestRotation[d] = (int) cand[d];
        }
        forFrameRanges((d0, d1) -> {
            for (int r = 0; r < numLocal; r++) {
                double[] row = like[r];
                for (int d = d0; d < d1; d++) {
                    row[d] /= sums[d];
                }
            }
        });
        return new double[] {nd == 0 ? 0 : mi / nd, nd == 0 ? 0 : ll / nd};
    }

    /** New per-frame scale: photons / sum_r P_r sum(W_r), Dragonfly's update; 1 without scaling. */
    private double[] updateScale(EmcState state) {
        int nd = data.numFrames;
        double[] scale = new double[nd];
        if (!params.needScaling()) {
            Arrays.fill(scale, 1.0);
            return scale;
        }
        double[] denom = new double[nd];
        forFrameRanges((d0, d1) -> {
            for (int r = 0; r < numLocal; r++) {
                double[] row = like[r];
                double vs = viewSum[r];
                for (int d = d0; d < d1; d++) {
                    denom[d] += row[d] * vs;
                }
            }
        });
        comm.allreduceSum(denom);
        for (int d = 0; d < nd; d++) {
            scale[d] = denom[d] > 0 && data.orientPhotons[d] > 0 ? data.orientPhotons[d] / denom[d]
                    : state.scale[d];
        }
        return scale;
    }

    /** Merge every rotation's probability-weighted mean photons into a new model, summed across ranks. */
    private double[] compress(double[] scale) {
        Detector det = data.detector;
        int numPix = det.numPix();
        int vox = n * n * n;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger slot = new AtomicInteger();
        pool.onEachWorker(worker -> {
            int me = slot.getAndIncrement();
            if (workerNum[me] == null) {
                workerNum[me] = new double[vox];
                workerDen[me] = new double[vox];
            } else {
                Arrays.fill(workerNum[me], 0);
                Arrays.fill(workerDen[me], 0);
            }
            double[] num = workerNum[me];
            double[] den = workerDen[me];
            double[] view = new double[numPix];
            double[] r9 = new double[9];
            int r;
            while ((r = next.getAndIncrement()) < numLocal) {
                Arrays.fill(view, 0);
                double[] row = like[r];
                double wsum = 0;
                for (int d = 0; d < data.numFrames; d++) {
                    double p = row[d];
                    if (p < EmcParams.PROB_MIN) {
                        continue;
                    }
                    wsum += p;
                    double f = p / scale[d];
                    for (int i = data.mStart[d]; i < data.mStart[d + 1]; i++) {
                        view[data.mPix[i]] += f * data.mCount[i];
                    }
                }
                if (wsum <= 0) {
                    continue;
                }
                for (int t = 0; t < numPix; t++) {
                    view[t] = mergeUse[t] ? view[t] / (corr[t] * wsum) : 0;
                }
                System.arraycopy(rotMatrices, 9 * r, r9, 0, 9);
                Slicer.merge(view, wsum, r9, qx, qy, qz, mergeUse, num, den, n);
            }
        });
        double[] num = workerNum[0];
        double[] den = workerDen[0];
        int used = slot.get();
        pool.forRanges(vox, (i0, i1) -> {
            for (int k = 1; k < used; k++) {
                double[] a = workerNum[k];
                double[] b = workerDen[k];
                for (int i = i0; i < i1; i++) {
                    num[i] += a[i];
                    den[i] += b[i];
                }
            }
        });
        comm.allreduceSum(num);
        comm.allreduceSum(den);
        double[] model = new double[vox];
        for (int i = 0; i < vox; i++) {
            model[i] = den[i] > 0 ? num[i] / den[i] : 0;
        }
        return model;
    }

    private void forFrameRanges(WorkerPool.RangeTask body) {
        pool.forRanges(data.numFrames, body);
    }

    @Override
    public void close() {
        pool.close();
    }
}
