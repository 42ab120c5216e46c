package org.diffract.refine.xtal;

import java.util.List;

import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * Reference intensities |F(h)|^2 computed from atoms: F(h) = sum over the space group's operations (R, t)
 * and the atoms of f_el(s) occ exp(-B s^2) exp(2 pi i h.(R x + t)), with x fractional in the model's
 * cell, s = 1/(2d) and f from {@link FormFactors}; no anomalous scattering and no bulk solvent. Ranks
 * share the reflections (sums are reduced), threads share a rank's part.
 */
public final class StructureFactors {
    private StructureFactors() {}

    /** |F|^2 on every number of the index (Friedel mates equal), using the model's own cell and operators. */
    public static double[] intensities(PdbModel model, HklIndex index, Communicator comm, int threads) {
        SpaceGroup sg;
        try {
            sg = SpaceGroups.find(model.spaceGroup());
        } catch (UserError e) {
            throw new UserError("PDB CRYST1 space group '" + model.spaceGroup() + "': " + e.getMessage());
        }
        List<SymOp> ops = sg.allOps();
        int nOps = ops.size(), nAtoms = model.size();
        // fractional coordinates: inverse of the direct basis (rows a, b, c in the PDB orthogonalisation)
        double[][] basis = model.cell().directBasis();
        double[][] inv = new LUDecomposition(MatrixUtils.createRealMatrix(basis))
                .getSolver()
                .getInverse()
                .getData();
        double[] fx = new double[nAtoms], fy = new double[nAtoms], fz = new double[nAtoms];
        double[][] coef = new double[nAtoms][];
        for (int a = 0; a < nAtoms; a++) {
            // r = fx a + fy b + fz c  ->  (fx, fy, fz) = r B^-1 with B's rows a, b, c
            double x = model.x()[a], y = model.y()[a], z = model.z()[a];
            fx[a] = x * inv[0][0] + y * inv[1][0] + z * inv[2][0];
            fy[a] = x * inv[0][1] + y * inv[1][1] + z * inv[2][1];
            fz[a] = x * inv[0][2] + y * inv[1][2] + z * inv[2][2];
            coef[a] = FormFactors.of(model.element()[a]);
        }
        int n = index.size();
        double[] out = new double[n];
        int rank = comm.rank(), size = comm.size();
        UnitCell cell = model.cell();
        try (WorkerPool pool = new WorkerPool(Math.max(1, threads), "sfcalc")) {
            pool.forEachItem(0, n, () -> new int[3 * nOps], (hr, u) -> {
                if (u % size != rank || index.isMinus(u)) {
                    return;
                }
                int h = index.h(u), k = index.k(u), l = index.l(u);
                double stol2 = cell.invDSquared(h, k, l) / 4;
                for (int o = 0; o < nOps; o++) {
                    int[] r = ops.get(o).rot();
                    // h.(R x) = (h R).x
                    hr[3 * o] = h * r[0] + k * r[3] + l * r[6];
                    hr[3 * o + 1] = h * r[1] + k * r[4] + l * r[7];
                    hr[3 * o + 2] = h * r[2] + k * r[5] + l * r[8];
                }
                double re = 0, im = 0;
                for (int a = 0; a < nAtoms; a++) {
                    double w = FormFactors.value(coef[a], stol2)
                            * model.occupancy()[a]
                            * Math.exp(-model.bIso()[a] * stol2);
                    for (int o = 0; o < nOps; o++) {
                        int[] t = ops.get(o).tran24();
                        double phase = 2
                                * Math.PI
                                * (hr[3 * o] * fx[a]
                                        + hr[3 * o + 1] * fy[a]
                                        + hr[3 * o + 2] * fz[a]
                                        + (h * t[0] + k * t[1] + l * t[2]) / (double) SymOp.DEN);
                        re += w * Math.cos(phase);
                        im += w * Math.sin(phase);
                    }
                }
                out[u] = re * re + im * im;
            });
        }
        comm.allreduceSum(out);
        for (int u = 0; u < n; u++) {
            if (index.isMinus(u)) {
                out[u] = out[index.mate(u)];
            }
        }
        return out;
    }
}
