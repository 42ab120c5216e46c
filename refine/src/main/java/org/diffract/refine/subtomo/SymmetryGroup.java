package org.diffract.refine.subtomo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.diffract.core.UserError;
import org.diffract.core.rotation.IcosahedralGroup;

/**
 * The point groups EMAN2 names c&lt;n&gt;, d&lt;n&gt;, tet, oct, icos as rotation matrices about the box
 * centre. The n-fold axis of c and d groups is z; d groups add 2-folds about x. A reference invariant
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
                return new SymmetryGroup(s, closure(List.of(Rotations.axisAngle(1, 1, 1, 120), Rotations.rz(180))));
            } else if (s.equals("oct")) {
                return new SymmetryGroup(s, closure(List.of(Rotations.axisAngle(1, 1, 1, 120), Rotations.rz(90))));
            } else if (s.equals("icos")) {
                List<double[]> g = new ArrayList<>();
                for (double[] m : IcosahedralGroup.matrices()) {
                    g.add(m);
                }
                return new SymmetryGroup(s, g);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError("--sym '" + spec + "' is not a symmetry; use c<n>, d<n>, tet, oct or icos (e.g. c4)");
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
