package org.diffract.emc;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * EMC loops with 256-bit double vectors: one photon = two vector loads of one cache line. In the
 * likelihood, two accumulator pairs (even and odd photons) hide the add latency.
 */
final class VectorEmcKernel extends EmcKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

    static boolean usable() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }

    @Override
    public void frameSums(double[] lw, int[] ones, int o0, int o1, int[] multi, int[] count, int m0, int m1,
                          double[] acc) {
        DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S);
        DoubleVector b0 = DoubleVector.zero(S), b1 = DoubleVector.zero(S);
        int i = o0;
        for (; i + 1 < o1; i += 2) {
            int p = ones[i] << 3;
            int q = ones[i + 1] << 3;
            a0 = a0.add(DoubleVector.fromArray(S, lw, p));
            a1 = a1.add(DoubleVector.fromArray(S, lw, p + 4));
            b0 = b0.add(DoubleVector.fromArray(S, lw, q));
            b1 = b1.add(DoubleVector.fromArray(S, lw, q + 4));
        }
        if (i < o1) {
            int p = ones[i] << 3;
            a0 = a0.add(DoubleVector.fromArray(S, lw, p));
            a1 = a1.add(DoubleVector.fromArray(S, lw, p + 4));
        }
        for (int j = m0; j < m1; j++) {
            int p = multi[j] << 3;
            DoubleVector c = DoubleVector.broadcast(S, (double) count[j]);
            b0 = DoubleVector.fromArray(S, lw, p).fma(c, b0);
            b1 = DoubleVector.fromArray(S, lw, p + 4).fma(c, b1);
        }
        a0.add(b0).intoArray(acc, 0);
        a1.add(b1).intoArray(acc, 4);
    }

    @Override
    public void mergeAdd(double[] view, int[] ones, int o0, int o1, int[] multi, int[] count, int m0, int m1,
                         double[] weight) {
        DoubleVector w0 = DoubleVector.fromArray(S, weight, 0);
        DoubleVector w1 = DoubleVector.fromArray(S, weight, 4);
        for (int i = o0; i < o1; i++) {
            int p = ones[i] << 3;
            DoubleVector.fromArray(S, view, p).add(w0).intoArray(view, p);
            DoubleVector.fromArray(S, view, p + 4).add(w1).intoArray(view, p + 4);
        }
        for (int j = m0; j < m1; j++) {
            int p = multi[j] << 3;
            DoubleVector c = DoubleVector.broadcast(S, (double) count[j]);
            w0.fma(c, DoubleVector.fromArray(S, view, p)).intoArray(view, p);
            w1.fma(c, DoubleVector.fromArray(S, view, p + 4)).intoArray(view, p + 4);
        }
    }

    @Override
    public void logFloor(double[] v, int n, double floor) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += S.length()) {
            DoubleVector.fromArray(S, v, i).max(floor).lanewise(VectorOperators.LOG).intoArray(v, i);
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
