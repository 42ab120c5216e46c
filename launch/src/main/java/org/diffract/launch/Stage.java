package org.diffract.launch;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A stage of the suite as the launcher sees it: its MPJ rank main, its config template and where it
 * keeps results and checkpoints. Adding a stage = one implementation registered in {@link Stages};
 * running, scheduling, status and resume are the launcher's, shared by all stages.
 */
public interface Stage {
    /** The word users type: {@code diffract run emc}. */
    String name();

    /** One line for help texts. */
    String description();

    /** Fully qualified class whose main(String[]) is the MPJ rank entry (uses core's RankMain). */
    String rankMainClass();

    /** File name of the stage's config template in conf/ (packaged in the jar under conf/). */
    String configTemplate();

    /**
     * Reads and checks the config (bad keys fail here, before any rank starts) and returns the folder
     * the stage writes its results, log and checkpoint into.
     */
    Path outputFolder(Path config);

    /** The config section and key holding the number of iterations, or null if the stage has none. */
    String[] iterationsKey();

    /** Iterations completed according to the checkpoint in the output folder, or 0 without one. */
    int iterationsDone(Path outputFolder);

    /*
     * The methods below have defaults so that a stage written against the first version of this interface
     * still compiles; a stage overrides them to take part in projects, status and resume.
     */

    /** Every section and its keys the stage's config accepts: {@code project config} rejects anything else. */
    default Map<String, Set<String>> knownKeys() {
        return Map.of();
    }

    /**
     * Fills a new project's copy of the config template with its data: {@code data} is the project's link to
     * the user's file (relative to the project folder) and {@code dataset} the path inside it.
     */
    default void useData(IniText config, Path project, String data, String dataset) {
    }

    /** The checkpoint a resumed run continues from, inside the output folder. */
    default Path checkpoint(Path outputFolder) {
        return outputFolder.resolve("checkpoint.h5");
    }

    /** Seconds each completed iteration took, oldest first, from the stage's log in the output folder. */
    default double[] iterationSeconds(Path outputFolder) {
        return new double[0];
    }
}
