package org.diffract.emc;

/** Plain-Java EMC loops, for JVMs without the Vector API; also the reference in tests. */
final class ScalarEmcKernel extends EmcKernel {
    @Override
    public void frameSums(
            float[] lw, int[] ones, int o0, int o1, int[] multi, int[] count, int m0, int m1, double[] acc) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int i = o0; i < o1; i++) {
            int b = ones[i] << 3;
            a0 += lw[b];
            a1 += lw[b + 1];
            a2 += lw[b + 2];
            a3 += lw[b + 3];
            a4 += lw[b + 4];
            a5 += lw[b + 5];
            a6 += lw[b + 6];
            a7 += lw[b + 7];
        }
        for (int i = m0; i < m1; i++) {
            int b = multi[i] << 3;
            double c = count[i];
            a0 += c * lw[b];
            a1 += c * lw[b + 1];
            a2 += c * lw[b + 2];
            a3 += c * lw[b + 3];
            a4 += c * lw[b + 4];
            a5 += c * lw[b + 5];
            a6 += c * lw[b + 6];
            a7 += c * lw[b + 7];
        }
        acc[0] = a0;
        acc[1] = a1;
        acc[2] = a2;
        acc[3] = a3;
        acc[4] = a4;
        acc[5] = a5;
        acc[6] = a6;
        acc[7] = a7;
    }

    @Override
    public void mergeAdd(
            float[] view, int[] ones, int o0, int o1, int[] multi, int[] count, int m0, int m1, float[] weight) {
        for (int i = o0; i < o1; i++) {
            int b = ones[i] << 3;
            for (int k = 0; k < BLOCK; k++) {
                view[b + k] += weight[k];
            }
        }
        for (int i = m0; i < m1; i++) {
            int b = multi[i] << 3;
            float c = count[i];
            for (int k = 0; k < BLOCK; k++) {
                view[b + k] += c * weight[k];
            }
        }
    }

    @Override
    public void logFloor(double[] v, int n, double floor) {
        for (int i = 0; i < n; i++) {
            v[i] = Math.log(Math.max(v[i], floor));
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
