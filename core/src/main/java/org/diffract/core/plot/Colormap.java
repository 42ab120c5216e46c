package org.diffract.core.plot;

/**
 * Maps a value in [0, 1] to a packed 0xRRGGBB colour through a 256-entry table. Values outside [0, 1]
 * are clamped and NaN maps to 0, so a bad pixel never throws while drawing.
 */
public final class Colormap {
    /** Perceptually uniform dark blue - green - yellow, close to matplotlib's viridis (9 anchors). */
    public static final Colormap VIRIDIS = fromAnchors(
            new int[] {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xfde725});
    /** Black to white. */
    public static final Colormap GRAY = fromAnchors(new int[] {0x000000, 0xffffff});

    private static final int SIZE = 256;
    private final int[] table;

    private Colormap(int[] table) {
        this.table = table;
    }

    /** Linear interpolation in RGB between equally spaced anchors. */
    private static Colormap fromAnchors(int[] anchors) {
        int[] t = new int[SIZE];
        int segments = anchors.length - 1;
        for (int i = 0; i < SIZE; i++) {
            double pos = (double) i / (SIZE - 1) * segments;
            int k = Math.min((int) pos, segments - 1);
            double f = pos - k;
            int a = anchors[k], b = anchors[k + 1];
            int r = (int) Math.round((1 - f) * (a >> 16 & 0xff) + f * (b >> 16 & 0xff));
            int g = (int) Math.round((1 - f) * (a >> 8 & 0xff) + f * (b >> 8 & 0xff));
            int bl = (int) Math.round((1 - f) * (a & 0xff) + f * (b & 0xff));
            t[i] = r << 16 | g << 8 | bl;
        }
        return new Colormap(t);
    }

    /** Colour of value v in [0, 1] as 0xRRGGBB. */
    public int rgb(double v) {
        if (!(v > 0)) {
            return table[0];
        }
        if (v >= 1) {
            return table[SIZE - 1];
        }
        return table[(int) (v * (SIZE - 1) + 0.5)];
    }
}
