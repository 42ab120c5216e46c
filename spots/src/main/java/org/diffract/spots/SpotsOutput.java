package org.diffract.spots;

import java.nio.file.Path;

import org.diffract.core.io.H5Writer;
import org.diffract.core.plot.SlicePlot;

/**
 * Writes lu_hdf2spots' output file (gzip unless -C none) in one atomic step, and the PNGs beside it:
 * {@code NAME_avg.png}, {@code NAME_std.png} and {@code NAME_masks.png} (the frame with the most spots).
 */
public final class SpotsOutput {
    private SpotsOutput() {
    }

    /** Writes the file and PNGs; {@code source} gives the image under the mask overlay. */
    public static void write(SpotsResult r, SpotsOptions o, FrameSource source) {
        LaueSeries s = r.series;
        int h = s.height();
        int w = s.width();
        int n = s.numFrames();
        H5Writer out = new H5Writer();
        boolean gz = o.gzip();
        put(out, gz, "stats/avg", H5Writer2D.of(r.stats.avg, h, w), h, w);
        put(out, gz, "stats/std", H5Writer2D.of(r.stats.std, h, w), h, w);
        put(out, gz, "stats/iqr", H5Writer2D.of(r.stats.iqr, h, w), h, w);
        put(out, gz, "stats/max", H5Writer2D.of(r.stats.max, h, w), h, w);
        put(out, gz, "stats/arg", H5Writer2D.ints(r.stats.arg, h, w), h, w);
        if (o.kruskal()) {
            put(out, gz, "stats/n_removed", H5Writer2D.ints(r.stats.removed, h, w), h, w);
        }
        put(out, gz, "masks/masks_raw", r.masksRaw, 1, h, w);
        put(out, gz, "masks/masks_filtered", r.masksFiltered, 1, h, w);
        if (r.masksSynced != null) {
            put(out, gz, "masks/masks_synced", r.masksSynced, 1, h, w);
        }
        put(out, gz, "masks/labels", r.labels, 1, h, w);
        put(out, gz, "masks/counts", r.counts, Math.max(1, n));
        int ns = r.numSpots();
        int c1 = Math.max(1, Math.min(ns, 1 << 16));
        put(out, gz, "spots/I", r.intensity, c1);
        put(out, gz, "spots/I_bg", r.intensityBg, c1);
        put(out, gz, "spots/XY", r.xy, c1, 2);
        put(out, gz, "spots/box", r.box, c1, 4);
        put(out, gz, "spots/frame", r.frame, c1);
        put(out, gz, "spots/label", r.label, c1);
        put(out, gz, "spots/mask", r.mask, c1);
        put(out, gz, "spots/pixel_list", r.pixelList, Math.max(1, Math.min(r.pixelList.length, 1 << 18)));
        put(out, gz, "spots/pixel_list_BE", r.pixelListBE, c1, 2);
        put(out, gz, "frame2spotsBE", r.frame2spotsBE, Math.max(1, n), 2);
        out.attribute("spots/XY", "columns", "x (column), y (row) of the most intense pixel");
        out.attribute("spots/box", "columns", "x_min, y_min, x_max, y_max (inclusive)");
        out.attribute("spots/mask", "meaning", "index of the (synced) mask the spot was labelled in");
        out.attribute("masks/counts", "meaning", "number of spots per frame");
        String info = "info";
        // the frames' angles and global numbers, so the spot table stands alone; also, jhdf 0.13 writes a
        // corrupt header for a group that has attributes but no datasets
        out.put("info/angle", s.angles());
        out.put("info/frame_number_global", s.frameNumberGlobal());
        out.attribute(info, "input", o.input().toAbsolutePath().toString());
        out.attribute(info, "method", o.method());
        out.attribute(info, "n_percent", o.nPercent());
        out.attribute(info, "n_removed", r.nRemoved);
        out.attribute(info, "alpha", o.alpha());
        out.attribute(info, "cutoff", o.cutoff());
        out.attribute(info, "erosions", o.erosions());
        out.attribute(info, "dilations", o.dilations());
        out.attribute(info, "structure", new int[] {o.structure().rank(), o.structure().connectivity()});
        out.attribute(info, "min_angles", o.minAngles());
        out.attribute(info, "sync", o.sync());
        out.attribute(info, "compression", o.gzip() ? "gzip" : "none");
        out.attribute(info, "num_frames", n);
        out.attribute(info, "num_angles", s.numAngles());
        out.attribute(info, "num_masks", r.numMasks);
        out.attribute(info, "num_spots", ns);
        out.attribute(info, "block_size", s.blockSize());
        out.write(o.output());
        writePngs(r, o, source);
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
        for (int f = 1; f < r.counts.length; f++) {
            if (r.counts[f] > r.counts[best]) {
                best = f;
            }
        }
        float[] image = new float[s.pixels()];
        source.read(best, 1, 0, s.height(), image);
        MaskOverlayPlot.write(png(o, "masks"), r, best, image);
    }

    private static void put(H5Writer out, boolean gzip, String path, Object data, int... chunk) {
        // jhdf cannot chunk an empty dataset; an empty table is written plain
        if (gzip && java.lang.reflect.Array.getLength(data) > 0) {
            out.putCompressed(path, data, chunk);
        } else {
            out.put(path, data);
        }
    }

    /** Nested row arrays for 2D datasets. */
    static final class H5Writer2D {
        private H5Writer2D() {
        }

        static double[][] of(double[] flat, int h, int w) {
            double[][] a = new double[h][w];
            for (int y = 0; y < h; y++) {
                System.arraycopy(flat, y * w, a[y], 0, w);
            }
            return a;
        }

        static int[][] ints(double[] flat, int h, int w) {
            int[][] a = new int[h][w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    a[y][x] = (int) flat[y * w + x];
                }
            }
            return a;
        }
    }
}
