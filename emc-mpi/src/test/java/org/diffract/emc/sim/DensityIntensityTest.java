package org.diffract.emc.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DensityIntensityTest {

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }

    @Test
    void randomAtomsHoldOneElectronEachInsideTheSupport() {
        int n = 32, c = 16;
        double sigma = 0.8, radius = 4;
        double[] rho = DensityModel.randomAtoms(n, 50, sigma, radius, 3);
        // a normalised Gaussian sampled on the grid sums to 1 up to the 4-sigma cut (~2e-4)
        assertEquals(50, sum(rho), 50 * 1e-3);
        double reach = radius + Math.ceil(4 * sigma) * Math.sqrt(3) + 1;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double r = Math.sqrt((x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c));
                    if (r > reach) {
                        assertEquals(0, rho[(x * n + y) * n + z], 0);
                    }
                }
            }
        }
        assertArrayEquals(rho, DensityModel.randomAtoms(n, 50, sigma, radius, 3));
        assertFalse(Arrays.equals(rho, DensityModel.randomAtoms(n, 50, sigma, radius, 4)));
    }

    @Test
    void blobIsDeterministicAndAsymmetric() {
        int n = 40, c = 20;
        double[] a = DensityModel.blob(n, 7, 1);
        assertArrayEquals(a, DensityModel.blob(n, 7, 1));
        double electrons = sum(a);
        assertTrue(electrons > 6 * 400 * 0.999 && electrons < 16 * 400, "electrons " + electrons);
        // no centre of symmetry: rho(c + d) and rho(c - d) differ by a large fraction of the total
        double diff = 0;
        for (int x = 1; x < n; x++) {
            for (int y = 1; y < n; y++) {
                for (int z = 1; z < n; z++) {
                    diff += Math.abs(a[(x * n + y) * n + z] - a[((2 * c - x) * n + (2 * c - y)) * n + (2 * c - z)]);
                }
            }
        }
        assertTrue(diff > 0.3 * electrons, "asymmetry " + diff / electrons);
    }

    @Test
    void tooLargeParticlesAreUserErrors() {
        // diameter 2 (7 + 3 * 0.7) = 18.2 > 32 / 2
        assertThrows(UserError.class, () -> DensityModel.blob(32, 7, 1));
        assertThrows(UserError.class, () -> DensityModel.randomAtoms(32, 0, 1, 3, 1));
        assertThrows(UserError.class, () -> DensityModel.randomAtoms(32, 5, -1, 3, 1));
    }

    @Test
    void intensityObeysParsevalFriedelAndZeroFrequency() {
        int n = 16, c = 8;
        double[] rho = DensityModel.randomAtoms(n, 12, 0.6, 2, 5);
        double[] in = IntensityModel.fromDensity(rho, n);
        double s = sum(rho), s2 = 0;
        for (double v : rho) {
            s2 += v * v;
        }
        assertEquals(s * s, in[(c * n + c) * n + c], 1e-9 * s * s);
        assertEquals((double) n * n * n * s2, sum(in), 1e-9 * n * n * n * s2);
        for (int x = 1; x < n; x++) {
            for (int y = 1; y < n; y++) {
                for (int z = 1; z < n; z++) {
                    double v = in[(x * n + y) * n + z];
                    double w = in[((2 * c - x) * n + (2 * c - y)) * n + (2 * c - z)];
                    assertEquals(v, w, 1e-9 * s * s);
                }
            }
        }
    }

    @Test
    void intensityMatchesADirectFourierSum() {
        // an odd n checks the shift too: zero frequency at voxel n/2 = 4 of 9
        for (int n : new int[] {9, 16}) {
            int c = n / 2;
            double[] rho = new double[n * n * n];
            SplittableRandom rng = new SplittableRandom(n);
            for (int i = 0; i < rho.length; i++) {
                rho[i] = rng.nextDouble();
            }
            double[] in = IntensityModel.fromDensity(rho, n);
            int[][] freqs = {{1, 2, 3}, {-1, 0, 2}, {-3, -4, 1}};
            for (int[] k : freqs) {
                double re = 0, im = 0;
                for (int x = 0; x < n; x++) {
                    for (int y = 0; y < n; y++) {
                        for (int z = 0; z < n; z++) {
                            double ph = -2 * Math.PI * ((double) k[0] * x + (double) k[1] * y + (double) k[2] * z) / n;
                            double v = rho[(x * n + y) * n + z];
                            re += v * Math.cos(ph);
                            im += v * Math.sin(ph);
                        }
                    }
                }
                double expected = re * re + im * im;
                double got = in[((c + k[0]) * n + (c + k[1])) * n + (c + k[2])];
                assertEquals(expected, got, 1e-8 * (1 + expected), "n " + n + " k " + Arrays.toString(k));
            }
        }
    }
}
