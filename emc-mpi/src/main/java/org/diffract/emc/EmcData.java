package org.diffract.emc;

import java.util.Locale;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.io.SparsePhotons;

/**
 * Frames prepared for EMC: the photons split by what the detector mask allows them to do. Photons on
 * mask-0 pixels drive orientation (likelihood) and are merged; photons on mask-1 pixels are only merged;
 * photons on mask-2 pixels are dropped. Held as CSR arrays of ints (start offsets per frame, single
 * photons apart from multi-photon pixels) so the hot loops read primitive arrays only and the data cost
 * about 4 bytes per photon pixel.
 */
public final class EmcData {
    public final Detector detector;
    public final int numFrames;
    /** Orientation photons (mask 0): frame d's single-photon pixels are oOnes[oOnesStart[d]..oOnesStart[d+1]). */
    final int[] oOnesStart;

    final int[] oOnes;
    final int[] oMultiStart;
    final int[] oMulti;
    final int[] oMultiCount;
    /** Merge-only photons (mask 1), same layout. */
    final int[] mOnesStart;

    final int[] mOnes;
    final int[] mMultiStart;
    final int[] mMulti;
    final int[] mMultiCount;
    /** Photons per frame on mask-0 pixels: the numerator of the scale factor, Dragonfly's count[d]. */
    final double[] orientPhotons;
    /** Photons per frame on every pixel, as Dragonfly's mean_count counts them. */
    final double[] allPhotons;
    /** Sum over mask-0 pixels of log(K!), the constant Dragonfly subtracts from each frame's likelihood. */
    final double[] sumLogFactorial;
    /** Indices of these frames in the input (after selection). */
    public final int[] sourceIndex;

    public EmcData(SparsePhotons photons, Detector det, int[] sourceIndex) {
        if (photons.numPix != det.numPix()) {
            throw new UserError("photons have " + photons.numPix + " pixels but the detector has " + det.numPix()
                    + "; use the detector file the photons were made with");
        }
        this.detector = det;
        this.numFrames = photons.numFrames();
        this.sourceIndex = sourceIndex;
        byte[] mask = det.copyMask();
        long[] count = new long[6];
        for (int d = 0; d < numFrames; d++) {
            for (long i = photons.onesStart[d]; i < photons.onesStart[d + 1]; i++) {
                count[mask[photons.placeOnes[(int) i]]]++;
            }
            for (long i = photons.multiStart[d]; i < photons.multiStart[d + 1]; i++) {
                count[3 + mask[photons.placeMulti[(int) i]]]++;
            }
        }
        for (long c : count) {
            if (c > Integer.MAX_VALUE - 8) {
                throw new UserError("more than 2^31 photon pixels in one class; split the frames over several runs");
            }
        }
        oOnesStart = new int[numFrames + 1];
        oOnes = new int[(int) count[0]];
        mOnesStart = new int[numFrames + 1];
        mOnes = new int[(int) count[1]];
        oMultiStart = new int[numFrames + 1];
        oMulti = new int[(int) count[3]];
        oMultiCount = new int[(int) count[3]];
        mMultiStart = new int[numFrames + 1];
        mMulti = new int[(int) count[4]];
        mMultiCount = new int[(int) count[4]];
        orientPhotons = new double[numFrames];
        allPhotons = new double[numFrames];
        sumLogFactorial = new double[numFrames];
        int oo = 0, mo = 0, om = 0, mm = 0;
        for (int d = 0; d < numFrames; d++) {
            double orient = 0, all = 0, logFact = 0;
            for (long i = photons.onesStart[d]; i < photons.onesStart[d + 1]; i++) {
                int p = photons.placeOnes[(int) i];
                all += 1;
                if (mask[p] == Detector.MASK_GOOD) {
                    oOnes[oo++] = p;
                    orient += 1;
                } else if (mask[p] == Detector.MASK_MERGE_ONLY) {
                    mOnes[mo++] = p;
                }
            }
            for (long i = photons.multiStart[d]; i < photons.multiStart[d + 1]; i++) {
                int p = photons.placeMulti[(int) i];
                int c = photons.countMulti[(int) i];
                all += c;
                if (mask[p] == Detector.MASK_GOOD) {
                    oMulti[om] = p;
                    oMultiCount[om++] = c;
                    orient += c;
                    logFact += logFactorial(c);
                } else if (mask[p] == Detector.MASK_MERGE_ONLY) {
                    mMulti[mm] = p;
                    mMultiCount[mm++] = c;
                }
            }
            oOnesStart[d + 1] = oo;
            mOnesStart[d + 1] = mo;
            oMultiStart[d + 1] = om;
            mMultiStart[d + 1] = mm;
            orientPhotons[d] = orient;
            allPhotons[d] = all;
            sumLogFactorial[d] = logFact;
        }
    }

    /** All frames of the input, in order. */
    public static EmcData of(SparsePhotons photons, Detector det) {
        int[] idx = new int[photons.numFrames()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return new EmcData(photons, det, idx);
    }

    /** Frames chosen by Dragonfly's selection key: "even_only", "odd_only" or "none". */
    public static EmcData select(SparsePhotons photons, Detector det, String selection) {
        String s = selection == null ? "none" : selection.toLowerCase(Locale.ROOT);
        if (s.equals("none")) {
            return of(photons, det);
        }
        int parity;
        if (s.equals("even_only")) {
            parity = 0;
        } else if (s.equals("odd_only")) {
            parity = 1;
        } else {
            throw new UserError("selection '" + selection + "' is not known; use even_only, odd_only or None");
        }
        int n = photons.numFrames();
        int[] idx = new int[(n + 1 - parity) / 2];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = 2 * i + parity;
        }
        return new EmcData(photons.select(idx), det, idx);
    }

    /** Mean photons per frame on the pixels that drive orientation. */
    public double meanOrientPhotons() {
        return mean(orientPhotons);
    }

    /** Mean photons per frame on all pixels (Dragonfly's mean_count). */
    public double meanPhotons() {
        return mean(allPhotons);
    }

    /** Photons of frame d on the pixels that drive orientation. */
    public double orientPhotons(int d) {
        return orientPhotons[d];
    }

    /** Photon pixels (single and multi, orientation and merge-only) held for all frames. */
    public long photonPixels() {
        return (long) oOnes.length + mOnes.length + oMulti.length + mMulti.length;
    }

    /** Bytes held by the photon arrays, for the memory estimate. */
    public long bytes() {
        return 4L * (oOnes.length + mOnes.length + 2L * oMulti.length + 2L * mMulti.length)
                + 4L * 4 * (numFrames + 1)
                + 8L * 3 * numFrames
                + 4L * sourceIndex.length;
    }

    private double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return numFrames == 0 ? 0 : s / numFrames;
    }

    static double logFactorial(int k) {
        double s = 0;
        for (int i = 2; i <= k; i++) {
            s += Math.log(i);
        }
        return s;
    }
}
