package org.diffract.emc;

/**
 * What one EMC iteration reports: the log line's numbers.
 *
 * @param rmsChange      sqrt(mean over voxels of (new - old)^2), Dragonfly's rms_change
 * @param mutualInfo     mean over frames of sum_r P log(P / w_r): how sharply frames are oriented
 * @param logLikelihood  mean over frames of sum_r P L (L without the log K! constant)
 * @param beta           mean beta over frames (Dragonfly's log column)
 * @param keptPerFrame   mean number of (rotation, frame) probabilities kept per frame (0 when not known,
 *                       e.g. iterations read back from an older checkpoint)
 * @param peakRss        the process's peak resident memory in bytes after the iteration (-1 unknown)
 * @param cpuSeconds     CPU seconds the process used in the iteration (all its threads; with MPJ's
 *                       multicore device, all ranks): on a shared machine, the work apart from the waiting
 */
public record IterationStats(
        int iteration,
        double seconds,
        double rmsChange,
        double mutualInfo,
        double logLikelihood,
        double beta,
        int numRotations,
        double keptPerFrame,
        long peakRss,
        double cpuSeconds) {}
