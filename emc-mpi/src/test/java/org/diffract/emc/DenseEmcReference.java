package org.diffract.emc;

import java.util.Arrays;

import org.diffract.core.geometry.Detector;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.QuaternionSampling;
import org.diffract.core.rotation.Quaternions;
import org.diffract.core.volume.Slicer;
import org.diffract.core.volume.Symmetry;

/**
 * EMC as the textbook writes it, for tests: every probability of every (rotation, frame) in a dense
 * matrix, each frame's photons read from dense counts, one rotation at a time, nothing kept out. It shares
 * only the slicing geometry (Slicer, tested on its own) and Friedel symmetry with the engine, and none of
 * its tiles, records, normaliser streams or thresholds.
 */
final class DenseEmcReference {
    final double[] model;
    final double[] scale;
    final double[][] prob;

    private DenseEmcReference(double[] model, double[] scale, double[][] prob) {
        this.model = model;
        this.scale = scale;
        this.prob = prob;
    }

    /**
     * One iteration from (model, scale) at beta with scale factors fitted (needScaling) or not. With
     * {@link MergeRule#SCALED_FRAMES} frames are divided by their new scale before averaging (sum P K/phi over
     * sum P); with {@link MergeRule#DRAGONFLY} a slice is sum P K over sum P phi with the old scale.
     */
    static DenseEmcReference iterate(
            SparsePhotons photons,
            Detector det,
            int n,
            int numDiv,
            double[] model,
            double[] scale,
            double beta,
            boolean needScaling,
            MergeRule rule) {
        QuaternionSampling s = QuaternionSampling.of(numDiv);
        int numRot = s.count();
        int nd = photons.numFrames();
        int numPix = det.numPix();
        double[][] counts = new double[nd][numPix];
        for (int d = 0; d < nd; d++) {
            for (long i = photons.onesStart[d]; i < photons.onesStart[d + 1]; i++) {
                counts[d][photons.placeOnes[(int) i]] += 1;
            }
            for (long i = photons.multiStart[d]; i < photons.multiStart[d + 1]; i++) {
                counts[d][photons.placeMulti[(int) i]] += photons.countMulti[(int) i];
            }
        }
        double[] qx = det.copyQx(), qy = det.copyQy(), qz = det.copyQz(), corr = det.copyCorr();
        byte[] mask = det.copyMask();
        double[][] logL = new double[numRot][nd];
        double[] sumW = new double[numRot];
        double[] view = new double[numPix];
        double[] r9 = new double[9];
        for (int r = 0; r < numRot; r++) {
            Quaternions.toMatrix(s.quaternions(), 4 * r, r9);
            Slicer.slice(model, n, r9, qx, qy, qz, view);
            for (int t = 0; t < numPix; t++) {
                if (mask[t] == Detector.MASK_GOOD) {
                    sumW[r] += view[t] * corr[t];
                }
            }
            for (int d = 0; d < nd; d++) {
                double l = -scale[d] * sumW[r];
                for (int t = 0; t < numPix; t++) {
                    if (mask[t] == Detector.MASK_GOOD && counts[d][t] > 0) {
                        l += counts[d][t] * Math.log(Math.max(view[t] * corr[t], 1e-12));
                    }
                }
                logL[r][d] = beta * l + Math.log(s.weights()[r]);
            }
        }
        double[][] prob = new double[numRot][nd];
        double[] newScale = new double[nd];
        for (int d = 0; d < nd; d++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < numRot; r++) {
                max = Math.max(max, logL[r][d]);
            }
            double sum = 0;
            for (int r = 0; r < numRot; r++) {
                prob[r][d] = Math.exp(logL[r][d] - max);
                sum += prob[r][d];
            }
            double meanW = 0;
            for (int r = 0; r < numRot; r++) {
                prob[r][d] /= sum;
                meanW += prob[r][d] * sumW[r];
            }
            double photonsOnGood = 0;
            for (int t = 0; t < numPix; t++) {
                if (mask[t] == Detector.MASK_GOOD) {
                    photonsOnGood += counts[d][t];
                }
            }
            newScale[d] = needScaling && meanW > 0 && photonsOnGood > 0 ? photonsOnGood / meanW : scale[d];
        }
        boolean[] use = new boolean[numPix];
        for (int t = 0; t < numPix; t++) {
            use[t] = mask[t] != Detector.MASK_UNUSED;
        }
        double[] num = new double[model.length], den = new double[model.length];
        boolean scaled = rule == MergeRule.SCALED_FRAMES;
        for (int r = 0; r < numRot; r++) {
            Arrays.fill(view, 0);
            double w = 0, wPhi = 0;
            for (int d = 0; d < nd; d++) {
                w += prob[r][d];
                wPhi += prob[r][d] * scale[d];
                for (int t = 0; t < numPix; t++) {
                    view[t] += prob[r][d] * counts[d][t] / (scaled ? newScale[d] : 1);
                }
            }
            if (w <= 0) {
                continue;
            }
            for (int t = 0; t < numPix; t++) {
                view[t] = use[t] ? view[t] / (corr[t] * (scaled ? w : wPhi)) : 0;
            }
            Quaternions.toMatrix(s.quaternions(), 4 * r, r9);
            Slicer.merge(view, w, r9, qx, qy, qz, use, num, den, n);
        }
        double[] next = new double[model.length];
        for (int i = 0; i < next.length; i++) {
            next[i] = den[i] > 0 ? num[i] / den[i] : 0;
        }
        try (WorkerPool pool = new WorkerPool(1, "reference")) {
            Symmetry.friedel(next, n, pool);
        }
        if (needScaling) {
            double mean = Arrays.stream(newScale).average().orElse(1);
            for (int i = 0; i < next.length; i++) {
                next[i] *= mean;
            }
            for (int d = 0; d < nd; d++) {
                newScale[d] /= mean;
            }
        }
        return new DenseEmcReference(next, newScale, prob);
    }
}
