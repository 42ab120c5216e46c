package org.diffract.correlate;

/** Ring-normalised polar images by shot index, from memory or from polar.h5; safe to share between threads. */
interface PolarImages {
    /** Shot {@code shot}'s normalised image into {@code out[0 .. nq * nphi)}. */
    void readNormalized(int shot, double[] out);
}
