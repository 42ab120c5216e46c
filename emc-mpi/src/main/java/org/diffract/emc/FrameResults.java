package org.diffract.emc;

/**
 * Per-frame results of one iteration, in Dragonfly's meaning (its output_NNN.h5).
 *
 * @param orientations     global index of each frame's most likely rotation
 * @param bestProbability  probability of that rotation
 * @param mutualInfo       sum_r P log(P / w_r) per frame
 * @param likelihood       sum_r P (log w_r + L_r) - sum log K!, Dragonfly's per-frame log-likelihood
 * @param kept             number of kept (rotation, frame) probabilities per frame
 */
public record FrameResults(
        int[] orientations, double[] bestProbability, double[] mutualInfo, double[] likelihood, int[] kept) {}
