package org.diffract.refine.subtomo;

import org.jtransforms.fft.DoubleFFT_3D;

/**
 * 3D FFTs of real cubes of edge n into interleaved complex arrays (2 n^3 doubles) and the frequency
 * bookkeeping around them. One instance per thread: JTransforms plans may keep scratch state.
 */
public final class Fourier {
    /**
     * A Fourier voxel counts as measured when its power exceeds this fraction of the mean power: a
     * missing wedge is (near) zero, interpolation leaks orders of magnitude less than real signal.
     */
    public static final double POWER_FRACTION = 1e-6;

    final int n;
    final int n3;
    private final DoubleFFT_3D fft;

    public Fourier(int n) {
        this.n = n;
        this.n3 = n * n * n;
        this.fft = new DoubleFFT_3D(n, n, n);
    }

    public int size() {
        return n;
    }

    /** Signed frequency of array index i. */
    public static int freq(int i, int n) {
        return i < (n + 1) / 2 ? i : i - n;
    }

    /** Array index of signed frequency f, or -1 outside [-n/2, (n-1)/2]. */
    public static int index(int f, int n) {
        if (f < -(n / 2) || f > (n - 1) / 2) {
            return -1;
        }
        return f < 0 ? f + n : f;
    }

    public double[] forward(double[] real) {
        double[] c = new double[2 * n3];
        forward(real, c);
        return c;
    }

    public void forward(double[] real, double[] cplx) {
        for (int i = 0; i < n3; i++) {
            cplx[2 * i] = real[i];
            cplx[2 * i + 1] = 0;
        }
        fft.complexForward(cplx);
    }

    /** In place, scaled by 1 / n^3 so that inverse(forward(v)) = v. */
    public void inverse(double[] cplx) {
        fft.complexInverse(cplx, true);
    }

    public double[] inverseReal(double[] cplx) {
        double[] c = cplx.clone();
        inverse(c);
        double[] out = new double[n3];
        for (int i = 0; i < n3; i++) {
            out[i] = c[2 * i];
        }
        return out;
    }

    /** Voxels with power above {@link #POWER_FRACTION} of the mean (the DC term excluded from the mean). */
    public static boolean[] powerMask(double[] cplx, int n3) {
        double mean = 0;
        for (int i = 1; i < n3; i++) {
            mean += cplx[2 * i] * cplx[2 * i] + cplx[2 * i + 1] * cplx[2 * i + 1];
        }
        mean /= Math.max(1, n3 - 1);
        double thr = POWER_FRACTION * mean;
        boolean[] m = new boolean[n3];
        for (int i = 0; i < n3; i++) {
            m[i] = cplx[2 * i] * cplx[2 * i] + cplx[2 * i + 1] * cplx[2 * i + 1] > thr;
        }
        return m;
    }

    /**
     * The frequencies the score compares: radius (in Fourier voxels of this box) strictly above
     * {@code highpass} and at most {@code lowpass}; the DC term is always left out so that neither
     * volume's mean matters.
     */
    public static boolean[] band(int n, double highpass, double lowpass) {
        boolean[] b = new boolean[n * n * n];
        for (int z = 0; z < n; z++) {
            int fz = freq(z, n);
            for (int y = 0; y < n; y++) {
                int fy = freq(y, n);
                for (int x = 0; x < n; x++) {
                    int fx = freq(x, n);
                    double r = Math.sqrt(fz * fz + fy * fy + fx * fx);
                    b[(z * n + y) * n + x] = r > Math.max(highpass, 0) && r <= lowpass;
                }
            }
        }
        return b;
    }

    /**
     * Downsamples a cube by Fourier cropping to edge m &lt;= n: keeps frequencies [-m/2, (m-1)/2], so a
     * missing wedge stays empty (real-space binning would alias power into it). Values keep their scale.
     */
    public static double[] crop(double[] real, int n, int m) {
        if (m == n) {
            return real.clone();
        }
        Fourier big = new Fourier(n);
        double[] c = big.forward(real);
        return new Fourier(m).inverseReal(cropSpectrum(c, n, m));
    }

    static double[] cropSpectrum(double[] c, int n, int m) {
        double[] s = new double[2 * m * m * m];
        double scale = (double) m * m * m / ((double) n * n * n);
        for (int z = 0; z < m; z++) {
            int sz = index(freq(z, m), n);
            for (int y = 0; y < m; y++) {
                int sy = index(freq(y, m), n);
                for (int x = 0; x < m; x++) {
                    int sx = index(freq(x, m), n);
                    int from = (sz * n + sy) * n + sx;
                    int to = (z * m + y) * m + x;
                    s[2 * to] = c[2 * from] * scale;
                    s[2 * to + 1] = c[2 * from + 1] * scale;
                }
            }
        }
        return s;
    }
}
