package org.diffract.core.rotation;

import java.util.ArrayList;
import java.util.List;

/**
 * The 600-cell: its 120 vertices (unit quaternions forming the binary icosahedral group) and its 600
 * tetrahedral cells. Coordinates are kept exact in Z[tau] (tau the golden ratio) as
 * {@code 2 * coordinate = a + b * tau} with integers a, b, so that refined points can be tested for an
 * exactly zero component (tau is irrational, so a + b tau == 0 iff a == b == 0).
 */
final class Cell600 {
    static final int NUM_VERTICES = 120;
    static final int NUM_CELLS = 600;
    static final double TAU = (1 + Math.sqrt(5)) / 2;

    /** a[4 * v + k], b[4 * v + k]: twice component k of vertex v is a + b tau. */
    final int[] a = new int[4 * NUM_VERTICES];

    final int[] b = new int[4 * NUM_VERTICES];
    /** The same coordinates as doubles (unit quaternions, w first). */
    final double[] v = new double[4 * NUM_VERTICES];

    Cell600() {
        int idx = 0;
        // 8 vertices (+-1, 0, 0, 0) and permutations; (1,0,0,0) first so the identity is vertex 0.
        for (int k = 0; k < 4; k++) {
            for (int s = 1; s >= -1; s -= 2) {
                a[4 * idx + k] = 2 * s;
                idx++;
            }
        }
        // 16 vertices (+-1/2, +-1/2, +-1/2, +-1/2).
        for (int m = 0; m < 16; m++) {
            for (int k = 0; k < 4; k++) {
                a[4 * idx + k] = ((m >> (3 - k)) & 1) == 0 ? 1 : -1;
            }
            idx++;
        }
        // 96 vertices: even permutations of (tau/2, 1/2, 1/(2 tau), 0) with all signs on the non-zero
        // entries. In the a + b tau form: tau -> (0, 1), 1 -> (1, 0), 1/tau = tau - 1 -> (-1, 1).
        int[] baseA = {0, 1, -1, 0};
        int[] baseB = {1, 0, 1, 0};
        for (int[] p : evenPermutations()) {
            for (int s = 0; s < 8; s++) {
                for (int k = 0; k < 4; k++) {
                    int src = p[k];
                    int sign = src < 3 && ((s >> src) & 1) == 1 ? -1 : 1;
                    a[4 * idx + k] = sign * baseA[src];
                    b[4 * idx + k] = sign * baseB[src];
                }
                idx++;
            }
        }
        for (int i = 0; i < 4 * NUM_VERTICES; i++) {
            v[i] = (a[i] + b[i] * TAU) / 2;
        }
    }

    /** The 12 permutations of {0,1,2,3} with an even number of inversions. */
    private static List<int[]> evenPermutations() {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 4; k++) {
                    int l = 6 - i - j - k;
                    if (i == j || i == k || j == k || l < 0 || l > 3 || l == i || l == j || l == k) {
                        continue;
                    }
                    int[] p = {i, j, k, l};
                    int inv = 0;
                    for (int x = 0; x < 4; x++) {
                        for (int y = x + 1; y < 4; y++) {
                            if (p[x] > p[y]) {
                                inv++;
                            }
                        }
                    }
                    if (inv % 2 == 0) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The 600 cells as ascending vertex index quadruples. Neighbours are vertices at the edge length
     * 1/tau (squared 0.382); the next shell is at squared distance 1, so 0.5 separates them.
     */
    int[][] cells() {
        boolean[][] adj = new boolean[NUM_VERTICES][NUM_VERTICES];
        for (int i = 0; i < NUM_VERTICES; i++) {
            for (int j = i + 1; j < NUM_VERTICES; j++) {
                double d2 = 0;
                for (int k = 0; k < 4; k++) {
                    double d = v[4 * i + k] - v[4 * j + k];
                    d2 += d * d;
                }
                adj[i][j] = adj[j][i] = d2 < 0.5;
            }
        }
        int[][] cells = new int[NUM_CELLS][];
        int count = 0;
        for (int i = 0; i < NUM_VERTICES; i++) {
            for (int j = i + 1; j < NUM_VERTICES; j++) {
                if (!adj[i][j]) {
                    continue;
                }
                for (int k = j + 1; k < NUM_VERTICES; k++) {
                    if (!adj[i][k] || !adj[j][k]) {
                        continue;
                    }
                    for (int l = k + 1; l < NUM_VERTICES; l++) {
                        if (adj[i][l] && adj[j][l] && adj[k][l]) {
                            cells[count++] = new int[] {i, j, k, l};
                        }
                    }
                }
            }
        }
        if (count != NUM_CELLS) {
            throw new IllegalStateException("600-cell construction found " + count + " cells");
        }
        return cells;
    }

    /**
     * Whether the point with exact coordinates {@code 2 n q_k = A[k] + B[k] tau} is the representative
     * of its pair {q, -q}: its first non-zero component (w, x, y, z order) is positive. Since q and -q
     * are one rotation, this keeps w > 0, and breaks w == 0 ties on x, then y, then z.
     */
    static boolean isRepresentative(int[] aa, int[] bb, int off) {
        for (int k = 0; k < 4; k++) {
            int ak = aa[off + k], bk = bb[off + k];
            if (ak != 0 || bk != 0) {
                return ak + bk * TAU > 0;
            }
        }
        throw new IllegalArgumentException("zero quaternion");
    }
}
