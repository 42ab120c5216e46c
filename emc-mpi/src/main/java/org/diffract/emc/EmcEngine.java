package org.diffract.emc;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.PausePoint;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.QuaternionSampling;
import org.diffract.core.volume.Symmetry;

/**
 * One rank's share of EMC: it owns a contiguous, block-aligned part of the rotation sampling and runs
 * expand, maximize and compress over it with a pool of threads. Probabilities are never held as
 * rotations x frames: likelihoods are computed tile by tile ({@link LikelihoodPass}), each frame's
 * normaliser over all rotations is streamed and then combined exactly across threads and ranks
 * ({@link FrameNormaliser}), and only the entries a frame can use are kept, compactly
 * ({@link ProbabilityStore}). Merge and scale update visit kept entries only. The result does not depend
 * on the number of ranks (beyond summation order).
 *
 * <p>Kept-entry rule: a probability is kept when it is at least {@link EmcParams#probMin()} (1e-6) of its
 * frame's total, exactly normalised over every rotation of every rank (Dragonfly's PROB_MIN). Scale
 * factors, the mutual information and the log-likelihood are exact sums over all rotations.
 */
public final class EmcEngine implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(EmcEngine.class);

    private final EmcData data;
    private final EmcParams params;
    private final Communicator comm;
    private final int n;
    private final RotationShare share;
    private final WorkerPool pool;
    private final EmcKernel kernel;
    private final ProbabilityStore store;
    private final LikelihoodPass likelihood;
    private final FrameNormaliser normaliser;
    private final SliceMerger merger;
    private final double[] betaStart;
    private final double[] beta;
    private final int[][] keptByWorker;
    /** A float copy of the model, what the likelihood slices (half the memory traffic of the double one). */
    private float[] modelFloat;

    private long lastStoreBytes;

    public EmcEngine(EmcData data, EmcParams params, int n, Communicator comm) {
        this.data = data;
        this.params = params;
        this.comm = comm;
        this.n = n;
        QuaternionSampling sampling = QuaternionSampling.of(params.numDiv());
        if (params.symIcosahedral()) {
            sampling = sampling.reduceIcosahedral();
        }
        this.share = new RotationShare(sampling, comm.rank(), comm.size());
        int threads = params.threads();
        this.pool = new WorkerPool(threads, "emc-worker");
        this.kernel = EmcKernel.best();
        this.store = new ProbabilityStore(share.numBlocks());
        this.likelihood = new LikelihoodPass(data, share, store, kernel, n, threads);
        this.normaliser = new FrameNormaliser(data.numFrames);
        this.merger = new SliceMerger(data, share, store, kernel, n, threads);
        this.betaStart = params.beta().startPerFrame(data, params.needScaling());
        this.beta = new double[data.numFrames];
        this.keptByWorker = new int[threads][];
        if (comm.rank() == 0) {
            LOG.info(
                    "EMC: {} rotations (num_div {}{}), {} frames, {} pixels, model {}^3, {} ranks x {} threads, kernel {}",
                    share.numRot,
                    params.numDiv(),
                    params.symIcosahedral() ? ", icosahedral" : "",
                    data.numFrames,
                    data.detector.numPix(),
                    n,
                    comm.size(),
                    threads,
                    kernel.name());
        }
    }

    public int numRotations() {
        return share.numRot;
    }

    /** The sampled quaternions (4 per rotation), global indices. */
    public double[] quaternions() {
        return share.quaternions.clone();
    }

    /**
     * Bytes the probability store holds: during an iteration, what it has grown to; between iterations, what
     * it held at the last merge (its pages are released after it).
     */
    public long probabilityBytes() {
        return Math.max(lastStoreBytes, store.allocatedBytes());
    }

    /** Runs iteration {@code state.iterationsDone() + 1}; the given state is not changed. */
    public Iteration iterate(EmcState state) {
        long t0 = System.nanoTime();
        long cpu0 = ProcessMemory.cpuNanos();
        int iter = state.iterationsDone() + 1;
        int nd = data.numFrames;
        double betaMean = params.beta().fill(iter, betaStart, beta);
        double[] oldModel = state.modelArray();
        double[] oldScale = state.scaleArray();
        double logProbMin = Math.log(params.probMin());

        if (modelFloat == null) {
            modelFloat = new float[oldModel.length];
        }
        float[] mf = modelFloat;
        pool.forRanges(mf.length, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                mf[i] = (float) oldModel[i];
            }
        });
        likelihood.run(mf, oldScale, beta, logProbMin, pool, comm.rank() == 0, pause("likelihood", iter));
        long t1 = System.nanoTime();
        long c1 = ProcessMemory.cpuNanos();
        normaliser.combine(likelihood.accumulators(), likelihood.usedWorkers(), comm, pool);
        long t2 = System.nanoTime();
        int[] kept = keepEntries(logProbMin);
        long t3 = System.nanoTime();
        long c3 = ProcessMemory.cpuNanos();

        double[] newScale = new double[nd];
        for (int d = 0; d < nd; d++) {
            double w = normaliser.meanW[d];
            double k = data.orientPhotons[d];
            double phi = k / w;
            newScale[d] = params.needScaling() && w > 0 && k > 0 && Double.isFinite(phi) ? phi : oldScale[d];
        }
        double[] factor = new double[nd];
        double[] weight = oldScale;
        for (int d = 0; d < nd; d++) {
            factor[d] = params.mergeRule() == MergeRule.SCALED_FRAMES ? 1 / newScale[d] : 1;
        }
        double[] pairs = merger.merge(
                factor, weight, params.mergeRule(), comm, pool, pause("merge", iter), pause("reduce", iter));
        long storeBytes = store.allocatedBytes();
        lastStoreBytes = storeBytes;
        store.release();
        long t4 = System.nanoTime();
        long c4 = ProcessMemory.cpuNanos();
        double[] model = new double[oldModel.length];
        pool.forRanges(model.length, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                double den = pairs[2 * i + 1];
                model[i] = den > 0 ? pairs[2 * i] / den : 0;
            }
        });
        if (params.symIcosahedral()) {
            Symmetry.icosahedral(model, n, pool);
        }
        Symmetry.friedel(model, n, pool);
        if (params.needScaling()) {
            normaliseScale(model, newScale);
        }
        double change = 0;
        for (int i = 0; i < model.length; i++) {
            double dlt = model[i] - oldModel[i];
            change += dlt * dlt;
        }

        double mi = 0, ll = 0, keptTotal = 0;
        double[] frameMi = new double[nd];
        double[] frameLike = new double[nd];
        for (int d = 0; d < nd; d++) {
            frameMi[d] = normaliser.mutualInfo(d, beta[d]);
            // Dragonfly's per-frame likelihood: sum_r P (log w_r + L_r) - sum log K!
            frameLike[d] = normaliser.meanL[d] + normaliser.meanLogPrior[d] - data.sumLogFactorial[d];
            mi += frameMi[d];
            ll += normaliser.meanL[d];
            keptTotal += kept[d];
        }
        int[] orientations = normaliser.best.clone();
        EmcState next = new EmcState(model, n, newScale, orientations, iter);
        FrameResults frames =
                new FrameResults(orientations.clone(), normaliser.bestProb.clone(), frameMi, frameLike, kept);
        long t5 = System.nanoTime();
        double secs = (t5 - t0) / 1e9;
        long cpu1 = ProcessMemory.cpuNanos();
        if (comm.rank() == 0) {
            LOG.debug(String.format(
                    Locale.ROOT,
                    "phases: likelihood %.2f s (%.1f CPU s), normalise %.2f s, keep %.2f s, "
                            + "merge %.2f s (%.1f CPU s), model %.2f s; probability store %.0f MiB",
                    (t1 - t0) / 1e9,
                    (c1 - cpu0) / 1e9,
                    (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9,
                    (t4 - t3) / 1e9,
                    (c4 - c3) / 1e9,
                    (t5 - t4) / 1e9,
                    storeBytes / 1048576.0));
        }
        IterationStats stats = new IterationStats(
                iter,
                secs,
                Math.sqrt(change / model.length),
                nd == 0 ? 0 : mi / nd,
                nd == 0 ? 0 : ll / nd,
                betaMean,
                share.numRot,
                nd == 0 ? 0 : keptTotal / nd,
                ProcessMemory.peakRss(),
                cpu0 < 0 || cpu1 < 0 ? -1 : (cpu1 - cpu0) / 1e9);
        return new Iteration(next, stats, frames);
    }

    /**
     * The test-only stop (core's {@link PausePoint}) at a named moment of iteration {@code iter} on this rank:
     * likelihood (half the rank's blocks handed out), merge (likewise in the merge), reduce (this rank's merge done,
     * before the sum across ranks, where the other ranks then wait). Called once per phase, never per element.
     */
    private Runnable pause(String point, int iter) {
        int rank = comm.rank();
        return () -> PausePoint.at(point, iter, rank);
    }

    /** The merge's weight volume of the last iteration (Dragonfly's inter_weight) as (1, n, n, n). */
    public double[][][][] interWeight() {
        return merger.lastWeights();
    }

    /**
     * Applies the kept-entry rule to every block's candidates (now that each frame's normaliser is known)
     * and counts the kept entries per frame over all ranks.
     */
    private int[] keepEntries(double logProbMin) {
        int nd = data.numFrames;
        int numBlocks = share.numBlocks();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger slot = new AtomicInteger();
        double[] logNorm = normaliser.logNorm;
        pool.onEachWorker(w -> {
            int me = slot.getAndIncrement();
            if (keptByWorker[me] == null) {
                keptByWorker[me] = new int[nd];
            } else {
                Arrays.fill(keptByWorker[me], 0);
            }
            ProbabilityStore.Reader in = store.new Reader();
            ProbabilityStore.Writer out = store.new Writer();
            int b;
            while ((b = next.getAndIncrement()) < numBlocks) {
                store.finish(b, logNorm, logProbMin, keptByWorker[me], in, out);
            }
        });
        int used = slot.get();
        double[] total = new double[nd];
        for (int t = 0; t < used; t++) {
            int[] k = keptByWorker[t];
            for (int d = 0; d < nd; d++) {
                total[d] += k[d];
            }
        }
        comm.allreduceSum(total);
        int[] kept = new int[nd];
        for (int d = 0; d < nd; d++) {
            kept[d] = (int) total[d];
        }
        return kept;
    }

    /**
     * Dragonfly's normalize_scale: the mean scale factor becomes 1 and the model carries it, so the
     * model's level is that of a mean frame whatever the start.
     */
    private static void normaliseScale(double[] model, double[] scale) {
        double mean = 0;
        for (double s : scale) {
            mean += s;
        }
        mean /= Math.max(1, scale.length);
        if (!(mean > 0) || Double.isInfinite(mean)) {
            return;
        }
        for (int i = 0; i < model.length; i++) {
            model[i] *= mean;
        }
        for (int d = 0; d < scale.length; d++) {
            scale[d] /= mean;
        }
    }

    @Override
    public void close() {
        pool.close();
        store.clear();
    }
}
