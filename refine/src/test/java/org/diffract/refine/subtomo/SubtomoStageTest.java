package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void iterationsDoneComeFromTheCheckpoint() throws Exception {
        SubtomoStage s = new SubtomoStage();
        Path out = dir.resolve("out");
        assertEquals(0, s.iterationsDone(out));
        assertTrue(s.resumable());
        assertEquals(out.resolve("checkpoint.h5"), s.checkpoint(out));
        Files.createDirectories(out);
        // files of an iteration whose checkpoint was not written do not count
        Files.writeString(out.resolve("classes_01.h5"), "x");
        assertEquals(0, s.iterationsDone(out));
        SubtomoOptions o = SubtomoOptions.parse(List.of("--input=x", "--nref=1"));
        Hit h = new Hit(0.5, Rotations.identity(), new double[3]);
        SubtomoCheckpoint.write(
                out,
                o,
                2,
                new long[] {7},
                new SubtomoCheckpoint.State(
                        2,
                        false,
                        new double[][] {new double[8]},
                        new Hit[][] {{h}},
                        List.of(new int[] {0}, new int[] {0}),
                        new double[] {1.5, 2.5}));
        assertEquals(2, s.iterationsDone(out));
        assertArrayEquals(new double[] {1.5, 2.5}, s.iterationSeconds(out));
    }

    @Test
    void unknownConfigKeyIsOneLineNamingIt() throws Exception {
        Path cfg = dir.resolve("bad.ini");
        Files.writeString(cfg, "[subtomo]\ninput = a.h5\nnrefs = 2\n");
        UserError e = assertThrows(UserError.class, () -> new SubtomoStage().outputFolder(cfg));
        assertTrue(e.getMessage().contains("nrefs") && e.getMessage().contains("bad.ini"), e.getMessage());
    }
}
