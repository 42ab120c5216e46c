package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.stage.Stage;

/**
 * The one options path of every stage: the user's config (or none), the command line's {@code --set
 * section.key=value} and the stage's own options applied on top in the same way, checked once by the stage, and
 * written once into the run's folder. The ranks read that file, so they run exactly what was checked, with every
 * path meaning what it meant where the user wrote it (the copy records the original config's folder).
 */
final class RunConfig {
    private final Stage stage;
    private final IniConfig config;

    private RunConfig(Stage stage, IniConfig config) {
        this.stage = stage;
        this.config = config;
    }

    /** The user's config file, or (null) an empty config whose relative paths resolve in the working folder. */
    static RunConfig load(Stage stage, Path file) {
        if (file == null) {
            return new RunConfig(stage, IniConfig.empty(null).withFolder(Path.of("")));
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such config file; copy conf/" + stage.configTemplate() + " and edit it");
        }
        return new RunConfig(stage, stage.readConfig(file.toAbsolutePath()));
    }

    /**
     * Sets a value typed on the command line. A path typed there is relative to the working folder, not to the
     * config's, so it is made absolute here.
     */
    RunConfig set(String section, String key, String value) {
        String v = value;
        if (stage.pathKeys().contains(section + "." + key) && !v.isEmpty() && !v.equalsIgnoreCase("none")) {
            StringBuilder abs = new StringBuilder();
            // a path key may hold a comma-separated list (several reference files)
            for (String part : v.split(",", -1)) {
                abs.append(abs.length() > 0 ? "," : "").append(Path.of(part.trim()).toAbsolutePath().normalize());
            }
            v = abs.toString();
        }
        config.set(section, key, v);
        return this;
    }

    /** Applies {@code section.key=value} assignments in order. */
    RunConfig set(List<String> assignments) {
        for (String a : assignments) {
            int dot = a.indexOf('.');
            int eq = a.indexOf('=');
            if (dot < 1 || eq < dot + 2) {
                throw new UserError("--set '" + a + "' must be section.key=value, e.g. --set "
                        + example(stage) + " (see conf/" + stage.configTemplate() + ")");
            }
            set(a.substring(0, dot).trim(), a.substring(dot + 1, eq).trim(), a.substring(eq + 1).trim());
        }
        return this;
    }

    /** A {@code --set} example from the stage's own keys, for help and error texts. */
    static String example(Stage stage) {
        return stage.knownKeys().entrySet().stream().filter(e -> !e.getValue().isEmpty()).findFirst()
                .map(e -> e.getKey() + "." + e.getValue().stream().sorted().findFirst().orElseThrow() + "=VALUE")
                .orElse("section.key=VALUE");
    }

    IniConfig config() {
        return config;
    }

    /** A checked run: its output folder, the ranks' log and the config copy they read. */
    record Prepared(Path outputFolder, Path log, Path file, boolean madeFolder, boolean logExisted) {
        /**
         * After a failed run: removes what this run made and nothing else, so a failure leaves no partial output
         * (a folder made for the run goes whole; in an existing folder only the config copy, and a new log).
         */
        void removeOutputs() {
            if (madeFolder) {
                Folders.deleteTree(outputFolder);
                return;
            }
            Folders.deleteTree(file);
            if (!logExisted) {
                Folders.deleteTree(log);
            }
        }
    }

    /**
     * The result of the stage's one check: where the run writes, before anything is written; {@code chosenHere} when
     * a default fixed now (such as the next free folder) decided it, so the user is told where.
     */
    record Checked(Path outputFolder, Path log, boolean chosenHere) {
    }

    /**
     * Checks the config as the ranks will read it (the stage's one check, after fixing its time- or place-dependent
     * defaults) and says where the run writes. {@code log} null = the stage's own log.
     */
    Checked check(Path log) {
        boolean chosen = stage.pinDefaults(config);
        Path out = stage.outputFolder(config).toAbsolutePath();
        return new Checked(out, (log != null ? log : stage.logFile(config)).toAbsolutePath(), chosen);
    }

    /**
     * Makes the output folder and writes the copy the ranks read: to {@code file}, or (null) beside the log as
     * {@code NAME.run.ini}.
     */
    Prepared write(Checked checked, Path file) {
        Path out = checked.outputFolder();
        Path log = checked.log();
        Path copy = file != null ? file : log.resolveSibling(stem(log) + ".run.ini");
        boolean logExisted = Files.exists(log);
        boolean made = AtomicFiles.createFolder(out);
        config.withFolder(config.folder());
        try {
            AtomicFiles.writeString(copy, config.toText());
        } catch (UserError e) {
            if (made) {
                Folders.deleteTree(out);
            }
            throw e;
        }
        return new Prepared(out, log, copy, made, logExisted);
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
