package org.diffract.core.volume;

import java.util.SplittableRandom;

/** Smooth test volumes: sums of isotropic Gaussians, evaluated analytically (no interpolation). */
public final class TestVolumes {
    private TestVolumes() {}

    /**
     * Cube of edge n: v(x) = sum_i amp[i] exp(-|x - R c_i|^2 / (2 sigma[i]^2)), x relative to voxel n/2,
     * centres c[3i..3i+3), R row-major (null for identity) times {@code sign} (-1 for the inversion).
     */
    public static double[] gaussians(int n, double[] c, double[] amp, double[] sigma, double[] r, double sign) {
        int k = amp.length;
        double[] centres = new double[3 * k];
        for (int i = 0; i < k; i++) {
            for (int a = 0; a < 3; a++) {
                double s = 0;
                for (int b = 0; b < 3; b++) {
                    double m = r == null ? (a == b ? 1 : 0) : r[3 * a + b];
                    s += m * c[3 * i + b];
                }
                centres[3 * i + a] = sign * s;
            }
        }
        double[] v = new double[n * n * n];
        int h = n / 2;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double sum = 0;
                    for (int i = 0; i < k; i++) {
                        double dx = x - h - centres[3 * i],
                                dy = y - h - centres[3 * i + 1],
                                dz = z - h - centres[3 * i + 2];
                        sum += amp[i] * Math.exp(-(dx * dx + dy * dy + dz * dz) / (2 * sigma[i] * sigma[i]));
                    }
                    v[(x * n + y) * n + z] = sum;
                }
            }
        }
        return v;
    }

    /** k random centres within radius maxR (3 per centre). */
    public static double[] randomCentres(SplittableRandom rng, int k, double maxR) {
        double[] c = new double[3 * k];
        for (int i = 0; i < k; i++) {
            double x, y, z;
            do {
                x = rng.nextDouble(-1, 1);
                y = rng.nextDouble(-1, 1);
                z = rng.nextDouble(-1, 1);
            } while (x * x + y * y + z * z > 1);
            c[3 * i] = maxR * x;
            c[3 * i + 1] = maxR * y;
            c[3 * i + 2] = maxR * z;
        }
        return c;
    }

    public static double[] random(SplittableRandom rng, int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = rng.nextDouble(-1, 1);
        }
        return v;
    }
}
