package org.diffract.emc;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.io.DetectorFile;
import org.diffract.core.io.EmcPhotonsFile;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.emc.sim.DensityModel;
import org.diffract.emc.sim.FrameSimulator;
import org.diffract.emc.sim.IntensityModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory estimate, its probe of kept entries, and the refusals built on it. */
class EmcMemoryTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void data() {
        Detector det = DetectorGeometry.make(
                new DetectorGeometry.Params(100, 6.2, 21, 21, 0.5, 2, "x", Double.NaN, Double.NaN, Double.NaN));
        int n = det.modelSize();
        double[] intens = IntensityModel.fromDensity(DensityModel.randomAtoms(n, 12, 1.0, n / 8.0, 7), n);
        EmcPhotonsFile.write(
                dir.resolve("photons.emc"),
                FrameSimulator.simulate(intens, n, det, 400, 300, 5).photons());
        DetectorFile.writeH5(dir.resolve("det.h5"), det);
    }

    private static EmcSettings settings(String beta, int numDiv) throws Exception {
        Path cfg = dir.resolve("b" + beta + "-" + numDiv + ".ini");
        Files.writeString(
                cfg,
                "[emc]\nin_photons_file = photons.emc\nin_detector_file = det.h5\nnum_div = " + numDiv
                        + "\nneed_scaling = 1\nbeta = " + beta + "\noutput_folder = out\n");
        return EmcSettings.read(cfg, 2);
    }

    @Test
    void theProbeForeseesTheFirstIterationsKeptEntries() throws Exception {
        for (String beta : new String[] {"0.02", "0.3", "1"}) {
            EmcSettings s = settings(beta, 2);
            EmcData data = EmcSetup.loadData(s);
            EmcMemory.Estimate e = EmcMemory.estimate(s, data, 1, 2);
            double actual;
            try (EmcEngine engine =
                    new EmcEngine(data, s.params(), data.detector.modelSize(), new LocalCommunicator())) {
                actual = engine.iterate(EmcSetup.startState(s, data, data.detector.modelSize()))
                        .stats()
                        .keptPerFrame();
            }
            assertTrue(
                    e.keptPerFrame() >= 0.5 * actual && e.keptPerFrame() <= 2 * actual + 8,
                    "beta " + beta + ": probe " + e.keptPerFrame() + ", first iteration " + actual);
        }
    }

    @Test
    void theEstimateGrowsWithTheSamplingAndShrinksWithRanks() throws Exception {
        EmcSettings s2 = settings("0.02", 2);
        EmcSettings s3 = settings("0.02", 3);
        EmcData data = EmcSetup.loadData(s2);
        EmcMemory.Estimate a = EmcMemory.estimate(s2, data, 1, 2);
        EmcMemory.Estimate b = EmcMemory.estimate(s3, data, 1, 2);
        EmcMemory.Estimate c = EmcMemory.estimate(s3, data, 4, 2);
        assertTrue(b.probabilities() > 2 * a.probabilities(), a.describe() + " vs " + b.describe());
        // per rank: a quarter of the entries (the fixed part is a MiB plus two chunks per block of 8 rotations)
        long fixedB = (1 << 20) + 173 * 2 * 4096L, fixedC = (1 << 20) + 44 * 2 * 4096L;
        assertEquals(
                (b.probabilities() - fixedB) / 4.0,
                c.probabilities() - fixedC,
                0.05 * (b.probabilities() - fixedB),
                c.describe());
        // dense (every rotation kept): about 3.25 bytes per (rotation, frame)
        assertEquals(3.25 * 420 * 400, a.probabilities() - 53 * 2 * 4096 - (1 << 20), 0.1 * 3.25 * 420 * 400);
    }

    @Test
    void tooSmallAHeapIsRefusedWithOneLine() throws Exception {
        EmcMemory.Estimate e = EmcMemory.estimate(settings("1", 2), 2, 1);
        long need = EmcMemory.needed(e, 2);
        UserError u = assertThrows(UserError.class, () -> EmcMemory.checkHeap(e, 2, need - 1, "--heap 5m"));
        assertTrue(u.getMessage().contains("--heap 5m") && u.getMessage().contains("give --heap"), u.getMessage());
        assertFalse(u.getMessage().contains("\n"));
        EmcMemory.checkHeap(e, 2, need, "--heap");
    }
}
