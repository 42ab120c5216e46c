package org.diffract.spots;

/**
 * The spots of one frame: per spot its label, integrated intensity (raw and minus the per-pixel
 * average), most intense pixel {@code xy} as (X, Y) pairs, bounding box {@code box} as (X_min, Y_min,
 * X_max, Y_max) inclusive, and pixel list (flat indices X * width + Y, ascending). X is the row (numpy's
 * dimension 1 of I[i, X, Y], HDFView's height) and Y the column, as LaueUtil indexes a pixel.
 */
record FrameSpots(
        int frame,
        int mask,
        int[] label,
        double[] intensity,
        double[] intensityBg,
        int[] xy,
        int[] box,
        int[] pixelStart,
        int[] pixels) {
    public int count() {
        return label.length;
    }

    /**
     * Measures every component of {@code labels} (1 .. numLabels) on {@code image}. {@code mask} is the
     * index of the (synced) mask the labels come from.
     */
    public static FrameSpots measure(
            int frame, int mask, float[] image, double[] avg, int[] labels, int numLabels, int width) {
        int n = numLabels;
        int[] count = new int[n + 1];
        int pixelsTotal = 0;
        for (int p = 0; p < labels.length; p++) {
            if (labels[p] != 0) {
                count[labels[p]]++;
                pixelsTotal++;
            }
        }
        int[] pixelStart = new int[n + 1];
        for (int l = 0; l < n; l++) {
            pixelStart[l + 1] = pixelStart[l] + count[l + 1];
        }
        int[] fill = new int[n];
        int[] pixels = new int[pixelsTotal];
        int[] lab = new int[n];
        double[] inten = new double[n];
        double[] inBg = new double[n];
        int[] xy = new int[2 * n];
        int[] box = new int[4 * n];
        float[] best = new float[n];
        for (int s = 0; s < n; s++) {
            lab[s] = s + 1;
            best[s] = Float.NEGATIVE_INFINITY;
            box[4 * s] = Integer.MAX_VALUE;
            box[4 * s + 1] = Integer.MAX_VALUE;
            box[4 * s + 2] = -1;
            box[4 * s + 3] = -1;
        }
        for (int p = 0; p < labels.length; p++) {
            int l = labels[p];
            if (l == 0) {
                continue;
            }
            int s = l - 1;
            pixels[pixelStart[s] + fill[s]++] = p;
            float v = image[p];
            inten[s] += v;
            inBg[s] += v - avg[p];
            int row = p / width;
            int col = p - row * width;
            if (v > best[s]) { // strict: the first of equal maxima in raster order, as numpy's argmax
                best[s] = v;
                xy[2 * s] = row;
                xy[2 * s + 1] = col;
            }
            box[4 * s] = Math.min(box[4 * s], row);
            box[4 * s + 1] = Math.min(box[4 * s + 1], col);
            box[4 * s + 2] = Math.max(box[4 * s + 2], row);
            box[4 * s + 3] = Math.max(box[4 * s + 3], col);
        }
        return new FrameSpots(frame, mask, lab, inten, inBg, xy, box, pixelStart, pixels);
    }
}
