package org.diffract.spots;

import java.util.Arrays;

/**
 * Connected components of a 0/1 mask with a {@link Structure}, numbered 1, 2, ... in raster order of
 * each component's first pixel, as scipy.ndimage.label. Reuses its stack between frames.
 */
public final class Labeler {
    private int[] stack = new int[1024];

    /** Writes labels (0 = background) into {@code labels}; returns the number of components. */
    public int label(byte[] mask, int[] labels, int h, int w, Structure s) {
        int[] dy = s.dy();
        int[] dx = s.dx();
        Arrays.fill(labels, 0, h * w, 0);
        int next = 0;
        for (int p0 = 0; p0 < h * w; p0++) {
            if (mask[p0] == 0 || labels[p0] != 0) {
                continue;
            }
            next++;
            labels[p0] = next;
            int top = 0;
            stack[top++] = p0;
            while (top > 0) {
                int p = stack[--top];
                int y = p / w;
                int x = p - y * w;
                for (int k = 0; k < dy.length; k++) {
                    int yy = y + dy[k];
                    int xx = x + dx[k];
                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
                        continue;
                    }
                    int q = yy * w + xx;
                    if (mask[q] != 0 && labels[q] == 0) {
                        labels[q] = next;
                        if (top == stack.length) {
                            stack = Arrays.copyOf(stack, stack.length * 2);
                        }
                        stack[top++] = q;
                    }
                }
            }
        }
        return next;
    }
}
