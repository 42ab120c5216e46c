package org.diffract.spots;

import java.util.Arrays;
import java.util.List;

/**
 * Everything lu_hdf2spots writes, on rank 0, laid out as the tool lays out its file:
 * <ul>
 * <li>per-pixel statistics ({@link PixelStats});</li>
 * <li>per frame the raw and filtered masks;</li>
 * <li>per mask (M of them: one per frame without sync, per off/on pair with -S pairs, per angle with
 * -S blocks) the synced mask (with sync only), its labels and their count;</li>
 * <li>the spot table ordered by frame then label: spot k lies in frame {@code frame(k)} and was labelled
 * {@code label(k)} in mask {@code mask(k)}; its most intense pixel is (X, Y) = (row, column), its box
 * (X_min, Y_min, X_max, Y_max) inclusive; its pixels are flat indices X * width + Y.</li>
 * </ul>
 * Read through the accessors; the arrays are package-private for {@link SpotsOutput} and the plot.
 */
public final class SpotsResult {
    final LaueSeries series;
    final PixelStats stats;
    final int numMasks;
    final byte[][][] masksRaw;
    final byte[][][] masksFiltered;
    /** Per mask; null without sync. */
    final byte[][][] masksSynced;
    /** Per mask. */
    final int[][][] labels;
    /** Labels per mask: the spots each frame of that mask lists. */
    final int[] counts;
    /** The mask each frame was labelled in. */
    final int[] maskOfFrame;

    final double[] intensity;
    final double[] intensityBg;
    /** Flat (spots, 2): X, Y. */
    final int[] xy;
    /** Flat (spots, 4): X_min, Y_min, X_max, Y_max. */
    final int[] box;

    final int[] frame;
    final int[] label;
    final int[] mask;
    final int[] pixelList;
    /** Flat (spots, 2): begin, end into pixelList. */
    final long[] pixelListBE;
    /** Flat (frames, 2): begin, end into the spot table. */
    final long[] frame2spotsBE;
    /** lu_hdf2spots' n_removed: values dropped per pixel (n_removed), or in total over all pixels (kruskal). */
    final long nRemoved;

    private SpotsResult(
            LaueSeries series,
            PixelStats stats,
            int numMasks,
            int numSpots,
            int numPixels,
            boolean synced,
            long nRemoved) {
        int n = series.numFrames();
        int h = series.height();
        int w = series.width();
        this.series = series;
        this.stats = stats;
        this.numMasks = numMasks;
        this.masksRaw = new byte[n][h][w];
        this.masksFiltered = new byte[n][h][w];
        this.masksSynced = synced ? new byte[numMasks][h][w] : null;
        this.labels = new int[numMasks][h][w];
        this.counts = new int[numMasks];
        this.maskOfFrame = new int[n];
        this.intensity = new double[numSpots];
        this.intensityBg = new double[numSpots];
        this.xy = new int[2 * numSpots];
        this.box = new int[4 * numSpots];
        this.frame = new int[numSpots];
        this.label = new int[numSpots];
        this.mask = new int[numSpots];
        this.pixelList = new int[numPixels];
        this.pixelListBE = new long[2 * numSpots];
        this.frame2spotsBE = new long[2 * n];
        this.nRemoved = nRemoved;
    }

