package org.diffract.refine.subtomo;

import java.util.Random;

import org.diffract.core.rotation.Quaternions;

/**
 * Synthetic subtomograms with known truth, for tests, integration tests and the benchmark: asymmetric 3D objects made of Gaussian blobs, and particles that are an
 * object rotated by R, shifted by t, with white noise and a missing wedge (tilt about y, beam along z: no data within
 * the given half angle of the kz axis in the kx-kz plane). Volumes are {@code v[(z * n + y) * n + x]}, x fastest.
 */
public final class SyntheticSubtomograms {
    final int n;
    final double[][] truth;
    final int[] cls;
    final double[][] rotation;
    final double[][] shift;
    final double[][] particles;

    /** The clean objects, each (n, n, n). */
    public double[][] truth() {
        return truth;
    }

    /** True object (class) of each particle. */
    public int[] classes() {
        return cls;
    }

    /** True rotation R of each particle: particle = object rotated by R about n/2, then shifted. */
    public double[][] rotations() {
        return rotation;
    }

    public double[][] shifts() {
        return shift;
    }

    public double[][] particles() {
        return particles;
    }

    /** All particles as one (N, n, n, n) float32 array, C order. */
    public float[] flatParticles() {
        int n3 = n * n * n;
        float[] f = new float[particles.length * n3];
        for (int i = 0; i < particles.length; i++) {
            for (int j = 0; j < n3; j++) {
                f[i * n3 + j] = (float) particles[i][j];
            }
        }
        return f;
    }

    /** An object: blob centres (offsets from the box centre n/2), amplitudes and width. */
    public record Blobs(double[][] centres, double[] amp, double sigma) {
        public double[] volume(int n) {
            return blobs(n, centres, amp, sigma);
        }

        /** This object rotated by r about the centre, then shifted by t: exact, no interpolation. */
        public Blobs moved(double[] r, double[] t) {
            double[][] c = new double[centres.length][];
            for (int b = 0; b < c.length; b++) {
                double[] p = centres[b];
                c[b] = new double[] {
                    r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
                    r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
                    r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2]
                };
            }
            return new Blobs(c, amp, sigma);
        }
    }

    public SyntheticSubtomograms(
            int n, Blobs[] objects, int perClass, double maxShift, double noise, double wedge, long seed) {
        this.n = n;
        this.truth = new double[objects.length][];
        for (int k = 0; k < objects.length; k++) {
            truth[k] = objects[k].volume(n);
        }
        int np = perClass * objects.length;
        cls = new int[np];
        rotation = new double[np][];
        shift = new double[np][];
        particles = new double[np][];
        Random rng = new Random(seed);
        for (int i = 0; i < np; i++) {
            cls[i] = i % objects.length;
            rotation[i] = Quaternions.toMatrix(Quaternions.random(rng));
            shift[i] = new double[] {
                (2 * rng.nextDouble() - 1) * maxShift,
                (2 * rng.nextDouble() - 1) * maxShift,
                (2 * rng.nextDouble() - 1) * maxShift
            };
            double[] p = objects[cls[i]].moved(rotation[i], shift[i]).volume(n);
            double sd = sd(p);
            for (int j = 0; j < p.length; j++) {
                p[j] += noise * sd * rng.nextGaussian();
            }
            particles[i] = missingWedge(p, n, wedge);
        }
    }

    /** count distinct objects of blobs inside radius n/3.5, each with its own layout. */
    public static Blobs[] objects(int n, int count, int blobs, long seed) {
        Random rng = new Random(seed);
        Blobs[] out = new Blobs[count];
        for (int k = 0; k < count; k++) {
            double[][] centres = new double[blobs][];
            double[] amp = new double[blobs];
            for (int b = 0; b < blobs; b++) {
                double r = n / 3.5 * Math.cbrt(rng.nextDouble());
                double[] d = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
                double len = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                centres[b] = new double[] {r * d[0] / len, r * d[1] / len, r * d[2] / len};
                amp[b] = 0.5 + rng.nextDouble();
            }
            out[k] = new Blobs(centres, amp, n / 18.0);
        }
        return out;
    }

    public static double[] blobs(int n, double[][] centres, double[] amp, double sigma) {
        double[] v = new double[n * n * n];
        double c = n / 2;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    double s = 0;
                    for (int b = 0; b < centres.length; b++) {
                        double dx = x - c - centres[b][0], dy = y - c - centres[b][1], dz = z - c - centres[b][2];
                        s += amp[b] * Math.exp(-(dx * dx + dy * dy + dz * dz) / (2 * sigma * sigma));
                    }
                    v[(z * n + y) * n + x] = s;
                }
            }
        }
        return v;
    }

    public static double[] missingWedge(double[] v, int n, double halfAngleDeg) {
        if (halfAngleDeg <= 0) {
            return v;
        }
        Fourier f = new Fourier(n);
        double[] s = f.forward(v);
        double t = Math.tan(Math.toRadians(halfAngleDeg));
        for (int z = 0; z < n; z++) {
            int fz = Fourier.freq(z, n);
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    int fx = Fourier.freq(x, n);
                    if (fz != 0 && Math.abs(fx) < Math.abs(fz) * t) {
                        int i = (z * n + y) * n + x;
                        s[2 * i] = 0;
                        s[2 * i + 1] = 0;
                    }
                }
            }
        }
        return f.inverseReal(s);
    }

    public static double sd(double[] v) {
        double m = 0, ss = 0;
        for (double x : v) {
            m += x / v.length;
        }
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / v.length);
    }

    public static double correlation(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i] / a.length;
            mb += b[i] / b.length;
        }
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }
}
