package org.diffract.emc;

/**
 * What one EMC iteration reports: the log line's numbers.
 *
 * @param rmsChange      sqrt(mean over voxels of (new - old)^2), Dragonfly's rms_change
 * @param mutualInfo     mean over frames of sum_r P log(P / w_r): how sharply frames are oriented
 * @param logLikelihood  mean over frames of sum_r P L (L without the log K! constant)
 */
public record IterationStats(int iteration, double seconds, double rmsChange, double mutualInfo,
                             double logLikelihood, double beta, int numRotations) {
}
