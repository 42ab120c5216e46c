package org.diffract.core.rotation;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcosahedralGroupTest {
    private static final double TAU = (1 + Math.sqrt(5)) / 2;

    private static int indexOf(double[][] group, double[] q) {
        for (int i = 0; i < group.length; i++) {
            double dot = 0;
            for (int c = 0; c < 4; c++) {
                dot += group[i][c] * q[c];
            }
            if (Math.abs(dot) > 1 - 1e-12) {
                return i;
            }
        }
        return -1;
    }

    private static double[] axisAngle(double x, double y, double z, double degrees) {
        double n = Math.sqrt(x * x + y * y + z * z);
        double h = Math.toRadians(degrees) / 2;
        return new double[] {Math.cos(h), Math.sin(h) * x / n, Math.sin(h) * y / n, Math.sin(h) * z / n};
    }

    @Test
    void sixtyDistinctUnitRotationsStartingWithIdentity() {
        double[][] g = IcosahedralGroup.quaternions();
        assertEquals(60, g.length);
        assertArrayEquals(new double[] {1, 0, 0, 0}, g[0], 0.0);
        for (int i = 0; i < 60; i++) {
            assertEquals(1.0, g[i][0] * g[i][0] + g[i][1] * g[i][1] + g[i][2] * g[i][2] + g[i][3] * g[i][3], 1e-12);
            for (int j = i + 1; j < 60; j++) {
                double dot = 0;
                for (int c = 0; c < 4; c++) {
                    dot += g[i][c] * g[j][c];
                }
                assertTrue(Math.abs(dot) < 1 - 1e-9);
            }
        }
    }

    @Test
    void closedUnderProductAndInverse() {
        double[][] g = IcosahedralGroup.quaternions();
        for (double[] a : g) {
            assertTrue(indexOf(g, Quaternions.conjugate(a)) >= 0);
            for (double[] b : g) {
                assertTrue(indexOf(g, Quaternions.multiply(a, b)) >= 0);
            }
        }
    }

    @Test
    void rotationAngleClassesOfTheIcosahedralGroup() {
        // 1 identity, 15 half turns, 20 rotations by 120 deg, 12 by 72 deg and 12 by 144 deg.
        int[] counts = new int[5];
        double[] angles = {0, 180, 120, 72, 144};
        for (double[] q : IcosahedralGroup.quaternions()) {
            double deg = Math.toDegrees(2 * Math.acos(Math.min(1, Math.abs(q[0]))));
            for (int k = 0; k < 5; k++) {
                if (Math.abs(deg - angles[k]) < 1e-6) {
                    counts[k]++;
                }
            }
        }
        assertArrayEquals(new int[] {1, 15, 20, 12, 12}, counts);
    }

    @Test
    void orientationMatchesDragonfly() {
        double[][] g = IcosahedralGroup.quaternions();
        // 2-folds on the coordinate axes, 3-fold on (1,1,1), 5-folds on cyclic permutations of (0, tau, 1).
        assertTrue(indexOf(g, axisAngle(0, 0, 1, 180)) >= 0);
        assertTrue(indexOf(g, axisAngle(1, 0, 0, 180)) >= 0);
        assertTrue(indexOf(g, axisAngle(1, 1, 1, 120)) >= 0);
        assertTrue(indexOf(g, axisAngle(0, TAU, 1, 72)) >= 0);
        assertTrue(indexOf(g, axisAngle(0, TAU, -1, 72)) >= 0);
        assertTrue(indexOf(g, axisAngle(TAU, 1, 0, 72)) >= 0);
        assertTrue(indexOf(g, axisAngle(1, 0, TAU, 72)) >= 0);
        // The other standard orientation (5-folds on (0, 1, tau)) is not this group.
        assertFalse(indexOf(g, axisAngle(0, 1, TAU, 72)) >= 0);
    }

    @Test
    void matricesAreTheQuaternionsMatrices() {
        double[][] q = IcosahedralGroup.quaternions();
        double[][] m = IcosahedralGroup.matrices();
        assertEquals(60, m.length);
        for (int i = 0; i < 60; i++) {
            assertArrayEquals(Quaternions.toMatrix(q[i]), m[i], 0.0);
        }
        // Dragonfly's table has entries 0, +-1/2, +-tau/2, +-1/(2 tau), +-1 only.
        double[] allowed = {0, 0.5, TAU / 2, 1 / (2 * TAU), 1};
        for (double[] r : m) {
            for (double x : r) {
                boolean ok = false;
                for (double a : allowed) {
                    ok |= Math.abs(Math.abs(x) - a) < 1e-12;
                }
                assertTrue(ok, "entry " + x);
            }
        }
    }
}
