package org.diffract.correlate;

import java.util.Arrays;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * The difference angular correlation of one shot pair, as RingData's DiffCorr with a mask: the difference
 * d = a - b of two normalised polar images is zeroed where either is masked, each ring's circular
 * autocorrelation sum_phi d(phi) d(phi + delta) is taken by FFT, and divided by the same autocorrelation
 * of the mask, i.e. by the number of good sample pairs at that lag. The result is the mean product over
 * good pairs only, so masked gaps neither dilute nor bias it. Lags no good pair reaches stay undefined.
 * One instance per thread (it owns its FFT buffers); the mask correction is reused while the pair mask
 * does not change, which with one detector mask is every pair.
 */
public final class AngularCorrelator {
    private final int nq;
    private final int nphi;
    private final DoubleFFT_1D fft;
    private final double[] diff;
    private final double[] pairMask;
    private final double[] cachedMask;
    private final double[] maskCorr;
    private final double[] buf;
    private final double[] buf2;
    private final int crossQ1;
    private final int crossQ2;
    private final double[] crossMaskCorr;
    private final boolean allCross;
    private final double[] spec;
    private final double[] maskSpec;
    private final double[] allMaskCorr;
    private boolean haveMaskCorr;

    /** @param crossQ1 first ring of the cross-correlation, or -1 for none */
    public AngularCorrelator(int nq, int nphi, int crossQ1, int crossQ2) {
        this(nq, nphi, crossQ1, crossQ2, false);
    }

    /** @param allCross also cross-correlate every pair of rings (nq (nq + 1) / 2 of them) */
    public AngularCorrelator(int nq, int nphi, int crossQ1, int crossQ2, boolean allCross) {
        this.nq = nq;
        this.nphi = nphi;
        this.fft = new DoubleFFT_1D(nphi);
        this.diff = new double[nq * nphi];
        this.pairMask = new double[nq * nphi];
        this.cachedMask = new double[nq * nphi];
        this.maskCorr = new double[nq * nphi];
        this.buf = new double[nphi];
        this.buf2 = new double[nphi];
        this.crossQ1 = crossQ1;
        this.crossQ2 = crossQ2;
        this.crossMaskCorr = new double[nphi];
        this.allCross = allCross;
        int rings = allCross ? nq * nphi : 0;
        this.spec = new double[rings];
        this.maskSpec = new double[rings];
        this.allMaskCorr = new double[allCross ? nq * (nq + 1) / 2 * nphi : 0];
    }

    /**
     * Adds the correlation of pair (a, b) to {@code sums}. Images and masks are {@code [k * nphi + j]} at
     * the given offsets; masks are 1 = good.
     */
    public void addPair(double[] a, int offA, double[] b, int offB, byte[] maskA, byte[] maskB, CorrelationSums sums) {
        addPair(a, offA, b, offB, maskA, maskB, sums, null);
    }

    /**
     * As above, and when {@code pairOut} is not null also stores this pair's correlation there as
     * {@code [k * nphi + d]}, NaN at lags no good sample pair reaches.
     */
    public void addPair(
            double[] a,
            int offA,
            double[] b,
            int offB,
            byte[] maskA,
            byte[] maskB,
            CorrelationSums sums,
            double[] pairOut) {
        int n = nq * nphi;
        for (int s = 0; s < n; s++) {
            double m = maskA[s] == 1 && maskB[s] == 1 ? 1 : 0;
            pairMask[s] = m;
            diff[s] = m * (a[offA + s] - b[offB + s]);
        }
        if (!haveMaskCorr || !Arrays.equals(pairMask, cachedMask)) {
            System.arraycopy(pairMask, 0, cachedMask, 0, n);
            for (int k = 0; k < nq; k++) {
                correlate(pairMask, k * nphi, pairMask, k * nphi, buf, buf2);
                System.arraycopy(buf, 0, maskCorr, k * nphi, nphi);
            }
            if (crossQ1 >= 0) {
                correlate(pairMask, crossQ1 * nphi, pairMask, crossQ2 * nphi, buf, buf2);
                System.arraycopy(buf, 0, crossMaskCorr, 0, nphi);
            }
            if (allCross) {
                spectra(pairMask, maskSpec);
                for (int q = 0; q < nq; q++) {
                    for (int q2 = q; q2 < nq; q2++) {
                        productInverse(maskSpec, q, q2, buf);
                        System.arraycopy(buf, 0, allMaskCorr, CorrelationSums.ringPair(q, q2, nq) * nphi, nphi);
                    }
                }
            }
            haveMaskCorr = true;
        }
        for (int k = 0; k < nq; k++) {
            correlate(diff, k * nphi, diff, k * nphi, buf, buf2);
            accumulate(buf, maskCorr, k * nphi, sums.sum, sums.sumSq, sums.count);
            if (pairOut != null) {
                for (int d = 0; d < nphi; d++) {
                    double c = maskCorr[k * nphi + d];
                    pairOut[k * nphi + d] = c > 0.5 ? buf[d] / c : Double.NaN;
                }
            }
        }
        if (crossQ1 >= 0) {
            correlate(diff, crossQ1 * nphi, diff, crossQ2 * nphi, buf, buf2);
            accumulate(buf, crossMaskCorr, 0, sums.crossSum, sums.crossSumSq, sums.crossCount);
        }
        if (allCross) {
            // one forward FFT per ring, then one product and inverse per ring pair
            spectra(diff, spec);
            for (int q = 0; q < nq; q++) {
                for (int q2 = q; q2 < nq; q2++) {
                    productInverse(spec, q, q2, buf);
                    accumulate(
                            buf,
                            allMaskCorr,
                            CorrelationSums.ringPair(q, q2, nq) * nphi,
                            sums.allSum,
                            sums.allSumSq,
                            sums.allCount);
                }
            }
        }
        sums.addPair();
    }

