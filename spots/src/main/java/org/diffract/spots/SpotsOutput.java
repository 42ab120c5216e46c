package org.diffract.spots;

import java.nio.file.Path;

import org.diffract.core.io.H5Writer;
import org.diffract.core.io.H5Writer.Compression;
import org.diffract.core.plot.SlicePlot;

/**
 * Writes lu_hdf2spots' output file in one atomic step, and the PNGs beside it: {@code NAME_avg.png},
 * {@code NAME_std.png} and {@code NAME_masks.png} (the frame with the most spots). The layout, with N frames
 * of H x W, M masks and S spots (README, spots section):
 * <pre>
 * stats/avg, std, iqr, max      float64 (H, W)
 * stats/arg                     int32 (H, W), frame of the maximum
 * stats/n_removed               int32 (H, W), -m kruskal only
 * masks/masks_raw, masks_filtered   int8 (N, H, W), 0/1
 * masks/masks_synced            int8 (M, H, W), with -S pairs|blocks only
 * masks/labels                  int32 (M, H, W)
 * masks/counts                  int32 (M,)
 * spots/I, I_bg                 float64 (S,)
 * spots/XY                      int32 (S, 2): X (row), Y (column) of the most intense pixel
 * spots/box                     int32 (S, 4): X_min, Y_min, X_max, Y_max, inclusive
 * spots/frame, label, mask      int32 (S,): labels[mask[k]][X, Y] == label[k]
 * spots/pixel_list              int32 (sum of spot sizes,): flat X * W + Y
 * spots/pixel_list_BE           int64 (S, 2)
 * frame2spotsBE                 int64 (N, 2)
 * info                          group of attributes: the options and sizes
 * </pre>
 */
public final class SpotsOutput {
    private SpotsOutput() {}

    /** Writes the file and PNGs; {@code source} gives the image under the mask overlay. */
    public static void write(SpotsResult r, SpotsOptions o, FrameSource source) {
        LaueSeries s = r.series;
        int h = s.height();
        int w = s.width();
        int n = s.numFrames();
        int ns = r.numSpots();
        int[] image = {h, w};
        Compression c = o.compression();
        H5Writer out = new H5Writer();
        out.put("stats/avg", r.stats.avg, image, c);
        out.put("stats/std", r.stats.std, image, c);
        out.put("stats/iqr", r.stats.iqr, image, c);
        out.put("stats/max", r.stats.max, image, c);
        out.put("stats/arg", ints(r.stats.arg), image, c);
        if (o.kruskal()) {
            out.put("stats/n_removed", ints(r.stats.removed), image, c);
        }
        out.put("masks/masks_raw", r.masksRaw, c);
        out.put("masks/masks_filtered", r.masksFiltered, c);
        if (r.masksSynced != null) {
            out.put("masks/masks_synced", r.masksSynced, c);
        }
        out.put("masks/labels", r.labels, c);
        out.put("masks/counts", r.counts, new int[] {r.numMasks}, c);
        out.put("spots/I", r.intensity, new int[] {ns}, c);
        out.put("spots/I_bg", r.intensityBg, new int[] {ns}, c);
        out.put("spots/XY", r.xy, new int[] {ns, 2}, c);
        out.put("spots/box", r.box, new int[] {ns, 4}, c);
        out.put("spots/frame", r.frame, new int[] {ns}, c);
        out.put("spots/label", r.label, new int[] {ns}, c);
        out.put("spots/mask", r.mask, new int[] {ns}, c);
        out.put("spots/pixel_list", r.pixelList, new int[] {r.pixelList.length}, c);
        out.put("spots/pixel_list_BE", r.pixelListBE, new int[] {ns, 2}, c);
        out.put("frame2spotsBE", r.frame2spotsBE, new int[] {n, 2}, c);
        String info = "info";
        out.attribute(info, "input", o.input().toString());
        out.attribute(info, "method", o.method().key());
        out.attribute(info, "n_percent", o.nPercent());
        out.attribute(info, "n_removed", r.nRemoved);
        out.attribute(info, "alpha", o.alpha());
        out.attribute(info, "cutoff", o.cutoff());
        out.attribute(info, "erosions", o.erosions());
        out.attribute(info, "dilations", o.dilations());
        out.attribute(info, "structure", new int[] {
            o.structure().rank(), o.structure().connectivity()
        });
        out.attribute(info, "min_angles", o.minAngles());
        out.attribute(info, "sync", o.sync().key());
        out.attribute(info, "compression", c.key());
        out.attribute(info, "num_frames", n);
        out.attribute(info, "num_angles", s.numAngles());
        out.attribute(info, "num_masks", r.numMasks);
        out.attribute(info, "num_spots", ns);
        out.attribute(info, "block_size", s.blockSize());
        out.write(o.output());
        writePngs(r, o, source);
    }

    private static int[] ints(double[] v) {
        int[] a = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = (int) v[i];
        }
        return a;
    }

    /** PNG paths beside the output file. */
    public static Path png(SpotsOptions o, String what) {
        String name = o.output().getFileName().toString();
        String stem = name.endsWith(".h5") ? name.substring(0, name.length() - 3) : name;
        return o.output().resolveSibling(stem + "_" + what + ".png");
    }

    static void writePngs(SpotsResult r, SpotsOptions o, FrameSource source) {
        LaueSeries s = r.series;
        SlicePlot.writeImage(png(o, "avg"), r.stats.avg, s.height(), s.width(), "per-pixel average (trimmed)", false);
        SlicePlot.writeImage(png(o, "std"), r.stats.std, s.height(), s.width(), "per-pixel standard deviation", false);
        int best = 0;
        for (int f = 1; f < s.numFrames(); f++) {
            if (r.endSpot(f) - r.firstSpot(f) > r.endSpot(best) - r.firstSpot(best)) {
                best = f;
            }
        }
        float[] image = new float[s.pixels()];
        source.read(best, 1, 0, s.height(), image);
        MaskOverlayPlot.write(png(o, "masks"), r, best, image);
    }
}
