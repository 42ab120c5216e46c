package org.diffract.spots;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Writer.Compression;

/**
 * Every option of LaueUtil's lu_hdf2spots as one typed, checked, immutable record. It is read once from the
 * [spots] section of a config (conf/spots.ini) with command-line values on top (the launcher's one options path,
 * or {@link #resolve} for tests); every rank reads the run copy of that config with {@link #read}, so the options
 * cross the rank boundary as the same text the user can read.
 *
 * <p>{@link Key} is the one list of the options: config key, the tool's short and long option, and default.
 */
public record SpotsOptions(
        Path input,
        Path output,
        Method method,
        int nPercent,
        double alpha,
        double cutoff,
        int erosions,
        int dilations,
        Structure structure,
        int minAngles,
        Sync sync,
        Compression compression) {
    public static final String SECTION = "spots";

    /** How the background statistics leave out the spot values (-m). */
    public enum Method {
        /** Drop a fixed share of the largest values per pixel (-n). */
        N_REMOVED,
        /** Laser data: drop the largest values while a Kruskal-Wallis test says the laser groups differ. */
        KRUSKAL;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which frames share one mask (-S): each its own, off/on pairs, or all frames at one angle. */
    public enum Sync {
        NONE,
        PAIRS,
        BLOCKS;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The options: config key, lu_hdf2spots' short and long option (null for the positional input), default. */
    public enum Key {
        INPUT("input", null, null, null, "FILE__mccd.h5", "input frames"),
        OUTPUT(
                "output",
                "-o",
                "--output",
                null,
                "FILE__spots.h5",
                "output file (default: the input's name with __spots.h5)"),
        METHOD("method", "-m", "--method", "n_removed", "n_removed|kruskal", "background statistics method"),
        N_PERCENT("n_percent", "-n", "--n", "25", "N", "percent of largest values removed per pixel; 0 means 25"),
        ALPHA("alpha", "-A", "--alpha", "0.05", "ALPHA", "significance level of the Kruskal-Wallis test"),
        CUTOFF("cutoff", "-c", "--cutoff", "3.0", "CUTOFF", "mask: I >= avg + cutoff * std"),
        EROSIONS("erosions", "-e", "--erosions", "1", "N_EROSIONS", "erosions of each raw mask"),
        DILATIONS("dilations", "-d", "--dilations", "2", "N_DILATIONS", "dilations after the erosions"),
        STRUCTURE(
                "structure",
                "-s",
                "--structure",
                "2,2",
                "rank,connectivity",
                "scipy's generate_binary_structure (2,1 cross; 2,2 square)"),
        MIN_ANGLES(
                "min_angles", "-a", "--angles", "10", "ANGLES", "refuse input with fewer distinct lauecollect/angle"),
        SYNC(
                "sync",
                "-S",
                "--sync",
                "none",
                "none|pairs|blocks",
                "frames sharing one mask: off/on pairs, or all at an angle"),
        COMPRESSION(
                "compression", "-C", "--compression", "gzip", "gzip|lzf|none", "compression of the output datasets");

        private final String key;
        private final String shortOption;
        private final String longOption;
        private final String dflt;
        private final String label;
        private final String help;

        Key(String key, String shortOption, String longOption, String dflt, String label, String help) {
            this.key = key;
            this.shortOption = shortOption;
            this.longOption = longOption;
            this.dflt = dflt;
            this.label = label;
            this.help = help;
        }

        /** The config key in [spots]. */
        public String key() {
            return key;
        }

        /** lu_hdf2spots' short option, e.g. {@code -m}; null for the input (a positional argument). */
        public String shortOption() {
            return shortOption;
        }

        /** lu_hdf2spots' long option, e.g. {@code --method} ({@code --sync} is ours: the tool has only -S). */
        public String longOption() {
            return longOption;
        }

        /** The default as the config would spell it; null where it is derived (output) or required (input). */
        public String defaultValue() {
            return dflt;
        }

        public String label() {
            return label;
        }

        /** One line for --help, with the default. */
        public String help() {
            return dflt == null ? help : help + " (default " + dflt + ")";
        }

        /** A path: relative values are relative to the config file, or to the working folder on the command line. */
        public boolean isPath() {
            return this == INPUT || this == OUTPUT;
        }

        public static Set<String> keys() {
            return Arrays.stream(values()).map(Key::key).collect(Collectors.toUnmodifiableSet());
        }

        static Key of(String key) {
            for (Key k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            throw new UserError("unknown spots option '" + key + "'; known: "
                    + Arrays.stream(values()).map(Key::key).collect(Collectors.joining(", ")));
        }
    }

    /** The checks every instance passes, whichever way it was made. */
    public SpotsOptions {
        if (input == null
                || output == null
                || method == null
                || structure == null
                || sync == null
                || compression == null) {
            throw new IllegalArgumentException("spots options need every value");
        }
        if (nPercent < 1 || nPercent > 99) {
            throw new UserError(
                    "n_percent (-n) = " + nPercent + " is not valid; give a whole percentage 0..99 (0 means 25)");
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new UserError("alpha (-A) = " + alpha + " is not valid; give a significance level between 0 and 1, "
                    + "e.g. 0.05");
        }
        if (!(cutoff >= 0) || Double.isInfinite(cutoff)) {
            throw new UserError("cutoff (-c) = " + cutoff + " is not valid; give a number of standard deviations >= 0, "
                    + "e.g. 3");
        }
        if (erosions < 0 || erosions > 100 || dilations < 0 || dilations > 100) {
            throw new UserError("erosions/dilations (-e/-d) = " + erosions + "/" + dilations
                    + " is not valid; give whole numbers 0..100");
        }
        if (minAngles < 1) {
            throw new UserError("min_angles (-a) = " + minAngles + " is not valid; give a whole number >= 1");
        }
    }

    /** Reads a spots config: the user's (conf/spots.ini), the run copy the launcher wrote, or one {@link #write} made. */
    public static SpotsOptions read(Path config) {
        return resolve(config, Map.of());
    }

    /**
     * Reads {@code config} (may be null) with {@code overrides} (config key to value; paths absolute or relative
     * to the working folder) on top, and checks every value.
     */
    public static SpotsOptions resolve(Path config, Map<String, String> overrides) {
        IniConfig ini = config == null ? IniConfig.empty(null) : IniConfig.read(config);
        ini.checkKnown(Map.of(SECTION, Key.keys()));
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            Key k = Key.of(e.getKey());
            String v = e.getValue();
            ini.set(
                    SECTION,
                    k.key,
                    k.isPath() && !v.isEmpty() ? Path.of(v).toAbsolutePath().toString() : v);
        }
        return from(ini);
    }

    /** Reads and checks the [spots] section of a config (relative paths against the config's folder). */
    public static SpotsOptions from(IniConfig ini) {
        ini.checkKnown(Map.of(SECTION, Key.keys()));
        Path config = ini.source();
        Path input = ini.getPath(SECTION, Key.INPUT.key, null);
        if (input == null) {
            throw new UserError("no input file: give FILE__mccd.h5 on the command line or input = ... in "
                    + (config == null ? "the config" : config));
        }
        Path output = ini.getPath(SECTION, Key.OUTPUT.key, null);
        int n = integer(ini, Key.N_PERCENT);
        if (n == 0) {
            n = 25;
        } else if (n < 0 || n > 99) {
            throw new UserError("n_percent (-n) = " + n + " is not valid; give a whole percentage 0..99 (0 means 25)");
        }
        return new SpotsOptions(
                input.toAbsolutePath(),
                output == null ? defaultOutput(input) : output.toAbsolutePath(),
                choice(ini, Key.METHOD, Method.class),
                n,
                ini.getDouble(SECTION, Key.ALPHA.key, number(Key.ALPHA)),
                ini.getDouble(SECTION, Key.CUTOFF.key, number(Key.CUTOFF)),
                integer(ini, Key.EROSIONS),
                integer(ini, Key.DILATIONS),
                Structure.parse(ini.getString(SECTION, Key.STRUCTURE.key, Key.STRUCTURE.dflt)),
                integer(ini, Key.MIN_ANGLES),
                choice(ini, Key.SYNC, Sync.class),
                choice(ini, Key.COMPRESSION, Compression.class));
    }

    private static int integer(IniConfig ini, Key k) {
        return ini.getInt(SECTION, k.key, Integer.parseInt(k.dflt));
    }

    private static double number(Key k) {
        return Double.parseDouble(k.dflt);
    }

    private static <E extends Enum<E>> E choice(IniConfig ini, Key k, Class<E> type) {
        String[] names = Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT))
                .toArray(String[]::new);
        return Enum.valueOf(type, ini.getChoice(SECTION, k.key, k.dflt, names).toUpperCase(Locale.ROOT));
    }

    /** FILE__mccd.h5 gives FILE__spots.h5 beside it; any other name.h5 gives name__spots.h5. */
    public static Path defaultOutput(Path input) {
        Path in = input.toAbsolutePath();
        String name = in.getFileName().toString();
        String stem = name.endsWith("__mccd.h5")
                ? name.substring(0, name.length() - "__mccd.h5".length())
                : name.endsWith(".h5") ? name.substring(0, name.length() - 3) : name;
        return in.resolveSibling(stem + "__spots.h5");
    }

    /** This record's value of {@code k} as the config spells it (paths absolute). */
    public String value(Key k) {
        // a switch expression over the enum: a new key does not compile until it is written here
        return switch (k) {
            case INPUT -> input.toString();
            case OUTPUT -> output.toString();
            case METHOD -> method.key();
            case N_PERCENT -> Integer.toString(nPercent);
            case ALPHA -> Double.toString(alpha);
            case CUTOFF -> Double.toString(cutoff);
            case EROSIONS -> Integer.toString(erosions);
            case DILATIONS -> Integer.toString(dilations);
            case STRUCTURE -> structure.rank() + "," + structure.connectivity();
            case MIN_ANGLES -> Integer.toString(minAngles);
            case SYNC -> sync.key();
            case COMPRESSION -> compression.key();
        };
    }

    /**
     * Writes every option as a [spots] config that {@link #read} turns back into an equal record (doubles are
     * written in full), for the ranks and as the run's record of what it did.
     */
    public void write(Path file) {
        StringBuilder sb = new StringBuilder("# the options of one diffract spots run, every one resolved; "
                + "diffract spots --config THIS_FILE runs it again\n[" + SECTION + "]\n");
        for (Key k : Key.values()) {
            sb.append(k.key).append(" = ").append(value(k)).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    public boolean kruskal() {
        return method == Method.KRUSKAL;
    }

    public boolean synced() {
        return sync != Sync.NONE;
    }
}
