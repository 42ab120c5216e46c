package org.diffract.core.rotation;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuaternionsTest {
    private static double[] apply(double[] r, double[] v) {
        return new double[] {
            r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
            r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
            r[6] * v[0] + r[7] * v[1] + r[8] * v[2]
        };
    }

    private static double[] product(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
                }
            }
        }
        return c;
    }

    @Test
    void matrixOfAQuarterTurnAboutZIsTheHandComputedOne() {
        double h = Math.sqrt(0.5);
        // Dragonfly's convention: q = (cos 45, 0, 0, sin 45) gives r[1] = 2 q0 q3 = 1
        double[] r = Quaternions.toMatrix(new double[] {h, 0, 0, h});
        double[] expected = {0, 1, 0, -1, 0, 0, 0, 0, 1};
        for (int i = 0; i < 9; i++) {
            assertEquals(expected[i], r[i], 1e-15, "element " + i);
        }
    }

    @Test
    void rotationsRoundTripAndCompose() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            double[] a = Quaternions.random(rng);
            double[] b = Quaternions.random(rng);
            double[] ra = Quaternions.toMatrix(a);
            double[] v = {rng.nextDouble() - 0.5, rng.nextDouble() - 0.5, rng.nextDouble() - 0.5};
            // rotating by q then by conj(q) gives the vector back
            double[] back = apply(Quaternions.toMatrix(Quaternions.conjugate(a)), apply(ra, v));
            for (int i = 0; i < 3; i++) {
                assertEquals(v[i], back[i], 1e-12);
            }
            // R is orthonormal: R R^T = I, lengths kept
            double[] w = apply(ra, v);
            assertEquals(
                    Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]),
                    Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]),
                    1e-12);
            // in this convention M(a * b) = M(b) M(a)
            double[] lhs = Quaternions.toMatrix(Quaternions.multiply(a, b));
            double[] rhs = product(Quaternions.toMatrix(b), ra);
            for (int i = 0; i < 9; i++) {
                assertEquals(rhs[i], lhs[i], 1e-12);
            }
            // q and -q are one rotation; the angle to oneself is 0
            assertEquals(0, Quaternions.angleBetween(a, new double[] {-a[0], -a[1], -a[2], -a[3]}), 1e-6);
        }
    }

    @Test
    void angleBetweenIsTheRotationAngle() {
        double t = 0.7;
        double[] q = {Math.cos(t / 2), Math.sin(t / 2), 0, 0};
        assertEquals(t, Quaternions.angleBetween(new double[] {1, 0, 0, 0}, q), 1e-12);
    }
}
