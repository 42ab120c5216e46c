package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.List;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.WorkerPool;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A c4 object: --sym c4 searches a quarter of the orientations, finds each particle's rotation up to the group and returns a c4 average. */
class SymmetryRefinementTest {
    static final int N = 20;

    static SyntheticSubtomograms.Blobs c4Object() {
        double[][] base = {{3, 1, 2}, {1, 4, -1}, {2, 0, -3}};
        double[] amp0 = {1, 0.7, 1.3};
        double[][] c = new double[12][];
        double[] amp = new double[12];
        for (int k = 0; k < 4; k++) {
            double[] r = Rotations.rz(90 * k);
            for (int b = 0; b < 3; b++) {
                double[] p = base[b];
                c[3 * k + b] = new double[] {r[0] * p[0] + r[1] * p[1], r[3] * p[0] + r[4] * p[1], p[2]};
                amp[3 * k + b] = amp0[b];
            }
        }
        return new SyntheticSubtomograms.Blobs(c, amp, N / 18.0);
    }

    @Test
    void c4ObjectIsRefinedInTheAsymmetricUnit() {
        SyntheticSubtomograms data =
                new SyntheticSubtomograms(N, new SyntheticSubtomograms.Blobs[] {c4Object()}, 5, 2, 0.5, 30, 17);
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=synthetic",
                "--nref=1",
                "--iter=1",
                "--sym=c4",
                "--shrink=2",
                "--search=4",
                "--align=rotate_translate_3d:delta=20:dphi=20",
                "--falign=refine_3d_grid:delta=5:range=5"));
        WorkerPool pool = new WorkerPool(1, "test");
        int reduced = new ParticleAligner(o, N, null, pool).orientations().size();
        o.breaksym = true;
        int all = new ParticleAligner(o, N, null, pool).orientations().size();
        pool.close();
        assertEquals(Orientations.grid(20, 20, SymmetryGroup.parse("c1")).size(), all);
        assertTrue(all / (double) reduced > 3.2 && all / (double) reduced <= 4, all + " vs " + reduced);
        o.breaksym = false;

        SubtomoRefinement.Result r = new SubtomoRefinement(
                        o, new VolumeStack(Path.of("synthetic"), N, data.particles), new LocalCommunicator(), 2, null)
                .run(data.truth);
        SymmetryGroup c4 = SymmetryGroup.parse("c4");
        for (int i = 0; i < data.particles.length; i++) {
            double err = 180;
            for (double[] g : c4.elements()) {
                err = Math.min(
                        err, Rotations.angleBetween(Rotations.multiply(r.best()[i].rotation(), g), data.rotation[i]));
            }
            assertTrue(err < 20, "particle " + i + ": rotation error up to c4 " + err);
        }
        double[] avg = r.averages()[0];
        double[] turned = VolumeTransform.rotateThenShift(avg, N, Rotations.rz(90), new double[3]);
        assertTrue(SyntheticSubtomograms.correlation(avg, turned) > 0.999, "average is c4-symmetric");
        assertTrue(
                SyntheticSubtomograms.correlation(avg, data.truth[0]) > 0.9,
                "average vs truth " + SyntheticSubtomograms.correlation(avg, data.truth[0]));
    }
}
