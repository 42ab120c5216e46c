package org.diffract.core.stage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.diffract.core.config.IniConfig;
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
     * Checks the whole config as the ranks will read it (a bad key or value fails here, in one line, before any
     * rank starts) and returns the folder the stage writes its results, log and checkpoint into.
     */
    Path outputFolder(IniConfig config);

    /** {@link #outputFolder(IniConfig)} of a config file. */
    default Path outputFolder(Path config) {
        return outputFolder(readConfig(config));
    }

    /** Reads a config file of this stage: our INI by default; a stage may also take its original tool's format. */
    default IniConfig readConfig(Path file) {
        return IniConfig.read(file);
    }

    /** The log the ranks of a run write (log4j2 file appender), for a config that passed {@link #outputFolder}. */
    default Path logFile(IniConfig config) {
        return outputFolder(config).resolve("diffract.log");
    }

    /**
     * Fixes into the config what the command itself decides (the xtal stage's mode) and the defaults that depend on
     * when or where the run starts (e.g. "the next free output folder"), so the ranks, reading the config later,
     * see what the launcher checked. Most stages have none.
     *
     * @return whether the output folder was chosen here (the launcher then tells the user where the run writes)
     */
    default boolean pinDefaults(IniConfig config) {
        return false;
    }

    /**
     * Which names, of files or folders directly inside the output folder, a run of this config writes (results, log,
     * config copy, checkpoint). After a failed run the launcher removes those it made and puts back those it
     * replaced, and leaves every other file alone. Default: all of them, for a stage whose output folder is its own;
     * a stage that writes beside other files (spots, beside the frames) names its own.
     */
    default Predicate<String> runFiles(IniConfig config) {
        return name -> true;
    }

    /** The words of the stage's command under {@code diffract}: {@code [emc]}, {@code [refine, subtomo]}. */
    default List<String> command() {
        return List.of(name());
    }

    /** A part of a stage that can run alone ({@code correlate center}), with one line for help texts. */
    record Step(String name, String description) {}

    /**
     * The steps a run can be limited to, each a subcommand whose name the rank main gets as its first extra argument;
     * empty when the stage runs as a whole.
     */
    default List<Step> steps() {
        return List.of();
    }

    /**
     * The config key ({@code section.key}) giving the number of processes a run uses, as prime's n_processors does:
     * without --ranks/--threads the launcher splits it into ranks (at most the cores) and threads. Null: none.
     */
    default String processesKey() {
        return null;
    }

    /** The stage's own options, each standing for a config key, beside the launcher's --config and --set. */
    default List<StageOption> options() {
        return List.of();
    }

    /** Whether a run needs a config file (else the options alone may describe it). */
    default boolean needsConfig() {
        return true;
    }

    /** Whether the stage keeps a checkpoint that {@code --resume} continues from. */
    default boolean resumable() {
        return false;
    }

    /**
     * Picocli command objects (benchmarks, comparisons) that the launcher adds under the stage's command, e.g.
     * {@code diffract emc bench}: they live beside the code they call.
     */
    default List<Object> tools() {
        return List.of();
    }

    /**
     * Bytes of heap one rank needs for this config, or -1 when the stage does not estimate it. The launcher logs it,
     * refuses a run whose --heap is smaller, and otherwise gives the ranks' JVMs a heap from it.
     */
    default long heapBytes(IniConfig config, int ranks, int threads) {
        return -1;
    }

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
