package org.diffract.core.volume;

import java.util.Arrays;

import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.QuaternionSampling;
import org.diffract.core.rotation.Quaternions;

/**
 * Finds the rotation that best aligns a volume {@code moving} onto {@code reference} (C-ordered cubes of
 * edge n with the same centre voxel n/2).
 *
 * <p>Convention: with R = {@link Quaternions#toMatrix}(q), moving rotated by q is
 * {@code aligned(x) = moving(R^T x)} (x relative to the centre), so a feature of moving at y lands at
 * R y. With inversion, {@code aligned(x) = moving(-R^T x)}. Samples falling outside the cube read 0
 * (they are read with {@link Slicer#slice}, whose matrix argument is R^T, or -R^T).
 *
 * <p>Score: Pearson correlation of reference and aligned over the voxels with rMin <= r <= rMax. Search:
 * every rotation of {@link QuaternionSampling#of}(coarseNumDiv) on a sub-lattice of those voxels
 * (stride chosen so that about {@value #COARSE_VOXELS} voxels remain, threaded over rotations on the
 * caller's {@link WorkerPool}), then
 * the best {@value #CANDIDATES} coarse rotations are refined on all voxels by a local search: small
 * rotations about +-x, +-y, +-z composed with the current best, halving the step when none improves.
 */
public final class VolumeAlignment {
    static final int COARSE_VOXELS = 6000;
    static final int CANDIDATES = 4;
    private static final double MIN_STEP = Math.toRadians(0.05);
    private static final int ROTATIONS_PER_TASK = 64;

    private VolumeAlignment() {}

    /**
     * @param quaternion the rotation q (w first), see the class comment for its meaning
     * @param correlation Pearson correlation of reference and aligned over the shell
     * @param aligned moving rotated (and inverted if {@code inverted}) onto reference, whole cube
     * @param inverted whether moving was inverted through the centre (x -> -x) before rotating
     */
    public record Result(double[] quaternion, double correlation, double[] aligned, boolean inverted) {
        public Result(double[] quaternion, double correlation, double[] aligned) {
            this(quaternion, correlation, aligned, false);
        }
    }

    /** Proper rotations only (right for centrosymmetric intensity models). */
    public static Result align(
            double[] moving, double[] reference, int n, int coarseNumDiv, double rMin, double rMax, WorkerPool pool) {
        return align(moving, reference, n, coarseNumDiv, rMin, rMax, false, pool);
    }

    /**
     * @param tryInversion also search moving inverted through the centre (the enantiomer); needed for
     *                     electron densities, irrelevant for Friedel-symmetric intensities
     */
    public static Result align(
            double[] moving,
            double[] reference,
            int n,
            int coarseNumDiv,
            double rMin,
            double rMax,
            boolean tryInversion,
            WorkerPool pool) {
        Symmetry.checkSize(moving, n);
        Symmetry.checkSize(reference, n);
        Shell full = new Shell(reference, n, rMin, rMax, 1);
        if (full.size() < 2) {
            throw new IllegalArgumentException("fewer than 2 voxels with " + rMin + " <= r <= " + rMax);
        }
        int stride = Math.max(1, (int) Math.ceil(Math.cbrt((double) full.size() / COARSE_VOXELS)));
        Shell coarse = stride == 1 ? full : new Shell(reference, n, rMin, rMax, stride);

        QuaternionSampling sampling = QuaternionSampling.of(coarseNumDiv);
        final int numRot = sampling.count();
        final int numHand = tryInversion ? 2 : 1;
        final double[] quats = sampling.quaternions();
        final double[] scores = new double[numRot * numHand];
        int numTasks = (numRot * numHand + ROTATIONS_PER_TASK - 1) / ROTATIONS_PER_TASK;
        pool.forEachItem(0, numTasks, () -> new double[][] {new double[coarse.size()], new double[9]}, (w, task) -> {
            double[] buf = w[0];
            double[] m = w[1];
            int end = Math.min(scores.length, (task + 1) * ROTATIONS_PER_TASK);
            for (int k = task * ROTATIONS_PER_TASK; k < end; k++) {
                samplingMatrix(quats, 4 * (k % numRot), k >= numRot, m);
                scores[k] = coarse.correlation(moving, m, buf);
            }
        });

        // Refine the best few coarse rotations: the global maximum may sit in a neighbouring basin.
        Integer[] order = new Integer[scores.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (i, j) -> Double.compare(scores[j], scores[i]));
        double initialStep = Math.toRadians(72.0 / coarseNumDiv) / 2;
        int numCandidates = Math.min(CANDIDATES, order.length);
        double[][] refined = new double[numCandidates][];
        double[] refinedScore = new double[numCandidates];
        pool.forEachItem(0, numCandidates, () -> null, (none, c) -> {
            int k = order[c];
            double[] q = Arrays.copyOfRange(quats, 4 * (k % numRot), 4 * (k % numRot) + 4);
            refined[c] = q;
            refinedScore[c] = refine(full, moving, q, k >= numRot, initialStep);
        });
        int best = 0;
        for (int c = 1; c < numCandidates; c++) {
            if (refinedScore[c] > refinedScore[best]) {
                best = c;
            }
        }
        boolean inverted = order[best] >= numRot;
        double[] q = refined[best];
        return new Result(q, refinedScore[best], rotate(moving, n, q, inverted, pool), inverted);
    }

