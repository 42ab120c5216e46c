package org.diffract.core.volume;

import java.util.SplittableRandom;

import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.IcosahedralGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SymmetryTest {
    /** Two workers, so the split over planes is exercised. */
    private static final WorkerPool POOL = new WorkerPool(2, "test");

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    @Test
    void friedelOddMakesMirrorPairsEqualToTheirAverageAndIsIdempotent() {
        int n = 7;
        SplittableRandom rng = new SplittableRandom(1);
        double[] orig = TestVolumes.random(rng, n * n * n);
        double[] v = orig.clone();
        Symmetry.friedel(v, n, POOL);
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    int i = (x * n + y) * n + z;
                    int j = ((n - 1 - x) * n + (n - 1 - y)) * n + (n - 1 - z);
                    assertEquals(0.5 * (orig[i] + orig[j]), v[i], 1e-15);
                    assertEquals(v[j], v[i], 0.0);
                }
            }
        }
        double[] again = v.clone();
        Symmetry.friedel(again, n, POOL);
        assertArrayEquals(v, again, 0.0);
    }

    @Test
    void friedelEvenMirrorsAboutNOver2AndLeavesUnpairedVoxels() {
        int n = 4; // centre 2: index i pairs with 4 - i; index 0 has no mirror
        SplittableRandom rng = new SplittableRandom(2);
        double[] orig = TestVolumes.random(rng, n * n * n);
        double[] v = orig.clone();
        Symmetry.friedel(v, n, POOL);
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    int i = (x * n + y) * n + z;
                    if (x == 0 || y == 0 || z == 0) {
                        assertEquals(orig[i], v[i], 0.0);
                    } else {
                        int j = ((4 - x) * n + (4 - y)) * n + (4 - z);
                        assertEquals(0.5 * (orig[i] + orig[j]), v[i], 1e-15);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Symmetry.friedel(new double[10], 2, POOL));
    }

    private static double[] rotateTrilinear(double[] v, int n, double[] g) {
        double[] out = new double[v.length];
        int c = n / 2;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double px = x - c, py = y - c, pz = z - c;
                    out[(x * n + y) * n + z] = Trilinear.sample(
                            v,
                            n,
                            g[0] * px + g[1] * py + g[2] * pz + c,
                            g[3] * px + g[4] * py + g[5] * pz + c,
                            g[6] * px + g[7] * py + g[8] * pz + c);
                }
            }
        }
        return out;
    }

    /** Relative RMS difference over the voxels with r <= rMax. */
    private static double relDiff(double[] a, double[] b, int n, double rMax) {
        int c = n / 2;
        double d = 0, s = 0;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    if ((x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c) <= rMax * rMax) {
                        int i = (x * n + y) * n + z;
                        d += (a[i] - b[i]) * (a[i] - b[i]);
                        s += a[i] * a[i];
                    }
                }
            }
        }
        return Math.sqrt(d / s);
    }

    @Test
    void icosahedralResultIsInvariantUnderTheGroup() {
        int n = 33;
        SplittableRandom rng = new SplittableRandom(4);
        double[] centres = TestVolumes.randomCentres(rng, 5, 9);
        double[] v = TestVolumes.gaussians(
                n, centres, new double[] {1, 0.8, 1.3, 0.6, 1}, new double[] {3, 3.5, 4, 3, 3.2}, null, 1);
        double[][] group = IcosahedralGroup.matrices();
        double rMax = 13;
        // The input is far from symmetric, so the check below can fail.
        assertTrue(relDiff(v, rotateTrilinear(v, n, group[7]), n, rMax) > 0.3);
        Symmetry.icosahedral(v, n, POOL);
        for (int g : new int[] {1, 7, 23, 59}) {
            double d = relDiff(v, rotateTrilinear(v, n, group[g]), n, rMax);
            assertTrue(d < 0.02, "group element " + g + " changes the symmetrised volume by " + d);
        }
    }

    @Test
    void sphericallySymmetricVolumeIsNearlyUnchanged() {
        int n = 31;
        double[] v = TestVolumes.gaussians(n, new double[3], new double[] {1}, new double[] {5}, null, 1);
        double[] orig = v.clone();
        Symmetry.icosahedral(v, n, POOL);
        double worst = 0;
        int c = n / 2;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    int i = (x * n + y) * n + z;
                    worst = Math.max(worst, Math.abs(v[i] - orig[i]));
                }
            }
        }
        // Trilinear error of a Gaussian of width 5 is about h^2/8 |f''| <= 0.005 of the peak.
        assertTrue(worst < 0.01, "max change " + worst);
        assertEquals(orig[(c * n + c) * n + c], v[(c * n + c) * n + c], 1e-12);
    }
}
