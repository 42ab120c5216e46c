package org.diffract.refine.subtomo;

import java.util.Arrays;

import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.PausePoint;

/**
 * The averaging phase: each class's kept members, brought onto the reference by their alignments and
 * processed by --preavgproc1/2, weighted (--weighbyscore, --weighbytiltaxis), are combined by the --averager
 * (mean.tomo: Fourier voxels from the particles that measured them; mean; median), summed over the ranks,
 * then symmetrised (--sym or that class's --syms, unless --breaksym) and centred (--autocenter).
 */
final class ClassAverages {
    /** Median: voxels per exchanged block, so a block of a class's values stays small whatever the class size. */
    private static final int MEDIAN_BLOCK_VALUES = 4_000_000;

    private final SubtomoOptions o;
    private final Communicator comm;
    private final int n;
    private final Processor pre1;
    private final Processor pre2;
    private final Processor centerMask;

    ClassAverages(SubtomoOptions o, Communicator comm, int n) {
        this.o = o;
        this.comm = comm;
        this.n = n;
        this.pre1 = Processor.parse("--preavgproc1", o.preavgproc1);
        this.pre2 = Processor.parse("--preavgproc2", o.preavgproc2);
        this.centerMask = Processor.parse("--autocentermask", o.autocentermask);
    }

    /** The nref class averages of an iteration ({@code iteration} names it for the test's {@link PausePoint}). */
    double[][] compute(LocalParticles local, ClassAssignment a, int nref, int iteration) {
        double[][] out = new double[nref][];
        String kind = o.averagerKind();
        for (int k = 0; k < nref; k++) {
            if (k == nref / 2) {
                PausePoint.at("average", iteration, comm.rank());
            }
            double[] avg = switch (kind) {
                case "median" -> median(local, a, k);
                case "mean" -> mean(local, a, k);
                default -> meanTomo(local, a, k);
            };
            SymmetryGroup sym = o.symmetryOf(k);
            if (sym.order() > 1 && !o.breaksym) {
                avg = sym.symmetrize(avg, n);
            }
            if (o.autocenter != null && !o.autocenter.isBlank()) {
                avg = centerOfMass(avg, n, centerMask);
            }
            out[k] = avg;
        }
        return out;
    }

    /** The class member i (global index) as it enters the average, and its weight (0 when not kept). */
    private double weight(LocalParticles local, ClassAssignment a, int i) {
        if (!a.kept()[i]) {
            return 0;
        }
        double w = local.tiltWeight[i - local.lo];
        if (o.weighbyscore) {
            w *= Math.max(a.best()[i].score(), 0);
        }
        return w;
    }

    private double[] aligned(LocalParticles local, ClassAssignment a, int i) {
        Hit h = a.best()[i];
        double[] v = VolumeTransform.align(local.volumes[i - local.lo], n, h.rotation(), h.shift());
        Processor.applyAll(v, n, 1, pre1, pre2);
        return v;
    }

    private double[] meanTomo(LocalParticles local, ClassAssignment a, int k) {
        WedgeAverager avg = new WedgeAverager(n);
        for (int i = local.lo; i < local.hi; i++) {
            double w = weight(local, a, i);
            if (a.membership()[i] == k && w > 0) {
                avg.addAligned(local.volumes[i - local.lo], aligned(local, a, i), a.best()[i], w);
            }
        }
        comm.allreduceSum(avg.accumulator());
        return avg.average();
    }

    private double[] mean(LocalParticles local, ClassAssignment a, int k) {
        int n3 = n * n * n;
        double[] acc = new double[n3 + 1];
        for (int i = local.lo; i < local.hi; i++) {
            double w = weight(local, a, i);
            if (a.membership()[i] == k && w > 0) {
                double[] v = aligned(local, a, i);
                for (int j = 0; j < n3; j++) {
                    acc[j] += w * v[j];
                }
                acc[n3] += w;
            }
        }
        comm.allreduceSum(acc);
        double[] avg = new double[n3];
        for (int j = 0; acc[n3] > 0 && j < n3; j++) {
            avg[j] = acc[j] / acc[n3];
        }
        return avg;
    }

    /**
     * Voxel-wise median of the kept members (weights are not used: a median has none). The members' values are
     * exchanged one block of voxels at a time, each rank filling its own members' rows.
     */
    private double[] median(LocalParticles local, ClassAssignment a, int k) {
        int n3 = n * n * n;
        int members = 0;
        int[] row = new int[a.membership().length];
        for (int i = 0; i < row.length; i++) {
            row[i] = -1;
            if (a.membership()[i] == k && a.kept()[i]) {
                row[i] = members++;
            }
        }
        double[] avg = new double[n3];
        if (members == 0) {
            return avg;
        }
        double[][] mine = new double[local.hi - local.lo][];
        for (int i = local.lo; i < local.hi; i++) {
            if (row[i] >= 0) {
                mine[i - local.lo] = aligned(local, a, i);
            }
        }
        int block = Math.max(1, Math.min(n3, MEDIAN_BLOCK_VALUES / members));
        double[] values = new double[members * block];
        double[] column = new double[members];
        for (int from = 0; from < n3; from += block) {
            int len = Math.min(block, n3 - from);
            Arrays.fill(values, 0);
            for (int i = local.lo; i < local.hi; i++) {
                if (row[i] >= 0) {
                    System.arraycopy(mine[i - local.lo], from, values, row[i] * len, len);
                }
            }
            comm.allreduceSum(values, members * len);
            for (int v = 0; v < len; v++) {
                for (int m = 0; m < members; m++) {
                    column[m] = values[m * len + v];
                }
                Arrays.sort(column);
                avg[from + v] =
                        members % 2 == 1 ? column[members / 2] : 0.5 * (column[members / 2 - 1] + column[members / 2]);
            }
        }
        return avg;
    }

    /**
     * Shifts a volume so the centre of mass of its positive density (of a copy processed by --autocentermask)
     * sits at the box centre n/2.
     */
    static double[] centerOfMass(double[] v, int n, Processor mask) {
        double[] m = v;
        if (mask != null) {
            m = v.clone();
            mask.apply(m, n, 1);
        }
        double sx = 0, sy = 0, sz = 0, w = 0;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    double d = Math.max(0, m[(z * n + y) * n + x]);
                    sx += d * x;
                    sy += d * y;
                    sz += d * z;
                    w += d;
                }
            }
        }
        if (w == 0) {
            return v;
        }
        double c = n / 2;
        double[] u = {sx / w - c, sy / w - c, sz / w - c};
        double[] out = new double[v.length];
        VolumeTransform.apply(v, n, Rotations.identity(), u, out);
        return out;
    }
}
