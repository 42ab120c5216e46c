package org.diffract.emc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.geometry.DetectorGeometry;

/**
 * An EMC run as a config file describes it, in Dragonfly / spipy merge.emc terms. Sections:
 * [parameters] the experiment (detd mm, lambda A, detsize px, pixsize mm, stoprad px, polarization,
 * ewald_rad px, center px), [make_detector] in_mask_file, [emc] inputs, outputs and the algorithm's
 * knobs. Unknown keys are rejected so a typo does not silently fall back to a default.
 *
 * <p>Photons come from Dragonfly files, {@code in_photons_file} (one file) or {@code in_photons_list} (a
 * text file naming one photons file per line, relative to the list's folder, concatenated in order; a line
 * "file dataset" names dense HDF5 frames), each either the binary .emc or Dragonfly's HDF5 layout; or
 * from spipy-style dense patterns ({@code in_patterns_file}).
 *
 * <p>Beta: {@code beta = x} is an absolute start (spipy, Dragonfly); {@code beta = auto} is Dragonfly's
 * automatic start from the photon counts, which is also used when only {@code beta_factor} is given.
 * {@code beta_factor} multiplies the start, {@code beta_schedule = jump period} multiplies it by jump
 * every period iterations, and {@code beta_max} caps it (Dragonfly's fixed cap of 1 is the default).
 */
