package org.diffract.refine.xtal;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps Miller indices to one representative of their symmetry-equivalent set for merging. Intensities
 * obey the Laue group: the point group's rotations plus Friedel's law (h and -h equal). The representative
 * is the largest index of the set in (h, then k, then l) order, which is the same for every member, so
 * observations of equivalent reflections meet at one index.
 */
public final class Asu {
    private final SpaceGroup group;
    /** Laue group rotations, transposed so that h' = R^T h acts on column indices; 9 ints each. */
    private final int[] ops;
    private final int nOps;

    public Asu(SpaceGroup group) {
        this.group = group;
        List<int[]> rots = new ArrayList<>(PointGroups.rotations(group.pointGroupSetting()));
        List<int[]> laue = new ArrayList<>();
        for (int[] r : rots) {
            if (!PointGroups.contains(laue, r)) {
                laue.add(r);
            }
            int[] n = new int[9];
            for (int i = 0; i < 9; i++) {
                n[i] = -r[i];
            }
            if (!PointGroups.contains(laue, n)) {
                laue.add(n);
            }
        }
        nOps = laue.size();
        ops = new int[nOps * 9];
        for (int o = 0; o < nOps; o++) {
            System.arraycopy(laue.get(o), 0, ops, o * 9, 9);
        }
    }

    public SpaceGroup group() {
        return group;
    }

    /** Order of the Laue group (number of equivalent indices of a general reflection). */
    public int laueOrder() {
        return nOps;
    }

    /** Writes the representative of (h, k, l) into out[0..3). No allocation: called per observation. */
    public void map(int h, int k, int l, int[] out) {
        int bh = Integer.MIN_VALUE, bk = 0, bl = 0;
        for (int o = 0; o < nOps; o++) {
            int b = o * 9;
            // h' = h R: row vector times the direct-space rotation
            int h2 = h * ops[b] + k * ops[b + 3] + l * ops[b + 6];
            int k2 = h * ops[b + 1] + k * ops[b + 4] + l * ops[b + 7];
            int l2 = h * ops[b + 2] + k * ops[b + 5] + l * ops[b + 8];
            if (h2 > bh || (h2 == bh && (k2 > bk || (k2 == bk && l2 > bl)))) {
                bh = h2;
                bk = k2;
                bl = l2;
            }
        }
        out[0] = bh;
        out[1] = bk;
        out[2] = bl;
    }

    /** Packs an index with |h|,|k|,|l| < 2^20 into one long (hash key). */
    public static long pack(int h, int k, int l) {
        return ((long) (h + (1 << 20)) << 42) | ((long) (k + (1 << 20)) << 21) | (l + (1 << 20));
    }
}
