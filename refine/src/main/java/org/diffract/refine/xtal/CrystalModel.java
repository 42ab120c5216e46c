package org.diffract.refine.xtal;

import java.util.Arrays;

import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * prime's model of one still: I_obs = G exp(-2 B s^2) p(h) I_h with Lorentzian partiality p from the
 * excitation error of each reflection. Parameters: G, B, two small rotations about x and y (the axes
 * across the beam, which move reflections through the Ewald sphere), the reflecting-range radius rs and
 * the unit-cell parameters free in the crystal system (a and c for tetragonal, and so on). The crystal's
 * reciprocal axes are A = Rx Ry U0 B(cell), where U0 comes from the stream's axes and cell.
 */
public final class CrystalModel {
    public static final int G = 0, B = 1, ROT_X = 2, ROT_Y = 3, RS = 4, CELL = 5;

    final Crystal crystal;
    final String system;
    final double invLambda;
    /** orientation: A0 B(cell0)^-1, row-major */
    final double[] u0;
    /**
     * observations kept for refinement: index into the crystal's table (its original h k l, which the
     * geometry predicts), unique reflection (after reindexing), intensity and sigma (polarisation-corrected)
     */
    final int n;

    final int[] source;
    final int[] unique;
    final double[] iObs;
    final double[] sigObs;
    /** resolution (A) of each observation on the target cell, for the steps' resolution filters */
    final double[] dObs;

    final boolean[] outlier;
    /** current parameters; G, B, rotX, rotY, rs, then the free cell parameters */
    double[] params;
    /** the crystal's row in the per-crystal table: its verdict and what the refinement found */
    final CrystalRecord record;
    /** the overall scale when post-refinement started ({@link Postrefiner#overallScale}), for the drift bound */
    double startScale = Double.NaN;

    CrystalModel(Crystal c, Observations obs, String system, double g, double b, double rs) {
        this(c, obs, system, g, b, rs, new CrystalRecord(c));
    }

    CrystalModel(Crystal c, Observations obs, String system, double g, double b, double rs, CrystalRecord record) {
        this.crystal = c;
        this.system = system;
        this.invLambda = 1 / c.wavelength();
        this.n = obs.n;
        this.source = Arrays.copyOf(obs.source, obs.n);
        this.unique = Arrays.copyOf(obs.unique, obs.n);
        this.iObs = Arrays.copyOf(obs.intensity, obs.n);
        this.sigObs = Arrays.copyOf(obs.sigma, obs.n);
        this.dObs = new double[obs.n];
        for (int j = 0; j < obs.n; j++) {
            dObs[j] = 0.5 / Math.sqrt(obs.s2[j]);
        }
        this.outlier = new boolean[obs.n];
        this.record = record;

        double[] cellFree = freeCell(system, c.cell());
        UnitCell start = fullCell(system, cellFree, c.cell());
        RealMatrix a0 = MatrixUtils.createRealMatrix(new double[][] {
            {c.astar()[0], c.bstar()[0], c.cstar()[0]},
            {c.astar()[1], c.bstar()[1], c.cstar()[1]},
            {c.astar()[2], c.bstar()[2], c.cstar()[2]}
        });
        RealMatrix u =
                a0.multiply(new LUDecomposition(start.bMatrix()).getSolver().getInverse());
        this.u0 = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                u0[i * 3 + j] = u.getEntry(i, j);
            }
        }
        params = new double[CELL + cellFree.length];
        params[G] = g;
        params[B] = b;
        params[RS] = rs;
        System.arraycopy(cellFree, 0, params, CELL, cellFree.length);
    }

    boolean accepted() {
        return record.accepted();
    }

    /** Copies the current parameters into the table row. */
    void report() {
        record.g = params[G];
        record.b = params[B];
        record.rs = Math.abs(params[RS]);
        record.rotX = Math.toDegrees(params[ROT_X]);
        record.rotY = Math.toDegrees(params[ROT_Y]);
        record.cell = cell(params).toArray();
    }

    /** The cell parameters the crystal system leaves free, from a measured cell (averaging the tied ones). */
    static double[] freeCell(String system, UnitCell c) {
        return switch (system) {
            case "cubic" -> new double[] {(c.a() + c.b() + c.c()) / 3};
            case "tetragonal", "trigonal", "hexagonal" -> new double[] {(c.a() + c.b()) / 2, c.c()};
            case "orthorhombic" -> new double[] {c.a(), c.b(), c.c()};
            case "monoclinic" -> new double[] {c.a(), c.b(), c.c(), c.beta()};
            default -> c.toArray();
        };
    }

    static UnitCell fullCell(String system, double[] f, UnitCell measured) {
        return switch (system) {
            case "cubic" -> new UnitCell(f[0], f[0], f[0], 90, 90, 90);
            case "tetragonal" -> new UnitCell(f[0], f[0], f[1], 90, 90, 90);
            case "trigonal", "hexagonal" -> new UnitCell(f[0], f[0], f[1], 90, 90, 120);
            case "orthorhombic" -> new UnitCell(f[0], f[1], f[2], 90, 90, 90);
            case "monoclinic" -> new UnitCell(f[0], f[1], f[2], 90, f[3], 90);
            default -> UnitCell.of(f);
        };
    }

    UnitCell cell(double[] p) {
        return fullCell(system, Arrays.copyOfRange(p, CELL, p.length), crystal.cell());
    }

    /** A = Rx Ry U0 B(cell) for parameters p, row-major into a. */
    void axes(double[] p, double[] a) {
        double cx = Math.cos(p[ROT_X]), sx = Math.sin(p[ROT_X]), cy = Math.cos(p[ROT_Y]), sy = Math.sin(p[ROT_Y]);
        double[] r = {cy, 0, sy, sx * sy, cx, -sx * cy, -cx * sy, sx, cx * cy};
        double[] ru = mul(r, u0);
        double[][] bm = cell(p).bMatrix().getData();
        double[] bf = {bm[0][0], bm[0][1], bm[0][2], bm[1][0], bm[1][1], bm[1][2], bm[2][0], bm[2][1], bm[2][2]};
        System.arraycopy(mul(ru, bf), 0, a, 0, 9);
    }

    private static double[] mul(double[] x, double[] y) {
        double[] r = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i * 3 + j] = x[i * 3] * y[j] + x[i * 3 + 1] * y[3 + j] + x[i * 3 + 2] * y[6 + j];
            }
        }
        return r;
    }

    /**
     * For parameters p writes each observation's partiality and its full correction c = G exp(-2 B s^2) p
     * (so that I_obs ~ c I_h).
     */
    void predict(double[] p, double[] a, double[] partiality, double[] correction) {
        axes(p, a);
        int[] h = crystal.h(), k = crystal.k(), l = crystal.l();
        double rs = Math.abs(p[RS]);
        for (int j = 0; j < n; j++) {
            int i = source[j];
            double sx = a[0] * h[i] + a[1] * k[i] + a[2] * l[i];
            double sy = a[3] * h[i] + a[4] * k[i] + a[5] * l[i];
            double sz = a[6] * h[i] + a[7] * k[i] + a[8] * l[i];
            double s2 = (sx * sx + sy * sy + sz * sz) / 4;
            double pj = Partiality.lorentzian(Partiality.excitationError(sx, sy, sz, invLambda), rs);
            partiality[j] = pj;
            correction[j] = p[G] * Math.exp(-2 * p[B] * s2) * pj;
        }
    }
}
