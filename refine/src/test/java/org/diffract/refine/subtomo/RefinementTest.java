package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.diffract.core.parallel.WorkerPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole refinement on synthetic particles of three distinct objects (random rotations, shifts up to
 * 2 voxels, five of each, white noise at SNR 1, 30-degree missing wedge), starting from references made by
 * hierarchical clustering of the particles themselves.
 */
class RefinementTest {
    static final int N = 20;
    static final double DELTA = 20;
    static SyntheticSubtomograms data;
    static SubtomoRefinement.Result result;

    static SubtomoOptions options(String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "--input=unused.h5",
                "--nref=3",
                "--refgenmethod=hac",
                "--iter=3",
                "--shrink=2",
                "--search=4",
                "--searchfine=2",
                "--align=rotate_translate_3d:delta=20:dphi=20",
                "--falign=refine_3d_grid:delta=5:range=5"));
        a.addAll(List.of(extra));
        return SubtomoOptions.parse(a);
    }

    static VolumeStack stack() {
        return new VolumeStack(Path.of("synthetic"), N, data.particles);
    }

    @BeforeAll
    static void refine() {
        data = new SyntheticSubtomograms(N, SyntheticSubtomograms.objects(N, 3, 8, 21), 5, 2, 1.0, 30, 5);
        result = new SubtomoRefinement(options(), stack(), new LocalCommunicator(), 2, null).run();
    }

    /** Class k of the result that holds most particles of true object c. */
    static int[] labelMap(int[] membership, int[] truth, int nref) {
        int[] map = new int[nref];
        for (int c = 0; c < nref; c++) {
            int[] votes = new int[nref];
            for (int i = 0; i < truth.length; i++) {
                if (truth[i] == c) {
                    votes[membership[i]]++;
                }
            }
            for (int k = 1; k < nref; k++) {
                if (votes[k] > votes[map[c]]) {
                    map[c] = k;
                }
            }
        }
        return map;
    }

    @Test
    void classesAreRecovered() {
        int[] map = labelMap(result.membership(), data.cls, 3);
        assertEquals(3, Arrays.stream(map).distinct().count(), "each object its own class");
        int correct = 0;
        for (int i = 0; i < data.cls.length; i++) {
            if (result.membership()[i] == map[data.cls[i]]) {
                correct++;
            }
        }
        assertTrue(correct >= 0.95 * data.cls.length, correct + " of " + data.cls.length + " correct");
    }

    @Test
    void averagesCorrelateWithTheTruthAndRotationsAreWithinOneStep() {
        int[] map = labelMap(result.membership(), data.cls, 3);
        WorkerPool pool = new WorkerPool(2, "test");
        SubtomoOptions o = options();
        ParticleAligner aligner = new ParticleAligner(o, N, null, pool);
        for (int c = 0; c < 3; c++) {
            double[] avg = result.averages()[map[c]];
            // the class average sits in its own frame: find it (average = truth rotated by G, shifted)
            List<Target>[] t = aligner.targets(List.of(avg));
            Hit g = aligner.align(t[0], t[1], new double[][] {data.truth[c]}, d -> {})[0][0];
            assertTrue(g.score() > 0.85, "class " + c + ": average vs truth NCC " + g.score());
            double[] aligned = VolumeTransform.align(avg, N, g.rotation(), g.shift());
            double cc = SyntheticSubtomograms.correlation(aligned, data.truth[c]);
            assertTrue(cc > 0.8, "class " + c + ": real-space correlation " + cc);
            for (int i = 0; i < data.cls.length; i++) {
                if (data.cls[i] != c || result.membership()[i] != map[c]) {
                    continue;
                }
                double[] est = Rotations.multiply(result.best()[i].rotation(), g.rotation());
                double err = Rotations.angleBetween(est, data.rotation[i]);
                assertTrue(err < DELTA, "particle " + i + ": rotation error " + err + " degrees");
            }
        }
        pool.close();
    }

    @Test
    void stopsEarlyWhenMembershipIsStable() {
        assertTrue(result.iterations() <= 3);
        if (result.iterations() < 3) {
            assertTrue(result.converged());
        }
    }

    @Test
    void twoRanksGiveTheSameResultAsOne() throws Exception {
        // both start from the true objects, so only the rank split differs
        VolumeStack few = new VolumeStack(Path.of("synthetic"), N, Arrays.copyOf(data.particles, 5));
        String[] coarse = {"--iter=1", "--align=rotate_translate_3d:delta=30:dphi=30"};
        List<SubtomoRefinement.Result> two = ThreadCommunicator.run(
                2, comm -> new SubtomoRefinement(options(coarse), few, comm, 1, null).run(data.truth));
        SubtomoRefinement.Result one =
                new SubtomoRefinement(options(coarse), few, new LocalCommunicator(), 2, null).run(data.truth);
        for (SubtomoRefinement.Result r : two) {
            assertArrayEquals(one.membership(), r.membership());
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(one.averages()[k], r.averages()[k], 1e-9);
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(one.best()[i].score(), r.best()[i].score(), 1e-12);
            }
        }
    }

    @Test
    void hacSplitOverTwoRanksMakesTheSameReferences() throws Exception {
        VolumeStack few = new VolumeStack(Path.of("synthetic"), N, Arrays.copyOf(data.particles, 6));
        String[] quick = {"--iter=1", "--align=rotate_translate_3d:delta=30:dphi=30", "--falign=none"};
        List<SubtomoRefinement.Result> two =
                ThreadCommunicator.run(2, comm -> new SubtomoRefinement(options(quick), few, comm, 1, null).run());
        SubtomoRefinement.Result one =
                new SubtomoRefinement(options(quick), few, new LocalCommunicator(), 1, null).run();
        for (SubtomoRefinement.Result r : two) {
            assertArrayEquals(one.membership(), r.membership());
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(one.averages()[k], r.averages()[k], 1e-9);
            }
        }
    }
}
