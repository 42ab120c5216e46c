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
                abs.append(abs.length() > 0 ? "," : "")
                        .append(Path.of(part.trim()).toAbsolutePath().normalize());
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
                throw new UserError("--set '" + a + "' must be section.key=value, e.g. --set " + example(stage)
                        + " (see conf/" + stage.configTemplate() + ")");
            }
            String section = a.substring(0, dot).trim();
            String key = a.substring(dot + 1, eq).trim();
            // named here, where the user typed it: the config the stage checks later has no file to name
            IniConfig.checkKnown("--set " + a, section, key, stage.knownKeys());
            set(section, key, a.substring(eq + 1).trim());
        }
        return this;
    }

    /** A {@code --set} example from the stage's own keys, for help and error texts. */
    static String example(Stage stage) {
        return stage.knownKeys().entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .findFirst()
                .map(e -> e.getKey() + "."
                        + e.getValue().stream().sorted().findFirst().orElseThrow() + "=VALUE")
                .orElse("section.key=VALUE");
    }

    IniConfig config() {
        return config;
    }

    /** A checked run: its output folder, the ranks' log, the config copy they read, and the folder as it was. */
    record Prepared(Path outputFolder, Path log, Path file, OutputSnapshot before) {
        /**
         * After a run: when it failed, and {@code checkpoint} (null: the stage keeps none) is not one the run wrote
         * for a resume to continue from, the output folder goes back to what it was (a folder made for the run
         * goes whole; files made go, among them a new log and config copy; files replaced come back; lines appended
         * are cut off), so a failure leaves no partial output and earlier results untouched. Files outside the
         * output folder (a project's logs/ and run/) stay: they tell what happened.
         */
        void finish(boolean ok, Path checkpoint) {
            if (ok || before.changed(checkpoint)) {
                before.discard();
            } else {
                before.restore();
            }
        }
    }

    /**
     * The result of the stage's one check: where the run writes, before anything is written; {@code chosenHere} when
     * a default fixed now (such as the next free folder) decided it, so the user is told where.
     */
    record Checked(Path outputFolder, Path log, boolean chosenHere) {}

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
        OutputSnapshot before = OutputSnapshot.take(out, stage.runFiles(config));
        Prepared run = new Prepared(out, log, copy, before);
        try {
            AtomicFiles.createFolder(out);
            config.withFolder(config.folder());
            AtomicFiles.writeString(copy, config.toText());
        } catch (UserError e) {
            run.finish(false, null);
            throw e;
        }
        return run;
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
