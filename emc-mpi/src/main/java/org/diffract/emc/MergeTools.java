package org.diffract.emc;

import org.diffract.core.geometry.Detector;
import org.diffract.core.rotation.QuaternionSampling;
import org.diffract.core.rotation.Quaternions;
import org.diffract.core.volume.Slicer;

/**
 * The building blocks of EMC as plain Java calls, the equivalent of spipy's merge.tools, usable without
 * MPJ: sample orientations, cut a slice out of a model, merge a slice into it, score photons against a
 * slice and form the probability-weighted mean of frames.
 */
public final class MergeTools {
    private MergeTools() {}

    /** spipy's get_quaternion: one row (w, x, y, z, weight) per rotation of the num_div sampling. */
    public static double[][] quaternions(int numLevel) {
        QuaternionSampling s = QuaternionSampling.of(numLevel);
        double[] q = s.quaternions();
        double[] w = s.weights();
        double[][] out = new double[s.count()][5];
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(q, 4 * r, out[r], 0, 4);
            out[r][4] = w[r];
        }
        return out;
    }

    /** The model seen at this orientation on this detector's pixels (trilinear, without corr). */
    public static double[] getSlice(double[] model, int n, double[] quaternion, Detector det) {
        double[] out = new double[det.numPix()];
        Slicer.slice(model, n, Quaternions.toMatrix(quaternion), det.copyQx(), det.copyQy(), det.copyQz(), out);
        return out;
    }

    /**
     * Adds {@code weight * slice} into {@code model} and {@code weight} into {@code weights} at this
     * orientation, for the pixels the mask lets merge (0 and 1); model / weights is then the merged mean.
     */
    public static void mergeSlice(
            double[] model, double[] weights, int n, double[] quaternion, double[] slice, double weight, Detector det) {
        boolean[] use = new boolean[det.numPix()];
        for (int t = 0; t < use.length; t++) {
            use[t] = det.mask(t) != Detector.MASK_UNUSED;
        }
        Slicer.merge(
                slice,
                weight,
                Quaternions.toMatrix(quaternion),
                det.copyQx(),
                det.copyQy(),
                det.copyQz(),
                use,
                model,
                weights,
                n);
    }

    /**
     * Poisson log-likelihood of photon counts K given expected counts W, summed over pixels:
     * sum K log W - W - log K!, times beta (the annealing exponent). Pixels with W = 0 and K = 0 add 0;
     * W = 0 with K > 0 gives -infinity.
     */
    public static double poissonLikelihood(double[] expected, int[] counts, double beta) {
        if (expected.length != counts.length) {
            throw new IllegalArgumentException("expected and counts differ in length");
        }
        double s = 0;
        for (int t = 0; t < counts.length; t++) {
            int k = counts[t];
            double w = expected[t];
            if (k > 0) {
                s += k * Math.log(w) - logFactorial(k);
            }
            s -= w;
        }
        return beta * s;
    }

    /**
     * Probabilities of one frame over rotations from its log-likelihoods: P_r = exp(L_r - max) / sum,
     * computed without overflow.
     */
    public static double[] probabilities(double[] logLikelihood) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logLikelihood) {
            max = Math.max(max, l);
        }
        double[] p = new double[logLikelihood.length];
        double sum = 0;
        for (int r = 0; r < p.length; r++) {
            p[r] = Math.exp(logLikelihood[r] - max);
            sum += p[r];
        }
        for (int r = 0; r < p.length; r++) {
            p[r] /= sum;
        }
        return p;
    }

    /**
     * The maximization step for one orientation: the new slice is the probability-weighted mean of the
     * frames, sum_k P_k K_k / sum_k P_k (frames[k][pixel]).
     */
    public static double[] maximization(int[][] frames, double[] prob) {
        int numPix = frames.length == 0 ? 0 : frames[0].length;
        double[] out = new double[numPix];
        double wsum = 0;
        for (int k = 0; k < frames.length; k++) {
            double p = prob[k];
            wsum += p;
            for (int t = 0; t < numPix; t++) {
                out[t] += p * frames[k][t];
            }
        }
        if (wsum > 0) {
            for (int t = 0; t < numPix; t++) {
                out[t] /= wsum;
            }
        }
        return out;
    }

    private static double logFactorial(int k) {
        double s = 0;
        for (int i = 2; i <= k; i++) {
            s += Math.log(i);
        }
        return s;
    }
}
