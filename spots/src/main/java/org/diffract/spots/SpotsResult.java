package org.diffract.spots;

import java.util.List;

import org.diffract.spots.SpotFinder.FrameResult;
import org.diffract.spots.SpotFinder.PixelStats;

/**
 * Everything lu_hdf2spots writes, on rank 0: per-pixel statistics, per-frame masks and labels, and the
 * spot table ordered by frame then label, with CSR-style begin/end indices: {@code frame2spotsBE[f]}
 * into the spot arrays and {@code pixelListBE[s]} into {@code pixelList}.
 */
public final class SpotsResult {
    public final LaueSeries series;
    public final PixelStats stats;
    public final int numMasks;
    public final byte[][][] masksRaw;
    public final byte[][][] masksFiltered;
    /** Null without -S. */
    public final byte[][][] masksSynced;
    public final int[][][] labels;
    /** Spots per frame. */
    public final int[] counts;
    public final double[] intensity;
    public final double[] intensityBg;
    public final int[][] xy;
    public final int[][] box;
    public final int[] frame;
    public final int[] label;
    public final int[] mask;
    public final int[] pixelList;
    public final long[][] pixelListBE;
    public final long[][] frame2spotsBE;
    /** lu_hdf2spots' n_removed: values dropped per pixel (n_removed), or in total over all pixels (kruskal). */
    public final long nRemoved;

    private SpotsResult(LaueSeries series, PixelStats stats, int numMasks, int numSpots, int numPixels,
                        boolean synced, long nRemoved) {
        int n = series.numFrames();
        int h = series.height();
        int w = series.width();
        this.series = series;
        this.stats = stats;
        this.numMasks = numMasks;
        this.masksRaw = new byte[n][h][w];
        this.masksFiltered = new byte[n][h][w];
        this.masksSynced = synced ? new byte[n][h][w] : null;
        this.labels = new int[n][h][w];
        this.counts = new int[n];
        this.intensity = new double[numSpots];
        this.intensityBg = new double[numSpots];
        this.xy = new int[numSpots][2];
        this.box = new int[numSpots][4];
        this.frame = new int[numSpots];
        this.label = new int[numSpots];
        this.mask = new int[numSpots];
        this.pixelList = new int[numPixels];
        this.pixelListBE = new long[numSpots][2];
        this.frame2spotsBE = new long[n][2];
        this.nRemoved = nRemoved;
    }

    static SpotsResult assemble(LaueSeries s, PixelStats stats, List<FrameResult> frames, int numMasks,
                                SpotsOptions o) {
        FrameResult[] byFrame = new FrameResult[s.numFrames()];
        int spots = 0;
        int pixels = 0;
        for (FrameResult r : frames) {
            byFrame[r.frame()] = r;
            spots += r.spots().count();
            pixels += r.spots().pixels().length;
        }
        long removed;
        if (o.kruskal()) {
            removed = 0;
            for (double v : stats.removed) {
                removed += (long) v;
            }
        } else {
            removed = PixelStatistics.trimCount(s.numFrames(), o.nPercent());
        }
        SpotsResult res = new SpotsResult(s, stats, numMasks, spots, pixels, !o.sync().equals("none"), removed);
        int w = s.width();
        int at = 0;
        int pat = 0;
        for (int f = 0; f < byFrame.length; f++) {
            FrameResult r = byFrame[f];
            if (r == null) {
                throw new IllegalStateException("frame " + f + " was not processed by any rank");
            }
            for (int y = 0; y < s.height(); y++) {
                System.arraycopy(r.raw(), y * w, res.masksRaw[f][y], 0, w);
                System.arraycopy(r.filtered(), y * w, res.masksFiltered[f][y], 0, w);
                if (res.masksSynced != null) {
                    System.arraycopy(r.synced(), y * w, res.masksSynced[f][y], 0, w);
                }
                System.arraycopy(r.labels(), y * w, res.labels[f][y], 0, w);
            }
            FrameSpots sp = r.spots();
            res.counts[f] = sp.count();
            res.frame2spotsBE[f][0] = at;
            for (int i = 0; i < sp.count(); i++) {
                res.intensity[at] = sp.intensity()[i];
                res.intensityBg[at] = sp.intensityBg()[i];
                res.xy[at][0] = sp.xy()[2 * i];
                res.xy[at][1] = sp.xy()[2 * i + 1];
                System.arraycopy(sp.box(), 4 * i, res.box[at], 0, 4);
                res.frame[at] = f;
                res.label[at] = sp.label()[i];
                res.mask[at] = sp.mask();
                int p0 = sp.pixelStart()[i];
                int p1 = sp.pixelStart()[i + 1];
                res.pixelListBE[at][0] = pat;
                System.arraycopy(sp.pixels(), p0, res.pixelList, pat, p1 - p0);
                pat += p1 - p0;
                res.pixelListBE[at][1] = pat;
                at++;
            }
            res.frame2spotsBE[f][1] = at;
        }
        return res;
    }

    public int numSpots() {
        return frame.length;
    }
}