public record EmcSettings(
        Path configFile,
        List<PhotonsSource> photons,
        Path patternsFile,
        String patternsDataset,
        Path detectorFile,
        Path maskFile,
        /** Experiment geometry from [parameters], for making a detector when no detector file is given. */
        DetectorGeometry.Params detectorSpec,
        String selection,
        Path startModelFile,
        Path outputFolder,
        int iterations,
        EmcParams params) {

    /** One photons file of a run; {@code denseDataset} names dense HDF5 frames, null for sparse photons. */
    public record PhotonsSource(Path file, String denseDataset) {}

    public static final Map<String, Set<String>> KNOWN = Map.of(
            "parameters",
                    Set.of("detd", "lambda", "detsize", "pixsize", "stoprad", "polarization", "ewald_rad", "center"),
            "make_detector", Set.of("in_mask_file", "out_detector_file"),
            "emc",
                    Set.of(
                            "in_photons_file",
                            "in_photons_list",
                            "in_patterns_file",
                            "in_patterns_dataset",
                            "in_detector_file",
                            "in_mask_file",
                            "num_div",
                            "need_scaling",
                            "beta",
                            "beta_factor",
                            "beta_max",
                            "beta_schedule",
                            "merge_rule",
                            "sym_icosahedral",
                            "selection",
                            "start_model_file",
                            "output_folder",
                            "num_iter",
                            "random_seed",
                            "log_file"));

    /** The single photons file, or null when there is none or several. */
    public Path photonsFile() {
        return photons.size() == 1 && photons.get(0).denseDataset() == null
                ? photons.get(0).file()
                : null;
    }

    public static EmcSettings read(Path file, int threads) {
        return from(IniConfig.read(file), threads);
    }

    /** Reads and checks a config; relative paths and the default output folder resolve against its folder. */
    public static EmcSettings from(IniConfig c, int threads) {
        c.checkKnown(KNOWN);
        Path file = c.source() != null ? c.source() : c.folder().resolve("emc.ini");
        String name = file.getFileName().toString();
        Path photonsFile = c.getPath("emc", "in_photons_file", null);
        Path photonsList = c.getPath("emc", "in_photons_list", null);
        Path patterns = c.getPath("emc", "in_patterns_file", null);
        int given = (photonsFile != null ? 1 : 0) + (photonsList != null ? 1 : 0) + (patterns != null ? 1 : 0);
        if (given != 1) {
            throw new UserError(name + ": give exactly one of [emc] in_photons_file (Dragonfly .emc or HDF5 photons), "
                    + "in_photons_list (a text file of photons files) or in_patterns_file (HDF5 patterns)");
        }
        List<PhotonsSource> photons = photonsFile != null
                ? List.of(new PhotonsSource(photonsFile, null))
                : photonsList != null ? readList(photonsList) : List.of();
        String dataset = c.getString("emc", "in_patterns_dataset", "/patterns");
        Path detector = c.getPath("emc", "in_detector_file", null);
        Path mask = c.getPath("emc", "in_mask_file", c.getPath("make_detector", "in_mask_file", null));
        DetectorGeometry.Params spec = null;
        if (detector == null) {
            double[] detsize = c.getDoubles("parameters", "detsize", 2, null);
            if (detsize == null) {
                throw new UserError(name + ": no [emc] in_detector_file and no [parameters] detsize; give one of them");
            }
            double[] center = c.has("parameters", "center")
                            && !c.getString("parameters", "center", "none").equalsIgnoreCase("none")
                    ? c.getDoubles("parameters", "center", 2, null)
                    : new double[] {Double.NaN, Double.NaN};
            String ewald = c.getString("parameters", "ewald_rad", "none");
            spec = new DetectorGeometry.Params(
                    positive(c, name, "detd"),
                    positive(c, name, "lambda"),
                    (int) detsize[0],
                    (int) detsize[1],
                    positive(c, name, "pixsize"),
                    c.getDouble("parameters", "stoprad", 0),
                    c.getChoice("parameters", "polarization", "x", "x", "y", "none"),
                    ewald.equalsIgnoreCase("none") ? Double.NaN : c.getDouble("parameters", "ewald_rad", 0),
                    center[0],
                    center[1]);
        }
        String selection = c.getChoice("emc", "selection", "none", "even_only", "odd_only", "none", "None");
        Path start = c.getPath("emc", "start_model_file", null);
        Path out = c.getPath("emc", "output_folder", c.folder().resolve("output"));
        int iterations = c.getInt("emc", "num_iter", 10);
        if (iterations < 1) {
            throw new UserError(name + ": [emc] num_iter must be >= 1");
        }
        int numDiv = c.getInt("emc", "num_div", 4);
        if (numDiv < 1 || numDiv > 40) {
            throw new UserError(
                    name + ": [emc] num_div " + numDiv + " is out of range; use 1..40 (4 gives 3240 rotations)");
        }
        String mergeRule = c.getString("emc", "merge_rule", MergeRule.DEFAULT.key());
        EmcParams params = EmcParams.builder()
                .numDiv(numDiv)
                .needScaling(c.getBool("emc", "need_scaling", false))
                .beta(beta(c, name))
                .symIcosahedral(c.getBool("emc", "sym_icosahedral", false))
                .threads(threads)
                .seed(c.getLong("emc", "random_seed", 1L))
                .mergeRule(MergeRule.parse(mergeRule, name + " [emc]"))
                .build();
        return new EmcSettings(
                file, photons, patterns, dataset, detector, mask, spec, selection, start, out, iterations, params);
    }

    private static BetaSchedule beta(IniConfig c, String name) {
        String b = c.getString("emc", "beta", "").trim();
        boolean hasFactor = c.has("emc", "beta_factor");
        double start;
        if (b.equalsIgnoreCase("auto") || b.isEmpty() && hasFactor) {
            start = Double.NaN;
        } else if (b.isEmpty()) {
            start = 1.0;
        } else {
            start = c.getDouble("emc", "beta", 1.0);
            if (!(start > 0) || Double.isInfinite(start)) {
                throw new UserError(name + ": [emc] beta must be > 0 or auto");
            }
        }
        double factor = c.getDouble("emc", "beta_factor", 1.0);
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new UserError(name + ": [emc] beta_factor must be > 0");
        }
        double max = c.getDouble("emc", "beta_max", 1.0);
        if (!(max > 0) || Double.isInfinite(max)) {
            throw new UserError(name + ": [emc] beta_max must be > 0 (Dragonfly caps beta at 1)");
        }
        double[] schedule = c.has("emc", "beta_schedule")
                        && !c.getString("emc", "beta_schedule", "none").equalsIgnoreCase("none")
                ? c.getDoubles("emc", "beta_schedule", 2, null)
                : new double[] {1, 0};
        if (!(schedule[0] > 0) || schedule[1] < 0 || schedule[1] != Math.rint(schedule[1])) {
            throw new UserError(name + ": [emc] beta_schedule must be 'factor every' with factor > 0 and a whole "
                    + "number of iterations, e.g. '1.41421356 10'");
        }
        return new BetaSchedule(start, factor, schedule[0], (int) schedule[1], max);
    }

    /** Dragonfly's in_photons_list: one photons file per line (optionally "file dataset"), blank lines skipped. */
    static List<PhotonsSource> readList(Path list) {
        List<String> lines;
        try {
            lines = Files.readAllLines(list);
        } catch (NoSuchFileException e) {
            throw new UserError(list + ": no such photons list; give a text file with one photons file per line", e);
        } catch (IOException e) {
            throw new UserError(list + ": cannot read (" + e.getMessage() + "); check the file's permissions", e);
        }
        Path folder = list.toAbsolutePath().getParent();
        List<PhotonsSource> out = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            if (words.length > 2) {
                throw new UserError(list + ": line '" + line.trim() + "' has " + words.length
                        + " words; give 'photons_file' or 'patterns_file dataset' per line");
            }
            Path p = Path.of(words[0]);
            out.add(new PhotonsSource(
                    p.isAbsolute() ? p : folder.resolve(p).normalize(), words.length == 2 ? words[1] : null));
        }
        if (out.isEmpty()) {
            throw new UserError(list + ": names no photons files; give one photons file per line");
        }
        return out;
    }

    private static double positive(IniConfig c, String name, String key) {
        if (!c.has("parameters", key)) {
            throw new UserError(name + ": [parameters] " + key + " is missing (needed to make the detector); set it "
                    + "or give [emc] in_detector_file");
        }
        double v = c.getDouble("parameters", key, 0);
        if (!(v > 0)) {
            throw new UserError(name + ": [parameters] " + key + " must be > 0");
        }
        return v;
    }

    /** The config's beta described for the log. */
    public String describeBeta() {
        BetaSchedule b = params.beta();
        return String.format(
                Locale.ROOT,
                "%s x %.4g, x %.4g every %d iterations, at most %.4g",
                b.automatic() ? "auto" : String.format(Locale.ROOT, "%.4g", b.start()),
                b.factor(),
                b.jump(),
                b.period(),
                b.max());
    }
}
