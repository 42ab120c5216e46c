package org.diffract.emc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.diffract.emc.sim.DensityModel;
import org.diffract.emc.sim.FrameSimulator;
import org.diffract.emc.sim.IntensityModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmcEngineTest {
    static Detector det;
    static EmcData data;
    static int n;

    @BeforeAll
    static void simulate() {
        det = DetectorGeometry.make(new DetectorGeometry.Params(100, 6.2, 21, 21, 0.5, 2, "x", Double.NaN,
                Double.NaN, Double.NaN));
        n = det.modelSize();
        double[] density = DensityModel.randomAtoms(n, 12, 1.0, n / 8.0, 7);
        double[] intens = IntensityModel.fromDensity(density, n);
        FrameSimulator.Result r = FrameSimulator.simulate(intens, n, det, 300, 200, 11);
        data = EmcData.of(r.photons(), det);
    }

    private static double[] runRanks(int ranks, int threads, int iterations) throws Exception {
        EmcParams p = new EmcParams(2, true, 1.0, 2.0, 2, false, threads, 5L);
        List<double[]> models = ThreadCommunicator.run(ranks, comm -> {
            EmcState s = EmcState.random(data, n, p.seed());
            try (EmcEngine e = new EmcEngine(data, p, n, comm)) {
                for (int i = 0; i < iterations; i++) {
                    e.iterate(s);
                }
            }
            return s.model;
        });
        return models.get(0);
    }

    @Test
    void oneTwoAndFourRanksGiveTheSameModel() throws Exception {
        double[] one = runRanks(1, 2, 3);
        double[] two = runRanks(2, 1, 3);
        double[] four = runRanks(4, 1, 3);
        double max = 0;
        for (double v : one) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0);
        for (int i = 0; i < one.length; i++) {
            assertEquals(one[i], two[i], 1e-9 * max, "voxel " + i + " 1 vs 2 ranks");
            assertEquals(one[i], four[i], 1e-9 * max, "voxel " + i + " 1 vs 4 ranks");
        }
    }

    @Test
    void iterationReportsSaneStatistics() {
        EmcParams p = new EmcParams(2, true, 1.0, 1.0, 0, false, 2, 3L);
        EmcState s = EmcState.random(data, n, 3L);
        try (EmcEngine e = new EmcEngine(data, p, n, new LocalCommunicator())) {
            IterationStats first = e.iterate(s);
            IterationStats second = e.iterate(s);
            assertEquals(1, first.iteration());
            assertEquals(2, second.iteration());
            assertEquals(420, first.numRotations());
            assertTrue(first.rmsChange() > 0);
            // mutual information lies in [0, log(num rotations)]
            assertTrue(second.mutualInfo() >= -1e-9 && second.mutualInfo() <= Math.log(420) + 1e-9);
            // the most likely rotation of every frame is a valid index with a probability in (0, 1]
            for (int d = 0; d < data.numFrames; d++) {
                assertTrue(e.bestRotation()[d] >= 0 && e.bestRotation()[d] < 420);
                assertTrue(e.bestProbability()[d] > 0 && e.bestProbability()[d] <= 1 + 1e-12);
            }
            for (double v : s.model) {
                assertTrue(v >= 0 && Double.isFinite(v));
            }
        }
    }

    @Test
    void vectorAndScalarKernelsAgree() {
        SplittableRandom rng = new SplittableRandom(1);
        int numPix = 500;
        double[] lw = new double[numPix * LikelihoodKernel.BLOCK];
        for (int i = 0; i < lw.length; i++) {
            lw[i] = Math.log(rng.nextDouble() + 1e-3);
        }
        int[] ones = new int[37];
        int[] multi = new int[5];
        double[] count = new double[5];
        for (int i = 0; i < ones.length; i++) {
            ones[i] = rng.nextInt(numPix);
        }
        for (int i = 0; i < multi.length; i++) {
            multi[i] = rng.nextInt(numPix);
            count[i] = 2 + rng.nextInt(4);
        }
        double[] a = new double[8], b = new double[8];
        new ScalarLikelihoodKernel().frameSums(lw, ones, 0, ones.length, multi, count, 0, multi.length, a);
        LikelihoodKernel.best().frameSums(lw, ones, 0, ones.length, multi, count, 0, multi.length, b);
        for (int k = 0; k < 8; k++) {
            double direct = 0;
            for (int o : ones) {
                direct += lw[o * 8 + k];
            }
            for (int i = 0; i < multi.length; i++) {
                direct += count[i] * lw[multi[i] * 8 + k];
            }
            assertEquals(direct, a[k], 1e-10);
            assertEquals(direct, b[k], 1e-10);
        }
    }

    @Test
    void betaScheduleMultipliesEveryNIterations() {
        EmcParams p = new EmcParams(1, false, 0.5, 2.0, 10, false, 1, 1L);
        assertEquals(0.5, p.betaAt(1));
        assertEquals(0.5, p.betaAt(10));
        assertEquals(1.0, p.betaAt(11));
        assertEquals(2.0, p.betaAt(21));
    }

    @Test
    void selectionKeepsEvenOrOddFrames() {
        EmcData even = EmcData.select(toPhotons(), det, "even_only");
        EmcData odd = EmcData.select(toPhotons(), det, "odd_only");
        assertEquals(150, even.numFrames);
        assertEquals(150, odd.numFrames);
        assertEquals(0, even.sourceIndex[0]);
        assertEquals(1, odd.sourceIndex[0]);
        assertEquals(299, odd.sourceIndex[149]);
    }

    private static org.diffract.core.io.SparsePhotons toPhotons() {
        return FrameSimulator.simulate(IntensityModel.fromDensity(DensityModel.randomAtoms(n, 12, 1.0, n / 8.0, 7), n),
                n, det, 300, 200, 11).photons();
    }
}
