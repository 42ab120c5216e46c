package org.diffract.refine.xtal;

import java.util.Locale;

import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.diffract.core.UserError;

/**
 * A unit cell: edges in angstrom, angles in degrees. Knows its reciprocal metric (for 1/d^2) and the
 * Busing-Levy B matrix whose columns are a*, b*, c* in a Cartesian frame (a along x, b in the xy plane).
 */
public record UnitCell(double a, double b, double c, double alpha, double beta, double gamma) {

    public UnitCell {
        if (!(a > 0
                && b > 0
                && c > 0
                && alpha > 0
                && beta > 0
                && gamma > 0
                && alpha < 180
                && beta < 180
                && gamma < 180)) {
            throw new UserError("unit cell " + fmt(a, b, c, alpha, beta, gamma) + " is not a valid cell");
        }
    }

    private static String fmt(double... v) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", x));
        }
        return sb.toString();
    }

    public double[] toArray() {
        return new double[] {a, b, c, alpha, beta, gamma};
    }

    public static UnitCell of(double[] p) {
        return new UnitCell(p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    /** Direct-space basis as rows a, b, c in the standard orthogonalisation (a along x, b in the xy plane). */
    public double[][] directBasis() {
        double ca = Math.cos(Math.toRadians(alpha)), cb = Math.cos(Math.toRadians(beta));
        double cg = Math.cos(Math.toRadians(gamma)), sg = Math.sin(Math.toRadians(gamma));
        double cx = c * cb;
        double cy = c * (ca - cb * cg) / sg;
        double cz = Math.sqrt(Math.max(0, c * c - cx * cx - cy * cy));
        return new double[][] {{a, 0, 0}, {b * cg, b * sg, 0}, {cx, cy, cz}};
    }

    /**
     * Reciprocal basis as a 3x3 matrix whose columns are a*, b*, c* (1/angstrom, no 2 pi), so a reflection's
     * scattering vector is B (h, k, l)^T.
     */
    public RealMatrix bMatrix() {
        RealMatrix direct = MatrixUtils.createRealMatrix(directBasis());
        // rows of the direct basis times columns of the reciprocal basis = identity
        return new LUDecomposition(direct).getSolver().getInverse();
    }

    /** 1/d^2 of reflection h k l (1/angstrom^2). */
    public double invDSquared(int h, int k, int l) {
        double[][] g = reciprocalMetric();
        return h * h * g[0][0]
                + k * k * g[1][1]
                + l * l * g[2][2]
                + 2 * (h * k * g[0][1] + h * l * g[0][2] + k * l * g[1][2]);
    }

    /** The reciprocal metric tensor G* (B^T B). */
    public double[][] reciprocalMetric() {
        RealMatrix bm = bMatrix();
        return bm.transpose().multiply(bm).getData();
    }

    public double volume() {
        double ca = Math.cos(Math.toRadians(alpha)), cb = Math.cos(Math.toRadians(beta));
        double cg = Math.cos(Math.toRadians(gamma));
        return a * b * c * Math.sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
    }

    /** The cell spanned by reciprocal vectors (1/angstrom): the inverse of their matrix gives a, b, c. */
    public static UnitCell fromReciprocal(double[] astar, double[] bstar, double[] cstar) {
        RealMatrix r = MatrixUtils.createRealMatrix(new double[][] {
            {astar[0], bstar[0], cstar[0]}, {astar[1], bstar[1], cstar[1]}, {astar[2], bstar[2], cstar[2]}
        });
        RealMatrix d = new LUDecomposition(r).getSolver().getInverse(); // rows a, b, c
        double[] av = d.getRow(0), bv = d.getRow(1), cv = d.getRow(2);
        return new UnitCell(norm(av), norm(bv), norm(cv), angle(bv, cv), angle(av, cv), angle(av, bv));
    }

    private static double norm(double[] v) {
        return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }

    private static double angle(double[] u, double[] v) {
        double cos = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (norm(u) * norm(v));
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
    }

    /**
     * prime's test: every one of the six parameters within {@code percent} percent of the target's, except that
     * the angles are compared in degrees when {@code degrees} is given (not NaN).
     */
    public boolean isWithin(UnitCell target, double percent, double degrees) {
        double[] p = toArray(), t = target.toArray();
        for (int i = 0; i < 6; i++) {
            double allowed = i >= 3 && Double.isFinite(degrees) ? degrees : percent / 100 * t[i];
            if (!(Math.abs(p[i] - t[i]) <= allowed)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The cell the space group's metric demands closest to this one (tied edges averaged, fixed angles set), as
     * cctbx's average_unit_cell: monoclinic groups have unique axis b, trigonal ones hexagonal axes.
     */
    public UnitCell symmetric(SpaceGroup group) {
        return switch (group.crystalSystem()) {
            case "cubic" -> {
                double m = (a + b + c) / 3;
                yield new UnitCell(m, m, m, 90, 90, 90);
            }
            case "tetragonal" -> new UnitCell((a + b) / 2, (a + b) / 2, c, 90, 90, 90);
            case "trigonal", "hexagonal" -> new UnitCell((a + b) / 2, (a + b) / 2, c, 90, 90, 120);
            case "orthorhombic" -> new UnitCell(a, b, c, 90, 90, 90);
            case "monoclinic" -> new UnitCell(a, b, c, 90, beta, 90);
            default -> this;
        };
    }

    /**
     * Why this cell breaks the space group's metric, or null when it fits: cctbx's is_compatible_unit_cell,
     * lengths within 1 % and angles within 1 degree of {@link #symmetric}.
     */
    public String metricProblem(SpaceGroup group) {
        UnitCell s = symmetric(group);
        double[] p = toArray(), q = s.toArray();
        for (int i = 0; i < 6; i++) {
            boolean ok = i < 3 ? Math.abs(p[i] - q[i]) <= 0.01 * q[i] : Math.abs(p[i] - q[i]) <= 1;
            if (!ok) {
                String rule = switch (group.crystalSystem()) {
                    case "cubic" -> "a = b = c, all angles 90";
                    case "tetragonal" -> "a = b, all angles 90";
                    case "trigonal", "hexagonal" -> "a = b, alpha = beta = 90, gamma = 120 (hexagonal axes)";
                    case "orthorhombic" -> "all angles 90";
                    default -> "alpha = gamma = 90 (unique axis b)";
                };
                return "a " + group.crystalSystem() + " cell needs " + rule + " (lengths within 1 %, angles within 1 "
                        + "degree, as cctbx checks)";
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return fmt(a, b, c, alpha, beta, gamma);
    }
}
