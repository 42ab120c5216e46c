package org.diffract.emc;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.io.SparsePhotons;

/**
 * Frames prepared for EMC: the photons split by what the detector mask allows them to do. Photons on
 * mask-0 pixels drive orientation (likelihood), photons on mask-0 and mask-1 pixels are merged, photons
 * on mask-2 pixels are dropped. Held as CSR arrays (start offsets per frame) so the hot loops read
 * primitive arrays only.
 */
public final class EmcData {
    public final Detector detector;
    public final int numFrames;
    /** Likelihood photons: frame d's pixels with count 1 are lOnes[lOnesStart[d]..lOnesStart[d+1]). */
    final int[] lOnesStart;
    final int[] lOnes;
    final int[] lMultiStart;
    final int[] lMulti;
    final double[] lMultiCount;
    /** Merge photons (mask 0 and 1): pixel and count. */
    final int[] mStart;
    final int[] mPix;
    final double[] mCount;
    /** Photons per frame on mask-0 pixels: the numerator of the scale factor. */
    final double[] orientPhotons;
    /** Indices of these frames in the input file (after selection). */
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
        int nOnes = 0, nMulti = 0, nMerge = 0;
        for (int d = 0; d < numFrames; d++) {
            for (long i = photons.onesStart[d]; i < photons.onesStart[d + 1]; i++) {
                int p = photons.placeOnes[(int) i];
                if (mask[p] == Detector.MASK_GOOD) {
                    nOnes++;
                }
                if (mask[p] != Detector.MASK_UNUSED) {
                    nMerge++;
                }
            }
            for (long i = photons.multiStart[d]; i < photons.multiStart[d + 1]; i++) {
                int p = photons.placeMulti[(int) i];
                if (mask[p] == Detector.MASK_GOOD) {
                    nMulti++;
                }
                if (mask[p] != Detector.MASK_UNUSED) {
                    nMerge++;
                }
            }
        }
        lOnesStart = new int[numFrames + 1];
        lOnes = new int[nOnes];
        lMultiStart = new int[numFrames + 1];
        lMulti = new int[nMulti];
        lMultiCount = new double[nMulti];
        mStart = new int[numFrames + 1];
        mPix = new int[nMerge];
        mCount = new double[nMerge];
        orientPhotons = new double[numFrames];
        int o = 0, m = 0, g = 0;
        for (int d = 0; d < numFrames; d++) {
            double total = 0;
            for (long i = photons.onesStart[d]; i < photons.onesStart[d + 1]; i++) {
                int p = photons.placeOnes[(int) i];
                if (mask[p] == Detector.MASK_GOOD) {
                    lOnes[o++] = p;
                    total += 1;
                }
                if (mask[p] != Detector.MASK_UNUSED) {
                    mPix[g] = p;
                    mCount[g++] = 1;
                }
            }
            for (long i = photons.multiStart[d]; i < photons.multiStart[d + 1]; i++) {
                int p = photons.placeMulti[(int) i];
                int c = photons.countMulti[(int) i];
                if (mask[p] == Detector.MASK_GOOD) {
                    lMulti[m] = p;
                    lMultiCount[m++] = c;
                    total += c;
                }
                if (mask[p] != Detector.MASK_UNUSED) {
                    mPix[g] = p;
                    mCount[g++] = c;
                }
            }
            lOnesStart[d + 1] = o;
            lMultiStart[d + 1] = m;
            mStart[d + 1] = g;
            orientPhotons[d] = total;
        }
    }

    /** All frames of the file, in order. */
    public static EmcData of(SparsePhotons photons, Detector det) {
        int[] idx = new int[photons.numFrames()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return new EmcData(photons, det, idx);
    }

    /** Frames chosen by Dragonfly's selection key: "even_only", "odd_only" or "none". */
    public static EmcData select(SparsePhotons photons, Detector det, String selection) {
        String s = selection == null ? "none" : selection.toLowerCase(java.util.Locale.ROOT);
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
        double s = 0;
        for (double v : orientPhotons) {
            s += v;
        }
        return numFrames == 0 ? 0 : s / numFrames;
    }
}
