package org.diffract.refine.subtomo;

/**
 * One alignment of a particle to a reference: score (wedge-aware normalised cross-correlation), the
 * rotation R and shift t (voxels of the full box) such that particle = reference rotated by R, then
 * shifted by t.
 */
public record Hit(double score, double[] rotation, double[] shift) {
    public static final Hit NONE = new Hit(Double.NEGATIVE_INFINITY, Rotations.identity(), new double[3]);
}
