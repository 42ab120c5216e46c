package org.diffract.refine.subtomo;

import java.util.List;

import org.diffract.core.parallel.WorkerPool;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlignmentTest {
    /** Particles: one asymmetric object, rotated, shifted up to 2.5 voxels, noise at SNR 4, 30-degree missing wedge. */
    @Test
    void recoversRotationAndShiftOfWedgedNoisyParticles() {
        int n = 20;
        SyntheticSubtomograms.Blobs[] objs = SyntheticSubtomograms.objects(n, 1, 8, 7);
        SyntheticSubtomograms data = new SyntheticSubtomograms(n, objs, 4, 2.5, 0.5, 30, 11);
        double[][] obj = data.truth;
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=x",
                "--nref=1",
                "--align=rotate_translate_3d:delta=15:dphi=15",
                "--falign=refine_3d_grid:delta=5:range=5",
                "--search=4",
                "--searchfine=2",
                "--normproc=none",
                "--shrink=2"));
        WorkerPool pool = new WorkerPool(2, "test");
        ParticleAligner a = new ParticleAligner(o, n, null, pool);
        List<Target>[] t = a.targets(List.of(data.particles));
        Hit[][] h = a.align(t[0], t[1], obj, d -> {});
        for (int i = 0; i < data.particles.length; i++) {
            double err = Rotations.angleBetween(h[i][0].rotation(), data.rotation[i]);
            // within one coarse step (15 degrees)
            assertTrue(err < 15, "particle " + i + ": rotation error " + err);
            for (int d = 0; d < 3; d++) {
                assertEquals(data.shift[i][d], h[i][0].shift()[d], 0.5, "particle " + i + " shift " + d);
            }
            assertTrue(h[i][0].score() > 0.8 && h[i][0].score() <= 1, "score " + h[i][0].score());
        }
        pool.close();
    }
}
