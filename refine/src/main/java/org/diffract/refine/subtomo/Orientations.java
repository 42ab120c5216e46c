package org.diffract.refine.subtomo;

import java.util.ArrayList;
import java.util.List;

/**
 * The coarse orientation grid, laid out as EMAN2's "eman" generator does: the rotated z axis on rings of
 * constant alt spaced delta apart, az spaced delta / sin(alt) along each ring, and the in-plane angle phi
 * at steps of dphi; then only the rotations in the symmetry group's asymmetric unit are kept.
 */
public final class Orientations {
    private Orientations() {}

    public static List<double[]> grid(double delta, double dphi, SymmetryGroup sym) {
        if (!(delta > 0 && delta <= 180 && dphi > 0 && dphi <= 360)) {
            throw new IllegalArgumentException("delta and dphi must be in (0, 180] and (0, 360]");
        }
        List<double[]> out = new ArrayList<>();
        int nAlt = (int) Math.round(180 / delta);
        int nPhi = Math.max(1, (int) Math.round(360 / dphi));
        for (int a = 0; a <= nAlt; a++) {
            double alt = Math.min(180, a * 180.0 / nAlt);
            double s = Math.sin(Math.toRadians(alt));
            int nAz = s < 1e-6 ? 1 : Math.max(1, (int) Math.round(360 * s / delta));
            for (int b = 0; b < nAz; b++) {
                double az = b * 360.0 / nAz;
                for (int c = 0; c < nPhi; c++) {
                    // R turns the reference into the particle; EMAN2 reports its inverse, whose angles these are
                    double[] r = Rotations.transpose(Rotations.eman(az, alt, c * 360.0 / nPhi));
                    if (sym.inAsymmetricUnit(r)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}
