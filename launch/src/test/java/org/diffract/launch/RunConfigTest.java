package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.config.IniText;
import org.diffract.core.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one options path: config, --set and options on top, the stage's check, the copy the ranks read. */
class RunConfigTest {
    @TempDir
    Path dir;

    /** A stage with a path key, a plain key and an output folder beside its config by default. */
    static final class Fake implements Stage {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String description() {
            return "a test stage";
        }

        @Override
        public String rankMainClass() {
            return "none";
        }

        @Override
        public String configTemplate() {
            return "fake.ini";
        }

        @Override
        public Path outputFolder(IniConfig config) {
            config.checkKnown(knownKeys());
            if (config.getInt("a", "n", 1) < 1) {
                throw new UserError("[a] n must be >= 1");
            }
            return config.getPath("a", "out", config.folder().resolve("out"));
        }

        @Override
        public Map<String, Set<String>> knownKeys() {
            return Map.of("a", Set.of("file", "n", "out"));
        }

        @Override
        public Set<String> pathKeys() {
            return Set.of("a.file", "a.out");
        }

        @Override
        public void useData(IniText config, Path project, String data, String dataset) {}
    }

    @Test
    void theRunCopyMeansWhatTheUsersConfigMeant() throws Exception {
        Path cfgDir = Files.createDirectories(dir.resolve("configs"));
        Path cfg = cfgDir.resolve("fake.ini");
        Files.writeString(cfg, "[a]\nfile = data/x.h5\nn = 2\n");
        RunConfig rc = RunConfig.load(new Fake(), cfg).set(List.of("a.n=3"));
        RunConfig.Checked c = rc.check(null);
        // the default output folder is beside the user's config, not beside the copy
        assertEquals(cfgDir.resolve("out"), c.outputFolder());
        RunConfig.Prepared p = rc.write(c, null);
        assertEquals(c.outputFolder().resolve("diffract.run.ini"), p.file());
        IniConfig copy = IniConfig.read(p.file());
        assertEquals(cfgDir.resolve("data/x.h5"), copy.getPath("a", "file", null));
        assertEquals(3, copy.getInt("a", "n", 0));
        assertEquals(cfgDir.resolve("out"), new Fake().outputFolder(copy));
    }

    @Test
    void aPathTypedOnTheCommandLineIsTheWorkingFoldersNotTheConfigs() throws Exception {
        Path cfg = Files.createDirectories(dir.resolve("c")).resolve("fake.ini");
        Files.writeString(cfg, "[a]\nfile = x.h5\n");
        RunConfig rc = RunConfig.load(new Fake(), cfg).set("a", "file", "typed.h5");
        assertEquals(Path.of("typed.h5").toAbsolutePath(), rc.config().getPath("a", "file", null));
    }

    @Test
    void badInputFailsBeforeAnythingIsWritten() throws Exception {
        Path cfg = dir.resolve("fake.ini");
        Files.writeString(cfg, "[a]\nn = 0\n");
        assertThrows(UserError.class, () -> RunConfig.load(new Fake(), cfg).check(null));
        UserError typo = assertThrows(
                UserError.class,
                () -> RunConfig.load(new Fake(), cfg).set(List.of("a.nn=2")).check(null));
        assertTrue(typo.getMessage().contains("'nn'"), typo.getMessage());
        UserError form = assertThrows(
                UserError.class, () -> RunConfig.load(new Fake(), cfg).set(List.of("n=2")));
        assertTrue(form.getMessage().contains("section.key=value"), form.getMessage());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aFailedRunRemovesWhatItMadeAndOnlyThat() throws Exception {
        Path cfg = dir.resolve("fake.ini");
        Files.writeString(cfg, "[a]\nout = made\n");
        RunConfig rc = RunConfig.load(new Fake(), cfg);
        RunConfig.Prepared made = rc.write(rc.check(null), null);
        Files.writeString(made.log(), "log\n");
        made.finish(false, null);
        assertFalse(Files.exists(dir.resolve("made")), "a folder made for the run goes whole");

        Path kept = Files.createDirectories(dir.resolve("kept"));
        Files.writeString(kept.resolve("earlier.h5"), "earlier");
        Files.writeString(cfg, "[a]\nout = kept\n");
        RunConfig again = RunConfig.load(new Fake(), cfg);
        RunConfig.Prepared existing = again.write(again.check(null), null);
        Files.writeString(existing.log(), "log\n");
        existing.finish(false, null);
        assertEquals("earlier", Files.readString(kept.resolve("earlier.h5")), "earlier outputs stay");
        assertFalse(Files.exists(existing.file()));
        assertFalse(Files.exists(existing.log()));
    }
}
