package org.diffract.launch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import org.diffract.core.UserError;
import org.diffract.core.stage.Stage;

/**
 * The stages the launcher can run: every {@link Stage} on the class path (each stage module lists its own in
 * META-INF/services), in name order so listings do not depend on the class path's order.
 */
public final class Stages {
    private static final List<Stage> ALL = load();

    private Stages() {}

    private static List<Stage> load() {
        List<Stage> all = new ArrayList<>();
        ServiceLoader.load(Stage.class, Stages.class.getClassLoader()).forEach(all::add);
        all.sort(Comparator.comparing(Stage::name));
        return List.copyOf(all);
    }

    public static List<Stage> all() {
        return ALL;
    }

    public static Stage byName(String name) {
        for (Stage s : ALL) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new UserError("unknown stage '" + name + "'; known: "
                + ALL.stream().map(Stage::name).collect(Collectors.joining(", ")));
    }
}