    /**
     * The circular autocorrelation of each ring of a mask (1 = good) {@code [k * nphi + d]}: how many good
     * sample pairs each lag has, the divisor of every pair's correlation.
     */
    public double[] maskAutocorrelation(byte[] mask) {
        double[] m = new double[nq * nphi];
        for (int s = 0; s < m.length; s++) {
            m[s] = mask[s] == 1 ? 1 : 0;
        }
        double[] out = new double[nq * nphi];
        for (int k = 0; k < nq; k++) {
            correlate(m, k * nphi, m, k * nphi, buf, buf2);
            for (int d = 0; d < nphi; d++) {
                out[k * nphi + d] = Math.rint(buf[d]); // a count, up to FFT round-off
            }
        }
        return out;
    }

    /** The packed real FFT of every ring of {@code x} into {@code out}. */
    private void spectra(double[] x, double[] out) {
        System.arraycopy(x, 0, out, 0, nq * nphi);
        for (int k = 0; k < nq; k++) {
            fft.realForward(out, k * nphi);
        }
    }

    /** {@code out[d] = sum_phi x_q(phi + d) x_q2(phi)} from the packed spectra of rings q and q2. */
    private void productInverse(double[] spectra, int q, int q2, double[] out) {
        System.arraycopy(spectra, q * nphi, out, 0, nphi);
        System.arraycopy(spectra, q2 * nphi, buf2, 0, nphi);
        multiplyConjPacked(out, buf2, nphi);
        fft.realInverse(out, true);
    }

    private void accumulate(double[] corr, double[] mc, int off, double[] sum, double[] sumSq, double[] count) {
        for (int d = 0; d < nphi; d++) {
            double c = mc[off + d];
            // the mask correlation counts good sample pairs: an integer up to FFT round-off
            if (c > 0.5) {
                double v = corr[d] / c;
                sum[off + d] += v;
                sumSq[off + d] += v * v;
                count[off + d] += 1;
            }
        }
    }

    /**
     * {@code out[delta] = sum_phi x(phi + delta) y(phi)} over one ring of each input (circular), by FFT;
     * {@code tmp} is scratch. With x == y at the same offset this is the autocorrelation.
     */
    void correlate(double[] x, int offX, double[] y, int offY, double[] out, double[] tmp) {
        System.arraycopy(x, offX, out, 0, nphi);
        fft.realForward(out);
        if (x == y && offX == offY) {
            powerPacked(out, nphi);
        } else {
            System.arraycopy(y, offY, tmp, 0, nphi);
            fft.realForward(tmp);
            multiplyConjPacked(out, tmp, nphi);
        }
        fft.realInverse(out, true);
    }

    /** |X_k|^2 in JTransforms' packed real-FFT layout, in place. */
    static void powerPacked(double[] a, int n) {
        a[0] = a[0] * a[0];
        if (n % 2 == 0) {
            a[1] = a[1] * a[1];
            for (int k = 1; k < n / 2; k++) {
                double re = a[2 * k];
                double im = a[2 * k + 1];
                a[2 * k] = re * re + im * im;
                a[2 * k + 1] = 0;
            }
        } else {
            int h = (n - 1) / 2;
            for (int k = 1; k < h; k++) {
                double re = a[2 * k];
                double im = a[2 * k + 1];
                a[2 * k] = re * re + im * im;
                a[2 * k + 1] = 0;
            }
            if (h >= 1) {
                double re = a[n - 1];
                double im = a[1];
                a[n - 1] = re * re + im * im;
                a[1] = 0;
            }
        }
    }

    /** a := a * conj(b), both in JTransforms' packed real-FFT layout. */
    static void multiplyConjPacked(double[] a, double[] b, int n) {
        a[0] = a[0] * b[0];
        int h;
        if (n % 2 == 0) {
            a[1] = a[1] * b[1];
            h = n / 2;
        } else {
            h = (n - 1) / 2;
            if (h >= 1) {
                double ar = a[n - 1];
                double ai = a[1];
                double br = b[n - 1];
                double bi = b[1];
                a[n - 1] = ar * br + ai * bi;
                a[1] = ai * br - ar * bi;
            }
        }
        for (int k = 1; k < h; k++) {
            double ar = a[2 * k];
            double ai = a[2 * k + 1];
            double br = b[2 * k];
            double bi = b[2 * k + 1];
            a[2 * k] = ar * br + ai * bi;
            a[2 * k + 1] = ai * br - ar * bi;
        }
    }
}
