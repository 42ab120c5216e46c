package org.diffract.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.diffract.core.stage.Stage;
import org.diffract.refine.subtomo.SubtomoOptions;
import org.diffract.refine.subtomo.SubtomoRankMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refine-subtomo stage as the launcher sees it, with its packaged config template. */
class SubtomoStageTest {
    @TempDir
    Path dir;

    private Path template() throws Exception {
        Path cfg = dir.resolve("refine-subtomo.ini");
        try (InputStream in = getClass().getResourceAsStream("/conf/refine-subtomo.ini")) {
            assertTrue(in != null, "template packaged under conf/");
            Files.copy(in, cfg);
        }
        return cfg;
    }

    @Test
    void templateIsValidAndNamesTheOutputFolder() throws Exception {
        Stage s = Stages.byName("refine-subtomo");
        assertEquals("org.diffract.refine.subtomo.SubtomoRankMain", s.rankMainClass());
        Path cfg = template();
        assertEquals(dir.resolve("spt_refinemulti_01"), s.outputFolder(cfg));
        assertArrayEquals(new String[] {"subtomo", "iter"}, s.iterationsKey());
        SubtomoOptions o = SubtomoOptions.parse(SubtomoRankMain.configArgs(cfg));
        assertEquals(2, o.nref);
        assertEquals(2, o.shrink);
        assertEquals("c1", o.sym);
    }

    @Test
    void iterationsDoneCountsClassAverageFiles() throws Exception {
        Stage s = Stages.byName("refine-subtomo");
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
        UserError e = assertThrows(UserError.class, () -> Stages.byName("refine-subtomo").outputFolder(cfg));
        assertTrue(e.getMessage().contains("nrefs") && e.getMessage().contains("bad.ini"), e.getMessage());
    }
}
