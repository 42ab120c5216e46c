package org.diffract.emc;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * EMC loops with 256-bit vectors: one photon = one load of a block's 8 float lanes. Likelihood sums are
 * widened to two double vectors and accumulated in double, in two accumulator pairs (even and odd photons)
 * that hide the add latency.
 */
final class VectorEmcKernel extends EmcKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

    static boolean usable() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }

    @Override
    public void frameSums(
            float[] lw, int[] ones, int o0, int o1, int[] multi, int[] count, int m0, int m1, double[] acc) {
        DoubleVector a0 = DoubleVector.zero(D), a1 = DoubleVector.zero(D);
        DoubleVector b0 = DoubleVector.zero(D), b1 = DoubleVector.zero(D);
        int i = o0;
        for (; i + 1 < o1; i += 2) {
            FloatVector x = FloatVector.fromArray(F, lw, ones[i] << 3);
            FloatVector y = FloatVector.fromArray(F, lw, ones[i + 1] << 3);
            a0 = a0.add(x.convertShape(VectorOperators.F2D, D, 0));
            a1 = a1.add(x.convertShape(VectorOperators.F2D, D, 1));
            b0 = b0.add(y.convertShape(VectorOperators.F2D, D, 0));
            b1 = b1.add(y.convertShape(VectorOperators.F2D, D, 1));
        }
        if (i < o1) {
            FloatVector x = FloatVector.fromArray(F, lw, ones[i] << 3);
            a0 = a0.add(x.convertShape(VectorOperators.F2D, D, 0));
            a1 = a1.add(x.convertShape(VectorOperators.F2D, D, 1));
        }
        for (int j = m0; j < m1; j++) {
            FloatVector x = FloatVector.fromArray(F, lw, multi[j] << 3);
            DoubleVector c = DoubleVector.broadcast(D, (double) count[j]);
            b0 = ((DoubleVector) x.convertShape(VectorOperators.F2D, D, 0)).fma(c, b0);
            b1 = ((DoubleVector) x.convertShape(VectorOperators.F2D, D, 1)).fma(c, b1);
        }
        a0.add(b0).intoArray(acc, 0);
        a1.add(b1).intoArray(acc, 4);
    }

    @Override
    public void mergeAdd(
            float[] view, int[] ones, int o0, int o1, int[] multi, int[] count, int m0, int m1, float[] weight) {
        FloatVector w = FloatVector.fromArray(F, weight, 0);
        for (int i = o0; i < o1; i++) {
            int p = ones[i] << 3;
            FloatVector.fromArray(F, view, p).add(w).intoArray(view, p);
        }
        for (int j = m0; j < m1; j++) {
            int p = multi[j] << 3;
            w.fma(FloatVector.broadcast(F, (float) count[j]), FloatVector.fromArray(F, view, p))
                    .intoArray(view, p);
        }
    }

    @Override
    public void mergeSlice(
            double[] view,
            double scale,
            double[] r,
            double[] qx,
            double[] qy,
            double[] qz,
            boolean[] use,
            double[] pairs,
            int n) {
        final int c = n / 2;
        final int nn = n * n;
        final int numPix = view.length;
        final double[] zw = new double[4];
        for (int t = 0; t < numPix; t++) {
            if (!use[t]) {
                continue;
            }
            double x = r[0] * qx[t] + r[1] * qy[t] + r[2] * qz[t] + c;
            double y = r[3] * qx[t] + r[4] * qy[t] + r[5] * qz[t] + c;
            double z = r[6] * qx[t] + r[7] * qy[t] + r[8] * qz[t] + c;
            int ix = (int) Math.floor(x), iy = (int) Math.floor(y), iz = (int) Math.floor(z);
            if (ix < 0 || iy < 0 || iz < 0 || ix >= n - 1 || iy >= n - 1 || iz >= n - 1) {
                continue;
            }
            double fx = x - ix, fy = y - iy, fz = z - iz;
            double gx = 1 - fx, gy = 1 - fy, gz = 1 - fz;
            double v = view[t];
            // (sum, weight) of corners z and z + 1: scale * (gz v, gz, fz v, fz), times the xy weight
            zw[0] = scale * gz * v;
            zw[1] = scale * gz;
            zw[2] = scale * fz * v;
            zw[3] = scale * fz;
            DoubleVector w = DoubleVector.fromArray(D, zw, 0);
            int j = 2 * ((ix * n + iy) * n + iz);
            addRow(pairs, j, w, gx * gy);
            addRow(pairs, j + 2 * n, w, gx * fy);
            addRow(pairs, j + 2 * nn, w, fx * gy);
            addRow(pairs, j + 2 * (nn + n), w, fx * fy);
        }
    }

    private static void addRow(double[] pairs, int j, DoubleVector w, double xy) {
        w.fma(DoubleVector.broadcast(D, xy), DoubleVector.fromArray(D, pairs, j))
                .intoArray(pairs, j);
    }

    @Override
    public void logFloor(double[] v, int n, double floor) {
        int i = 0;
        int upper = D.loopBound(n);
        for (; i < upper; i += D.length()) {
            DoubleVector.fromArray(D, v, i)
                    .max(floor)
                    .lanewise(VectorOperators.LOG)
                    .intoArray(v, i);
        }
        for (; i < n; i++) {
            v[i] = Math.log(Math.max(v[i], floor));
        }
    }

    @Override
    public String name() {
        return "vector-256";
    }
}
