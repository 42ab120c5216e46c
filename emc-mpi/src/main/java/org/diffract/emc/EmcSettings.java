package org.diffract.emc;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;

/**
 * An EMC run as a config file describes it, in Dragonfly / spipy merge.emc terms. Sections:
 * [parameters] the experiment (detd mm, lambda A, detsize px, pixsize mm, stoprad px, polarization,
 * ewald_rad px, center px), [make_detector] in_mask_file, [emc] inputs, outputs and the algorithm's
 * knobs. Unknown keys are rejected so a typo does not silently fall back to a default.
 */
public record EmcSettings(Path configFile, Path photonsFile, Path patternsFile, String patternsDataset,
                          Path detectorFile, Path maskFile, DetectorSpec detectorSpec, String selection,
                          Path startModelFile, Path outputFolder, int iterations, EmcParams params) {

    /** Experiment geometry from [parameters], for making a detector when no detector file is given. */
    public record DetectorSpec(double detdMm, double lambdaA, int nx, int ny, double pixsizeMm, double stopradPx,
                               String polarization, double ewaldRadPx, double centerX, double centerY) {
    }

    public static final Map<String, Set<String>> KNOWN = Map.of(
            "parameters", Set.of("detd", "lambda", "detsize", "pixsize", "stoprad", "polarization", "ewald_rad",
                    "center"),
            "make_detector", Set.of("in_mask_file", "out_detector_file"),
            "emc", Set.of("in_photons_file", "in_patterns_file", "in_patterns_dataset", "in_detector_file",
                    "in_mask_file", "num_div", "need_scaling", "beta", "beta_schedule", "sym_icosahedral",
                    "selection", "start_model_file", "output_folder", "num_iter", "random_seed", "log_file"));

    public static EmcSettings read(Path file, int threads) {
        return from(IniConfig.read(file), threads);
    }

    /** Reads and checks a config; relative paths and the default output folder resolve against its folder. */
    public static EmcSettings from(IniConfig c, int threads) {
        c.checkKnown(KNOWN);
        Path file = c.source() != null ? c.source() : c.folder().resolve("emc.ini");
        String name = file.getFileName().toString();
        Path photons = c.getPath("emc", "in_photons_file", null);
        Path patterns = c.getPath("emc", "in_patterns_file", null);
        if ((photons == null) == (patterns == null)) {
            throw new UserError(name + ": give exactly one of [emc] in_photons_file (Dragonfly .emc) or "
                    + "in_patterns_file (HDF5 patterns)");
        }
        String dataset = c.getString("emc", "in_patterns_dataset", "/patterns");
        Path detector = c.getPath("emc", "in_detector_file", null);
        Path mask = c.getPath("emc", "in_mask_file", c.getPath("make_detector", "in_mask_file", null));
        DetectorSpec spec = null;
        if (detector == null) {
            double[] detsize = c.getDoubles("parameters", "detsize", 2, null);
            if (detsize == null) {
                throw new UserError(name + ": no [emc] in_detector_file and no [parameters] detsize; give one of them");
            }
            double[] center = c.has("parameters", "center") && !c.getString("parameters", "center", "none")
                    .equalsIgnoreCase("none") ? c.getDoubles("parameters", "center", 2, null)
                    : new double[] {Double.NaN, Double.NaN};
            String ewald = c.getString("parameters", "ewald_rad", "none");
            spec = new DetectorSpec(positive(c, name, "detd"), positive(c, name, "lambda"), (int) detsize[0],
                    (int) detsize[1], positive(c, name, "pixsize"), c.getDouble("parameters", "stoprad", 0),
                    c.getChoice("parameters", "polarization", "x", "x", "y", "none"),
                    ewald.equalsIgnoreCase("none") ? Double.NaN : c.getDouble("parameters", "ewald_rad", 0),
                    center[0], center[1]);
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
            throw new UserError(name + ": [emc] num_div " + numDiv + " is out of range; use 1..40 (4 gives 3240 rotations)");
        }
        double beta = c.getDouble("emc", "beta", 1.0);
        if (!(beta > 0)) {
            throw new UserError(name + ": [emc] beta must be > 0");
        }
        double[] schedule = c.has("emc", "beta_schedule")
                && !c.getString("emc", "beta_schedule", "none").equalsIgnoreCase("none")
                ? c.getDoubles("emc", "beta_schedule", 2, null) : new double[] {1, 0};
        if (!(schedule[0] > 0) || schedule[1] < 0 || schedule[1] != Math.rint(schedule[1])) {
            throw new UserError(name + ": [emc] beta_schedule must be 'factor every' with factor > 0 and a whole "
                    + "number of iterations, e.g. '1.41421356 10'");
        }
        EmcParams params = new EmcParams(numDiv, c.getBool("emc", "need_scaling", false), beta, schedule[0],
                (int) schedule[1], c.getBool("emc", "sym_icosahedral", false), threads,
                c.getLong("emc", "random_seed", 1L));
        return new EmcSettings(file, photons, patterns, dataset, detector, mask, spec, selection, start, out,
                iterations, params);
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
}
