package org.diffract.emc;

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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmcEngineTest {
    static Detector det;
    static EmcData data;
    static int n;

    @BeforeAll
    static void simulate() {
        det = DetectorGeometry.make(
                new DetectorGeometry.Params(100, 6.2, 21, 21, 0.5, 2, "x", Double.NaN, Double.NaN, Double.NaN));
        n = det.modelSize();
        double[] density = DensityModel.randomAtoms(n, 12, 1.0, n / 8.0, 7);
        double[] intens = IntensityModel.fromDensity(density, n);
        FrameSimulator.Result r = FrameSimulator.simulate(intens, n, det, 300, 200, 11);
        data = EmcData.of(r.photons(), det);
    }

    private static EmcState runRanks(int ranks, int threads, int iterations) throws Exception {
        EmcParams p = EmcParams.builder()
                .numDiv(2)
                .needScaling(true)
                .beta(1.0, 2.0, 2)
                .threads(threads)
                .seed(5)
                .build();
        List<EmcState> states = ThreadCommunicator.run(ranks, comm -> {
            EmcState s = EmcState.random(data, n, p.seed());
            try (EmcEngine e = new EmcEngine(data, p, n, comm)) {
                for (int i = 0; i < iterations; i++) {
                    s = e.iterate(s).state();
                }
            }
            return s;
        });
        return states.get(0);
    }

    @Test
    void oneTwoAndFourRanksGiveTheSameModel() throws Exception {
        EmcState one = runRanks(1, 2, 3);
        EmcState two = runRanks(2, 1, 3);
        EmcState four = runRanks(4, 1, 3);
        double[] a = one.model();
        double max = 0;
        for (double v : a) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0);
        double[] b = two.model(), c = four.model();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-9 * max, "voxel " + i + " 1 vs 2 ranks");
            assertEquals(a[i], c[i], 1e-9 * max, "voxel " + i + " 1 vs 4 ranks");
        }
        assertArrayEquals(one.scale(), two.scale(), 1e-9);
        assertArrayEquals(one.scale(), four.scale(), 1e-9);
        assertArrayEquals(one.orientations(), four.orientations());
    }

    @Test
    void iterateReturnsANewStateAndLeavesTheOldOneAlone() {
        EmcParams p = EmcParams.builder()
                .numDiv(2)
                .needScaling(true)
                .threads(2)
                .seed(3)
                .build();
        EmcState s0 = EmcState.random(data, n, 3L);
        double[] before = s0.model();
        try (EmcEngine e = new EmcEngine(data, p, n, new LocalCommunicator())) {
            Iteration first = e.iterate(s0);
            Iteration second = e.iterate(first.state());
            assertNotSame(s0, first.state());
            assertArrayEquals(before, s0.model(), 0.0, "the start state is unchanged");
            assertEquals(0, s0.iterationsDone());
            assertEquals(1, first.stats().iteration());
            assertEquals(2, second.stats().iteration());
            assertEquals(2, second.state().iterationsDone());
            assertEquals(420, first.stats().numRotations());
            assertTrue(first.stats().rmsChange() > 0);
            IterationStats st = second.stats();
            // mutual information lies in [0, log(num rotations)]
            assertTrue(st.mutualInfo() >= -1e-9 && st.mutualInfo() <= Math.log(420) + 1e-9, "mi " + st.mutualInfo());
            assertTrue(st.keptPerFrame() >= 1 && st.keptPerFrame() <= 420, "kept " + st.keptPerFrame());
            FrameResults f = second.frames();
            double meanScale = 0;
            for (int d = 0; d < data.numFrames; d++) {
                assertTrue(f.orientations()[d] >= 0 && f.orientations()[d] < 420);
                assertTrue(f.bestProbability()[d] > 0 && f.bestProbability()[d] <= 1 + 1e-12);
                assertTrue(f.kept()[d] >= 1, "the most likely rotation is always kept");
                assertTrue(f.mutualInfo()[d] >= -1e-9);
                meanScale += second.state().scale()[d];
            }
            // Dragonfly's normalize_scale: the mean scale factor is 1
            assertEquals(1.0, meanScale / data.numFrames, 1e-12);
            for (double v : second.state().model()) {
                assertTrue(v >= 0 && Double.isFinite(v));
            }
        }
    }

    @Test
    void vectorAndScalarKernelsAgree() {
        SplittableRandom rng = new SplittableRandom(1);
        int numPix = 500;
        float[] lw = new float[numPix * EmcKernel.BLOCK];
        for (int i = 0; i < lw.length; i++) {
            lw[i] = (float) Math.log(rng.nextDouble() + 1e-3);
        }
        int[] ones = new int[37];
        int[] multi = new int[5];
        int[] count = new int[5];
        for (int i = 0; i < ones.length; i++) {
            ones[i] = rng.nextInt(numPix);
        }
        for (int i = 0; i < multi.length; i++) {
            multi[i] = rng.nextInt(numPix);
            count[i] = 2 + rng.nextInt(4);
        }
        double[] a = new double[8], b = new double[8];
        EmcKernel scalar = new ScalarEmcKernel();
        EmcKernel best = EmcKernel.best();
        scalar.frameSums(lw, ones, 0, ones.length, multi, count, 0, multi.length, a);
        best.frameSums(lw, ones, 0, ones.length, multi, count, 0, multi.length, b);
        for (int k = 0; k < 8; k++) {
            double direct = 0;
            for (int o : ones) {
                direct += lw[o * 8 + k];
            }
            for (int i = 0; i < multi.length; i++) {
                direct += (double) count[i] * lw[multi[i] * 8 + k];
            }
            assertEquals(direct, a[k], 1e-10);
            assertEquals(direct, b[k], 1e-10);
        }
        float[] weight = {0.5f, 0, 1.25f, 3, 0, 0, 2, 1e-3f};
        float[] va = new float[numPix * 8], vb = new float[numPix * 8];
        double[] direct = new double[numPix * 8];
        scalar.mergeAdd(va, ones, 0, ones.length, multi, count, 0, multi.length, weight);
        best.mergeAdd(vb, ones, 0, ones.length, multi, count, 0, multi.length, weight);
        for (int o : ones) {
            for (int k = 0; k < 8; k++) {
                direct[o * 8 + k] += weight[k];
            }
        }
        for (int i = 0; i < multi.length; i++) {
            for (int k = 0; k < 8; k++) {
                direct[multi[i] * 8 + k] += count[i] * weight[k];
            }
        }
        for (int i = 0; i < direct.length; i++) {
            assertEquals(direct[i], va[i], 1e-6 * (1 + direct[i]));
            assertEquals(direct[i], vb[i], 1e-6 * (1 + direct[i]));
        }
        double[] x = {0, 1e-20, 0.5, 2, 7, 1e3, 3e-5, 1, 9, 0.25, 4};
        double[] xa = x.clone(), xb = x.clone();
        scalar.logFloor(xa, x.length, 1e-12);
        best.logFloor(xb, x.length, 1e-12);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.log(Math.max(x[i], 1e-12)), xa[i], 1e-15);
            assertEquals(Math.log(Math.max(x[i], 1e-12)), xb[i], 1e-13);
        }
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
        return FrameSimulator.simulate(
                        IntensityModel.fromDensity(DensityModel.randomAtoms(n, 12, 1.0, n / 8.0, 7), n),
                        n,
                        det,
                        300,
                        200,
                        11)
                .photons();
    }
}
