package org.diffract.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;

/**
 * A Dragonfly/spipy-style INI file: {@code [section]} headers and {@code key = value} lines; comments are lines
 * starting with # or ;, or the rest of a value after whitespace and #. Keys are case-sensitive, a later
 * duplicate overrides an earlier one, and sections and keys keep their first-seen order for writing.
 * Every typed getter reports a bad value as one line naming the file, section, key, value and what is expected.
 *
 * <p>Relative paths resolve against the config's folder: the file's own, or the one a run copy names in its
 * reserved {@code [diffract] config_folder} entry. The launcher writes such a copy (the user's config plus
 * command-line overrides) into the run folder for the ranks, and every path and folder-relative default in it
 * still means what it meant in the user's file.
 */
public final class IniConfig {
    /** The reserved section and key of a run copy: the folder of the config it was made from. */
    public static final String RESERVED_SECTION = "diffract";

    public static final String FOLDER_KEY = "config_folder";

    private final Path source;
    private final Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    /** Set for a run copy (read from, and written to, the reserved entry); else the source file's folder. */
    private Path explicitFolder;

    private IniConfig(Path source) {
        this.source = source;
    }

    /** An empty configuration that {@link #set} fills, e.g. for writing a new file. */
    public static IniConfig empty(Path source) {
        return new IniConfig(source);
    }

