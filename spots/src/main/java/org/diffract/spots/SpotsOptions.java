package org.diffract.spots;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;

/**
 * Every option of LaueUtil's lu_hdf2spots, read from the [spots] section of a config (conf/spots.ini)
 * with command-line values overriding it. The same resolution runs in the CLI (to fail before any rank
 * starts) and in each rank.
 */
public record SpotsOptions(Path input, Path output, String method, int nPercent, double alpha, double cutoff,
                           int erosions, int dilations, Structure structure, int minAngles, String sync,
                           boolean gzip) {
    public static final String SECTION = "spots";
    /** The config keys, in the order of conf/spots.ini; each is also a command-line option. */
    public static final List<String> KEYS = List.of("input", "output", "method", "n_percent", "alpha", "cutoff",
            "erosions", "dilations", "structure", "min_angles", "sync", "compression");

    /** Reads {@code config} (may be null) with {@code overrides} (config key to value) applied on top. */
    public static SpotsOptions resolve(Path config, Map<String, String> overrides) {
        IniConfig ini = config == null ? IniConfig.empty(null) : IniConfig.read(config);
        ini.checkKnown(Map.of(SECTION, Set.copyOf(KEYS)));
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new UserError("unknown spots option '" + e.getKey() + "'; known: " + String.join(", ", KEYS));
            }
            ini.set(SECTION, e.getKey(), e.getValue());
        }
        return from(ini);
    }

    /** Reads and checks the [spots] section of a config (relative paths against the config's folder). */
    public static SpotsOptions from(IniConfig ini) {
        ini.checkKnown(Map.of(SECTION, Set.copyOf(KEYS)));
        Path config = ini.source();
        Path input = ini.getPath(SECTION, "input", null);
        if (input == null) {
            throw new UserError("no input file: give FILE__mccd.h5 on the command line or input = ... in "
                    + (config == null ? "the config" : config));
        }
        Path output = ini.getPath(SECTION, "output", null);
        if (output == null) {
            output = defaultOutput(input);
        }
        String method = ini.getChoice(SECTION, "method", "n_removed", "n_removed", "kruskal");
        int n = ini.getInt(SECTION, "n_percent", 25);
        if (n < 0 || n >= 100) {
            throw bad(config, "n_percent (-n)", n + "", "a whole percentage 0..99 (0 means 25)");
        }
        if (n == 0) {
            n = 25;
        }
        double alpha = ini.getDouble(SECTION, "alpha", 0.05);
        if (!(alpha > 0 && alpha < 1)) {
            throw bad(config, "alpha (-A)", alpha + "", "a significance level between 0 and 1, e.g. 0.05");
        }
        double cutoff = ini.getDouble(SECTION, "cutoff", 3.0);
        if (!(cutoff >= 0)) {
            throw bad(config, "cutoff (-c)", cutoff + "", "a number of standard deviations >= 0, e.g. 3");
        }
        int erosions = ini.getInt(SECTION, "erosions", 1);
        int dilations = ini.getInt(SECTION, "dilations", 2);
        if (erosions < 0 || erosions > 100 || dilations < 0 || dilations > 100) {
            throw bad(config, "erosions/dilations (-e/-d)", erosions + "/" + dilations, "whole numbers 0..100");
        }
        Structure structure = Structure.parse(ini.getString(SECTION, "structure", "2,2"));
        int minAngles = ini.getInt(SECTION, "min_angles", 10);
        if (minAngles < 1) {
            throw bad(config, "min_angles (-a)", minAngles + "", "a whole number >= 1");
        }
        String sync = ini.getChoice(SECTION, "sync", "none", "none", "pairs", "blocks");
        String compression = ini.getChoice(SECTION, "compression", "gzip", "gzip", "none");
        return new SpotsOptions(input, output, method, n, alpha, cutoff, erosions, dilations, structure, minAngles,
                sync, compression.equals("gzip"));
    }

    /** FILE__mccd.h5 gives FILE__spots.h5 beside it; any other name.h5 gives name__spots.h5. */
    public static Path defaultOutput(Path input) {
        String name = input.getFileName().toString();
        String stem = name.endsWith("__mccd.h5") ? name.substring(0, name.length() - "__mccd.h5".length())
                : name.endsWith(".h5") ? name.substring(0, name.length() - 3) : name;
        return input.resolveSibling(stem + "__spots.h5");
    }

    /** The options as config-key overrides, e.g. to hand a resolved run to the ranks. */
    public Map<String, String> asOverrides() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("input", input.toAbsolutePath().toString());
        m.put("output", output.toAbsolutePath().toString());
        m.put("method", method);
        m.put("n_percent", Integer.toString(nPercent));
        m.put("alpha", Double.toString(alpha));
        m.put("cutoff", Double.toString(cutoff));
        m.put("erosions", Integer.toString(erosions));
        m.put("dilations", Integer.toString(dilations));
        m.put("structure", structure.rank() + "," + structure.connectivity());
        m.put("min_angles", Integer.toString(minAngles));
        m.put("sync", sync);
        m.put("compression", gzip ? "gzip" : "none");
        return m;
    }

    /** Rank-main arguments {@code --set key=value ...} carrying these options. */
    public List<String> asArgs() {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : asOverrides().entrySet()) {
            args.add("--set");
            args.add(e.getKey() + "=" + e.getValue());
        }
        return args;
    }

    /** Parses {@code --set key=value} pairs (what {@link #asArgs} writes). */
    public static Map<String, String> parseSetArgs(List<String> args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.equals("--set") || i + 1 >= args.size() || !args.get(i + 1).contains("=")) {
                throw new UserError("unknown argument '" + a + "' for the spots rank main; expected --set key=value");
            }
            String kv = args.get(++i);
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    public boolean kruskal() {
        return method.equals("kruskal");
    }

    private static UserError bad(Path config, String key, String value, String expected) {
        return new UserError(String.format(Locale.ROOT, "%s = %s is not valid%s; give %s", key, value,
                config == null ? "" : " (from " + config + " or the command line)", expected));
    }
}
