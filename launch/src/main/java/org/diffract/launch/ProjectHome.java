package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;

/**
 * Where diffract remembers the current project: the folder named by the system property diffract.home,
 * else $DIFFRACT_HOME, else ~/.config/diffract (tests point it into a temporary folder).
 */
final class ProjectHome {
    private ProjectHome() {}

    static Path folder() {
        String prop = System.getProperty("diffract.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("DIFFRACT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".config", "diffract");
    }

    static Path currentFile() {
        return folder().resolve("current");
    }

    static void setCurrent(Path project) {
        AtomicFiles.writeString(currentFile(), project.toAbsolutePath().normalize() + "\n");
    }

    /** The current project's folder; fails with the way to make one when there is none. */
    static Path current() {
        Path f = currentFile();
        if (!Files.isRegularFile(f)) {
            throw new UserError("no current project (" + f + " is missing): create one with 'diffract project new "
                    + "DATA.h5 --inh5 /patterns' or choose one with 'diffract project use FOLDER'");
        }
        try {
            return Path.of(Files.readString(f).trim());
        } catch (IOException e) {
            throw new UserError("cannot read " + f + ": " + e.getMessage() + "; run 'diffract project use FOLDER'");
        }
    }
}
