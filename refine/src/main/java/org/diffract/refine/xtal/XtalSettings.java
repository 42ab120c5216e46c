package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;

/**
 * A merge or post-refinement run as its config file describes it, with prime's (and cxi.merge's)
 * parameter names: [main] data, pixel_size_mm, model, target_unit_cell, target_space_group, n_residues,
 * n_postref_cycle, n_processors, output_prefix; [merge] d_min d_max sigma_min partiality_min uc_tolerance
 * min_corr b_factor n_bins; [postref_scale] flag_on; [postref_allparams] flag_on outlier_sigma.
 * Unknown keys are refused so a typo does not fall back to a default silently.
 *
 * @param model        reference intensities (.mtz or CrystFEL .hkl), or null for a mean-scaled start
 * @param pixelSizeMm  kept for prime compatibility and logged; integrated streams need no pixel geometry
 * @param sigmaMin     observations with I/sigma(I) below this are not used (-infinity: none removed)
 * @param nProcessors  default total of ranks x threads when the command line gives no --ranks/--threads
 */
public record XtalSettings(Path configFile, Path data, Path model, double pixelSizeMm, UnitCell targetCell,
                           SpaceGroup spaceGroup, int nResidues, double dMin, double dMax, double sigmaMin,
                           double partialityMin, double ucTolerance, double minCorr, boolean bFactor, int nBins,
                           int nPostrefCycles, boolean refineScale, boolean refineAllParams, double outlierSigma,
                           int nProcessors, Path outputPrefix) {

    public static final Map<String, Set<String>> KNOWN = Map.of(
            "main", Set.of("data", "pixel_size_mm", "model", "target_unit_cell", "target_space_group", "n_residues",
                    "n_postref_cycle", "n_processors", "output_prefix"),
            "merge", Set.of("d_min", "d_max", "sigma_min", "partiality_min", "uc_tolerance", "min_corr", "b_factor",
                    "n_bins"),
            "postref_scale", Set.of("flag_on"),
            "postref_allparams", Set.of("flag_on", "outlier_sigma"));

    public static XtalSettings read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such config file; copy conf/refine-merge.ini or conf/refine-postrefine.ini");
        }
        return from(IniConfig.read(file));
    }

    /** Reads and checks a config; relative paths and the default output prefix resolve against its folder. */
    public static XtalSettings from(IniConfig c) {
        c.checkKnown(KNOWN);
        Path file = c.source() != null ? c.source() : c.folder().resolve("refine.ini");
        String name = file.getFileName().toString();
        Path data = c.getPath("main", "data", null);
        if (data == null) {
            throw new UserError(name + ": [main] data is missing; give the CrystFEL .stream file to merge");
        }
        if (!Files.isRegularFile(data)) {
            throw new UserError(name + ": [main] data = " + data + " does not exist; give the CrystFEL .stream file");
        }
        Path model = c.getPath("main", "model", null);
        if (model != null && !Files.isRegularFile(model)) {
            throw new UserError(name + ": [main] model = " + model + " does not exist; give an .mtz or .hkl reference "
                    + "or None");
        }
        double[] uc = c.getDoubles("main", "target_unit_cell", 6, null);
        if (uc == null) {
            throw new UserError(name + ": [main] target_unit_cell is missing; give 'a b c alpha beta gamma' (A, deg)");
        }
        UnitCell cell;
        try {
            cell = UnitCell.of(uc);
        } catch (UserError e) {
            throw new UserError(name + ": [main] target_unit_cell: " + e.getMessage());
        }
        String sgName = c.getString("main", "target_space_group", null);
        if (sgName == null) {
            throw new UserError(name + ": [main] target_space_group is missing; give e.g. 'P 21 21 21' or 19");
        }
        SpaceGroup sg;
        try {
            sg = SpaceGroups.find(sgName);
        } catch (UserError e) {
            throw new UserError(name + ": [main] target_space_group: " + e.getMessage());
        }
        int nRes = c.getInt("main", "n_residues", 0);
        if (nRes < 0) {
            throw new UserError(name + ": [main] n_residues must be >= 0");
        }
        double dMin = c.getDouble("merge", "d_min", 0.1);
        double dMax = c.getDouble("merge", "d_max", 99);
        if (!(dMin > 0) || !(dMax > dMin)) {
            throw new UserError(name + ": [merge] need 0 < d_min < d_max (angstrom); got d_min " + dMin + ", d_max " + dMax);
        }
        double sigmaMin = optional(c, "merge", "sigma_min", Double.NEGATIVE_INFINITY);
        double pMin = c.getDouble("merge", "partiality_min", 0.1);
        if (pMin < 0 || pMin >= 1) {
            throw new UserError(name + ": [merge] partiality_min must be in [0, 1)");
        }
        double tol = c.getDouble("merge", "uc_tolerance", 5);
        if (!(tol > 0)) {
            throw new UserError(name + ": [merge] uc_tolerance must be > 0 (percent for edges, degrees for angles)");
        }
        double minCorr = c.getDouble("merge", "min_corr", 0.1);
        int nBins = c.getInt("merge", "n_bins", 10);
        if (nBins < 1 || nBins > 100) {
            throw new UserError(name + ": [merge] n_bins must be in 1..100");
        }
        int cycles = c.getInt("main", "n_postref_cycle", 3);
        if (cycles < 0 || cycles > 100) {
            throw new UserError(name + ": [main] n_postref_cycle must be in 0..100");
        }
        double outlier = c.getDouble("postref_allparams", "outlier_sigma", 5);
        if (!(outlier > 0)) {
            throw new UserError(name + ": [postref_allparams] outlier_sigma must be > 0");
        }
        int nProc = c.getInt("main", "n_processors", 1);
        if (nProc < 1) {
            throw new UserError(name + ": [main] n_processors must be >= 1");
        }
        Path prefix = c.getPath("main", "output_prefix", c.folder().resolve("merged"));
        if (prefix == null) {
            throw new UserError(name + ": [main] output_prefix must name a file prefix, e.g. out/merged");
        }
        return new XtalSettings(file, data, model, c.getDouble("main", "pixel_size_mm", Double.NaN), cell, sg, nRes,
                dMin, dMax, sigmaMin, pMin, tol, minCorr, c.getBool("merge", "b_factor", false), nBins, cycles,
                c.getBool("postref_scale", "flag_on", true), c.getBool("postref_allparams", "flag_on", true), outlier,
                nProc, prefix);
    }

    private static double optional(IniConfig c, String section, String key, double dflt) {
        String v = c.getString(section, key, null);
        if (v == null || v.isBlank() || v.equalsIgnoreCase("none")) {
            return dflt;
        }
        return c.getDouble(section, key, dflt);
    }

    public Path outputFolder() {
        Path p = outputPrefix.toAbsolutePath().getParent();
        return p;
    }

    /** Output file next to the prefix: prefix + suffix, e.g. ".mtz" or "_stats.txt". */
    public Path output(String suffix) {
        return outputPrefix.resolveSibling(outputPrefix.getFileName() + suffix);
    }
}
