package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;

/**
 * Every option of a merge or post-refinement run, typed and checked once: read from an INI file with prime's
 * (and cxi.merge's) parameter names, or from a prime params.phil ({@link PrimePhil}), optionally with the
 * mode the command chose. Immutable; {@link #toIni} writes it back (absolute paths) so the ranks read
 * exactly what the launcher checked. Defaults are prime's where prime has the key. Unknown keys are refused
 * with the nearest known name, so a typo does not fall back to a default silently.
 *
 * @param configFile  the file the options came from (names it in errors)
 * @param nProcessors default total of ranks x threads when the command line gives no --ranks/--threads
 */
public record XtalSettings(
        Path configFile,
        Mode mode,
        Input input,
        Target target,
        Filters meanScale,
        Filters merge,
        Filters scale,
        Filters allParams,
        Scaling scaling,
        Postref postref,
        Ambiguity ambiguity,
        Output output,
        int nProcessors) {

    /**
     * @param model        reference intensities (.mtz, CrystFEL .hkl, or a .pdb to compute them from), or null
     * @param isoReference prime's hklisoin: reference for CCiso only (null: the model, if any)
     * @param pixelSizeMm  kept for prime compatibility and logged; integrated streams need no pixel geometry
     */
    public record Input(Path data, Path model, Path isoReference, double pixelSizeMm) {}

    /**
     * @param ucToleranceDeg angle tolerance in degrees when given (NaN: angles by uc_tolerance percent, as prime)
     */
    public record Target(UnitCell cell, SpaceGroup group, int nResidues, boolean anomalous, double ucToleranceDeg) {}

    /**
     * Per-crystal scaling and its safety bounds.
     *
     * @param bMax          |B| (A^2, relative to the reference) above which a crystal is rejected
     * @param scaleDriftMax a crystal whose scale moves by more than this factor (B fit against the B-free
     *                      scale; post-refinement against its start) is rejected
     * @param polarisationFraction fraction of the beam polarised horizontally (lab x, CrystFEL's "horiz")
     */
    public record Scaling(
            double frameAcceptMinCc,
            boolean bFactor,
            double bMax,
            double scaleDriftMax,
            boolean polarisation,
            double polarisationFraction) {}

    /** prime's post-refinement controls; outlierSigma rejects a crystal's observations far from its fit. */
    public record Postref(
            int cycles, int subCycles, boolean refineScale, boolean refineAllParams, double outlierSigma) {}

    public enum AmbiguityMode {
        AUTO,
        NONE
    }

    /**
     * prime's indexing_ambiguity scope: resolve merohedral ambiguities against {@code reference} (or [main]
     * model), or without one by Brehm-Diederichs on the nSelectedFrames crystals with the most
     * reflections among nSampleFrames spread over the stream.
     */
    public record Ambiguity(
            AmbiguityMode mode,
            Path reference,
            double dMin,
            double dMax,
            double sigmaMin,
            int nSampleFrames,
            int nSelectedFrames) {}

    /** Outputs beside the prefix. */
    public record Output(Path prefix, int nBins, MtzLabels mtzLabels, boolean includeNegatives, boolean saveCycles) {}

    /** Sections and keys the INI form accepts. */
    public static final Map<String, Set<String>> KNOWN = Map.of(
            "main",
                    Set.of(
                            "mode",
                            "data",
                            "model",
                            "hklisoin",
                            "pixel_size_mm",
                            "target_unit_cell",
                            "target_space_group",
                            "n_residues",
                            "anomalous",
                            "n_postref_cycle",
                            "n_postref_sub_cycle",
                            "n_processors",
                            "output_prefix",
                            "mtz_labels",
                            "include_negatives",
                            "save_cycles",
                            "flag_LP_correction",
                            "polarization_horizontal_fraction"),
            "scale", Set.of("d_min", "d_max", "sigma_min"),
            "merge",
                    Set.of(
                            "d_min",
                            "d_max",
                            "sigma_min",
                            "partiality_min",
                            "uc_tolerance",
                            "uc_tolerance_deg",
                            "frame_accept_min_cc",
                            "min_corr",
                            "b_factor",
                            "b_max",
                            "scale_drift_max",
                            "n_bins"),
            "postref_scale", Set.of("flag_on", "d_min", "d_max", "sigma_min", "partiality_min", "uc_tolerance"),
            "postref_allparams",
                    Set.of("flag_on", "d_min", "d_max", "sigma_min", "partiality_min", "uc_tolerance", "outlier_sigma"),
            "indexing_ambiguity",
                    Set.of(
                            "mode",
                            "index_basis_in",
                            "d_min",
                            "d_max",
                            "sigma_min",
                            "n_sample_frames",
                            "n_selected_frames"));

    /** Reads a config (INI, or a prime .phil); its [main] mode must say what to run. */
    public static XtalSettings read(Path file) {
        return read(file, null);
    }

    /** Reads a config; a non-null {@code mode} (the command's) wins over the file's [main] mode. */
    public static XtalSettings read(Path file, Mode mode) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(
                    file + ": no such config file; copy conf/refine-merge.ini or conf/refine-postrefine.ini");
        }
        return of(config(file), file, mode);
    }

    /** A config file as the stage reads it: prime's params.phil, or our INI. */
    public static IniConfig config(Path file) {
        return PrimePhil.isPhil(file) ? PrimePhil.read(file) : IniConfig.read(file);
    }

    /** Checks and types a parsed config whose [main] mode says what to run. */
    public static XtalSettings from(IniConfig c) {
        return of(c, c.source() != null ? c.source() : c.folder().resolve("refine.ini"), null);
    }

    /** Checks and types a parsed config; {@code file} names it in errors. */
    public static XtalSettings of(IniConfig c, Path file, Mode modeOverride) {
        c.checkKnown(KNOWN);
        String name = file.getFileName().toString();
        Mode mode = modeOverride;
        if (mode == null) {
            String m = c.getString("main", "mode", null);
            if (m == null) {
                throw new UserError(name + ": [main] mode is missing; write mode = merge or mode = postrefine (the "
                        + "commands 'diffract refine merge' and 'diffract refine postrefine' set it)");
            }
            mode = Mode.of(m, name + ": [main] mode");
        }
        Input input = input(c, name);
        Target target = target(c, name);
        Filters meanScale = new Filters(
                positive(c, name, "scale", "d_min", 0.1),
                positive(c, name, "scale", "d_max", 99),
                optional(c, "scale", "sigma_min", 1.5),
                0,
                Double.NaN);
        Filters merge = filters(c, name, "merge", -3.0);
        Filters scale = filters(c, name, "postref_scale", 1.5);
        Filters all = filters(c, name, "postref_allparams", 1.5);
        Scaling scaling = scaling(c, name);
        Postref postref = new Postref(
                range(c, name, "main", "n_postref_cycle", 3, 0, 100),
                range(c, name, "main", "n_postref_sub_cycle", 1, 1, 20),
                c.getBool("postref_scale", "flag_on", true),
                c.getBool("postref_allparams", "flag_on", true),
                positive(c, name, "postref_allparams", "outlier_sigma", 5));
        Ambiguity ambiguity = ambiguity(c, name);
        int nBins = range(c, name, "merge", "n_bins", 10, 1, 100);
        Path prefix = c.getPath("main", "output_prefix", c.folder().resolve("merged"));
        if (prefix == null || prefix.getFileName() == null) {
            throw new UserError(name + ": [main] output_prefix must name a file prefix, e.g. out/merged");
        }
        Output output = new Output(
                prefix.toAbsolutePath().normalize(),
                nBins,
                MtzLabels.of(c.getString("main", "mtz_labels", "IMEAN"), name + ": [main] mtz_labels"),
                c.getBool("main", "include_negatives", false),
                c.getBool("main", "save_cycles", false));
        int nProc = range(c, name, "main", "n_processors", 1, 1, 100_000);
        return new XtalSettings(
                file, mode, input, target, meanScale, merge, scale, all, scaling, postref, ambiguity, output, nProc);
    }

    private static Input input(IniConfig c, String name) {
        Path data = c.getPath("main", "data", null);
        if (data == null) {
            throw new UserError(name + ": [main] data is missing; give the CrystFEL .stream file to merge");
        }
        if (!Files.isRegularFile(data)) {
            throw new UserError(name + ": [main] data = " + data + " does not exist; give the CrystFEL .stream file");
        }
        Path model = existing(c, name, "model", "an .mtz, CrystFEL .hkl or .pdb reference, or None");
        Path iso = existing(c, name, "hklisoin", "an .mtz or .hkl reference for CCiso, or None");
        return new Input(
                data.toAbsolutePath().normalize(), model, iso, c.getDouble("main", "pixel_size_mm", Double.NaN));
    }

    private static Path existing(IniConfig c, String name, String key, String what) {
        Path p = c.getPath("main", key, null);
        if (p != null && !Files.isRegularFile(p)) {
            throw new UserError(name + ": [main] " + key + " = " + p + " does not exist; give " + what);
        }
        return p == null ? null : p.toAbsolutePath().normalize();
    }

    private static Target target(IniConfig c, String name) {
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
        String metric = cell.metricProblem(sg);
        if (metric != null) {
            throw new UserError(name + ": [main] target_unit_cell " + cell + " does not fit " + sg + ": " + metric
                    + "; fix the cell or the space group");
        }
        int nRes = range(c, name, "main", "n_residues", 0, 0, 10_000_000);
        double deg = Double.NaN;
        if (c.has("merge", "uc_tolerance_deg")) {
            deg = positive(c, name, "merge", "uc_tolerance_deg", Double.NaN);
        }
        return new Target(cell, sg, nRes, c.getBool("main", "anomalous", false), deg);
    }

    private static Filters filters(IniConfig c, String name, String section, double sigmaDefault) {
        double dMin = positive(c, name, section, "d_min", 0.1);
        double dMax = positive(c, name, section, "d_max", 99);
        if (!(dMax > dMin)) {
            throw new UserError(
                    name + ": [" + section + "] need d_min < d_max (angstrom); got d_min " + dMin + ", d_max " + dMax);
        }
        double pMin = c.getDouble(section, "partiality_min", 0.1);
        if (pMin < 0 || pMin >= 1) {
            throw new UserError(name + ": [" + section + "] partiality_min must be in [0, 1)");
        }
        double tol = section.equals("postref_scale") || section.equals("postref_allparams") || section.equals("merge")
                ? positive(c, name, section, "uc_tolerance", 5)
                : Double.NaN;
        return new Filters(dMin, dMax, optional(c, section, "sigma_min", sigmaDefault), pMin, tol);
    }

    private static Scaling scaling(IniConfig c, String name) {
        if (c.has("merge", "min_corr") && c.has("merge", "frame_accept_min_cc")) {
            throw new UserError(name + ": [merge] min_corr (cxi.merge) and frame_accept_min_cc (prime) are the same "
                    + "threshold; keep one");
        }
        double minCc = c.has("merge", "min_corr")
                ? c.getDouble("merge", "min_corr", 0.25)
                : c.getDouble("merge", "frame_accept_min_cc", 0.25);
        if (minCc < -1 || minCc >= 1) {
            throw new UserError(name + ": [merge] frame_accept_min_cc must be in [-1, 1)");
        }
        double drift = positive(c, name, "merge", "scale_drift_max", 10);
        if (drift <= 1) {
            throw new UserError(name + ": [merge] scale_drift_max is a factor and must be > 1");
        }
        double fraction = c.getDouble("main", "polarization_horizontal_fraction", 1.0);
        if (fraction < 0 || fraction > 1) {
            throw new UserError(name + ": [main] polarization_horizontal_fraction must be in [0, 1]");
        }
        return new Scaling(
                minCc,
                c.getBool("merge", "b_factor", false),
                positive(c, name, "merge", "b_max", 100),
                drift,
                c.getBool("main", "flag_LP_correction", true),
                fraction);
    }

    private static Ambiguity ambiguity(IniConfig c, String name) {
        String s = "indexing_ambiguity";
        AmbiguityMode mode = AmbiguityMode.valueOf(
                c.getChoice(s, "mode", "auto", "auto", "none").toUpperCase(Locale.ROOT));
        Path ref = c.getPath(s, "index_basis_in", null);
        if (ref != null && !Files.isRegularFile(ref)) {
            throw new UserError(name + ": [" + s + "] index_basis_in = " + ref
                    + " does not exist; give an .mtz or .hkl " + "reference in the wanted indexing, or None");
        }
        double dMin = positive(c, name, s, "d_min", 3.0), dMax = positive(c, name, s, "d_max", 10.0);
        if (!(dMax > dMin)) {
            throw new UserError(name + ": [" + s + "] need d_min < d_max (angstrom)");
        }
        return new Ambiguity(
                mode,
                ref == null ? null : ref.toAbsolutePath().normalize(),
                dMin,
                dMax,
                optional(c, s, "sigma_min", 1.5),
                range(c, name, s, "n_sample_frames", 300, 2, 1_000_000),
                range(c, name, s, "n_selected_frames", 100, 2, 100_000));
    }

    private static double positive(IniConfig c, String name, String section, String key, double dflt) {
        double v = c.getDouble(section, key, dflt);
        if (!(v > 0)) {
            throw new UserError(name + ": [" + section + "] " + key + " must be > 0; got " + v);
        }
        return v;
    }

    private static int range(IniConfig c, String name, String section, String key, int dflt, int min, int max) {
        int v = c.getInt(section, key, dflt);
        if (v < min || v > max) {
            throw new UserError(name + ": [" + section + "] " + key + " must be in " + min + ".." + max + "; got " + v);
        }
        return v;
    }

    /** A number, or None/empty for -infinity (no cut). */
    private static double optional(IniConfig c, String section, String key, double dflt) {
        String v = c.getString(section, key, null);
        if (v == null) {
            return dflt;
        }
        if (v.isBlank() || v.equalsIgnoreCase("none")) {
            return Double.NEGATIVE_INFINITY;
        }
        return c.getDouble(section, key, dflt);
    }

    public UnitCell targetCell() {
        return target.cell();
    }

    public SpaceGroup spaceGroup() {
        return target.group();
    }

    public Path data() {
        return input.data();
    }

    public Path outputPrefix() {
        return output.prefix();
    }

    public Path outputFolder() {
        return output.prefix().getParent();
    }

    /** Output file next to the prefix: prefix + suffix, e.g. ".mtz" or "_stats.txt". */
    public Path output(String suffix) {
        return output.prefix().resolveSibling(output.prefix().getFileName() + suffix);
    }

    /** A file in the output folder, for outputs named as prime names them (postref_cycle_1_merge.mtz). */
    public Path outputFile(String fileName) {
        return outputFolder().resolve(fileName);
    }

    public XtalSettings withMode(Mode m) {
        return new XtalSettings(
                configFile,
                m,
                input,
                target,
                meanScale,
                merge,
                scale,
                allParams,
                scaling,
                postref,
                ambiguity,
                output,
                nProcessors);
    }

    /** Whether a crystal's cell is within a step's percentage tolerance (and the degree one, when given). */
    public boolean cellWithin(UnitCell cell, double tolerancePercent) {
        return cell.isWithin(target.cell(), tolerancePercent, target.ucToleranceDeg());
    }

    /** Every option as INI text with absolute paths: the file the ranks read. */
    public String toIni() {
        Map<String, Map<String, String>> s = new LinkedHashMap<>();
        Map<String, String> main = section(s, "main");
        main.put("mode", mode.word());
        main.put("data", input.data().toString());
        main.put("model", pathOrNone(input.model()));
        main.put("hklisoin", pathOrNone(input.isoReference()));
        if (Double.isFinite(input.pixelSizeMm())) {
            main.put("pixel_size_mm", num(input.pixelSizeMm()));
        }
        double[] uc = target.cell().toArray();
        main.put(
                "target_unit_cell",
                num(uc[0]) + " " + num(uc[1]) + " " + num(uc[2]) + " " + num(uc[3]) + " " + num(uc[4]) + " "
                        + num(uc[5]));
        main.put("target_space_group", target.group().hm());
        main.put("n_residues", Integer.toString(target.nResidues()));
        main.put("anomalous", Boolean.toString(target.anomalous()));
        main.put("n_postref_cycle", Integer.toString(postref.cycles()));
        main.put("n_postref_sub_cycle", Integer.toString(postref.subCycles()));
        main.put("n_processors", Integer.toString(nProcessors));
        main.put("output_prefix", output.prefix().toString());
        main.put("mtz_labels", output.mtzLabels().word());
        main.put("include_negatives", Boolean.toString(output.includeNegatives()));
        main.put("save_cycles", Boolean.toString(output.saveCycles()));
        main.put("flag_LP_correction", Boolean.toString(scaling.polarisation()));
        main.put("polarization_horizontal_fraction", num(scaling.polarisationFraction()));
        Map<String, String> sc = section(s, "scale");
        sc.put("d_min", num(meanScale.dMin()));
        sc.put("d_max", num(meanScale.dMax()));
        sc.put("sigma_min", num(meanScale.sigmaMin()));
        Map<String, String> m = putFilters(section(s, "merge"), merge);
        if (Double.isFinite(target.ucToleranceDeg())) {
            m.put("uc_tolerance_deg", num(target.ucToleranceDeg()));
        }
        m.put("frame_accept_min_cc", num(scaling.frameAcceptMinCc()));
        m.put("b_factor", Boolean.toString(scaling.bFactor()));
        m.put("b_max", num(scaling.bMax()));
        m.put("scale_drift_max", num(scaling.scaleDriftMax()));
        m.put("n_bins", Integer.toString(output.nBins()));
        putFilters(section(s, "postref_scale"), scale).put("flag_on", Boolean.toString(postref.refineScale()));
        Map<String, String> a = putFilters(section(s, "postref_allparams"), allParams);
        a.put("flag_on", Boolean.toString(postref.refineAllParams()));
        a.put("outlier_sigma", num(postref.outlierSigma()));
        Map<String, String> amb = section(s, "indexing_ambiguity");
        amb.put("mode", ambiguity.mode().name().toLowerCase(Locale.ROOT));
        amb.put("index_basis_in", pathOrNone(ambiguity.reference()));
        amb.put("d_min", num(ambiguity.dMin()));
        amb.put("d_max", num(ambiguity.dMax()));
        amb.put("sigma_min", num(ambiguity.sigmaMin()));
        amb.put("n_sample_frames", Integer.toString(ambiguity.nSampleFrames()));
        amb.put("n_selected_frames", Integer.toString(ambiguity.nSelectedFrames()));
        StringBuilder sb = new StringBuilder(
                "# every option of this run, as checked by the launcher (diffract refine " + mode.word() + ")\n");
        for (Map.Entry<String, Map<String, String>> e : s.entrySet()) {
            sb.append('[').append(e.getKey()).append("]\n");
            for (Map.Entry<String, String> kv : e.getValue().entrySet()) {
                sb.append(kv.getKey()).append(" = ").append(kv.getValue()).append('\n');
            }
        }
        return sb.toString();
    }

    private static Map<String, String> section(Map<String, Map<String, String>> s, String name) {
        return s.computeIfAbsent(name, k -> new LinkedHashMap<>());
    }

    private static Map<String, String> putFilters(Map<String, String> m, Filters f) {
        m.put("d_min", num(f.dMin()));
        m.put("d_max", num(f.dMax()));
        m.put("sigma_min", num(f.sigmaMin()));
        m.put("partiality_min", num(f.partialityMin()));
        m.put("uc_tolerance", num(f.ucTolerance()));
        return m;
    }

    private static String num(double v) {
        if (v == Double.NEGATIVE_INFINITY) {
            return "None";
        }
        // shortest text that parses back to the same double
        return Double.toString(v);
    }

    private static String pathOrNone(Path p) {
        return p == null ? "None" : p.toString();
    }
}
