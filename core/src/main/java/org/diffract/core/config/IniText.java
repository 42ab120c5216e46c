package org.diffract.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An INI file edited as text: setting or removing a key changes only that line, so the comments that
 * document every key in the conf/ templates stay in a project's config (IniConfig rewrites the whole file
 * and drops them). Reading with the stage's own IniConfig-based settings stays the authority on values.
 */
public final class IniText {
    private final List<String> lines;

    private IniText(List<String> lines) {
        this.lines = lines;
    }

    public static IniText parse(String text) {
        return new IniText(new ArrayList<>(List.of(text.split("\n", -1))));
    }

    public String text() {
        return String.join("\n", lines);
    }

    public Optional<String> get(String section, String key) {
        int i = find(section, key);
        return i < 0 ? Optional.empty() : Optional.of(value(lines.get(i)));
    }

    /** Replaces the key's line, or adds it at the end of its section (the section at the end of the file). */
    public IniText set(String section, String key, String value) {
        String line = key + " = " + value;
        int i = find(section, key);
        if (i >= 0) {
            lines.set(i, line);
            return this;
        }
        int start = sectionStart(section);
        if (start < 0) {
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            lines.add("");
            lines.add("[" + section + "]");
            lines.add(line);
            lines.add("");
            return this;
        }
        int last = start;
        for (int j = start + 1; j < lines.size() && sectionName(lines.get(j)) == null; j++) {
            if (keyName(lines.get(j)) != null) {
                last = j;
            }
        }
        lines.add(last + 1, line);
        return this;
    }

    public IniText remove(String section, String key) {
        int i = find(section, key);
        if (i >= 0) {
            lines.remove(i);
        }
        return this;
    }

    private int sectionStart(String section) {
        for (int i = 0; i < lines.size(); i++) {
            if (section.equals(sectionName(lines.get(i)))) {
                return i;
            }
        }
        return -1;
    }

    private int find(String section, String key) {
        int start = sectionStart(section);
        if (start < 0) {
            return -1;
        }
        for (int j = start + 1; j < lines.size() && sectionName(lines.get(j)) == null; j++) {
            if (key.equals(keyName(lines.get(j)))) {
                return j;
            }
        }
        return -1;
    }

    private static String sectionName(String line) {
        String t = line.trim();
        return t.startsWith("[") && t.endsWith("]")
                ? t.substring(1, t.length() - 1).trim()
                : null;
    }

    private static String keyName(String line) {
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
            return null;
        }
        int eq = t.indexOf('=');
        return eq > 0 ? t.substring(0, eq).trim() : null;
    }

    private static String value(String line) {
        return line.substring(line.indexOf('=') + 1).trim();
    }
}
