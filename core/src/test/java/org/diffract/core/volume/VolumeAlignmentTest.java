package org.diffract.core.volume;

import java.util.SplittableRandom;

import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.Quaternions;
import org.diffract.core.stats.ShellCorrelation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VolumeAlignmentTest {
    /** Two workers, so the split over planes is exercised. */
    private static final WorkerPool POOL = new WorkerPool(2, "test");

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    private static final int N = 41;
    private static final double[] AMP = {1, 0.7, 1.2, 0.5, 0.9};
    private static final double[] SIGMA = {2.5, 3, 3.5, 2.5, 4};

    @Test
    void recoversAKnownRotation() {
        SplittableRandom rng = new SplittableRandom(21);
        double[] centres = TestVolumes.randomCentres(rng, AMP.length, 11);
        double[] reference = TestVolumes.gaussians(N, centres, AMP, SIGMA, null, 1);
        double[] q0 = Quaternions.random(rng);
        // moving(x) = reference(R0^T x): features of reference at c appear at R0 c.
        double[] moving = TestVolumes.gaussians(N, centres, AMP, SIGMA, Quaternions.toMatrix(q0), 1);
        VolumeAlignment.Result res = VolumeAlignment.align(moving, reference, N, 6, 0, 18, POOL);
        // aligned(x) = moving(R^T x) = reference(R0^T R^T x), equal to reference iff R = R0^T.
        double err = Math.toDegrees(Quaternions.angleBetween(res.quaternion(), Quaternions.conjugate(q0)));
        assertTrue(err < 2, "rotation error " + err + " degrees");
        assertTrue(res.correlation() > 0.99, "correlation " + res.correlation());
        assertFalse(res.inverted());
        assertEquals(N * N * N, res.aligned().length);
        // The returned volume is the one scored: recompute its correlation independently.
        assertEquals(res.correlation(), ShellCorrelation.overall(res.aligned(), reference, N, 0, 18), 1e-9);
    }

    @Test
    void findsTheEnantiomerOnlyWhenAskedTo() {
        SplittableRandom rng = new SplittableRandom(8);
        double[] centres = TestVolumes.randomCentres(rng, AMP.length, 11);
        double[] reference = TestVolumes.gaussians(N, centres, AMP, SIGMA, null, 1);
        double[] q0 = Quaternions.random(rng);
        // Gaussians at -R0 c: the mirror image of a rotated reference.
        double[] moving = TestVolumes.gaussians(N, centres, AMP, SIGMA, Quaternions.toMatrix(q0), -1);
        VolumeAlignment.Result proper = VolumeAlignment.align(moving, reference, N, 4, 0, 18, false, POOL);
        VolumeAlignment.Result any = VolumeAlignment.align(moving, reference, N, 4, 0, 18, true, POOL);
        assertTrue(any.inverted());
        assertTrue(any.correlation() > 0.99, "correlation " + any.correlation());
        double err = Math.toDegrees(Quaternions.angleBetween(any.quaternion(), Quaternions.conjugate(q0)));
        assertTrue(err < 2, "rotation error " + err + " degrees");
        assertTrue(
                proper.correlation() < any.correlation() - 0.05,
                "a chiral object should not fit its mirror image: " + proper.correlation());
    }

    @Test
    void rotateByIdentityCopiesTheInteriorAndInversionMirrors() {
        int n = 9;
        double[] v = TestVolumes.random(new SplittableRandom(2), n * n * n);
        double[] same = VolumeAlignment.rotate(v, n, new double[] {1, 0, 0, 0}, false, POOL);
        double[] mirrored = VolumeAlignment.rotate(v, n, new double[] {1, 0, 0, 0}, true, POOL);
        for (int x = 1; x < n - 1; x++) {
            for (int y = 1; y < n - 1; y++) {
                for (int z = 1; z < n - 1; z++) {
                    int i = (x * n + y) * n + z;
                    assertEquals(v[i], same[i], 1e-12);
                    assertEquals(v[((n - 1 - x) * n + (n - 1 - y)) * n + (n - 1 - z)], mirrored[i], 1e-12);
                }
            }
        }
    }
}
