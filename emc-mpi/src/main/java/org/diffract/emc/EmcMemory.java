package org.diffract.emc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.rotation.QuaternionSampling;
import org.diffract.core.rotation.Quaternions;
import org.diffract.core.volume.Slicer;

/**
 * How much heap one EMC rank needs: data + models + merge volumes + per-thread scratch + the kept
 * probabilities expected at the first iteration + rank 0's output buffers. The launcher sets the rank
 * JVMs' -Xmx from it ({@link EmcStage#heapBytes}) and refuses a run that cannot fit before anything is written; each rank logs it and
 * refuses too when its JVM is smaller.
 *
 * <p>Kept probabilities are estimated by a probe: the log-likelihoods of up to {@value #PROBE_FRAMES}
 * frames at up to {@value #PROBE_ROTATIONS} evenly spread rotations of the start model, at the first
 * iteration's beta. Each frame's normaliser over the whole sampling is extrapolated from the probe, and the
 * share of probes whose probability passes the kept-entry rule is the expected share of kept entries.
 * Candidates that pass the running pre-filter but not the final rule add a margin (a factor 1 +
 * log(rotations / kept) where few are kept). A later iteration can keep more than the first (on 1EI7 at
 * num_div 8, beta 1, a random start's second iteration kept ten times more, which that margin covered); a
 * run that outgrows its heap all the same stops with one line and continues with --resume.
 */
public final class EmcMemory {
    static final int PROBE_ROTATIONS = 512;
    static final int PROBE_FRAMES = 256;
    private static final long MIB = 1 << 20;
    /** Heap the JVM needs besides the ranks' data (class metadata is off-heap; this is headroom for small objects). */
    static final long JVM_BASE = 96 * MIB;

    private EmcMemory() {}

