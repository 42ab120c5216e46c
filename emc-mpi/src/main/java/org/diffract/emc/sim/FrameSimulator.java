package org.diffract.emc.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.Quaternions;
import org.diffract.core.volume.Slicer;

/**
 * Single-particle diffraction frames with known orientations: each frame sees the intensity at a
 * uniformly random rotation, and each pixel t counts Poisson(lambda_t) photons with
 * {@code lambda_t = k * I(R q_t) * corr_t} (0 for unused pixels, mask 2). The fluence is given as the
 * mean number of photons per frame: k is chosen so that the mean over the simulated frames of
 * sum_t lambda_t equals it exactly (so the data set's mean count differs from it by Poisson noise only).
 *
 * <p>Every frame draws its orientation and its photons from its own random stream, seeded from
 * (seed, frame index), so the result does not depend on the number of threads or on scheduling.
 */
public final class FrameSimulator {
    /** Frames simulated in parallel before their photons are appended, in order, to the output. */
    private static final int BLOCK = 1024;

    /**
     * @param photons     the frames, in order
     * @param quaternions the true orientation of frame d at {@code [4d, 4d + 4)} (w, x, y, z)
     * @param meanPhotons the mean photon count per frame of the drawn data
     */
    public record Result(SparsePhotons photons, double[] quaternions, double meanPhotons) {}

    private FrameSimulator() {}

    /** As {@link #simulate(double[], int, Detector, int, double, long, int)} on all processors. */
    public static Result simulate(
            double[] intensity, int n, Detector det, int numFrames, double meanPhotonsPerFrame, long seed) {
        return simulate(
                intensity,
                n,
                det,
                numFrames,
                meanPhotonsPerFrame,
                seed,
                Runtime.getRuntime().availableProcessors());
    }

    public static Result simulate(
            double[] intensity,
            int n,
            Detector det,
            int numFrames,
            double meanPhotonsPerFrame,
            long seed,
            int threads) {
        validate(intensity, n, det, numFrames, meanPhotonsPerFrame, threads);
        final int numPix = det.numPix();
        final double[] quats = new double[4 * numFrames];
        final double[] frameSums = new double[numFrames];
        try (WorkerPool pool = new WorkerPool(threads, "frame-sim")) {
            // pass 1: orientations and the unscaled expected total of every frame, to fix k
            pool.forEachItem(0, numFrames, () -> new Worker(intensity, n, det), (w, d) -> {
                SplittableRandom rng = frameRng(seed, d);
                double[] q = Quaternions.random(rng);
                System.arraycopy(q, 0, quats, 4 * d, 4);
                frameSums[d] = w.expected(q, 1.0);
            });
            double total = 0;
            for (double s : frameSums) {
                total += s;
            }
            if (!(total > 0)) {
                throw new UserError("the intensity is zero on every used detector pixel: nothing to simulate");
            }
            final double k = meanPhotonsPerFrame * numFrames / total;

            // pass 2: the same streams again (orientation first, then the photons), block by block
            SparsePhotons.Builder builder = new SparsePhotons.Builder(numPix);
            int[][] places = new int[BLOCK][];
            int[][] counts = new int[BLOCK][];
            long photons = 0;
            for (int start = 0; start < numFrames; start += BLOCK) {
                final int from = start;
                int to = Math.min(numFrames, start + BLOCK);
                pool.forEachItem(from, to, () -> new Worker(intensity, n, det), (w, d) -> {
                    SplittableRandom rng = frameRng(seed, d);
                    double[] q = Quaternions.random(rng);
                    w.expected(q, k);
                    w.draw(rng);
                    places[d - from] = Arrays.copyOf(w.place, w.found);
                    counts[d - from] = Arrays.copyOf(w.count, w.found);
                });
                for (int d = from; d < to; d++) {
                    builder.startFrame();
                    int[] p = places[d - from], c = counts[d - from];
                    for (int i = 0; i < p.length; i++) {
                        builder.addPixel(p[i], c[i]);
                        photons += c[i];
                    }
                    places[d - from] = null;
                    counts[d - from] = null;
                }
            }
            return new Result(builder.build(), quats, (double) photons / numFrames);
        }
    }

    private static void validate(double[] intensity, int n, Detector det, int numFrames, double mean, int threads) {
        if (n < 2 || intensity == null || intensity.length != (long) n * n * n) {
            throw new UserError("intensity must have n^3 = " + ((long) n * n * n) + " values for n = " + n);
        }
        if (numFrames < 1) {
            throw new UserError("number of frames must be at least 1, got " + numFrames);
        }
        if (!(mean > 0) || Double.isInfinite(mean)) {
            throw new UserError("mean photons per frame must be a positive number, got " + mean);
        }
        if (threads < 1) {
            throw new UserError("threads must be at least 1, got " + threads);
        }
        for (double v : intensity) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new UserError("intensity must be finite and non-negative everywhere, found " + v);
            }
        }
        // the Slicer reads 0 beyond the cube: a too small model would silently darken the outer pixels
        if (det.qMax() > n / 2 - 1) {
            throw new UserError(
                    "a model of " + n + " voxels is too small for this detector: use n >= " + det.modelSize());
        }
    }

    /** Frame d's random stream: a well-mixed seed per (seed, d) so streams of nearby frames are unrelated. */
    static SplittableRandom frameRng(long seed, int frame) {
        return new SplittableRandom(mix64(seed + 0x9E3779B97F4A7C15L * (frame + 1L)));
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Per-thread scratch: the expected counts of one frame and its drawn non-zero pixels. */
    private static final class Worker {
        final double[] intensity;
        final int n;
        final double[] qx;
        final double[] qy;
        final double[] qz;
        final double[] corr;
        final byte[] mask;
        final double[] r = new double[9];
        final double[] lambda;
        final int[] place;
        final int[] count;
        int found;

        Worker(double[] intensity, int n, Detector det) {
            this.intensity = intensity;
            this.n = n;
            this.qx = det.copyQx();
            this.qy = det.copyQy();
            this.qz = det.copyQz();
            this.corr = det.copyCorr();
            this.mask = det.copyMask();
            int numPix = det.numPix();
            lambda = new double[numPix];
            place = new int[numPix];
            count = new int[numPix];
        }

        /** Fills lambda with scale * I(R q) * corr (0 on unused pixels) and returns its sum. */
        double expected(double[] q, double scale) {
            Quaternions.toMatrix(q, 0, r);
            Slicer.slice(intensity, n, r, qx, qy, qz, lambda);
            double sum = 0;
            for (int t = 0; t < lambda.length; t++) {
                double v = mask[t] == Detector.MASK_UNUSED ? 0 : scale * lambda[t] * corr[t];
                lambda[t] = v;
                sum += v;
            }
            return sum;
        }

        void draw(SplittableRandom rng) {
            found = 0;
            for (int t = 0; t < lambda.length; t++) {
                int c = PoissonSampler.sample(rng, lambda[t]);
                if (c > 0) {
                    place[found] = t;
                    count[found++] = c;
                }
            }
        }
    }
}
