package org.diffract.refine.subtomo;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.diffract.core.UserError;
import org.diffract.core.rotation.Quaternions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rotations, Euler angles, symmetry groups, orientation grids and the volume resampler. */
class GeometryTest {
    @Test
    void eulerAnglesFollowEmanConventionAndRoundTrip() {
        // EMAN2 libEM/transform.cpp set_rotation("eman"), written out for az = 30, alt = 50, phi = 70
        double az = Math.toRadians(30), alt = Math.toRadians(50), phi = Math.toRadians(70);
        double[] eman = {
            Math.cos(phi) * Math.cos(az) - Math.cos(alt) * Math.sin(az) * Math.sin(phi),
            Math.cos(phi) * Math.sin(az) + Math.cos(alt) * Math.cos(az) * Math.sin(phi),
            Math.sin(alt) * Math.sin(phi),
            -Math.sin(phi) * Math.cos(az) - Math.cos(alt) * Math.sin(az) * Math.cos(phi),
            -Math.sin(phi) * Math.sin(az) + Math.cos(alt) * Math.cos(az) * Math.cos(phi),
            Math.sin(alt) * Math.cos(phi),
            Math.sin(alt) * Math.sin(az),
            -Math.sin(alt) * Math.cos(az),
            Math.cos(alt)
        };
        assertArrayEquals(eman, Rotations.eman(30, 50, 70), 1e-12);
        assertArrayEquals(new double[] {30, 50, 70}, Rotations.emanAngles(eman), 1e-9);
        Random rng = new Random(3);
        for (int i = 0; i < 200; i++) {
            double[] m = Quaternions.toMatrix(Quaternions.random(rng));
            double[] e = Rotations.emanAngles(m);
            assertTrue(e[1] >= 0 && e[1] <= 180);
            assertEquals(0, Rotations.angleBetween(m, Rotations.eman(e[0], e[1], e[2])), 1e-4);
        }
        // gimbal lock: alt 180 puts the whole in-plane turn into phi
        double[] e = Rotations.emanAngles(Rotations.eman(40, 180, 10));
        assertEquals(0, Rotations.angleBetween(Rotations.eman(40, 180, 10), Rotations.eman(e[0], e[1], e[2])), 1e-6);
        assertEquals(37, Rotations.angleBetween(Rotations.identity(), Rotations.axisAngle(1, 2, 3, 37)), 1e-9);
    }

    @Test
    void symmetryGroupsHaveTheirOrders() {
        assertEquals(1, SymmetryGroup.parse("c1").order());
        assertEquals(4, SymmetryGroup.parse("c4").order());
        assertEquals(6, SymmetryGroup.parse("D3").order());
        assertEquals(12, SymmetryGroup.parse("tet").order());
        assertEquals(24, SymmetryGroup.parse("oct").order());
        assertEquals(60, SymmetryGroup.parse("icos").order());
        // EMAN2's tables form groups (closed under products) with its axes: tet 3-fold, oct 4-fold, icos 5-fold on z
        for (String s : new String[] {"tet", "oct", "icos", "icos5"}) {
            List<double[]> g = SymmetryGroup.parse(s).elements();
            for (double[] a : g) {
                for (double[] b : g) {
                    double[] p = Rotations.multiply(a, b);
                    assertTrue(g.stream().anyMatch(e -> Rotations.angleBetween(e, p) < 1e-3), s + " is not closed");
                }
            }
        }
        for (String[] s : new String[][] {{"tet", "120"}, {"oct", "90"}, {"icos", "72"}, {"icos5", "72"}}) {
            double[] r = Rotations.rz(Double.parseDouble(s[1]));
            assertTrue(
                    SymmetryGroup.parse(s[0]).elements().stream().anyMatch(e -> Rotations.angleBetween(e, r) < 1e-3),
                    s[0]);
        }
        for (String bad : new String[] {"c0", "x4", "d", "c-2"}) {
            UserError e = assertThrows(UserError.class, () -> SymmetryGroup.parse(bad));
            assertTrue(e.getMessage().contains("--sym"), e.getMessage());
        }
    }

