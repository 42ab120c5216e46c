package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.diffract.core.UserError;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options that change what the search sees, checked for their documented effect on small volumes. */
class OptionEffectsTest {
    static final int N = 16;

    @TempDir
    Path dir;

    private static double[] object(long seed) {
        SyntheticSubtomograms.Blobs b = SyntheticSubtomograms.objects(N, 1, 5, seed)[0];
        return SyntheticSubtomograms.blobs(N, b.centres(), b.amp(), b.sigma());
    }

    private static ParticleAligner aligner(WorkerPool pool, double[] mask, String... extra) {
        List<String> a = new ArrayList<>(List.of("--input=x", "--nref=1", "--normproc=none"));
        a.addAll(List.of(extra));
        SubtomoOptions o = SubtomoOptions.parse(a);
        o.validate();
        return new ParticleAligner(o, N, mask, pool);
    }

    @Test
    void fineFiltersApplyOnlyToTheFineScaleAndPreprocessToBoth() {
        WorkerPool pool = new WorkerPool(1, "test");
        try {
            double[] v = object(3);
            String low = "filter.lowpass.gauss:cutoff_freq=0.1", high = "filter.highpass.gauss:cutoff_freq=0.05";
            ParticleAligner a = aligner(pool, null, "--lowpassfine=" + low, "--highpassfine=" + high);
            assertArrayEquals(v, a.prepare(v, false), 1e-12, "coarse scale untouched by the fine filters");
            double[] expect = v.clone();
            Processor.applyAll(expect, N, 1, Processor.parse("h", high), Processor.parse("l", low));
            assertArrayEquals(expect, a.prepare(v, true), 1e-9, "fine scale = high-pass then low-pass");
            assertTrue(SyntheticSubtomograms.correlation(v, expect) < 0.99, "the filters changed the volume");

            double[] shifted = v.clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] -= 0.3;
            }
            ParticleAligner pre = aligner(pool, null, "--preprocess=threshold.belowtozero:minval=0");
            for (boolean fine : new boolean[] {false, true}) {
                double[] p = pre.prepare(shifted, fine);
                for (int i = 0; i < p.length; i++) {
                    assertEquals(Math.max(0, shifted[i]), p[i], 1e-12);
                }
            }
        } finally {
            pool.close();
        }
    }

    @Test
    void shrinkFineSetsTheFineBoxAndMaskFileZeroesOutside() throws Exception {
        WorkerPool pool = new WorkerPool(1, "test");
        try {
            double[] v = object(4);
            ParticleAligner a = aligner(pool, null, "--shrink=4", "--shrinkfine=2");
            assertEquals(4, a.coarseSize());
            assertEquals(8, a.fineSize());
            assertEquals(512, a.prepare(v, true).length);
            assertEquals(64, a.prepare(v, false).length);
            // a mask file keeping the half x < N/2 leaves the other half zero
            double[] mask = new double[N * N * N];
            for (int i = 0; i < N * N * N / 2; i++) {
                mask[i] = 1;
            }
            double[] p = aligner(pool, mask).prepare(v, true);
            for (int i = 0; i < p.length; i++) {
                assertEquals(i < p.length / 2 ? v[i] : 0, p[i], 1e-12);
            }
        } finally {
            pool.close();
        }
        // through the refinement: a mask file of the wrong box is refused with one line naming it
        Path bad = dir.resolve("mask8.h5");
        new H5Writer().put("mask", new double[512], 8, 8, 8).write(bad);
        SubtomoOptions o = SubtomoOptions.parse(List.of("--input=x", "--nref=1", "--maskfile=" + bad));
        double[][] vols = {object(1), object(2)};
        UserError e = assertThrows(
                UserError.class,
                () -> new SubtomoRefinement(o, new VolumeStack(Path.of("x"), N, vols), new LocalCommunicator(), 1, null)
                        .run());
        assertTrue(e.getMessage().contains("mask8.h5") && e.getMessage().contains("16^3"), e.getMessage());
    }

    @Test
    void radiusAndPrecisionSetTheFineGrid() {
        WorkerPool pool = new WorkerPool(1, "test");
        try {
            // step = 2 * 360 / (2 pi 3) = 38.2 degrees; range = coarse delta / 2 = 45: one step each way, 3^3 rotations
            ParticleAligner a =
                    aligner(pool, null, "--radius=3", "--precision=2", "--align=rotate_translate_3d:delta=90");
            assertEquals(27, a.localGridSize());
            // precision 1 halves the step to 19.1 degrees: two steps each way, 5^3 rotations
            assertEquals(
                    125,
                    aligner(pool, null, "--radius=3", "--precision=1", "--align=rotate_translate_3d:delta=90")
                            .localGridSize());
            // without a radius --falign's own step 3 over range 6 rules: also 5^3
            assertEquals(
                    125,
                    aligner(pool, null, "--falign=refine_3d_grid:delta=3:range=6")
                            .localGridSize());
        } finally {
            pool.close();
        }
    }

    @Test
    void binaryTreeAlignsBeforeAveragingWhereRandomDoesNot() {
        double[] v = object(7);
        double[] turned =
                VolumeTransform.rotateThenShift(v, N, Rotations.axisAngle(0, 0, 1, 90), new double[] {1, 0, 0});
        List<double[]> two = List.of(v, turned);
        WorkerPool pool = new WorkerPool(1, "test");
        try {
            ParticleAligner a =
                    aligner(pool, null, "--align=rotate_translate_3d:delta=30:dphi=30", "--falign=none", "--search=3");
            double[] bt = new ReferenceGenerator(a, N).generate("bt", two, 1, 0, 1)[0];
            double[] random = new ReferenceGenerator(a, N).generate("random", two, 1, 0, 1)[0];
            double cBt = SyntheticSubtomograms.correlation(bt, v),
                    cRandom = SyntheticSubtomograms.correlation(random, v);
            assertTrue(cBt > 0.95, "bt average correlates " + cBt + " with the object");
            assertTrue(cRandom < cBt - 0.1, "plain mean " + cRandom + " vs bt " + cBt);
        } finally {
            pool.close();
        }
    }

    @Test
    void morePeaksToRefineNeverScoreWorseAndSometimesBetter() {
        Random rng = new Random(11);
        double[] v = object(5);
        List<double[]> parts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            double[] r = Rotations.axisAngle(
                    rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian(), 20 + 140 * rng.nextDouble());
            parts.add(VolumeTransform.rotateThenShift(v, N, r, new double[3]));
        }
        WorkerPool pool = new WorkerPool(1, "test");
        try {
            double[] sum = new double[2];
            double[][] scores = new double[2][parts.size()];
            int[] peaks = {1, 4};
            for (int p = 0; p < 2; p++) {
                ParticleAligner a = aligner(
                        pool,
                        null,
                        "--align=rotate_translate_3d:delta=60:dphi=60",
                        "--search=1",
                        "--searchfine=1",
                        "--falign=refine_3d_grid:delta=15:range=30",
                        "--npeakstorefine=" + peaks[p]);
                List<Target>[] t = a.targets(parts);
                Hit[][] h = a.align(t[0], t[1], new double[][] {v}, d -> {});
                for (int i = 0; i < parts.size(); i++) {
                    scores[p][i] = h[i][0].score();
                    sum[p] += scores[p][i];
                }
            }
            // the fine search of 4 peaks includes the one peak's: never worse, and on a coarse 60 degree grid the
            // best coarse peak is not always the one nearest the truth
            for (int i = 0; i < parts.size(); i++) {
                assertTrue(scores[1][i] >= scores[0][i] - 1e-12, "particle " + i);
            }
            assertTrue(sum[1] > sum[0] + 1e-3, "4 peaks " + sum[1] + " vs 1 peak " + sum[0]);
        } finally {
            pool.close();
        }
    }

    @Test
    void keepsigDropsTheOutlierFromTheAverage() throws Exception {
        double[] v = object(6);
        Random rng = new Random(2);
        double[][] vols = new double[6][];
        for (int i = 0; i < 5; i++) {
            double[] p = VolumeTransform.rotateThenShift(v, N, Rotations.axisAngle(0, 0, 1, 90 * i), new double[3]);
            for (int j = 0; j < p.length; j++) {
                p[j] += 0.05 * rng.nextGaussian();
            }
            vols[i] = p;
        }
        vols[5] = new double[N * N * N];
        for (int j = 0; j < vols[5].length; j++) {
            vols[5][j] = rng.nextGaussian();
        }
        Path ref = dir.resolve("ref.h5");
        new H5Writer().put("ref", v, N, N, N).write(ref);
        double[] corr = new double[2];
        String[][] keepOpts = {{"--keep=1.0"}, {"--keep=1.0", "--keepsig"}};
        for (int c = 0; c < 2; c++) {
            List<String> a = new ArrayList<>(List.of(
                    "--input=x",
                    "--ref=" + ref,
                    "--iter=1",
                    "--search=1",
                    "--align=rotate_translate_3d:delta=90:dphi=90",
                    "--falign=none"));
            a.addAll(List.of(keepOpts[c]));
            SubtomoRefinement.Result r = new SubtomoRefinement(
                            SubtomoOptions.parse(a),
                            new VolumeStack(Path.of("x"), N, vols),
                            new LocalCommunicator(),
                            1,
                            null)
                    .run();
            boolean[] expect = {true, true, true, true, true, c == 0};
            assertArrayEquals(expect, r.kept(), String.join(" ", keepOpts[c]));
            corr[c] = SyntheticSubtomograms.correlation(r.averages()[0], v);
        }
        assertTrue(
                corr[1] > corr[0],
                "without the noise volume the average is closer to the object: " + corr[1] + " vs " + corr[0]);
    }
}
