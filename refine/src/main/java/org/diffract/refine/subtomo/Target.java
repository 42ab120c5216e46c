package org.diffract.refine.subtomo;

/**
 * One particle as the search sees it at one scale: its spectrum (interleaved complex, edge m) and the
 * Fourier voxels where it has power (its missing wedge excluded).
 */
public record Target(int m, double[] spectrum, boolean[] mask) {
    public static Target of(double[] real, int m, Fourier f) {
        double[] s = f.forward(real);
        return new Target(m, s, Fourier.powerMask(s, m * m * m));
    }
}
