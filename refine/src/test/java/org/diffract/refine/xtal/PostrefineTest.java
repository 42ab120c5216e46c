package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostrefineTest {
    @TempDir
    static Path dir;

    static StreamSimulator sim;
    static Path stream;

    /** Partial stills whose stream orientation is off by ~0.05 degrees and profile radius by 50 %. */
    @BeforeAll
    static void simulate() throws Exception {
        sim = new StreamSimulator();
        sim.crystals = 60;
        sim.seed = 11;
        sim.orientationErrorDeg = 0.05;
        sim.rsTrue = 0.003;
        sim.rsReported = 0.0045;
        stream = sim.write(dir.resolve("partial.stream"));
    }

    @Test
    void postRefinementImprovesCorrelationOverPlainMerging() throws Exception {
        XtalSettings plain = XtalSettings.read(XtalTestData.config(dir, "plain", sim, stream, "None", ""), Mode.MERGE);
        double ccMerge = XtalTestData.ccWithTruth(new XtalRun(plain, new LocalCommunicator(), 1).run(), sim);
        XtalSettings post =
                XtalSettings.read(XtalTestData.config(dir, "post", sim, stream, "None", ""), Mode.POSTREFINE);
        XtalRun.Result r = new XtalRun(post, new LocalCommunicator(), 2).run();
        double ccPost = XtalTestData.ccWithTruth(r, sim);
        assertTrue(ccPost > ccMerge + 0.02, "post-refined CC " + ccPost + " vs merged " + ccMerge);
        assertTrue(ccPost > 0.99, "post-refined CC " + ccPost);
        List<String> cycles = Files.readAllLines(post.output("_postref.txt"));
        assertEquals(1 + 1 + post.postref().cycles(), cycles.size(), String.join("\n", cycles));
        assertTrue(Files.size(post.output(".mtz")) > 0);
    }

    @Test
    void twoRanksAgreeWithOne() throws Exception {
        Path cfg = XtalTestData.config(dir, "prranks", sim, stream, "None", "");
        Files.writeString(cfg, Files.readString(cfg).replace("n_postref_cycle = 3", "n_postref_cycle = 1"));
        XtalSettings s = XtalSettings.read(cfg, Mode.POSTREFINE);
        double one = XtalTestData.ccWithTruth(new XtalRun(s, new LocalCommunicator(), 1).run(), sim);
        List<Double> two =
                ThreadCommunicator.run(2, comm -> XtalTestData.ccWithTruth(new XtalRun(s, comm, 1).run(), sim));
        assertEquals(one, two.get(0), 1e-6);
        assertEquals(two.get(0), two.get(1), 0);
    }
}
