package org.diffract.refine.xtal;

/**
 * One indexed crystal of a CrystFEL stream, in angstrom units: reciprocal axes (1/A, lab frame, beam
 * along +z) and profile radius (1/A) converted from CrystFEL's nm^-1, and its integrated reflections as
 * parallel primitive arrays.
 *
 * @param index        position of the crystal in the stream (0-based over all crystals): decides rank and half set
 * @param wavelength   angstrom, from the chunk's photon energy (NaN if the chunk had none)
 */
public record Crystal(
        int index,
        String image,
        String event,
        double wavelength,
        UnitCell cell,
        double[] astar,
        double[] bstar,
        double[] cstar,
        double profileRadius,
        int[] h,
        int[] k,
        int[] l,
        double[] intensity,
        double[] sigma) {
    public int size() {
        return h.length;
    }
}
