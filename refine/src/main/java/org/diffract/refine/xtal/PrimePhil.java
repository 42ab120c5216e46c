package org.diffract.refine.xtal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.EditDistance;
import org.diffract.core.config.IniConfig;

/**
 * Reads a prime {@code params.phil} (prime.postrefine's input) into our INI keys, so a prime user's file runs
 * unchanged and writes what prime writes (IOBS/SIGIOBS columns, mean_scaled_merge.mtz and
 * postref_cycle_N_merge.mtz in run_no). Every key of prime's master phil is listed here: mapped to one of our options, accepted because
 * the value it has is what we do (or it only steers plots, logging or queues), or refused with the reason.
 * All refusals are reported together in one line. Phil syntax: {@code scope { key = value }} blocks, dotted
 * names ({@code postref.scale.d_min = 2}), # comments, quoted values, choices marked with *.
 */
public final class PrimePhil {
    /** What we do with one prime key. */
    private interface Rule {
        /** Applies the value to the INI form, or returns why we cannot run it (null: fine). */
        String apply(String value, IniConfig ini, Map<String, String> all);
    }

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        map("data", "main", "data");
        RULES.put("run_no", (v, ini, all) -> {
            ini.set("main", "output_prefix", v + "/merged");
            return null;
        });
        ignore("title");
        only("icering.flag_on", "we have no ice-ring exclusion", "false");
        ignore("icering.d_upper");
        ignore("icering.d_lower");
        for (String k : new String[] {"d_min", "d_max", "sigma_min"}) {
            map("scale." + k, "scale", k);
        }
        only(
                "postref.residual_threshold",
                "a refinement step is kept when its checks pass, not by residual percent",
                "5",
                "5.0");
        only("postref.residual_threshold_xy", "we refine no spot positions", "5", "5.0");
        for (String k : new String[] {"d_min", "d_max", "sigma_min", "partiality_min"}) {
            map("postref.scale." + k, "postref_scale", k);
        }
        for (String k : new String[] {"flag_on", "d_min", "d_max", "sigma_min", "partiality_min", "uc_tolerance"}) {
            map("postref.allparams." + k, "postref_allparams", k);
        }
        // prime uses these three scopes only when allparams is off; see separateSteps()
        for (String step : new String[] {"crystal_orientation", "reflecting_range", "unit_cell"}) {
            for (String k : new String[] {"flag_on", "d_min", "d_max", "sigma_min", "partiality_min"}) {
                ignore("postref." + step + "." + k);
            }
        }
        ignore("postref.unit_cell.uc_tolerance");
        for (String k : new String[] {"d_min", "d_max", "sigma_min", "partiality_min", "uc_tolerance"}) {
            map("merge." + k, "merge", k);
        }
        ignore("merge.match_resolution");
        RULES.put("target_unit_cell", (v, ini, all) -> {
            ini.set(
                    "main",
                    "target_unit_cell",
                    v.replace("(", " ").replace(")", " ").replace(",", " ").trim());
            return null;
        });
        map("target_space_group", "main", "target_space_group");
        only("flag_override_unit_cell", "each crystal keeps its own cell", "false");
        map("target_anomalous_flag", "main", "anomalous");
        only("flag_weak_anomalous", "anomalous data are merged anomalous throughout", "false");
        RULES.put(
                "target_crystal_system",
                (v, ini, all) -> isNone(v) ? null : checkSystem(v, all.get("target_space_group")));
        map("n_residues", "main", "n_residues");
        RULES.put("indexing_ambiguity.mode", (v, ini, all) -> {
            if (v.equalsIgnoreCase("auto")) {
                ini.set("indexing_ambiguity", "mode", "auto");
                return null;
            }
            return "we resolve merohedral ambiguities automatically (Auto); Forced needs assigned_basis";
        });
        RULES.put("indexing_ambiguity.index_basis_in", (v, ini, all) -> {
            if (isNone(v)) {
                return null;
            }
            String n = v.toLowerCase(Locale.ROOT);
            if (n.endsWith(".mtz") || n.endsWith(".hkl")) {
                ini.set("indexing_ambiguity", "index_basis_in", v);
                return null;
            }
            return "give an .mtz or .hkl reference; prime's solution pickles are not read";
        });
        only("indexing_ambiguity.assigned_basis", "Forced mode is not implemented", "none", "");
        for (String k : new String[] {"d_min", "d_max", "sigma_min", "n_sample_frames", "n_selected_frames"}) {
            map("indexing_ambiguity." + k, "indexing_ambiguity", k);
        }
        map("hklisoin", "main", "hklisoin");
        map("hklrefin", "main", "model");
        ignore("flag_plot");
        ignore("flag_plot_expert");
        map("n_postref_cycle", "main", "n_postref_cycle");
        map("n_postref_sub_cycle", "main", "n_postref_sub_cycle");
        only("n_rejection_cycle", "outliers are rejected once per crystal fit", "1");
        map("sigma_rejection", "postref_allparams", "outlier_sigma");
        map("n_bins", "merge", "n_bins");
        map("pixel_size_mm", "main", "pixel_size_mm");
        map("frame_accept_min_cc", "merge", "frame_accept_min_cc");
        map("flag_apply_b_by_frame", "merge", "b_factor");
        only("flag_monte_carlo", "we always scale (mark0) and correct partiality", "false");
        only("b_refine_d_min", "B is fitted over the postref_scale resolution range", "99", "99.0");
        only("partiality_model", "we model Lorentzian partiality only", "lorentzian");
        map("flag_LP_correction", "main", "flag_LP_correction");
        map("polarization_horizontal_fraction", "main", "polarization_horizontal_fraction");
        ignore("flag_volume_correction"); // prime.postrefine itself sets it False before running
        only("flag_beam_divergence", "we refine no beam divergence", "false");
        map("n_processors", "main", "n_processors");
        // the energy spread's start value: our reflecting-range radius rs absorbs it
        only("gamma_e", "we model no separate energy spread (rs absorbs it)", "0.003");
        ignore("voigt_nu"); // only read by the Voigt partiality model
        ignore("flag_output_verbose");
        only("flag_replace_sigI", "sigma(I) are the stream's", "false");
        only("percent_cone_fraction", "no cone selection is made", "5", "5.0");
        only("isoform_name", "isoform clustering is not implemented", "none");
        only("rejections", "no per-frame rejection lists are read", "none");
        ignore("flag_hush");
        ignore("timeout_seconds");
        for (String k : new String[] {"mode", "qname", "n_nodes"}) {
            ignore("queue." + k); // prime's own queue submission; diffract run --scheduler does this
        }
        for (String k : new String[] {
            "n_clusters", "isorefin", "d_min", "d_max", "sigma_min", "n_sample_frames", "n_selected_frames"
        }) {
            ignore("isoform_cluster." + k); // read only by prime.isoform_cluster
        }
    }

    private PrimePhil() {}

    private static void map(String key, String section, String iniKey) {
        RULES.put(key, (v, ini, all) -> {
            ini.set(section, iniKey, isNone(v) ? "None" : v);
            return null;
        });
    }

    private static void ignore(String key) {
        RULES.put(key, (v, ini, all) -> null);
    }

    /** Accepted only with one of the values (compared ignoring case): what we do; anything else is refused. */
    private static void only(String key, String why, String... values) {
        RULES.put(key, (v, ini, all) -> {
            for (String ok : values) {
                if (ok.equalsIgnoreCase(v.trim()) || (ok.equals("none") && isNone(v))) {
                    return null;
                }
            }
            return why;
        });
    }

    private static boolean isNone(String v) {
        return v.isBlank() || v.equalsIgnoreCase("none");
    }

    private static String checkSystem(String system, String spaceGroup) {
        if (spaceGroup == null) {
            return null;
        }
        try {
            String ours = SpaceGroups.find(spaceGroup).crystalSystem();
            return ours.equalsIgnoreCase(system.trim()) ? null : "target_space_group " + spaceGroup + " is " + ours;
        } catch (UserError e) {
            return null; // the space group itself is reported when the options are checked
        }
    }

    /** Whether a config file is phil rather than INI: by extension, else by the absence of [section] lines. */
    public static boolean isPhil(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".phil") || n.endsWith(".eff") || n.endsWith(".params")) {
            return true;
        }
        if (n.endsWith(".ini") || n.endsWith(".cfg")) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                    continue;
                }
                return !t.startsWith("[");
            }
        } catch (IOException e) {
            return false; // IniConfig reports the read error
        }
        return false;
    }

    public static IniConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(text, file);
    }

    /** Parses phil text and translates it; {@code file} anchors relative paths and names it in errors. */
    public static IniConfig parse(String text, Path file) {
        String name = file.getFileName().toString();
        Map<String, List<String>> values = flatten(text, name);
        Map<String, String> last = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            last.put(e.getKey(), e.getValue().get(e.getValue().size() - 1));
        }
        IniConfig ini = IniConfig.empty(file);
        // what prime writes and its defaults where ours differ: IOBS columns, every cycle's
        // postref_cycle_N_merge.mtz, 20 resolution bins; the file's own keys below override these
        ini.set("main", "mtz_labels", "IOBS");
        ini.set("main", "save_cycles", "true");
        ini.set("merge", "n_bins", "20");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            String key = e.getKey();
            Rule rule = RULES.get(key);
            if (rule == null) {
                String near = EditDistance.nearest(key, RULES.keySet(), 4);
                problems.add(key + " (not a prime key" + (near != null ? "; did you mean " + near + "?" : "") + ")");
                continue;
            }
            if (key.equals("data") && e.getValue().size() > 1) {
                problems.add("data given " + e.getValue().size() + " times (give one CrystFEL .stream)");
                continue;
            }
            if (key.equals("data")) {
                Path d = file.toAbsolutePath().getParent().resolve(e.getValue().get(0));
                if (Files.isDirectory(d)) {
                    problems.add("data = " + e.getValue().get(0) + " (a folder of prime integration pickles; give the "
                            + "CrystFEL .stream file)");
                    continue;
                }
            }
            String why = rule.apply(last.get(key), ini, last);
            if (why != null) {
                problems.add(key + " = " + last.get(key) + " (" + why + ")");
            }
        }
        String separate = separateSteps(last, ini);
        if (separate != null) {
            problems.add(separate);
        }
        if (!problems.isEmpty()) {
            throw new UserError(name + ": unsupported prime settings: " + String.join("; ", problems)
                    + "; change or remove them (README, refine section, lists every prime key)");
        }
        return ini;
    }

    /**
     * With postref.allparams.flag_on = False prime refines orientation, reflecting range and cell as separate
     * steps (each with its own scope); we refine them together only. All three off means scale only.
     */
    private static String separateSteps(Map<String, String> v, IniConfig ini) {
        if (!"false"
                .equalsIgnoreCase(
                        v.getOrDefault("postref.allparams.flag_on", "true").trim())) {
            return null;
        }
        boolean any = false;
        for (String step : new String[] {"crystal_orientation", "reflecting_range", "unit_cell"}) {
            any |= !"false"
                    .equalsIgnoreCase(v.getOrDefault("postref." + step + ".flag_on", "true")
                            .trim());
        }
        if (any) {
            return "postref.allparams.flag_on = False with crystal_orientation/reflecting_range/unit_cell on (we refine "
                    + "those together only: turn allparams on, or all three off to refine the scale only)";
        }
        ini.set("postref_allparams", "flag_on", "false");
        return null;
    }

    /** Dotted key -> values in file order (a key given twice keeps both: data is multiple in prime). */
    static Map<String, List<String>> flatten(String text, String name) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Deque<String> scopes = new ArrayDeque<>();
        List<String> tokens = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        tokenize(text, name, tokens, lines);
        int i = 0;
        while (i < tokens.size()) {
            String t = tokens.get(i);
            if (t.equals("\n")) {
                i++;
                continue;
            }
            if (t.equals("}")) {
                if (scopes.isEmpty()) {
                    throw new UserError(name + " line " + lines.get(i) + ": '}' closes no scope");
                }
                scopes.pop();
                i++;
                continue;
            }
            if (t.equals("{") || t.equals("=")) {
                throw new UserError(name + " line " + lines.get(i) + ": '" + t + "' without a name before it");
            }
            int j = i + 1;
            while (j < tokens.size() && tokens.get(j).equals("\n")) {
                j++;
            }
            if (j < tokens.size() && tokens.get(j).equals("{")) {
                scopes.push(t);
                i = j + 1;
                continue;
            }
            if (j >= tokens.size() || !tokens.get(i + 1).equals("=")) {
                throw new UserError(
                        name + " line " + lines.get(i) + ": '" + t + "' is neither 'name = value' nor " + "'scope {'");
            }
            List<String> words = new ArrayList<>();
            j = i + 2;
            while (j < tokens.size()
                    && !tokens.get(j).equals("\n")
                    && !tokens.get(j).equals("}")) {
                words.add(tokens.get(j));
                j++;
            }
            String value = String.join(" ", words);
            for (String w : words) {
                if (w.startsWith("*")) {
                    value = w.substring(1); // a phil choice: the starred word is the one chosen
                }
            }
            List<String> path = new ArrayList<>(scopes);
            Collections.reverse(path);
            path.add(t);
            out.computeIfAbsent(String.join(".", path), k -> new ArrayList<>()).add(value);
            i = j;
        }
        if (!scopes.isEmpty()) {
            throw new UserError(name + ": scope '" + scopes.peek() + " {' is not closed with '}'");
        }
        return out;
    }

    private static void tokenize(String text, String name, List<String> tokens, List<Integer> lines) {
        int line = 1;
        int i = 0, n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                tokens.add("\n");
                lines.add(line++);
                i++;
            } else if (Character.isWhitespace(c) || c == ';') {
                i++;
            } else if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '{' || c == '}' || c == '=') {
                tokens.add(String.valueOf(c));
                lines.add(line);
                i++;
            } else if (c == '"' || c == '\'') {
                int end = text.indexOf(c, i + 1);
                if (end < 0) {
                    throw new UserError(name + " line " + line + ": unclosed quote");
                }
                tokens.add(text.substring(i + 1, end));
                lines.add(line);
                i = end + 1;
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(text.charAt(i)) && "{}=#;".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(text.substring(start, i));
                lines.add(line);
            }
        }
    }

    /** Every prime key we know, for the README and tests. */
    public static Set<String> keys() {
        return RULES.keySet();
    }
}