    /**
     * @param data          photon arrays (and, while loading, the raw photons read from the files)
     * @param models        models (current and next) and merge volumes
     * @param scratch       per-thread and per-frame working arrays
     * @param probabilities the compact store of kept probabilities, expected
     * @param output        rank 0's transient buffers while writing an iteration's files
     * @param keptPerFrame  expected kept entries per frame (over all ranks) at the first iteration
     */
    public record Estimate(
            long data,
            long loading,
            long models,
            long scratch,
            long probabilities,
            long output,
            double keptPerFrame,
            int numRot) {
        /**
         * Bytes one rank needs at its peak (rank 0, which also writes the output): the kept probabilities are
         * released after the merge, before the output is written.
         */
        public long total() {
            return data + scratch + Math.max(loading, models + Math.max(probabilities, output));
        }

        public String describe() {
            return String.format(
                    Locale.ROOT,
                    "%s (data %s, models and merge volumes %s, scratch %s, kept probabilities "
                            + "%s for about %.0f of %d rotations per frame, output %s)",
                    gib(total()),
                    gib(data),
                    gib(models),
                    gib(scratch),
                    gib(probabilities),
                    keptPerFrame,
                    numRot,
                    gib(output));
        }
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /** Reads the run's data and start model to estimate one rank's memory (for the launcher). */
    public static Estimate estimate(EmcSettings settings, int ranks, int threads) {
        EmcData data = EmcSetup.loadData(settings);
        return estimate(settings, data, ranks, threads);
    }

    /** The estimate for one rank of {@code ranks}, each with {@code threads} threads. */
    public static Estimate estimate(EmcSettings settings, EmcData data, int ranks, int threads) {
        EmcParams p = settings.params();
        Detector det = data.detector;
        int n = det.modelSize();
        long vox = (long) n * n * n;
        int nd = data.numFrames;
        int numPix = det.numPix();
        QuaternionSampling sampling = QuaternionSampling.of(p.numDiv());
        if (p.symIcosahedral()) {
            sampling = sampling.reduceIcosahedral();
        }
        int numRot = sampling.count();
        long localRot = (long) Math.ceil((double) numRot / ranks / RotationShare.BLOCK) * RotationShare.BLOCK;
        long localBlocks = localRot / RotationShare.BLOCK;

        long dataBytes = data.bytes();
        // the raw photons as read (4 bytes per photon pixel, 2 arrays for multi, 16 bytes of offsets per frame)
        long loading = 4 * data.photonPixels() + 4L * (data.oMulti.length + data.mMulti.length) + 16L * nd;

        int volumes = SliceMerger.volumes(threads);
        // the merge volumes (sum and weight), the current model and its float copy are held throughout; the
        // next model joins them at the end of an iteration
        long models = 8 * vox * (2 + 2L * volumes) + 4 * vox;
        long scratch = threads * (LikelihoodPass.bytesPerThread(numPix, nd) + SliceMerger.bytesPerThread(numPix))
                + 8L * 16 * nd
                + 4L * threads * nd;
        double kept = keptPerFrame(settings, data, sampling, n);
        double share = kept / numRot;
        double perRecord = Math.max(1, Math.min(RotationShare.BLOCK, RotationShare.BLOCK * share));
        double bytesPerEntry = 2 + 10 / perRecord;
        // Candidates that pass the running pre-filter but not the final rule: none when every rotation is
        // kept, about log(numRot / kept) times the kept ones when few are (records of sharp frames).
        double candidates = Math.min(numRot, Math.max(kept, 1) * (1 + Math.log(numRot / Math.max(kept, 1))));
        long probabilities = (long) (candidates * nd * ((double) localRot / numRot) * bytesPerEntry)
                + localBlocks * 2 * ProbabilityStore.CHUNK
                + (1 << 20);
        // rank 0 writes the iteration: jhdf holds a nested copy of each volume of a file (Dragonfly's has two)
        // while the previous model is already garbage
        long output = 8 * vox + 64L * nd;
        return new Estimate(dataBytes, loading, models, scratch, probabilities, output, kept, numRot);
    }

    /** Expected kept entries per frame at the first iteration, from the probe described in the class comment. */
    static double keptPerFrame(EmcSettings settings, EmcData data, QuaternionSampling sampling, int n) {
        int numRot = sampling.count();
        int nd = data.numFrames;
        if (nd == 0) {
            return 0;
        }
        EmcParams p = settings.params();
        double[] model = EmcSetup.startState(settings, data, n).modelArray();
        Detector det = data.detector;
        double[] qx = det.copyQx(), qy = det.copyQy(), qz = det.copyQz(), corr = det.copyCorr();
        byte[] mask = det.copyMask();
        int rs = Math.min(numRot, PROBE_ROTATIONS);
        int fs = Math.min(nd, PROBE_FRAMES);
        double[] betaStart = p.beta().startPerFrame(data, p.needScaling());
        double[] quats = sampling.quaternions();
        double[] weights = sampling.weights();
        double[] view = new double[det.numPix()];
        double[] r9 = new double[9];
        double[][] y = new double[fs][rs];
        for (int j = 0; j < rs; j++) {
            int r = (int) ((long) j * numRot / rs);
            Quaternions.toMatrix(quats, 4 * r, r9);
            Slicer.slice(model, n, r9, qx, qy, qz, view);
            double sumW = 0;
            for (int t = 0; t < view.length; t++) {
                if (mask[t] == Detector.MASK_GOOD) {
                    view[t] *= corr[t];
                    sumW += view[t];
                    view[t] = Math.log(Math.max(view[t], LikelihoodPass.MIN_W));
                }
            }
            for (int i = 0; i < fs; i++) {
                int d = (int) ((long) i * nd / fs);
                double l = -sumW;
                for (int k = data.oOnesStart[d]; k < data.oOnesStart[d + 1]; k++) {
                    l += view[data.oOnes[k]];
                }
                for (int k = data.oMultiStart[d]; k < data.oMultiStart[d + 1]; k++) {
                    l += data.oMultiCount[k] * view[data.oMulti[k]];
                }
                y[i][j] = p.beta().at(1, betaStart[d]) * l + Math.log(weights[r]);
            }
        }
        double logMin = Math.log(p.probMin());
        double keptShare = 0;
        for (int i = 0; i < fs; i++) {
            double m = Arrays.stream(y[i]).max().orElse(0);
            double s = 0;
            for (double v : y[i]) {
                s += Math.exp(v - m);
            }
            // the whole sampling's normaliser: numRot / rs times the probe's (weights are about 1 / numRot)
            double logNorm = m + Math.log(s * numRot / rs);
            int k = 0;
            for (double v : y[i]) {
                k += v - logNorm >= logMin ? 1 : 0;
            }
            keptShare += (double) k / rs;
        }
        return keptShare / fs * numRot;
    }

    /**
     * Refuses, with one line naming the fix, a run whose ranks in one JVM need more than {@code heapBytes}
     * ({@code what} names where that limit came from, e.g. "--heap 4g").
     */
    public static void checkHeap(Estimate e, int ranksPerJvm, long heapBytes, String what) {
        long need = needed(e, ranksPerJvm);
        if (need > heapBytes) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "EMC needs about %s of heap (%d rank%s x %s, see the "
                            + "estimate) but %s allows %s; give --heap %dg, or use more machines, fewer ranks per machine or a "
                            + "lower num_div",
                    gib(need),
                    ranksPerJvm,
                    ranksPerJvm == 1 ? "" : "s",
                    gib(e.total()),
                    what,
                    gib(heapBytes),
                    (long) Math.ceil(need * 1.2 / (1L << 30))));
        }
    }

    /** Heap for {@code ranksPerJvm} ranks sharing one JVM (MPJ's multicore device runs ranks as threads). */
    public static long needed(Estimate e, int ranksPerJvm) {
        return ranksPerJvm * e.total() + JVM_BASE;
    }

    /**
     * How many ranks share one JVM at most: MPJ's multicore device runs all ranks as threads of one process,
     * niodev one process per rank. Found by gathering every rank's (host, process id) on rank 0 (a
     * collective: all ranks call it).
     */
    static int ranksInThisJvm(Communicator comm) {
        ByteBuffer mine = ByteBuffer.allocate(16);
        mine.putLong(ProcessHandle.current().pid()).putLong(hostHash());
        byte[] all = comm.gatherBytes(mine.array(), 0);
        double[] count = new double[1];
        if (comm.rank() == 0) {
            Map<String, Integer> perJvm = new HashMap<>();
            ByteBuffer b = ByteBuffer.wrap(all);
            while (b.remaining() >= 16) {
                perJvm.merge(b.getLong() + "@" + b.getLong(), 1, Integer::sum);
            }
            count[0] =
                    perJvm.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        }
        comm.broadcast(count, 0);
        return Math.max(1, (int) count[0]);
    }

    private static long hostHash() {
        try {
            return InetAddress.getLocalHost().getHostName().hashCode();
        } catch (UnknownHostException e) {
            return 0;
        }
    }
}
