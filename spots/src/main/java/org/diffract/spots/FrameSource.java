package org.diffract.spots;

/** Where frames come from: a LaueCollect file ({@link LaueInput}) or, for tests and the bench, memory. */
public interface FrameSource {
    LaueSeries series();

    /**
     * Frames {@code [f0, f0 + nf)}, rows {@code [y0, y0 + rows)}, all columns into {@code out} (C order);
     * implementations must be safe to call from several threads.
     */
    void read(int f0, int nf, int y0, int rows, float[] out);
}
