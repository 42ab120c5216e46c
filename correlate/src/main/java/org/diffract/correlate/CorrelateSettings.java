package org.diffract.correlate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.io.AtomicFiles;

/**
 * A correlate run as conf/correlate.ini describes it, read and checked once. Lengths: pixsize and detdist
 * in metres (any one unit for both), wavelen in Angstrom, q in 1/Angstrom, centre and ring guesses in
 * pixels (x = column, y = row). Masks use 1 = good pixel, 0 = bad (not Dragonfly's 0/1/2). Unknown keys
 * are refused. The launcher writes the effective config (overrides applied, paths absolute) into the
 * output folder and the ranks read that file, so every rank sees the same settings.
 */
public record CorrelateSettings(
        Path configFile,
        Input input,
        Geometry geometry,
        Center center,
        Polar polar,
        Pairs pairs,
        Correlation correlation,
        Path outputFolder) {

    /** [input]: the shots. {@code maxShots} 0 = all. */
    public record Input(Path dataFile, String dataset, String run, Path maskFile, int maxShots) {}

    /** [geometry]: wavelength (A), pixel size and distance (m), beam centre (NaN = from the center step). */
    public record Geometry(double wavelen, double pixsize, double detdist, double xCenter, double yCenter) {
        public boolean hasCenter() {
            return !Double.isNaN(xCenter) && !Double.isNaN(yCenter);
        }

        public QMapping qMapping() {
            return new QMapping(pixsize, detdist, wavelen);
        }
    }

    /**
     * [center]: the ring guess (NaN = not given), how the ring is fitted, and on which shots: the mean of
     * {@code numShots} shots after {@code skipDark} dark ones (by default [pairs] skip_dark), or of the listed
     * {@code tags} when there are any.
     */
    public record Center(
            double guessX,
            double guessY,
            double guessR,
            double ringWidth,
            int dropBrightest,
            boolean ellipse,
            int numShots,
            int skipDark,
            List<Long> tags) {
        public Center {
            tags = List.copyOf(tags);
        }
    }

    /** [polar]: q range (1/A), angles per ring (0 = auto) and interpolation. */
    public record Polar(double qmin, double qmax, int nphi, PolarGrid.Interpolation interpolation) {}

    /** Consecutive pairs: (a, a+1), (a+2, a+3), ... or RingData's (a, a+1), (a+1, a+2), ... */
    public enum PairMode {
        NON_OVERLAPPING,
        OVERLAPPING
    }

    /**
     * [pairs]: consecutive pairs in {@code mode} after {@code skipDark} dark shots, or a JSON list of tag pairs
     * (null = none).
     */
    public record Pairs(PairMode mode, int skipDark, Path pairsFile) {}

    /**
     * [correlate]: optional ring cross-correlation (-1 = off), all ring pairs, Legendre order (0 = off), and
     * whether every pair's own correlation is written (pair_correlations.h5).
     */
    public record Correlation(int crossQ1, int crossQ2, boolean allCross, int legendreLmax, boolean perPair) {}

    public static final Map<String, Set<String>> KNOWN = Map.of(
            "input", Set.of("data_file", "dataset", "run", "mask_file", "max_shots"),
            "geometry", Set.of("wavelen", "pixsize", "detdist", "x_center", "y_center"),
            "center",
                    Set.of(
                            "guess_x",
                            "guess_y",
                            "guess_r",
                            "ring_width",
                            "drop_brightest",
                            "ellipse",
                            "num_shots",
                            "skip_dark",
                            "tags"),
            "polar", Set.of("qmin", "qmax", "nphi", "interpolation"),
            "pairs", Set.of("mode", "skip_dark", "pairs_file"),
            "correlate", Set.of("cross_q1", "cross_q2", "all_cross", "legendre_lmax", "per_pair"),
            "output", Set.of("output_folder"));

    /**
     * The keys whose values are file or folder paths, as {@code section.key}: relative ones resolve against
     * the config file's folder, so a copy of the config written elsewhere must make them absolute.
     */
    public static final Set<String> PATH_KEYS =
            Set.of("input.data_file", "input.mask_file", "pairs.pairs_file", "output.output_folder");

    public static CorrelateSettings read(Path file) {
        return from(IniConfig.read(file));
    }

    public static CorrelateSettings from(IniConfig c) {
        c.checkKnown(KNOWN);
        Path src = c.source();
        String name = src == null ? "config" : src.getFileName().toString();
        Path folder = c.folder().resolve("output");
        return new CorrelateSettings(
                src,
                input(c, name),
                geometry(c, name),
                center(c, name),
                polar(c, name),
                pairs(c, name),
                correlation(c, name),
                c.getPath("output", "output_folder", folder));
    }

    private static Input input(IniConfig c, String name) {
        Path data = c.getPath("input", "data_file", null);
        if (data == null) {
            throw new UserError(name + ": [input] data_file is missing; give the SACLA run file or (N, H, W) HDF5");
        }
        int maxShots = c.getInt("input", "max_shots", 0);
        if (maxShots < 0) {
            throw new UserError(name + ": [input] max_shots must be >= 0 (0 = all shots)");
        }
        return new Input(
                data,
                c.getString("input", "dataset", "auto"),
                c.getString("input", "run", "auto"),
                c.getPath("input", "mask_file", null),
                maxShots);
    }

    private static Geometry geometry(IniConfig c, String name) {
        return new Geometry(
                positive(c, name, "wavelen"),
                positive(c, name, "pixsize"),
                positive(c, name, "detdist"),
                optionalDouble(c, "geometry", "x_center"),
                optionalDouble(c, "geometry", "y_center"));
    }

    private static Center center(IniConfig c, String name) {
        double ringWidth = c.getDouble("center", "ring_width", 5);
        if (!(ringWidth > 0)) {
            throw new UserError(name + ": [center] ring_width must be > 0 pixels");
        }
        int drop = c.getInt("center", "drop_brightest", 10);
        int centerShots = c.getInt("center", "num_shots", 10);
        if (drop < 0 || centerShots < 1) {
            throw new UserError(name + ": [center] drop_brightest must be >= 0 and num_shots >= 1");
        }
        int pairsSkip = c.getInt("pairs", "skip_dark", 0);
        int skip = c.getString("center", "skip_dark", "auto").equalsIgnoreCase("auto")
                ? pairsSkip
                : c.getInt("center", "skip_dark", pairsSkip);
        if (skip < 0) {
            throw new UserError(name + ": [center] skip_dark must be >= 0");
        }
        List<Long> tags = new ArrayList<>();
        String list = c.getString("center", "tags", "none").strip();
        if (!list.isEmpty() && !list.equalsIgnoreCase("none")) {
            for (String t : list.split("[\\s,]+")) {
                tags.add(TagNames.parse(t, name + ": [center] tags"));
            }
        }
        return new Center(
                optionalDouble(c, "center", "guess_x"),
                optionalDouble(c, "center", "guess_y"),
                optionalDouble(c, "center", "guess_r"),
                ringWidth,
                drop,
                c.getBool("center", "ellipse", false),
                centerShots,
                skip,
                tags);
    }

    private static Polar polar(IniConfig c, String name) {
        double qmin = c.getDouble("polar", "qmin", Double.NaN);
        double qmax = c.getDouble("polar", "qmax", Double.NaN);
        if (!(qmin >= 0) || !(qmax > qmin)) {
            throw new UserError(name + ": [polar] qmin and qmax (1/A) are needed with 0 <= qmin < qmax");
        }
        String nphiText = c.getString("polar", "nphi", "auto");
        int nphi = nphiText.equalsIgnoreCase("auto") ? 0 : c.getInt("polar", "nphi", 0);
        if (nphi != 0 && nphi < 4) {
            throw new UserError(name + ": [polar] nphi must be auto or >= 4");
        }
        PolarGrid.Interpolation interp = c.getChoice("polar", "interpolation", "bilinear", "bilinear", "nearest")
                        .equals("nearest")
                ? PolarGrid.Interpolation.NEAREST
                : PolarGrid.Interpolation.BILINEAR;
        return new Polar(qmin, qmax, nphi, interp);
    }

    private static Pairs pairs(IniConfig c, String name) {
        int skip = c.getInt("pairs", "skip_dark", 0);
        if (skip < 0) {
            throw new UserError(name + ": [pairs] skip_dark must be >= 0");
        }
        Path file = c.getPath("pairs", "pairs_file", null);
        PairMode mode = c.getChoice("pairs", "mode", "non_overlapping", "non_overlapping", "overlapping")
                        .equals("overlapping")
                ? PairMode.OVERLAPPING
                : PairMode.NON_OVERLAPPING;
        if (file != null && mode == PairMode.OVERLAPPING) {
            throw new UserError(name + ": [pairs] mode = overlapping is for consecutive pairs but pairs_file is set; "
                    + "set pairs_file = None, or mode = non_overlapping to use the file's pairs as listed");
        }
        return new Pairs(mode, skip, file);
    }

    private static Correlation correlation(IniConfig c, String name) {
        int q1 = optionalInt(c, "correlate", "cross_q1");
        int q2 = optionalInt(c, "correlate", "cross_q2");
        if ((q1 < 0) != (q2 < 0)) {
            throw new UserError(name + ": [correlate] give both cross_q1 and cross_q2 (ring indices) or neither");
        }
        int lmax = c.getInt("correlate", "legendre_lmax", 0);
        if (lmax < 0 || lmax > 60) {
            throw new UserError(name + ": [correlate] legendre_lmax must be 0 (off) .. 60");
        }
        return new Correlation(
                q1, q2, c.getBool("correlate", "all_cross", false), lmax, c.getBool("correlate", "per_pair", false));
    }

    private static double positive(IniConfig c, String name, String key) {
        double v = c.getDouble("geometry", key, Double.NaN);
        if (!(v > 0)) {
            throw new UserError(name + ": [geometry] " + key + " is missing or not > 0; set it (wavelen in A, "
                    + "pixsize and detdist in m)");
        }
        return v;
    }

    /** A number, or NaN for a missing key / auto / None. */
    private static double optionalDouble(IniConfig c, String section, String key) {
        String v = c.getString(section, key, "none");
        return v.equalsIgnoreCase("none") || v.equalsIgnoreCase("auto") ? Double.NaN : c.getDouble(section, key, 0);
    }

    private static int optionalInt(IniConfig c, String section, String key) {
        String v = c.getString(section, key, "none");
        if (v.equalsIgnoreCase("none")) {
            return -1;
        }
        int i = c.getInt(section, key, -1);
        if (i < 0) {
            throw new UserError("[" + section + "] " + key + " must be a ring index >= 0 or None");
        }
        return i;
    }

    /** The config file's name for messages. */
    public String name() {
        return configFile == null ? "config" : configFile.getFileName().toString();
    }

    /** How many shots of a file of {@code count} the run uses ([input] max_shots). */
    public int usable(int count) {
        return input.maxShots() > 0 ? Math.min(count, input.maxShots()) : count;
    }

    /** Creates the output folder, or fails in one line naming it. */
    public void createOutputFolder() {
        AtomicFiles.createFolder(outputFolder);
    }

    public ShotFile openShots() {
        return ShotFile.open(input.dataFile(), input.dataset(), input.run());
    }

    public Path centerFile() {
        return outputFolder.resolve("center.h5");
    }

    public Path polarFile() {
        return outputFolder.resolve("polar.h5");
    }

    public Path pairsOut() {
        return outputFolder.resolve("pairs.json");
    }

    public Path correlationsFile() {
        return outputFolder.resolve("correlations.h5");
    }
}
