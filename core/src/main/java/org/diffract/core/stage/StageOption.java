package org.diffract.core.stage;

import java.util.List;

/**
 * A command-line option of a stage that stands for one config key: LaueUtil's {@code -c 3.0} sets
 * {@code [spots] cutoff = 3.0}. The launcher builds every stage's command from these, applies them to the config
 * the same way as {@code --set section.key=value}, and the stage checks the result once; so an option and its key
 * cannot drift apart, and the ranks read exactly what was checked.
 *
 * @param names the option's names ({@code -c}, {@code --cutoff}); empty for a positional parameter
 * @param section config section the value goes to
 * @param key config key the value goes to
 * @param label the value's name in help texts ({@code FILE}); unused for a flag
 * @param description one line for help texts
 * @param kind how the option takes its value
 */
public record StageOption(List<String> names, String section, String key, String label, String description, Kind kind) {
    /**
     * A value ({@code -c 3.0}), a flag that sets the key to {@code true}, a value that may be left out (then
     * {@code true}, as EMAN2's {@code --hacref[=N]}), or a positional parameter.
     */
    public enum Kind {
        VALUE,
        FLAG,
        OPTIONAL_VALUE,
        POSITIONAL
    }

    public StageOption {
        names = List.copyOf(names);
        if ((kind == Kind.POSITIONAL) != names.isEmpty()) {
            throw new IllegalArgumentException("a positional parameter has no names, an option has some: " + key);
        }
    }

    public static StageOption value(String section, String key, String label, String description, String... names) {
        return new StageOption(List.of(names), section, key, label, description, Kind.VALUE);
    }

    public static StageOption flag(String section, String key, String description, String... names) {
        return new StageOption(List.of(names), section, key, "", description, Kind.FLAG);
    }

    public static StageOption optionalValue(
            String section, String key, String label, String description, String... names) {
        return new StageOption(List.of(names), section, key, label, description, Kind.OPTIONAL_VALUE);
    }

    public static StageOption positional(String section, String key, String label, String description) {
        return new StageOption(List.of(), section, key, label, description, Kind.POSITIONAL);
    }

    /** {@code section.key}, as {@code --set} and {@link Stage#pathKeys()} name it. */
    public String qualifiedKey() {
        return section + "." + key;
    }
}