    public static IniConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError(
                    file + ": no such file; create one with 'diffract project new' or copy conf/emc.ini", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + "); check the file's permissions", e);
        }
        return parse(text, file);
    }

    /** Parses INI text; {@code source} names it in errors and anchors relative paths (may be null). */
    public static IniConfig parse(String text, Path source) {
        IniConfig c = new IniConfig(source);
        String section = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new UserError(c.name() + ": line " + (i + 1) + " '" + line
                            + "' is not a section header; write it as [name]");
                }
                section = line.substring(1, line.length() - 1).strip();
                c.sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new UserError(c.name() + ": line " + (i + 1) + " '" + line + "' is not 'key = value'; "
                        + "fix or comment it out with #");
            }
            if (section == null) {
                throw new UserError(c.name() + ": line " + (i + 1) + " '" + line + "' comes before any [section]; "
                        + "put it under a section such as [emc]");
            }
            String key = line.substring(0, eq).strip();
            String value = stripComment(line.substring(eq + 1)).strip();
            if (section.equals(RESERVED_SECTION) && key.equals(FOLDER_KEY)) {
                c.explicitFolder = Path.of(value);
                continue;
            }
            c.sections.get(section).put(key, value);
        }
        if (c.explicitFolder != null
                && c.sections.getOrDefault(RESERVED_SECTION, Map.of()).isEmpty()) {
            c.sections.remove(RESERVED_SECTION);
        }
        return c;
    }

    /** Drops an inline comment: '#' preceded by whitespace (so a value like 'a#b' stays whole). */
    private static String stripComment(String value) {
        for (int i = 1; i < value.length(); i++) {
            if (value.charAt(i) == '#' && Character.isWhitespace(value.charAt(i - 1))) {
                return value.substring(0, i);
            }
        }
        return value.startsWith("#") ? "" : value;
    }

    public Path source() {
        return source;
    }

    /**
     * The folder relative paths and folder-relative defaults (an output folder beside the config) resolve
     * against: a run copy's recorded folder, else the config file's folder, else the working directory.
     */
    public Path folder() {
        if (explicitFolder != null) {
            return explicitFolder;
        }
        Path parent = source == null ? null : source.toAbsolutePath().getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }

    /** Records {@code folder} as this config's folder (written into the reserved entry by {@link #toText}). */
    public IniConfig withFolder(Path folder) {
        this.explicitFolder = folder.toAbsolutePath().normalize();
        return this;
    }

    private String name() {
        return source == null ? "config" : source.toString();
    }

    public boolean has(String section, String key) {
        Map<String, String> s = sections.get(section);
        return s != null && s.containsKey(key);
    }

    public Optional<String> get(String section, String key) {
        Map<String, String> s = sections.get(section);
        return s == null ? Optional.empty() : Optional.ofNullable(s.get(key));
    }

    public String getString(String section, String key, String dflt) {
        return get(section, key).orElse(dflt);
    }

    public int getInt(String section, String key, int dflt) {
        long v = getLong(section, key, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw bad(section, key, "a whole number between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    public long getLong(String section, String key, long dflt) {
        Optional<String> v = get(section, key);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw bad(section, key, "a whole number, e.g. " + key + " = 10");
        }
    }

    public double getDouble(String section, String key, double dflt) {
        Optional<String> v = get(section, key);
        return v.isEmpty() ? dflt : parseDouble(section, key, v.get(), "a finite number, e.g. " + key + " = 1.5");
    }

    private double parseDouble(String section, String key, String text, String expected) {
        double d;
        try {
            d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw bad(section, key, expected);
        }
        if (!Double.isFinite(d)) {
            throw bad(section, key, expected);
        }
        return d;
    }

    public boolean getBool(String section, String key, boolean dflt) {
        Optional<String> v = get(section, key);
        if (v.isEmpty()) {
            return dflt;
        }
        switch (v.get().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on":
                return true;
            case "0", "false", "no", "off":
                return false;
            default:
                throw bad(section, key, "one of 0/1, true/false, yes/no, on/off");
        }
    }

    /**
     * Numbers separated by spaces and/or commas, e.g. {@code detsize = 150 150}; {@code count} > 0 demands
     * exactly that many.
     */
    public double[] getDoubles(String section, String key, int count, double[] dflt) {
        Optional<String> v = get(section, key);
        if (v.isEmpty()) {
            return dflt;
        }
        String expected = count > 0
                ? count + " finite numbers separated by spaces or commas"
                : "finite numbers separated by spaces or commas";
        String trimmed = v.get().strip();
        String[] parts = trimmed.isEmpty() ? new String[0] : trimmed.split("[\\s,]+");
        if (parts.length == 0 || (count > 0 && parts.length != count)) {
            throw bad(section, key, expected);
        }
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parseDouble(section, key, parts[i], expected);
        }
        return out;
    }

    /** One of {@code allowed}, matched ignoring case and returned in the allowed spelling. */
    public String getChoice(String section, String key, String dflt, String... allowed) {
        Optional<String> v = get(section, key);
        if (v.isEmpty()) {
            return dflt;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v.get())) {
                return a;
            }
        }
        throw bad(section, key, "one of " + String.join(", ", allowed));
    }

    /**
     * A path; relative paths resolve against the config file's folder so a project can be run from anywhere.
     * An empty value or None/none gives null.
     */
    public Path getPath(String section, String key, Path dflt) {
        Optional<String> v = get(section, key);
        if (v.isEmpty()) {
            return dflt;
        }
        String s = v.get();
        if (s.isEmpty() || s.equalsIgnoreCase("none")) {
            return null;
        }
        Path p;
        try {
            p = Path.of(s);
        } catch (InvalidPathException e) {
            throw bad(section, key, "a valid file path");
        }
        if (source == null && explicitFolder == null) {
            return p;
        }
        return resolve(p);
    }

    /** A path as this config means it: relative ones against {@link #folder()}. */
    public Path resolve(Path p) {
        return p.isAbsolute() ? p : folder().resolve(p).normalize();
    }

    public IniConfig set(String section, String key, String value) {
        if (value.contains("\n") || key.contains("=") || key.isBlank()) {
            throw new IllegalArgumentException("cannot store key '" + key + "' with value '" + value + "' in INI");
        }
        sections.computeIfAbsent(section, s -> new LinkedHashMap<>()).put(key, value);
        return this;
    }

    public Set<String> sections() {
        return Collections.unmodifiableSet(sections.keySet());
    }

    public Set<String> keys(String section) {
        Map<String, String> s = sections.get(section);
        return s == null ? Set.of() : Collections.unmodifiableSet(s.keySet());
    }

    /** The configuration as INI text, sections and keys in order; comments of the original are not kept. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        if (explicitFolder != null) {
            sb.append('[')
                    .append(RESERVED_SECTION)
                    .append("]\n")
                    .append(FOLDER_KEY)
                    .append(" = ")
                    .append(explicitFolder)
                    .append('\n');
        }
        for (Map.Entry<String, Map<String, String>> s : sections.entrySet()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append('[').append(s.getKey()).append("]\n");
            for (Map.Entry<String, String> e : s.getValue().entrySet()) {
                sb.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
            }
        }
        return sb.toString();
    }

    public void write(Path file) {
        AtomicFiles.writeString(file, toText());
    }

    /**
     * Refuses sections and keys not in {@code allowed} (section -> keys), suggesting the nearest known name, so
     * a typo such as nm_div is caught before a long run instead of silently using the default.
     */
    public void checkKnown(Map<String, Set<String>> allowed) {
        for (Map.Entry<String, Map<String, String>> s : sections.entrySet()) {
            for (String key : s.getValue().keySet()) {
                checkKnown(name(), s.getKey(), key, allowed);
            }
            if (s.getValue().isEmpty()) {
                checkKnown(name(), s.getKey(), null, allowed);
            }
        }
    }

    /**
     * Refuses one key (null: only the section) not in {@code allowed}, in one line starting with {@code where}
     * (the config file, or the option that set it) and suggesting the nearest known name.
     */
    public static void checkKnown(String where, String section, String key, Map<String, Set<String>> allowed) {
        Set<String> keys = allowed.get(section);
        if (keys == null) {
            throw new UserError(
                    where + ": unknown section [" + section + "]" + suggestion(section, allowed.keySet(), "[", "]"));
        }
        if (key != null && !keys.contains(key)) {
            throw new UserError(
                    where + ": unknown key '" + key + "' in [" + section + "]" + suggestion(key, keys, "'", "'"));
        }
    }

    private static List<String> sorted(Set<String> names) {
        List<String> l = new ArrayList<>(names);
        Collections.sort(l);
        return l;
    }

    private static String suggestion(String word, Set<String> known, String open, String close) {
        List<String> names = sorted(known);
        String best = EditDistance.nearest(word, names, 3);
        String list = String.join(", ", names);
        return best == null ? "; known: " + list : "; did you mean " + open + best + close + "? (known: " + list + ")";
    }

    private UserError bad(String section, String key, String expected) {
        return new UserError(name() + ": [" + section + "] " + key + " = '"
                + get(section, key).orElse("") + "' is not valid; expected " + expected);
    }
}
