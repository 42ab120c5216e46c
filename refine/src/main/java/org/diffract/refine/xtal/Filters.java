package org.diffract.refine.xtal;

/**
 * Which observations and crystals one step uses, as prime's per-step scopes (scale, merge,
 * postref.scale, postref.allparams) give them: resolution range (A), minimum I/sigma(I), minimum
 * partiality and the unit-cell tolerance in percent of each of the six target parameters (NaN where a
 * step has none).
 */
public record Filters(double dMin, double dMax, double sigmaMin, double partialityMin, double ucTolerance) {

    /** Whether an observation at resolution d with I/sigma and partiality p takes part. */
    public boolean accepts(double d, double iOverSigma, double partiality) {
        return d >= dMin && d <= dMax && iOverSigma >= sigmaMin && partiality >= partialityMin;
    }

    /** Whether an observation passes the resolution and I/sigma cuts (partiality not known yet). */
    public boolean accepts(double d, double iOverSigma) {
        return d >= dMin && d <= dMax && iOverSigma >= sigmaMin;
    }
}
