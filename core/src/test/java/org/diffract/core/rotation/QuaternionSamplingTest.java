package org.diffract.core.rotation;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuaternionSamplingTest {

    @Test
    void countsAre10TimesNPlus5NCubed() {
        int[] ns = {1, 2, 3, 4, 5, 6, 10};
        int[] expected = {60, 420, 1380, 3240, 6300, 10860, 50100};
        for (int i = 0; i < ns.length; i++) {
            QuaternionSampling s = QuaternionSampling.of(ns[i]);
            assertEquals(expected[i], s.count(), "n=" + ns[i]);
            assertEquals(4 * expected[i], s.quaternions().length);
            assertEquals(expected[i], s.weights().length);
            assertEquals(ns[i], s.numDiv());
        }
    }

    @Test
    void rejectsNonPositiveNumDiv() {
        assertThrows(IllegalArgumentException.class, () -> QuaternionSampling.of(0));
        assertThrows(IllegalArgumentException.class, () -> QuaternionSampling.of(-3));
    }

    @Test
    void unitNormPositiveWeightsSummingToOneAndRepresentativeSign() {
        for (int n = 1; n <= 5; n++) {
            QuaternionSampling s = QuaternionSampling.of(n);
            double[] q = s.quaternions();
            double[] w = s.weights();
            double sum = 0;
            for (int r = 0; r < s.count(); r++) {
                double norm2 = 0;
                for (int c = 0; c < 4; c++) {
                    norm2 += q[4 * r + c] * q[4 * r + c];
                }
                assertEquals(1.0, norm2, 1e-12);
                assertTrue(w[r] > 0);
                sum += w[r];
                assertTrue(q[4 * r] >= -1e-15, "w must not be negative");
            }
            assertEquals(1.0, sum, 1e-12);
        }
    }

    @Test
    void quaternionAccessorMatchesArray() {
        QuaternionSampling s = QuaternionSampling.of(3);
        double[] all = s.quaternions();
        double[] one = new double[4];
        s.quaternion(17, one);
        for (int c = 0; c < 4; c++) {
            assertEquals(all[4 * 17 + c], one[c], 0.0);
        }
    }

    @Test
    void level1IsTheSixtyIcosahedralRotations() {
        // The n = 1 sampling is the vertices of the 600-cell: every point is a 600-cell vertex, so each
        // component is one of 0, +-1/2, +-1, +-tau/2, +-1/(2 tau).
        double tau = (1 + Math.sqrt(5)) / 2;
        double[] allowed = {0, 0.5, 1, tau / 2, 1 / (2 * tau)};
        double[] q = QuaternionSampling.of(1).quaternions();
        for (double x : q) {
            boolean ok = false;
            for (double a : allowed) {
                ok |= Math.abs(Math.abs(x) - a) < 1e-12;
            }
            assertTrue(ok, "component " + x);
        }
    }

    @Test
    void noTwoQuaternionsAreTheSameRotation() {
        for (int n : new int[] {2, 3}) {
            double[] q = QuaternionSampling.of(n).quaternions();
            int count = q.length / 4;
            for (int i = 0; i < count; i++) {
                for (int j = i + 1; j < count; j++) {
                    double dot = q[4 * i] * q[4 * j]
                            + q[4 * i + 1] * q[4 * j + 1]
                            + q[4 * i + 2] * q[4 * j + 2]
                            + q[4 * i + 3] * q[4 * j + 3];
                    assertTrue(Math.abs(dot) < 1 - 1e-9, "duplicates " + i + " " + j);
                }
            }
        }
    }

    private static double coveringRadius(QuaternionSampling s, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] q = s.quaternions();
        double worst = 0;
        for (int t = 0; t < 2000; t++) {
            double[] p = Quaternions.random(rng);
            double best = 0;
            for (int r = 0; r < s.count(); r++) {
                double dot =
                        Math.abs(p[0] * q[4 * r] + p[1] * q[4 * r + 1] + p[2] * q[4 * r + 2] + p[3] * q[4 * r + 3]);
                best = Math.max(best, dot);
            }
            worst = Math.max(worst, 2 * Math.acos(Math.min(1, best)));
        }
        return worst;
    }

    @Test
    void coverageShrinksLikeOneOverN() {
        double d2 = coveringRadius(QuaternionSampling.of(2), 7);
        double d4 = coveringRadius(QuaternionSampling.of(4), 7);
        // The 600-cell edge is pi/5 on S^3, i.e. 72 degrees of rotation; the n = 2 cells have edge
        // 36 degrees, and the farthest point of a regular tetrahedron of edge e from its vertices is
        // e * sqrt(3/8) ~ 22 degrees (flat estimate).
        assertTrue(d2 < Math.toRadians(26), "n=2 covering radius " + Math.toDegrees(d2));
        assertTrue(d2 > Math.toRadians(12), "n=2 covering radius " + Math.toDegrees(d2));
        assertTrue(d4 < 0.6 * d2, "n=4 " + Math.toDegrees(d4) + " vs n=2 " + Math.toDegrees(d2));
    }

    /** Weighted mean of f over the sampling for rotation-invariant test functions with known Haar means. */
    @Test
    void lowOrderHaarMoments() {
        QuaternionSampling s = QuaternionSampling.of(4);
        double[] q = s.quaternions();
        double[] w = s.weights();
        double[] m = new double[9];
        double r00sq = 0, trace = 0, trace2 = 0;
        for (int r = 0; r < s.count(); r++) {
            Quaternions.toMatrix(q, 4 * r, m);
            r00sq += w[r] * m[0] * m[0];
            double t = m[0] + m[4] + m[8];
            trace += w[r] * t;
            trace2 += w[r] * t * t;
        }
        // Haar: E[R00^2] = 1/3, E[tr R] = 0 (character of the vector representation), E[(tr R)^2] = 1.
        assertEquals(1.0 / 3, r00sq, 1e-9);
        assertEquals(0.0, trace, 1e-9);
        assertEquals(1.0, trace2, 1e-9);
    }

    /**
     * Polynomial moments of degree below 12 in q are exact for any icosahedrally invariant weighting, so
     * they cannot tell weightings apart. The character chi_6 of the l = 6 representation (the first with
     * an icosahedrally invariant vector) can: its Haar mean is 0 about any centre q0.
     */
    private static double worstChi6Mean(QuaternionSampling s, double[] w) {
        double[] q = s.quaternions();
        int l = 6;
        double worst = 0;
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            double[] q0 = Quaternions.random(rng);
            double mean = 0;
            for (int r = 0; r < s.count(); r++) {
                double dot =
                        Math.abs(q0[0] * q[4 * r] + q0[1] * q[4 * r + 1] + q0[2] * q[4 * r + 2] + q0[3] * q[4 * r + 3]);
                double half = Math.acos(Math.min(1, dot));
                double chi = half < 1e-9 ? 2 * l + 1 : Math.sin((2 * l + 1) * half) / Math.sin(half);
                mean += w[r] * chi;
            }
            worst = Math.max(worst, Math.abs(mean));
        }
        return worst;
    }

    @Test
    void weightsMakeTheSampleHaarUniform() {
        QuaternionSampling s = QuaternionSampling.of(6);
        double[] uniform = new double[s.count()];
        Arrays.fill(uniform, 1.0 / s.count());
        double weighted = worstChi6Mean(s, s.weights());
        double unweighted = worstChi6Mean(s, uniform);
        // Measured: 1.1e-3 with the Jacobian weights, 9.7e-3 with equal weights.
        assertTrue(weighted < 3e-3, "weighted chi_6 mean " + weighted);
        assertTrue(unweighted > 3e-3, "equal weights should fail this test: " + unweighted);
    }

    @Test
    void icosahedralReductionKeepsOneOfEachOrbit() {
        double[][] group = IcosahedralGroup.quaternions();
        for (int n = 1; n <= 6; n++) {
            QuaternionSampling full = QuaternionSampling.of(n);
            QuaternionSampling red = full.reduceIcosahedral();
            assertEquals(full.count() / 60, red.count(), "n=" + n);
            double sum = 0;
            for (double x : red.weights()) {
                sum += x;
            }
            assertEquals(1.0, sum, 1e-12);
            if (n > 4) {
                continue;
            }
            // The orbits of the reduced set under the group are exactly the full sampling.
            double[] fq = full.quaternions();
            boolean[] hit = new boolean[full.count()];
            double[] q = new double[4];
            double[] p = new double[4];
            for (int r = 0; r < red.count(); r++) {
                red.quaternion(r, q);
                for (double[] g : group) {
                    QuaternionSampling.multiply(g, q, p);
                    int found = -1;
                    for (int f = 0; f < full.count(); f++) {
                        double dot =
                                p[0] * fq[4 * f] + p[1] * fq[4 * f + 1] + p[2] * fq[4 * f + 2] + p[3] * fq[4 * f + 3];
                        if (Math.abs(dot) > 1 - 1e-9) {
                            found = f;
                            break;
                        }
                    }
                    assertTrue(found >= 0, "orbit point not in the sampling");
                    assertTrue(!hit[found], "two reduced rotations share an orbit");
                    hit[found] = true;
                }
            }
            for (boolean h : hit) {
                assertTrue(h);
            }
        }
    }

    @Test
    void reducedRotationsAreClosestToIdentityInTheirOrbit() {
        double[][] group = IcosahedralGroup.quaternions();
        QuaternionSampling red = QuaternionSampling.of(5).reduceIcosahedral();
        double[] q = new double[4];
        double[] p = new double[4];
        for (int r = 0; r < red.count(); r++) {
            red.quaternion(r, q);
            for (double[] g : group) {
                QuaternionSampling.multiply(g, q, p);
                assertTrue(Math.abs(p[0]) <= Math.abs(q[0]) + 1e-9);
            }
        }
    }
}
