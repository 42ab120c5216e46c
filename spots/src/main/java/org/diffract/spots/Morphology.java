package org.diffract.spots;

/**
 * Binary erosion and dilation of one frame's mask (0/1 bytes, row-major h x w) with a {@link Structure},
 * as scipy.ndimage.binary_erosion / binary_dilation with border_value 0: outside the frame counts as
 * empty, so erosion also eats spots touching the edge.
 */
public final class Morphology {
    private Morphology() {
    }

    /** {@code out} = erosion of {@code in}; the arrays must differ. */
    public static void erode(byte[] in, byte[] out, int h, int w, Structure s) {
        int[] dy = s.dy();
        int[] dx = s.dx();
        for (int y = 0; y < h; y++) {
            int row = y * w;
            boolean innerRow = y > 0 && y < h - 1;
            for (int x = 0; x < w; x++) {
                int p = row + x;
                if (in[p] == 0) {
                    out[p] = 0;
                    continue;
                }
                if (!innerRow || x == 0 || x == w - 1) {
                    out[p] = 0; // a neighbour lies outside, which is empty
                    continue;
                }
                byte v = 1;
                for (int k = 0; k < dy.length; k++) {
                    if (in[p + dy[k] * w + dx[k]] == 0) {
                        v = 0;
                        break;
                    }
                }
                out[p] = v;
            }
        }
    }

    /** {@code out} = dilation of {@code in}; the arrays must differ. */
    public static void dilate(byte[] in, byte[] out, int h, int w, Structure s) {
        int[] dy = s.dy();
        int[] dx = s.dx();
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                int p = row + x;
                byte v = in[p];
                for (int k = 0; k < dy.length && v == 0; k++) {
                    int yy = y + dy[k];
                    int xx = x + dx[k];
                    if (yy >= 0 && yy < h && xx >= 0 && xx < w && in[yy * w + xx] != 0) {
                        v = 1;
                    }
                }
                out[p] = v;
            }
        }
    }

    /**
     * {@code erosions} erosions then {@code dilations} dilations of {@code mask} into {@code out}, using
     * {@code scratch} (same length) for the ping-pong.
     */
    public static void open(byte[] mask, byte[] out, byte[] scratch, int h, int w, Structure s, int erosions,
                            int dilations) {
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
