package org.diffract.core.io;

import java.util.Arrays;

/**
 * Photon counts of many frames in Dragonfly's sparse layout, held as CSR arrays: frame d's
 * single-photon pixels are {@code placeOnes[onesStart[d] .. onesStart[d+1])}, its multi-photon
 * pixels {@code placeMulti[multiStart[d] ..]} with counts {@code countMulti[..]}. Pixel indices refer
 * to the detector's pixel list.
 */
public final class SparsePhotons {
    public final int numPix;
    public final long[] onesStart;
    public final int[] placeOnes;
    public final long[] multiStart;
    public final int[] placeMulti;
    public final int[] countMulti;

    public SparsePhotons(
            int numPix, long[] onesStart, int[] placeOnes, long[] multiStart, int[] placeMulti, int[] countMulti) {
        if (onesStart.length != multiStart.length) {
            throw new IllegalArgumentException("onesStart and multiStart differ in length");
        }
        this.numPix = numPix;
        this.onesStart = onesStart;
        this.placeOnes = placeOnes;
        this.multiStart = multiStart;
        this.placeMulti = placeMulti;
        this.countMulti = countMulti;
    }

    public int numFrames() {
        return onesStart.length - 1;
    }

    public int ones(int frame) {
        return (int) (onesStart[frame + 1] - onesStart[frame]);
    }

    public int multi(int frame) {
        return (int) (multiStart[frame + 1] - multiStart[frame]);
    }

    /** Total photons of one frame. */
    public long photons(int frame) {
        long sum = ones(frame);
        for (long i = multiStart[frame]; i < multiStart[frame + 1]; i++) {
            sum += countMulti[(int) i];
        }
        return sum;
    }

    /** Builds the sparse form of dense frames given as {@code counts[frame][pixel]}. */
    public static SparsePhotons fromDense(int[][] counts, int numPix) {
        Builder b = new Builder(numPix);
        for (int[] frame : counts) {
            b.addFrame(frame);
        }
        return b.build();
    }

    /**
     * The frames of several files one after the other, in the given order (Dragonfly's in_photons_list).
     * All must be for the same detector.
     */
    public static SparsePhotons concat(java.util.List<SparsePhotons> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int numPix = parts.get(0).numPix;
        int frames = 0;
        long ones = 0, multi = 0;
        for (SparsePhotons p : parts) {
            if (p.numPix != numPix) {
                throw new IllegalArgumentException(
                        "photons for detectors of " + numPix + " and " + p.numPix + " pixels");
            }
            frames += p.numFrames();
            ones += p.onesStart[p.numFrames()];
            multi += p.multiStart[p.numFrames()];
        }
        if (ones > Integer.MAX_VALUE - 8 || multi > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("more than 2^31 photon entries in the concatenated files");
        }
        long[] onesStart = new long[frames + 1];
        long[] multiStart = new long[frames + 1];
        int[] placeOnes = new int[(int) ones];
        int[] placeMulti = new int[(int) multi];
        int[] countMulti = new int[(int) multi];
        int f = 0;
        for (SparsePhotons p : parts) {
            int n = p.numFrames();
            long o0 = onesStart[f], m0 = multiStart[f];
            for (int d = 0; d < n; d++) {
                onesStart[f + d + 1] = o0 + p.onesStart[d + 1];
                multiStart[f + d + 1] = m0 + p.multiStart[d + 1];
            }
            System.arraycopy(p.placeOnes, 0, placeOnes, (int) o0, (int) p.onesStart[n]);
            System.arraycopy(p.placeMulti, 0, placeMulti, (int) m0, (int) p.multiStart[n]);
            System.arraycopy(p.countMulti, 0, countMulti, (int) m0, (int) p.multiStart[n]);
            f += n;
        }
        return new SparsePhotons(numPix, onesStart, placeOnes, multiStart, placeMulti, countMulti);
    }

    /** Keeps the frames whose indices are given, in that order. */
    public SparsePhotons select(int[] frames) {
        Builder b = new Builder(numPix);
        for (int d : frames) {
            b.startFrame();
            for (long i = onesStart[d]; i < onesStart[d + 1]; i++) {
                b.addPixel(placeOnes[(int) i], 1);
            }
            for (long i = multiStart[d]; i < multiStart[d + 1]; i++) {
                b.addPixel(placeMulti[(int) i], countMulti[(int) i]);
            }
        }
        return b.build();
    }

    /** Accumulates frames pixel by pixel, without per-pixel allocation. */
    public static final class Builder {
        private final int numPix;
        private long[] onesStart = new long[1024];
        private long[] multiStart = new long[1024];
        private int[] placeOnes = new int[4096];
        private int[] placeMulti = new int[1024];
        private int[] countMulti = new int[1024];
        private int frames;
        private int nOnes;
        private int nMulti;
        private boolean open;

        public Builder(int numPix) {
            this.numPix = numPix;
        }

        /** Starts a new frame; following {@link #addPixel} calls belong to it. */
        public void startFrame() {
            if (frames + 2 > onesStart.length) {
                onesStart = Arrays.copyOf(onesStart, onesStart.length * 2);
                multiStart = Arrays.copyOf(multiStart, multiStart.length * 2);
            }
            onesStart[frames] = nOnes;
            multiStart[frames] = nMulti;
            frames++;
            onesStart[frames] = nOnes;
            multiStart[frames] = nMulti;
            open = true;
        }

        public void addPixel(int pixel, int count) {
            if (!open) {
                throw new IllegalStateException("startFrame first");
            }
            if (count <= 0) {
                return;
            }
            if (count == 1) {
                if (nOnes == placeOnes.length) {
                    placeOnes = Arrays.copyOf(placeOnes, placeOnes.length * 2);
                }
                placeOnes[nOnes++] = pixel;
                onesStart[frames] = nOnes;
            } else {
                if (nMulti == placeMulti.length) {
                    placeMulti = Arrays.copyOf(placeMulti, placeMulti.length * 2);
                    countMulti = Arrays.copyOf(countMulti, countMulti.length * 2);
                }
                placeMulti[nMulti] = pixel;
                countMulti[nMulti++] = count;
                multiStart[frames] = nMulti;
            }
        }

        /** Adds one dense frame of {@code numPix} counts. */
        public void addFrame(int[] counts) {
            startFrame();
            for (int t = 0; t < counts.length; t++) {
                if (counts[t] != 0) {
                    addPixel(t, counts[t]);
                }
            }
        }

        public int frames() {
            return frames;
        }

        public SparsePhotons build() {
            return new SparsePhotons(
                    numPix,
                    Arrays.copyOf(onesStart, frames + 1),
                    Arrays.copyOf(placeOnes, nOnes),
                    Arrays.copyOf(multiStart, frames + 1),
                    Arrays.copyOf(placeMulti, nMulti),
                    Arrays.copyOf(countMulti, nMulti));
        }
    }
}
