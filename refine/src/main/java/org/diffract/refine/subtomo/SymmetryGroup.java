package org.diffract.refine.subtomo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.diffract.core.UserError;

/**
 * The point groups EMAN2 names c&lt;n&gt;, d&lt;n&gt;, tet, oct, icos (icos5) as rotation matrices about the box
 * centre, oriented as EMAN2's libEM/symmetry.cpp: the n-fold axis of c and d groups is z, d groups add
 * 2-folds about x; tet, oct and icos are EMAN2's own tables of (az, alt, phi) (a face of the tetrahedron and
 * of the cube along z; icos with a 5-fold along z and its 234 degree azimuth offset, icos5 without it). A reference invariant
 * under the group looks the same after R and after R g, so the search keeps one rotation per coset:
 * the one closest to the identity (largest trace of R g), a Dirichlet cell of the asymmetric unit.
 */
public final class SymmetryGroup {
    private final String name;
    private final List<double[]> elements;

    private SymmetryGroup(String name, List<double[]> elements) {
        this.name = name;
        this.elements = elements;
    }

    public static SymmetryGroup parse(String spec) {
        String s = spec == null ? "c1" : spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.matches("c\\d+")) {
                int n = Integer.parseInt(s.substring(1));
                if (n >= 1) {
                    return new SymmetryGroup(s, closure(List.of(Rotations.rz(360.0 / n))));
                }
            } else if (s.matches("d\\d+")) {
                int n = Integer.parseInt(s.substring(1));
                if (n >= 1) {
                    return new SymmetryGroup(s, closure(List.of(Rotations.rz(360.0 / n), Rotations.rx(180))));
                }
            } else if (s.equals("tet")) {
                return new SymmetryGroup(s, table(tet(), 0, 0));
            } else if (s.equals("oct")) {
                return new SymmetryGroup(s, table(oct(), 0, 0));
            } else if (s.equals("icos")) {
                return new SymmetryGroup(s, table(icos(), 90, -90));
            } else if (s.equals("icos5")) {
                return new SymmetryGroup(s, table(icos(), 0, 0));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError(
                "--sym '" + spec + "' is not a symmetry; use c<n>, d<n>, tet, oct, icos or icos5 (e.g. c4)");
    }

    /** The Transforms of an EMAN2 table of (az, alt, phi), with EMAN2's azimuth offset added to az and taken from phi. */
    private static List<double[]> table(double[] t, double azOffset, double phiOffset) {
        List<double[]> g = new ArrayList<>();
        for (int i = 0; i < t.length; i += 3) {
            g.add(Rotations.eman(t[i] + azOffset, t[i + 1], t[i + 2] + phiOffset));
        }
        return g;
    }

    private static double[] tet() {
        double l1 = Math.toDegrees(Math.acos(-1.0 / 3.0));
        return new double[] {
            0, 0, 0, 0, 0, 120, 0, 0, 240, 0, l1, 60, 0, l1, 180, 0, l1, 300, 120, l1, 60, 120, l1, 180, 120, l1, 300,
            240, l1, 60, 240, l1, 180, 240, l1, 300
        };
    }

    private static double[] oct() {
        double[] t = new double[72];
        int k = 0;
        double[][] rows = {{0, 0}, {0, 90}, {90, 90}, {180, 90}, {270, 90}, {0, 180}};
        for (double[] r : rows) {
            for (int p = 0; p < 4; p++) {
                t[k++] = r[0];
                t[k++] = r[1];
                t[k++] = 90 * p;
            }
        }
        return t;
    }

    private static double[] icos() {
        double l1 = Math.toDegrees(Math.atan(2)), l2 = 180 - l1;
        double[] t = new double[180];
        int k = 0;
        double[] phis0 = {0, 288, 216, 144, 72};
        double[] phis1 = {36, 324, 252, 180, 108};
        for (double p : phis0) {
            t[k++] = 0;
            t[k++] = 0;
            t[k++] = p;
        }
        for (double az : new double[] {0, 72, 144, 216, 288}) {
            for (double p : phis1) {
                t[k++] = az;
                t[k++] = l1;
                t[k++] = p;
            }
        }
        for (double az : new double[] {36, 108, 180, 252, 324}) {
            for (double p : phis0) {
                t[k++] = az;
                t[k++] = l2;
                t[k++] = p;
            }
        }
        for (double p : phis0) {
            t[k++] = 0;
            t[k++] = 180;
            t[k++] = p;
        }
        return t;
    }

    /** All products of the generators: a finite rotation group is closed under multiplication. */
    private static List<double[]> closure(List<double[]> generators) {
        List<double[]> g = new ArrayList<>();
        g.add(Rotations.identity());
        for (int i = 0; i < g.size(); i++) {
            for (double[] gen : generators) {
                double[] p = Rotations.multiply(g.get(i), gen);
                boolean known = false;
                for (double[] e : g) {
                    if (Rotations.angleBetween(e, p) < 1e-3) {
                        known = true;
                        break;
                    }
                }
                if (!known) {
                    g.add(p);
                }
            }
            if (g.size() > 120) {
                throw new IllegalStateException("group closure did not terminate");
            }
        }
        return g;
    }

    public String name() {
        return name;
    }

    public int order() {
        return elements.size();
    }

    public List<double[]> elements() {
        return elements;
    }

    /** Whether R is its coset's representative: no R g is closer to the identity (small tolerance keeps borders). */
    public boolean inAsymmetricUnit(double[] r) {
        double t = Rotations.trace(r);
        for (double[] g : elements) {
            if (Rotations.trace(Rotations.multiply(r, g)) > t + 1e-9) {
                return false;
            }
        }
        return true;
    }

    /** The group average of vol about the box centre: mean over g of vol(g (x - c) + c). */
    public double[] symmetrize(double[] vol, int n) {
        if (order() == 1) {
            return vol.clone();
        }
        double[] sum = new double[vol.length];
        double[] tmp = new double[vol.length];
        double[] zero = {0, 0, 0};
        for (double[] g : elements) {
            VolumeTransform.apply(vol, n, g, zero, tmp);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += tmp[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= order();
        }
        return sum;
    }
}
