package org.diffract.core.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellCorrelationTest {
    private static int idx(int x, int y, int z) {
        return (x * 3 + y) * 3 + z;
    }

    /**
     * n = 3, centre (1,1,1). Within r <= 1.2 are the centre and its 6 face neighbours; with a = 1 at the
     * centre only and b = 1 at the centre and at (0,1,1): means 1/7 and 2/7, covariance sum
     * 1 - 7 (1/7)(2/7) = 5/7, variance sums 6/7 and 10/7, so r = (5/7) / sqrt(60/49) = 5 / sqrt(60).
     * A corner (r = sqrt 3) holds anticorrelated junk that must be ignored.
     */
    @Test
    void handComputedTinyCube() {
        double[] a = new double[27], b = new double[27];
        a[idx(1, 1, 1)] = 1;
        b[idx(1, 1, 1)] = 1;
        b[idx(0, 1, 1)] = 1;
        a[idx(0, 0, 0)] = 100;
        b[idx(0, 0, 0)] = -100;
        assertEquals(5 / Math.sqrt(60), ShellCorrelation.overall(a, b, 3, 0, 1.2), 1e-14);
        double[] one = ShellCorrelation.compute(a, b, 3, 1, 1.2);
        assertEquals(1, one.length);
        assertEquals(5 / Math.sqrt(60), one[0], 1e-14);
    }

    @Test
    void shellsSeparateRadiiAndSmallShellsAreNaN() {
        double[] a = new double[27], b = new double[27];
        int[][] faces = {{0, 1, 1}, {2, 1, 1}, {1, 0, 1}, {1, 2, 1}, {1, 1, 0}, {1, 1, 2}};
        for (int k = 0; k < 6; k++) {
            a[idx(faces[k][0], faces[k][1], faces[k][2])] = k + 1;
            b[idx(faces[k][0], faces[k][1], faces[k][2])] = 6 - k; // exactly anticorrelated
        }
        // 12 edge voxels (r = sqrt 2) equal in a and b: correlation 1 there.
        int edges = 0;
        for (int x = 0; x < 3; x++) {
            for (int y = 0; y < 3; y++) {
                for (int z = 0; z < 3; z++) {
                    int far = (x != 1 ? 1 : 0) + (y != 1 ? 1 : 0) + (z != 1 ? 1 : 0);
                    if (far == 2) {
                        a[idx(x, y, z)] = b[idx(x, y, z)] = ++edges * edges;
                    }
                }
            }
        }
        // rMax 1.5 in 3 shells of width 0.5: [0,0.5) centre only, [0.5,1) empty, [1,1.5] faces + edges.
        double[] s3 = ShellCorrelation.compute(a, b, 3, 3, 1.5);
        assertTrue(Double.isNaN(s3[0]));
        assertTrue(Double.isNaN(s3[1]));
        // Shells of width 0.6 up to 1.8: faces alone in [0.6, 1.2), edges alone in [1.2, 1.8].
        double[] s = ShellCorrelation.compute(a, b, 3, 3, 1.8);
        assertTrue(Double.isNaN(s[0]));
        assertEquals(-1.0, s[1], 1e-14);
        assertEquals(1.0, s[2], 1e-14);
        assertEquals(-1.0, ShellCorrelation.overall(a, b, 3, 0.5, 1.2), 1e-14);
    }

    @Test
    void identicalVolumesGiveOneAndMatchADirectComputation() {
        int n = 12;
        SplittableRandom rng = new SplittableRandom(9);
        double[] a = new double[n * n * n], b = new double[n * n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = 1000 + rng.nextDouble();
            b[i] = 0.5 * a[i] + rng.nextDouble();
        }
        for (double r : ShellCorrelation.compute(a, a, n, 4, 6)) {
            assertEquals(1.0, r, 1e-12);
        }
        assertEquals(1.0, ShellCorrelation.overall(a, a, n, 1, 5), 1e-12);
        // Independent computation of shell 2 of 4 over [0, 6]: 3 <= r < 4.5, centre voxel 6.
        double[] shells = ShellCorrelation.compute(a, b, n, 4, 6);
        List<double[]> pairs = new ArrayList<>();
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double r = Math.sqrt((x - 6) * (x - 6) + (y - 6) * (y - 6) + (z - 6) * (z - 6));
                    if (r >= 3 && r < 4.5) {
                        pairs.add(new double[] {a[(x * n + y) * n + z], b[(x * n + y) * n + z]});
                    }
                }
            }
        }
        double[] xs = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] ys = pairs.stream().mapToDouble(p -> p[1]).toArray();
        double expected = new org.apache.commons.math3.stat.correlation.PearsonsCorrelation().correlation(xs, ys);
        assertEquals(expected, shells[2], 1e-10);
        assertTrue(expected > 0.1 && expected < 0.9);
    }
}
