package org.diffract.core.stage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.diffract.core.config.IniText;

/**
 * What the launcher needs to know of a stage, told by the stage itself: each stage module implements this
 * once and lists it in {@code META-INF/services/org.diffract.core.stage.Stage}; the launcher finds the stages
 * with {@link java.util.ServiceLoader}. So the launcher (projects, running, scheduling, status, resume) holds no
 * stage's file names, log format or keys, and a new stage needs no change in the launcher.
 */
public interface Stage {
    /** The word users type: {@code diffract run emc}. */
    String name();

    /** One line for help texts. */
    String description();

    /** Fully qualified class whose main(String[]) is the MPJ rank entry (core's RankMain around the work). */
    String rankMainClass();

    /** File name of the stage's config template in conf/ (packaged in the jar under conf/). */
    String configTemplate();

    /**
     * Reads and checks the config (bad keys fail here, before any rank starts) and returns the folder the stage
     * writes its results, log and checkpoint into.
     */
    Path outputFolder(Path config);

    /** Every section and its keys the stage's config accepts: {@code project config} rejects anything else. */
    Map<String, Set<String>> knownKeys();

    /**
     * The keys ({@code section.key}) whose values are file or folder paths: relative ones resolve against the
     * config's folder, so a copy of the config written elsewhere makes them absolute.
     */
    default Set<String> pathKeys() {
        return Set.of();
    }

    /**
     * Fills a new project's copy of the config template with its data: {@code data} is the project's link to the
     * user's file (relative to the project folder) and {@code dataset} the path inside it.
     */
    void useData(IniText config, Path project, String data, String dataset);

    /** The config section and key holding the number of iterations; null for a one-pass stage. */
    default String[] iterationsKey() {
        return null;
    }

    /** Iterations completed according to the results in the output folder; 0 without any. */
    default int iterationsDone(Path outputFolder) {
        return 0;
    }

    /** Seconds each completed iteration took, oldest first, from the stage's own log; empty without iterations. */
    default double[] iterationSeconds(Path outputFolder) {
        return new double[0];
    }

    /**
     * The checkpoint a resumed run continues from, inside the output folder; null for a stage that runs in one
     * pass and keeps none (scripts then never add --resume).
     */
    default Path checkpoint(Path outputFolder) {
        return null;
    }

    /** The main results a finished run leaves in the output folder (those that exist), for status and notes. */
    default List<Path> outputs(Path outputFolder) {
        return List.of();
    }
}
