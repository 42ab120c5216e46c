package org.diffract.core.volume;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.diffract.core.rotation.Quaternions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlicerTest {

    @Test
    void mergeIsTheAdjointOfSlice() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int n : new int[] {9, 10}) {
            for (int trial = 0; trial < 5; trial++) {
                int numPix = 500;
                double[] vol = TestVolumes.random(rng, n * n * n);
                double[] s = TestVolumes.random(rng, numPix);
                double[] r = Quaternions.toMatrix(Quaternions.random(rng));
                double[] qx = new double[numPix], qy = new double[numPix], qz = new double[numPix];
                // Spread some pixels beyond the cube too: those must read 0 and merge nowhere.
                double half = n / 2.0 + 1.5;
                for (int t = 0; t < numPix; t++) {
                    qx[t] = rng.nextDouble(-half, half);
                    qy[t] = rng.nextDouble(-half, half);
                    qz[t] = rng.nextDouble(-half, half);
                }
                double[] sliced = new double[numPix];
                Slicer.slice(vol, n, r, qx, qy, qz, sliced);
                double[] merged = new double[n * n * n];
                Slicer.merge(s, 1.0, r, qx, qy, qz, null, merged, null, n);
                double lhs = 0, rhs = 0, scale = 0;
                for (int t = 0; t < numPix; t++) {
                    lhs += sliced[t] * s[t];
                    scale += Math.abs(sliced[t] * s[t]);
                }
                for (int i = 0; i < vol.length; i++) {
                    rhs += vol[i] * merged[i];
                }
                assertTrue(scale > 1, "test needs pixels inside");
                assertEquals(lhs, rhs, 1e-12 * scale);
            }
        }
    }

    @Test
    void mergeWeightIsMergeOfOnes() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 7, numPix = 50;
        double[] r = Quaternions.toMatrix(Quaternions.random(rng));
        double[] qx = TestVolumes.random(rng, numPix),
                qy = TestVolumes.random(rng, numPix),
                qz = TestVolumes.random(rng, numPix);
        double[] ones = new double[numPix];
        Arrays.fill(ones, 1.0);
        double[] a = new double[n * n * n], w = new double[n * n * n], b = new double[n * n * n];
        Slicer.merge(ones, 2.5, r, qx, qy, qz, null, a, w, n);
        Slicer.merge(ones, 2.5, r, qx, qy, qz, null, b, null, n);
        double total = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], w[i], 1e-15);
            assertEquals(a[i], b[i], 0.0);
            total += w[i];
        }
        // Trilinear weights of each inside pixel sum to 1.
        assertEquals(2.5 * numPix, total, 1e-12);
    }

    @Test
    void sliceOfALinearFunctionIsExact() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 11, c = n / 2;
        double ax = 0.7, ay = -1.3, az = 2.1, b = 4.2;
        double[] vol = new double[n * n * n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    vol[(x * n + y) * n + z] = ax * x + ay * y + az * z + b;
                }
            }
        }
        double[] r = Quaternions.toMatrix(Quaternions.random(rng));
        int numPix = 300;
        double[] qx = new double[numPix], qy = new double[numPix], qz = new double[numPix];
        for (int t = 0; t < numPix; t++) {
            // |q| < c - 1 keeps R q + c inside the interpolation range for any rotation.
            double[] p;
            do {
                p = new double[] {rng.nextDouble(-c, c), rng.nextDouble(-c, c), rng.nextDouble(-c, c)};
            } while (p[0] * p[0] + p[1] * p[1] + p[2] * p[2] >= (c - 1) * (c - 1));
            qx[t] = p[0];
            qy[t] = p[1];
            qz[t] = p[2];
        }
        double[] out = new double[numPix];
        Slicer.slice(vol, n, r, qx, qy, qz, out);
        for (int t = 0; t < numPix; t++) {
            double x = r[0] * qx[t] + r[1] * qy[t] + r[2] * qz[t] + c;
            double y = r[3] * qx[t] + r[4] * qy[t] + r[5] * qz[t] + c;
            double z = r[6] * qx[t] + r[7] * qy[t] + r[8] * qz[t] + c;
            assertEquals(ax * x + ay * y + az * z + b, out[t], 1e-12);
        }
    }

    @Test
    void pixelsOutsideTheCubeReadZeroAndMergeNowhere() {
        int n = 9;
        double[] vol = new double[n * n * n];
        Arrays.fill(vol, 3.0);
        double[] id = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        double[] qx = {5, -5, 0, 0, 3.99}, qy = {0, 0, 6, 0, 0}, qz = {0, 0, 0, -4.5, 0};
        double[] out = new double[5];
        Slicer.slice(vol, n, id, qx, qy, qz, out);
        assertEquals(0.0, out[0]);
        assertEquals(0.0, out[1]);
        assertEquals(0.0, out[2]);
        assertEquals(0.0, out[3]);
        assertEquals(3.0, out[4], 1e-12); // x = 7.99, inside the last cell
        double[] merged = new double[n * n * n];
        Slicer.merge(new double[] {1, 1, 1, 1, 0}, 1.0, id, qx, qy, qz, null, merged, null, n);
        for (double v : merged) {
            assertEquals(0.0, v);
        }
    }
}