    /**
     * Hill climbing on S^3 from q (updated in place); returns the final correlation. Composing on the
     * left with a rotation about a fixed axis moves R by that angle whatever R is.
     */
    private static double refine(Shell shell, double[] moving, double[] q, boolean inverted, double step) {
        double[] buf = new double[shell.size()];
        double[] m = new double[9];
        double[] trial = new double[4];
        double[] bestTrial = new double[4];
        samplingMatrix(q, 0, inverted, m);
        double score = shell.correlation(moving, m, buf);
        while (step >= MIN_STEP) {
            double bestScore = score;
            double s = Math.sin(step / 2), c = Math.cos(step / 2);
            for (int dir = 0; dir < 6; dir++) {
                int axis = dir >> 1;
                double sign = (dir & 1) == 0 ? 1 : -1;
                // trial = (c, sign * s * e_axis) * q
                double dw = c,
                        dx = axis == 0 ? sign * s : 0,
                        dy = axis == 1 ? sign * s : 0,
                        dz = axis == 2 ? sign * s : 0;
                trial[0] = dw * q[0] - dx * q[1] - dy * q[2] - dz * q[3];
                trial[1] = dw * q[1] + dx * q[0] + dy * q[3] - dz * q[2];
                trial[2] = dw * q[2] - dx * q[3] + dy * q[0] + dz * q[1];
                trial[3] = dw * q[3] + dx * q[2] - dy * q[1] + dz * q[0];
                samplingMatrix(trial, 0, inverted, m);
                double t = shell.correlation(moving, m, buf);
                if (t > bestScore) {
                    bestScore = t;
                    System.arraycopy(trial, 0, bestTrial, 0, 4);
                }
            }
            if (bestScore > score) {
                score = bestScore;
                System.arraycopy(bestTrial, 0, q, 0, 4);
            } else {
                step /= 2;
            }
        }
        double norm = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        for (int i = 0; i < 4; i++) {
            q[i] /= norm;
        }
        return score;
    }

    /**
     * moving rotated by q (inverted first if asked): aligned(x) = moving(+-R^T x) over the whole cube,
     * 0 where the source point is outside. Threaded over x-planes.
     */
    public static double[] rotate(double[] moving, int n, double[] q, boolean inverted, WorkerPool pool) {
        Symmetry.checkSize(moving, n);
        double[] m = new double[9];
        samplingMatrix(q, 0, inverted, m);
        double[] out = new double[moving.length];
        final int c = n / 2;
        final int nn = n * n;
        pool.forRanges(n, (x0, x1) -> {
            double[] qx = new double[nn], qy = new double[nn], qz = new double[nn], plane = new double[nn];
            for (int x = x0; x < x1; x++) {
                for (int y = 0; y < n; y++) {
                    for (int z = 0; z < n; z++) {
                        qx[y * n + z] = x - c;
                        qy[y * n + z] = y - c;
                        qz[y * n + z] = z - c;
                    }
                }
                Slicer.slice(moving, n, m, qx, qy, qz, plane);
                System.arraycopy(plane, 0, out, x * nn, nn);
            }
        });
        return out;
    }

    /** The matrix Slicer needs to read moving at R^T x (or -R^T x): the transpose of R, maybe negated. */
    private static void samplingMatrix(double[] q, int off, boolean inverted, double[] m) {
        Quaternions.toMatrix(q, off, m);
        swap(m, 1, 3);
        swap(m, 2, 6);
        swap(m, 5, 7);
        if (inverted) {
            for (int i = 0; i < 9; i++) {
                m[i] = -m[i];
            }
        }
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** The voxels of the shell rMin <= r <= rMax on a lattice of the given stride through the centre. */
    private static final class Shell {
        final int n;
        final double[] qx, qy, qz;
        /** reference minus its mean over the shell, and the sum of its squares */
        final double[] ref;

        final double refNorm2;

        Shell(double[] reference, int n, double rMin, double rMax, int stride) {
            this.n = n;
            int c = n / 2;
            int first = c % stride;
            int count = 0;
            for (int x = first; x < n; x += stride) {
                for (int y = first; y < n; y += stride) {
                    for (int z = first; z < n; z += stride) {
                        count += inShell(x - c, y - c, z - c, rMin, rMax) ? 1 : 0;
                    }
                }
            }
            qx = new double[count];
            qy = new double[count];
            qz = new double[count];
            ref = new double[count];
            int k = 0;
            double mean = 0;
            for (int x = first; x < n; x += stride) {
                for (int y = first; y < n; y += stride) {
                    for (int z = first; z < n; z += stride) {
                        if (inShell(x - c, y - c, z - c, rMin, rMax)) {
                            qx[k] = x - c;
                            qy[k] = y - c;
                            qz[k] = z - c;
                            ref[k] = reference[(x * n + y) * n + z];
                            mean += ref[k];
                            k++;
                        }
                    }
                }
            }
            mean /= Math.max(1, count);
            double norm2 = 0;
            for (int i = 0; i < count; i++) {
                ref[i] -= mean;
                norm2 += ref[i] * ref[i];
            }
            refNorm2 = norm2;
        }

        private static boolean inShell(int x, int y, int z, double rMin, double rMax) {
            double r2 = (double) x * x + (double) y * y + (double) z * z;
            return r2 >= rMin * rMin && r2 <= rMax * rMax;
        }

        int size() {
            return ref.length;
        }

        /**
         * Pearson correlation of the reference with moving read at m x over the shell; buf is scratch of
         * size(). Since the reference is centred, the covariance needs only sum(moving * ref). A constant
         * sample (no variance) scores 0.
         */
        double correlation(double[] moving, double[] m, double[] buf) {
            Slicer.slice(moving, n, m, qx, qy, qz, buf);
            double s = 0, ss = 0, sr = 0;
            for (int i = 0; i < buf.length; i++) {
                double v = buf[i];
                s += v;
                ss += v * v;
                sr += v * ref[i];
            }
            double var = ss - s * s / buf.length;
            return var > 0 && refNorm2 > 0 ? sr / Math.sqrt(var * refNorm2) : 0;
        }
    }
}
