package org.diffract.spots;

/**
 * The spots of one frame: per spot its label, integrated intensity (raw and minus the per-pixel
 * average), most intense pixel, bounding box and pixel list (flat indices y * width + x, ascending).
 */
public record FrameSpots(int frame, int mask, int[] label, double[] intensity, double[] intensityBg, int[] xy,
                         int[] box, int[] pixelStart, int[] pixels) {
    public int count() {
        return label.length;
    }

    /**
     * Measures every component of {@code labels} (1 .. numLabels) on {@code image}. {@code mask} is the
     * index of the (synced) mask the labels come from.
     */
    public static FrameSpots measure(int frame, int mask, float[] image, double[] avg, int[] labels, int numLabels,
                                     int width) {
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
            int y = p / width;
            int x = p - y * width;
            if (v > best[s]) {
                best[s] = v;
                xy[2 * s] = x;
                xy[2 * s + 1] = y;
            }
            box[4 * s] = Math.min(box[4 * s], x);
            box[4 * s + 1] = Math.min(box[4 * s + 1], y);
            box[4 * s + 2] = Math.max(box[4 * s + 2], x);
            box[4 * s + 3] = Math.max(box[4 * s + 3], y);
        }
        return new FrameSpots(frame, mask, lab, inten, inBg, xy, box, pixelStart, pixels);
    }
}
