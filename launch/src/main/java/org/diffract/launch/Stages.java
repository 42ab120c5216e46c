package org.diffract.launch;

import java.util.List;
import java.util.stream.Collectors;

import org.diffract.core.UserError;
import org.diffract.refine.xtal.Mode;

/** The registry of stages the launcher can run. */
public final class Stages {
    private static final List<Stage> ALL = List.of(new EmcStage(), new CorrelateStage(), new SpotsStage(),
            new SubtomoStage(), new XtalStage(Mode.MERGE), new XtalStage(Mode.POSTREFINE));

    private Stages() {
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
