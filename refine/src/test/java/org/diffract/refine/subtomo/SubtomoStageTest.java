package org.diffract.refine.subtomo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.diffract.core.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refine-subtomo stage as the launcher sees it, with the config template the launcher packages. */
class SubtomoStageTest {
    @TempDir
    Path dir;

    private Path template() throws Exception {
        // the template the launcher packages (conf/ of the source tree; tests run in the module's folder)
        Path cfg = dir.resolve("refine-subtomo.ini");
        Files.copy(Path.of("../conf/refine-subtomo.ini"), cfg);
        return cfg;
    }

    @Test
    void templateIsValidAndNamesTheOutputFolder() throws Exception {
        SubtomoStage s = new SubtomoStage();
        assertEquals("org.diffract.refine.subtomo.SubtomoRankMain", s.rankMainClass());
        Path cfg = template();
        Files.createFile(dir.resolve("particles.h5")); // the template's input: the check wants it to exist
        assertEquals(dir.resolve("spt_refinemulti_01"), s.outputFolder(cfg));
        assertArrayEquals(new String[] {"subtomo", "iter"}, s.iterationsKey());
        SubtomoOptions o = SubtomoOptions.parse(SubtomoRankMain.configArgs(cfg));
        assertEquals(2, o.nref);
        assertEquals(2, o.shrink);
        assertEquals("c1", o.sym);
    }

    @Test
    void iterationsDoneCountsClassAverageFiles() throws Exception {
        SubtomoStage s = new SubtomoStage();
        Path out = dir.resolve("out");
        assertEquals(0, s.iterationsDone(out));
        Files.createDirectories(out);
        Files.writeString(out.resolve("classes_01.h5"), "x");
        Files.writeString(out.resolve("classes_02.h5"), "x");
        Files.writeString(out.resolve("class_00_02.mrc"), "x");
        assertEquals(2, s.iterationsDone(out));
    }

    @Test
    void unknownConfigKeyIsOneLineNamingIt() throws Exception {
        Path cfg = dir.resolve("bad.ini");
        Files.writeString(cfg, "[subtomo]\ninput = a.h5\nnrefs = 2\n");
        UserError e = assertThrows(UserError.class, () -> new SubtomoStage().outputFolder(cfg));
        assertTrue(e.getMessage().contains("nrefs") && e.getMessage().contains("bad.ini"), e.getMessage());
    }
}