    /** Assembles the units of every rank (each unit once, in any order) into the tool's layout. */
    static SpotsResult assemble(LaueSeries s, PixelStats stats, List<UnitResult> units, int numMasks, SpotsOptions o) {
        int n = s.numFrames();
        int w = s.width();
        int h = s.height();
        FrameSpots[] byFrame = new FrameSpots[n];
        int spots = 0;
        int pixels = 0;
        for (UnitResult u : units) {
            for (FrameSpots sp : u.spots()) {
                byFrame[sp.frame()] = sp;
                spots += sp.count();
                pixels += sp.pixels().length;
            }
        }
        long removed = 0;
        if (o.kruskal()) {
            for (double v : stats.removed) {
                removed += (long) v;
            }
        } else {
            removed = PixelStatistics.trimCount(n, o.nPercent());
        }
        SpotsResult res = new SpotsResult(s, stats, numMasks, spots, pixels, o.synced(), removed);
        boolean[] seen = new boolean[numMasks];
        for (UnitResult u : units) {
            int m = u.unit();
            seen[m] = true;
            res.counts[m] = u.numLabels();
            for (int y = 0; y < h; y++) {
                System.arraycopy(u.labels(), y * w, res.labels[m][y], 0, w);
                if (res.masksSynced != null) {
                    System.arraycopy(u.synced(), y * w, res.masksSynced[m][y], 0, w);
                }
            }
            for (int i = 0; i < u.frames().length; i++) {
                int f = u.frames()[i];
                res.maskOfFrame[f] = m;
                for (int y = 0; y < h; y++) {
                    System.arraycopy(u.raw()[i], y * w, res.masksRaw[f][y], 0, w);
                    System.arraycopy(u.filtered()[i], y * w, res.masksFiltered[f][y], 0, w);
                }
            }
        }
        for (int m = 0; m < numMasks; m++) {
            if (!seen[m]) {
                throw new IllegalStateException("mask " + m + " was not made by any rank");
            }
        }
        int at = 0;
        int pat = 0;
        for (int f = 0; f < n; f++) {
            FrameSpots sp = byFrame[f];
            res.frame2spotsBE[2 * f] = at;
            for (int i = 0; i < sp.count(); i++) {
                res.intensity[at] = sp.intensity()[i];
                res.intensityBg[at] = sp.intensityBg()[i];
                System.arraycopy(sp.xy(), 2 * i, res.xy, 2 * at, 2);
                System.arraycopy(sp.box(), 4 * i, res.box, 4 * at, 4);
                res.frame[at] = f;
                res.label[at] = sp.label()[i];
                res.mask[at] = sp.mask();
                int p0 = sp.pixelStart()[i];
                int p1 = sp.pixelStart()[i + 1];
                res.pixelListBE[2 * at] = pat;
                System.arraycopy(sp.pixels(), p0, res.pixelList, pat, p1 - p0);
                pat += p1 - p0;
                res.pixelListBE[2 * at + 1] = pat;
                at++;
            }
            res.frame2spotsBE[2 * f + 1] = at;
        }
        return res;
    }

    public LaueSeries series() {
        return series;
    }

    public PixelStats stats() {
        return stats;
    }

    public int numFrames() {
        return maskOfFrame.length;
    }

    /** Masks made: frames without sync, off/on pairs with -S pairs, angles with -S blocks. */
    public int numMasks() {
        return numMasks;
    }

    public boolean synced() {
        return masksSynced != null;
    }

    public int numSpots() {
        return frame.length;
    }

    /** See {@link #nRemoved}. */
    public long nRemoved() {
        return nRemoved;
    }

    public int maskOfFrame(int f) {
        return maskOfFrame[f];
    }

    /** Labels in mask {@code m}, i.e. spots listed by each of its frames. */
    public int count(int m) {
        return counts[m];
    }

    public int labelAt(int m, int x, int y) {
        return labels[m][x][y];
    }

    public boolean raw(int f, int x, int y) {
        return masksRaw[f][x][y] != 0;
    }

    public boolean filtered(int f, int x, int y) {
        return masksFiltered[f][x][y] != 0;
    }

    /** The union of mask {@code m}'s filtered frame masks; needs sync. */
    public boolean syncedMask(int m, int x, int y) {
        return masksSynced[m][x][y] != 0;
    }

    /** The first spot of frame {@code f} and one past its last. */
    public int firstSpot(int f) {
        return (int) frame2spotsBE[2 * f];
    }

    public int endSpot(int f) {
        return (int) frame2spotsBE[2 * f + 1];
    }

    public int frame(int s) {
        return frame[s];
    }

    public int label(int s) {
        return label[s];
    }

    public int mask(int s) {
        return mask[s];
    }

    public double intensity(int s) {
        return intensity[s];
    }

    public double intensityBg(int s) {
        return intensityBg[s];
    }

    /** The row of the spot's most intense pixel. */
    public int x(int s) {
        return xy[2 * s];
    }

    /** The column of the spot's most intense pixel. */
    public int y(int s) {
        return xy[2 * s + 1];
    }

    /** X_min, Y_min, X_max, Y_max, inclusive (a copy). */
    public int[] box(int s) {
        return Arrays.copyOfRange(box, 4 * s, 4 * s + 4);
    }

    /** The spot's pixels as flat indices X * width + Y, ascending (a copy). */
    public int[] pixels(int s) {
        return Arrays.copyOfRange(pixelList, (int) pixelListBE[2 * s], (int) pixelListBE[2 * s + 1]);
    }
}
