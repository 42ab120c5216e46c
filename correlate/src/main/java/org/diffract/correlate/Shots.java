package org.diffract.correlate;

/**
 * Detector images of a run by shot index, in tag order, row-major {@code [y * width + x]}. One handle is for
 * one thread; {@link #reader()} gives another thread its own.
 */
interface Shots extends AutoCloseable {
    int count();

    int width();

    int height();

    /** The tag of each shot, ascending. */
    long[] tags();

    /** Shot {@code i} into {@code out} (length width * height). */
    double[] read(int i, double[] out);

    /** Another handle on the same shots, for another thread. */
    Shots reader();

    @Override
    void close();
}
