package org.diffract.emc;

import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * Combines the threads' and then the ranks' {@link FrameAccumulators} into each frame's exact normaliser
 * over all rotations: the global maximum log-weight M (Allreduce max), then every sum rescaled to it and
 * summed (Allreduce sum). Everything per frame that follows from the probabilities without storing
 * them comes out here: the most likely rotation, its probability, the mutual information, the mean
 * log-likelihood and the scale factor's denominator.
 */
final class FrameNormaliser {
    final int numFrames;
    /** M + log(sum exp(y - M)): log P = y - logNorm. */
    final double[] logNorm;
    /** sum_r P L_r */
    final double[] meanL;
    /** sum_r P W_r */
    final double[] meanW;
    /** sum_r P log w_r */
    final double[] meanLogPrior;
    /** 1 / sum exp(y - M): the probability of the most likely rotation. */
    final double[] bestProb;

    final int[] best;
    private final double[] scratch;
    private final double[] cand;

    FrameNormaliser(int numFrames) {
        this.numFrames = numFrames;
        logNorm = new double[numFrames];
        meanL = new double[numFrames];
        meanW = new double[numFrames];
        meanLogPrior = new double[numFrames];
        bestProb = new double[numFrames];
        best = new int[numFrames];
        scratch = new double[4 * numFrames];
        cand = new double[numFrames];
    }

    void combine(FrameAccumulators[] threads, int used, Communicator comm, WorkerPool pool) {
        int nd = numFrames;
        double[] max = logNorm; // holds the maxima until the end
        double[] sums = scratch;
        pool.forRanges(nd, (d0, d1) -> {
            for (int d = d0; d < d1; d++) {
                double m = Double.NEGATIVE_INFINITY;
                int arg = -1;
                for (int t = 0; t < used; t++) {
                    if (threads[t].max[d] > m) {
                        m = threads[t].max[d];
                        arg = threads[t].best[d];
                    }
                }
                max[d] = m;
                best[d] = arg;
            }
        });
        double[] localMax = cand;
        System.arraycopy(max, 0, localMax, 0, nd);
        comm.allreduceMax(max);
        pool.forRanges(nd, (d0, d1) -> {
            for (int d = d0; d < d1; d++) {
                double m = max[d];
                double sa = 0, sc = 0, su = 0, sp = 0;
                if (m != Double.NEGATIVE_INFINITY) {
                    for (int t = 0; t < used; t++) {
                        FrameAccumulators f = threads[t];
                        if (f.max[d] == Double.NEGATIVE_INFINITY) {
                            continue;
                        }
                        double e = Math.exp(f.max[d] - m);
                        sa += e * f.a[d];
                        sc += e * f.c[d];
                        su += e * f.u[d];
                        sp += e * f.p[d];
                    }
                }
                sums[d] = sa;
                sums[nd + d] = sc;
                sums[2 * nd + d] = su;
                sums[3 * nd + d] = sp;
            }
        });
        comm.allreduceSum(sums);
        // the rank holding the global maximum names its rotation; the others offer -1
        for (int d = 0; d < nd; d++) {
            cand[d] = localMax[d] == max[d] && localMax[d] != Double.NEGATIVE_INFINITY ? best[d] : -1;
        }
        comm.allreduceMax(cand);
        for (int d = 0; d < nd; d++) {
            double a = sums[d];
            best[d] = (int) cand[d];
            if (a > 0) {
                meanL[d] = sums[nd + d] / a;
                meanW[d] = sums[2 * nd + d] / a;
                meanLogPrior[d] = sums[3 * nd + d] / a;
                bestProb[d] = 1 / a;
                logNorm[d] = max[d] + Math.log(a);
            } else {
                meanL[d] = 0;
                meanW[d] = 0;
                meanLogPrior[d] = 0;
                bestProb[d] = 0;
                logNorm[d] = Double.POSITIVE_INFINITY; // nothing kept for a frame without rotations
            }
        }
    }

    /** sum_r P log(P / w_r) of frame d, given its beta: beta * sum P L - log(sum exp(y - M)) - M. */
    double mutualInfo(int d, double beta) {
        return bestProb[d] > 0 ? beta * meanL[d] - logNorm[d] : 0;
    }
}
