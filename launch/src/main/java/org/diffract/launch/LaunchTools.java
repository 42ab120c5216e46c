package org.diffract.launch;

import java.util.List;

/**
 * The benchmark and comparison commands that still live in launch, by stage name, until each moves next to the
 * code it times and is listed by its stage's {@link org.diffract.core.stage.Stage#tools()}.
 */
final class LaunchTools {
    private LaunchTools() {}

    static List<Object> of(String stage) {
        return switch (stage) {
            case "emc" -> List.of(new EmcBenchCommand(), new EmcCompareCommand());
            default -> List.of();
        };
    }
}
