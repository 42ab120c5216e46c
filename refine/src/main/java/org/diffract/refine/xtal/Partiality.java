package org.diffract.refine.xtal;

/**
 * The still-shot geometry prime models: a reflection at scattering vector s (1/A, beam along +z) lies a
 * distance rh = 1/lambda - |s + (0, 0, 1/lambda)| off the Ewald sphere (CrystFEL's convention), and a
 * Lorentzian reflecting range of radius rs records the fraction p = rs^2 / (2 rh^2 + rs^2) of it.
 */
public final class Partiality {
    private Partiality() {}

    public static double excitationError(double sx, double sy, double sz, double invLambda) {
        double dz = sz + invLambda;
        return invLambda - Math.sqrt(sx * sx + sy * sy + dz * dz);
    }

    public static double lorentzian(double rh, double rs) {
        double rs2 = rs * rs;
        return rs2 / (2 * rh * rh + rs2);
    }
}
