package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.diffract.core.UserError;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.diffract.core.parallel.WorkerPool;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The e2spt_refinemulti options of issue 12, each checked for its effect against values computed by hand. */
class EmanOptionsTest {
    static final int N = 12;

    private static SubtomoOptions opts(String... extra) {
        List<String> a = new ArrayList<>(List.of("--input=x", "--nref=2", "--normproc=none"));
        a.addAll(List.of(extra));
        SubtomoOptions o = SubtomoOptions.parse(a);
        o.validate();
        return o;
    }

    @Test
    void alignHonoursItsOwnSearchUnlessSearchIsGiven() {
        assertEquals(8, opts().coarseSearch());
        assertEquals(
                3, opts("--align=rotate_translate_3d:delta=12:dphi=12:search=3").coarseSearch());
        assertEquals(
                5, opts("--align=rotate_translate_3d:search=3", "--search=5").coarseSearch());
        assertEquals(2, opts().fineSearch());
        assertEquals(1, opts("--falign=refine_3d_grid:delta=3:range=6:search=1").fineSearch());
    }

    @Test
    void unsupportedChoicesAndEman2OnlyOptionsAreRefusedWithTheirName() {
        for (String[] bad : new String[][] {
            {"--refgenmethod=ssa", "--refgenmethod"},
            {"--averager=mean.weird", "--averager"},
            {"--aligncmp=dot", "--aligncmp"},
            {"--faligncmp=phase", "--faligncmp"},
            {"--syms=q5", "--sym"},
            {"--weighbytiltaxis=2048", "--weighbytiltaxis"},
            {"--output=avgs.mrc", "--output"},
            {"--hacref=10", "--hacref"},
            {"--tweak", "--tweak"},
            {"--parallel=thread:4", "--parallel"},
            {"--clip=4", "--clip"},
            {"--align=rotate_symmetry_3d:delta=5", "--align"},
            {"--falign=refine_3d_grid_typo", "--falign"}
        }) {
            UserError e = assertThrows(UserError.class, () -> opts(bad[0]), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
        assertEquals("ccc.tomo", opts("--aligncmp=ccc.tomo.thresh").fscScore(false) ? "fsc.tomo" : "ccc.tomo");
        assertTrue(opts("--faligncmp=fsc.tomo").fscScore(true));
    }

    @Test
    void symsGivesEachClassItsOwnSymmetryAndPadsWithC1() {
        SubtomoOptions o = opts("--syms=c4,d2");
        assertEquals(4, o.symmetryOf(0).order());
        assertEquals(4, o.symmetryOf(1).order()); // d2 has 4 elements too
        assertEquals(1, o.symmetryOf(2).order());
        assertEquals(1, opts().symmetryOf(1).order());
    }

    @Test
    void tiltAxisWeightIsLinearFromTheAxisToTheEdgeAndMirrored() {
        double[] ab = {2048, 0.5};
        VolumeStack s = new VolumeStack(Path.of("x"), 4, new double[3][64]);
        ParticleSource src = new ParticleSource() {
            final double[][] coords = {{2048, 0, 0}, {0, 5, 5}, {3072, 1, 1}};

            @Override
            public int count() {
                return 3;
            }

            @Override
            public int n() {
                return 4;
            }

            @Override
            public double apix() {
                return 0;
            }

            @Override
            public double[] read(int i) {
                return new double[64];
            }

            @Override
            public double[] sourceCoord(int i) {
                return coords[i];
            }

            @Override
            public String name() {
                return "coords";
            }
        };
        assertEquals(1.0, LocalParticles.tiltAxisWeight(ab, src, 0), 1e-12);
        assertEquals(0.5, LocalParticles.tiltAxisWeight(ab, src, 1), 1e-12);
        assertEquals(0.75, LocalParticles.tiltAxisWeight(ab, src, 2), 1e-12); // 1024 beyond the axis = 1024 before it
        UserError e = assertThrows(UserError.class, () -> LocalParticles.tiltAxisWeight(ab, s, 0));
        assertTrue(e.getMessage().contains("ptcl_source_coord"), e.getMessage());
    }

    /** Five volumes, identity alignments, all in class 0: the averagers against numpy-style sums written out. */
    private static double[][] vols() {
        Random rng = new Random(4);
        double[][] v = new double[5][N * N * N];
        for (double[] x : v) {
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextGaussian();
            }
        }
        return v;
    }

    private static ClassAssignment allInZero(int np) {
        Hit[] best = new Hit[np];
        boolean[] kept = new boolean[np];
        Arrays.fill(best, new Hit(0.5, Rotations.identity(), new double[3]));
        Arrays.fill(kept, true);
        return new ClassAssignment(new int[np], best, kept);
    }

    @Test
    void meanAndMedianAveragersAndPreAverageProcessors() throws Exception {
        double[][] v = vols();
        LocalParticles local = LocalParticles.of(List.of(v), N);
        double[] median = new double[N * N * N], mean = new double[N * N * N], clamped = new double[N * N * N];
        for (int i = 0; i < median.length; i++) {
            double[] col = new double[5];
            for (int p = 0; p < 5; p++) {
                col[p] = v[p][i];
                mean[i] += v[p][i] / 5;
                clamped[i] += Math.max(0, v[p][i]) / 5;
            }
            Arrays.sort(col);
            median[i] = col[2];
        }
        assertArrayEquals(
                median,
                new ClassAverages(opts("--averager=median"), new LocalCommunicator(), N)
                        .compute(local, allInZero(5), 1, 1)[0],
                1e-12);
        assertArrayEquals(
                mean,
                new ClassAverages(opts("--averager=mean"), new LocalCommunicator(), N)
                        .compute(local, allInZero(5), 1, 1)[0],
                1e-12);
        assertArrayEquals(
                clamped,
                new ClassAverages(
                                opts("--averager=mean", "--preavgproc1=threshold.belowtozero:minval=0"),
                                new LocalCommunicator(),
                                N)
                        .compute(local, allInZero(5), 1, 1)[0],
                1e-12);
        // the median over 2 ranks (each holding its own particles) is the same
        List<double[]> two = ThreadCommunicator.run(2, comm -> {
            int lo = comm.rank() == 0 ? 0 : 2, hi = comm.rank() == 0 ? 2 : 5;
            LocalParticles mine =
                    LocalParticles.of(List.of(Arrays.copyOfRange(v, lo, hi)), N).asShare(5, lo);
            return new ClassAverages(opts("--averager=median"), comm, N).compute(mine, allInZero(5), 1, 1)[0];
        });
        for (double[] t : two) {
            assertArrayEquals(median, t, 1e-12);
        }
    }

    @Test
    void clipTakesTheCentredWindow() {
        int n = 8, b = 4;
        double[] v = new double[n * n * n];
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    v[(z * n + y) * n + x] = 100 * z + 10 * y + x;
                }
            }
        }
        double[] c = ParticleAligner.clip(v, n, b);
        // window starts at n/2 - b/2 = 2: its centre b/2 = 2 is the box centre 4
        assertEquals(100 * 2 + 10 * 2 + 2, c[0], 0);
        assertEquals(100 * 4 + 10 * 4 + 4, c[(2 * b + 2) * b + 2], 0);
    }

    @Test
    void refrandphaseKeepsLowResolutionAndChangesHigh() {
        double[] v = vols()[0];
        double[] r = InitialReferences.randomizePhases(v, N, 3, 1);
        Fourier f = new Fourier(N);
        double[] a = f.forward(v), b = f.forward(r);
        // frequency (1, 0, 0) (inside radius 3) is kept, (5, 0, 0) keeps its amplitude but not its phase
        assertEquals(a[2], b[2], 1e-9);
        assertEquals(Math.hypot(a[10], a[11]), Math.hypot(b[10], b[11]), 1e-9);
        assertNotEquals(a[10], b[10], 1e-6);
    }

    @Test
    void fscTomoScoresOneForIdenticalVolumesAndFindsTheShift() {
        double[] v = SyntheticSubtomograms.blobs(
                N, new double[][] {{2, 0, 0}, {0, -2, 1}, {-1, 1, -3}}, new double[] {1, .7, .5}, 1);
        double[] moved = VolumeTransform.rotateThenShift(v, N, Rotations.identity(), new double[] {1, 0, -1});
        WedgeCorrelator wc = new WedgeCorrelator(N, Fourier.band(N, 0, Double.POSITIVE_INFINITY), true, true);
        Target t = Target.of(moved, N, new Fourier(N));
        double[] spec = new Fourier(N).forward(v);
        double[] out = new double[4];
        wc.correlate(t, spec, Fourier.powerMask(spec, N * N * N), 0, 0, 0, 2, out);
        assertEquals(1, out[1], 0.05);
        assertEquals(0, out[2], 0.05);
        assertEquals(-1, out[3], 0.05);
        assertTrue(out[0] > 0.95 && out[0] <= 1 + 1e-9, "fsc.tomo " + out[0]);
    }

    @Test
    void randomizedWedgeStillReportsTheParticlesOwnAlignment() {
        int n = 16;
        SyntheticSubtomograms data =
                new SyntheticSubtomograms(n, SyntheticSubtomograms.objects(n, 1, 6, 8), 3, 1, 0.2, 30, 6);
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=x",
                "--nref=1",
                "--iter=1",
                "--randomizewedge",
                "--align=rotate_translate_3d:delta=15:dphi=15",
                "--falign=refine_3d_grid:delta=5:range=5",
                "--search=2",
                "--normproc=none"));
        SubtomoRefinement.Result r = new SubtomoRefinement(
                        o, new VolumeStack(Path.of("x"), n, data.particles()), new LocalCommunicator(), 1, null)
                .run(new double[][] {data.truth()[0]});
        for (int i = 0; i < 3; i++) {
            double err = Rotations.angleBetween(r.best()[i].rotation(), data.rotations()[i]);
            assertTrue(err < 15, "particle " + i + ": " + err + " degrees");
        }
        try (WorkerPool pool = new WorkerPool(1, "t")) {
            assertTrue(pool.threads() == 1);
        }
    }

    @Test
    void postprocessChangesOnlyTheFinalAverages() {
        int n = 12;
        SyntheticSubtomograms data =
                new SyntheticSubtomograms(n, SyntheticSubtomograms.objects(n, 1, 5, 3), 2, 0, 0.1, 0, 2);
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=x",
                "--nref=1",
                "--iter=1",
                "--falign=none",
                "--search=1",
                "--align=rotate_translate_3d:delta=90:dphi=90",
                "--postprocess=threshold.binary:value=0.5",
                "--normproc=none"));
        SubtomoRefinement.Result r = new SubtomoRefinement(
                        o, new VolumeStack(Path.of("x"), n, data.particles()), new LocalCommunicator(), 1, null)
                .run(new double[][] {data.truth()[0]});
        for (double x : r.averages()[0]) {
            assertTrue(x == 0 || x == 1, "binary after --postprocess: " + x);
        }
        assertEquals(2, SubtomoOptions.parse(List.of("--input=x", "--nref=1", "--subset=2")).subset);
    }
}
