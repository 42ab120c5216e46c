package org.diffract.refine.xtal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Post-refinement of single crystals against the true intensities recovers the simulated parameters. */
class PostrefinerTest {
    @TempDir
    Path dir;

    @Test
    void recoversScaleReflectingRangeAndOrientation() throws Exception {
        StreamSimulator sim = new StreamSimulator();
        sim.crystals = 4;
        sim.seed = 3;
        sim.orientationErrorDeg = 0.05;
        sim.rsTrue = 0.003;
        sim.rsReported = 0.0045;
        sim.bMin = 0;
        sim.bMax = 0;
        sim.polarised = false;
        Path stream = sim.write(dir.resolve("one.stream"));
        XtalSettings s = XtalSettings.read(XtalTestData.config(dir, "pr", sim, stream, "None", ""), Mode.POSTREFINE);
        HklIndex index = new HklIndex(
                new Asu(s.spaceGroup()),
                s.targetCell(),
                s.merge().dMin(),
                s.merge().dMax());
        double[] truth = new double[index.size()];
        for (int u = 0; u < truth.length; u++) {
            int t = sim.truthIndex.find(index.h(u), index.k(u), index.l(u));
            truth[u] = t >= 0 ? sim.truth[t] : Double.NaN;
        }
        List<Crystal> crystals = new ArrayList<>();
        CrystfelStream.read(stream, crystals::add);
        Postrefiner refiner = new Postrefiner(s);
        for (Crystal c : crystals) {
            Observations obs = new Observations().fill(c, index, Double.NEGATIVE_INFINITY);
            // start from a deliberately wrong scale: refinement must find it
            CrystalModel m = new CrystalModel(c, obs, "tetragonal", 1.0, 0, c.profileRadius());
            assertTrue(refiner.refine(m, truth), "crystal " + c.index() + " refused");
            double[] p = m.params;
            int i = c.index();
            assertEquals(sim.trueG[i], p[CrystalModel.G], 0.03 * sim.trueG[i], "G of crystal " + i);
            assertEquals(0.003, Math.abs(p[CrystalModel.RS]), 0.0003, "rs of crystal " + i);
            // the refined rotation undoes the orientation error written to the stream
            double errBefore = Math.hypot(sim.errorX[i], sim.errorY[i]);
            double errAfter = Math.hypot(sim.errorX[i] + p[CrystalModel.ROT_X], sim.errorY[i] + p[CrystalModel.ROT_Y]);
            assertTrue(
                    errAfter < 0.25 * errBefore,
                    "orientation error " + Math.toDegrees(errBefore) + " -> " + Math.toDegrees(errAfter)
                            + " deg, crystal " + i);
            assertEquals(40, p[CrystalModel.CELL], 0.2, "a of crystal " + i);
            assertEquals(60, p[CrystalModel.CELL + 1], 0.3, "c of crystal " + i);
        }
    }
}
