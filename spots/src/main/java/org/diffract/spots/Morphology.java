package org.diffract.spots;

import java.util.Arrays;

/**
 * Binary erosion and dilation of one frame's mask (0/1 bytes, row-major h x w) with a {@link Structure},
 * as scipy.ndimage.binary_erosion / binary_dilation with border_value 0: outside the frame counts as
 * empty, so erosion also eats spots touching the edge.
 */
public final class Morphology {
    private Morphology() {}

    /**
     * {@code out} = erosion of {@code in}; the arrays must differ. Row-wise AND of shifted rows (the square
     * is separable: a vertical then a horizontal 3-AND), which the JIT vectorises; outside is 0.
     */
    public static void erode(byte[] in, byte[] out, int h, int w, Structure s) {
        combine(in, out, h, w, s, true);
    }

    /** {@code out} = dilation of {@code in}; the arrays must differ. Row-wise OR as {@link #erode}. */
    public static void dilate(byte[] in, byte[] out, int h, int w, Structure s) {
        combine(in, out, h, w, s, false);
    }

    private static void combine(byte[] in, byte[] out, int h, int w, Structure s, boolean and) {
        byte[] v = new byte[w];
        boolean square = s.connectivity() == 2;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            boolean hasUp = y > 0;
            boolean hasDown = y < h - 1;
            // v = the column combination of rows y-1, y, y+1 (a missing row is 0)
            if (and && (!hasUp || !hasDown)) {
                Arrays.fill(v, (byte) 0);
            } else if (and) {
                int up = row - w;
                int down = row + w;
                for (int x = 0; x < w; x++) {
                    v[x] = (byte) (in[up + x] & in[row + x] & in[down + x]);
                }
            } else {
                System.arraycopy(in, row, v, 0, w);
                if (hasUp) {
                    int up = row - w;
                    for (int x = 0; x < w; x++) {
                        v[x] |= in[up + x];
                    }
                }
                if (hasDown) {
                    int down = row + w;
                    for (int x = 0; x < w; x++) {
                        v[x] |= in[down + x];
                    }
                }
            }
            // horizontal neighbours: of v for the square, of the row itself for the cross
            byte[] hsrc = square ? v : in;
            int o = square ? 0 : row;
            if (w == 1) {
                out[row] = and ? 0 : v[0];
                continue;
            }
            if (and) {
                out[row] = 0;
                out[row + w - 1] = 0;
                for (int x = 1; x < w - 1; x++) {
                    out[row + x] = (byte) (v[x] & hsrc[o + x - 1] & hsrc[o + x + 1]);
                }
            } else {
                out[row] = (byte) (v[0] | hsrc[o + 1]);
                out[row + w - 1] = (byte) (v[w - 1] | hsrc[o + w - 2]);
                for (int x = 1; x < w - 1; x++) {
                    out[row + x] = (byte) (v[x] | hsrc[o + x - 1] | hsrc[o + x + 1]);
                }
            }
        }
    }

    /**
     * {@code erosions} erosions then {@code dilations} dilations of {@code mask} into {@code out}, using
     * {@code scratch} (same length) for the ping-pong.
     */
    public static void open(
            byte[] mask, byte[] out, byte[] scratch, int h, int w, Structure s, int erosions, int dilations) {
        byte[] cur = mask;
        int steps = erosions + dilations;
        if (steps == 0) {
            System.arraycopy(mask, 0, out, 0, mask.length);
            return;
        }
        // the last step must land in out: pick the first target by parity of the step count
        byte[] next = steps % 2 == 1 ? out : scratch;
        for (int i = 0; i < steps; i++) {
            if (i < erosions) {
                erode(cur, next, h, w, s);
            } else {
                dilate(cur, next, h, w, s);
            }
            cur = next;
            next = cur == out ? scratch : out;
        }
    }
}