    @Test
    void asymmetricUnitHoldsOneRotationPerCoset() {
        List<double[]> c1 = Orientations.grid(15, 15, SymmetryGroup.parse("c1"));
        for (String s : new String[] {"c4", "d2", "oct"}) {
            SymmetryGroup g = SymmetryGroup.parse(s);
            List<double[]> reduced = Orientations.grid(15, 15, g);
            double ratio = c1.size() / (double) reduced.size();
            // borders are kept on both sides, so slightly more than 1/|G| of the grid survives
            assertTrue(ratio > 0.8 * g.order() && ratio <= g.order(), s + ": ratio " + ratio);
            // every rotation has a symmetry mate within one step of a kept one
            Random rng = new Random(1);
            for (int t = 0; t < 30; t++) {
                double[] r = Quaternions.toMatrix(Quaternions.random(rng));
                double best = 180;
                for (double[] e : g.elements()) {
                    double[] mate = Rotations.multiply(r, e);
                    for (double[] k : reduced) {
                        best = Math.min(best, Rotations.angleBetween(mate, k));
                    }
                }
                assertTrue(best < 15, s + ": rotation without a kept mate within a step: " + best + " degrees");
            }
        }
    }

    @Test
    void fullGridCoversRotationsWithinAboutOneStep() {
        List<double[]> grid = Orientations.grid(15, 15, SymmetryGroup.parse("c1"));
        Random rng = new Random(5);
        double worst = 0;
        for (int t = 0; t < 100; t++) {
            double[] r = Quaternions.toMatrix(Quaternions.random(rng));
            double best = 180;
            for (double[] g : grid) {
                best = Math.min(best, Rotations.angleBetween(r, g));
            }
            worst = Math.max(worst, best);
        }
        assertTrue(worst < 15, "worst distance to the grid " + worst);
    }

    @Test
    void transformIsExactForIntegerShiftsAndQuarterTurns() {
        int n = 8;
        double[] v = new double[n * n * n];
        v[(6 * n + 5) * n + 4] = 1; // x = 4, y = 5, z = 6 (x fastest): offset (0, 1, 2) from the centre 4
        double[] shifted = VolumeTransform.rotateThenShift(v, n, Rotations.identity(), new double[] {1, -1, 0});
        assertEquals(1, shifted[(6 * n + 4) * n + 5], 1e-12);
        // a quarter turn about z maps (0, 1, 2) to (-1, 0, 2)
        double[] r = Rotations.rz(90);
        double[] turned = VolumeTransform.rotateThenShift(v, n, r, new double[3]);
        assertEquals(1, turned[(6 * n + 4) * n + 3], 1e-9);
        double[] back = VolumeTransform.align(turned, n, r, new double[3]);
        assertArrayEquals(v, back, 1e-9);
    }

    @Test
    void localGridHasTheIdentityFirstAndCubeSize() {
        List<double[]> g = AlignmentSearch.localGrid(6, 3);
        assertEquals(125, g.size());
        assertArrayEquals(Rotations.identity(), g.get(0));
        assertEquals(1, AlignmentSearch.localGrid(0, 3).size());
        double max = 0;
        for (double[] r : g) {
            max = Math.max(max, Rotations.angleBetween(Rotations.identity(), r));
        }
        assertEquals(6 * Math.sqrt(3), max, 1e-9);
    }

    @Test
    void symmetrizedVolumeIsInvariant() {
        int n = 12;
        SymmetryGroup c4 = SymmetryGroup.parse("c4");
        // blobs well inside the box: the turned box edge reads outside, where the volume is ~0
        double[] v = SyntheticSubtomograms.blobs(
                n, new double[][] {{1, 0, 0}, {0, 2, 1}, {-1, -1, -2}}, new double[] {1, 0.7, 0.4}, 0.6);
        double[] s = c4.symmetrize(v, n);
        // a quarter turn about z on the grid is exact (no interpolation)
        double[] turned = VolumeTransform.rotateThenShift(s, n, Rotations.rz(90), new double[3]);
        assertArrayEquals(s, turned, 1e-9);
        assertFalse(Arrays.equals(v, s));
    }
}
