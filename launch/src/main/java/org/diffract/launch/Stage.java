package org.diffract.launch;

import java.nio.file.Path;

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
}
