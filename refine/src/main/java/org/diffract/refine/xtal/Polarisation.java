package org.diffract.refine.xtal;

/**
 * The polarisation factor of a reflection, divided out of its intensity and sigma as CrystFEL's merging
 * programs (default "horiz") and prime (flag_LP_correction) do: with a fraction P of the beam's electric
 * field along lab x and the rest along y, a ray scattered through 2 theta at azimuth phi (from x) keeps
 * P (1 - cos^2 phi sin^2 2theta) + (1 - P)(1 - sin^2 phi sin^2 2theta) of its intensity.
 * Streams hold uncorrected intensities: indexamajig integrates, the merging program corrects.
 */
public final class Polarisation {
    private final double fraction;

    public Polarisation(double horizontalFraction) {
        this.fraction = horizontalFraction;
    }

    /**
     * The factor for scattering vector (sx, sy, sz) in 1/A (lab frame, beam along +z) at wavelength
     * 1/invLambda.
     */
    public double factor(double sx, double sy, double sz, double invLambda) {
        // outgoing wave vector k + s, with k = (0, 0, 1/lambda)
        double kz = sz + invLambda;
        double kOut2 = sx * sx + sy * sy + kz * kz;
        double sin2tt = (sx * sx + sy * sy) / kOut2; // sin^2 of the angle between k and k + s
        double t2 = sx * sx + sy * sy;
        double cos2phi = t2 > 0 ? sx * sx / t2 : 1;
        return fraction * (1 - cos2phi * sin2tt) + (1 - fraction) * (1 - (1 - cos2phi) * sin2tt);
    }
}
