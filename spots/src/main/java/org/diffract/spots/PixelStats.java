package org.diffract.spots;

/**
 * Per-pixel statistics of a frame series (flat, row-major {@code y * width + x}): max and argmax over all
 * frames, avg, std and iqr of what the background method kept, and how many values it dropped. Doubles, so
 * that ranks can sum their rows into everyone's copy. Read through the accessors; the arrays are filled by
 * {@link SpotFinder} only.
 */
public final class PixelStats {
    final double[] avg;
    final double[] std;
    final double[] iqr;
    final double[] max;
    final double[] arg;
    final double[] removed;

    PixelStats(int pixels) {
        avg = new double[pixels];
        std = new double[pixels];
        iqr = new double[pixels];
        max = new double[pixels];
        arg = new double[pixels];
        removed = new double[pixels];
    }

    public int pixels() {
        return avg.length;
    }

    public double avg(int pixel) {
        return avg[pixel];
    }

    public double std(int pixel) {
        return std[pixel];
    }

    public double iqr(int pixel) {
        return iqr[pixel];
    }

    public double max(int pixel) {
        return max[pixel];
    }

    /** The frame holding the pixel's maximum (the first such frame). */
    public int argmax(int pixel) {
        return (int) arg[pixel];
    }

    /** Values left out of avg/std/iqr at this pixel. */
    public int removed(int pixel) {
        return (int) removed[pixel];
    }

    /** Copies of the whole maps, flat row-major. */
    public double[] avg() {
        return avg.clone();
    }

    public double[] std() {
        return std.clone();
    }

    public double[] iqr() {
        return iqr.clone();
    }

    /** {@code allreduceSum} each map: every pixel was computed by exactly one rank, so the sum is a gather. */
    void sumOverRanks(org.diffract.core.parallel.Communicator comm) {
        comm.allreduceSum(avg);
        comm.allreduceSum(std);
        comm.allreduceSum(iqr);
        comm.allreduceSum(max);
        comm.allreduceSum(arg);
        comm.allreduceSum(removed);
    }
}
