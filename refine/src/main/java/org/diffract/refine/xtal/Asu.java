package org.diffract.refine.xtal;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps Miller indices to one representative of their symmetry-equivalent set for merging. Intensities
 * obey the Laue group: the point group's rotations plus Friedel's law (h and -h equal). The representative
 * is the member inside CCP4's reciprocal asymmetric unit for the Laue class (the conditions CCP4's
 * symlib and gemmi use, e.g. h >= k >= 0, l >= 0 for 4/mmm), so merged files index reflections as CCP4
 * programs expect; tests check it against gemmi. For anomalous data the mapping also tells whether the
 * index is equivalent to the representative by the point group itself (I(+)) or only with Friedel's
 * law (I(-), the Bijvoet mate), as CCP4's ISYM odd/even does.
 */
public final class Asu {
    private final SpaceGroup group;
    /** Laue group rotations, transposed so that h' = R^T h acts on column indices; 9 ints each. */
    private final int[] ops;

    private final int nOps;
    /** whether op o belongs to the point group (true) or is only -g for a point-group op g (false) */
    private final boolean[] plus;

    private final Region region;

    /** CCP4's reciprocal ASU conditions, one per Laue class (and the two settings of -3m). */
    enum Region {
        BAR1,
        TWO_M,
        MMM,
        FOUR_M,
        FOUR_MMM,
        BAR3,
        BAR3_M1,
        BAR3_1M,
        SIX_M,
        SIX_MMM,
        M3,
        M3M;

        boolean contains(int h, int k, int l) {
            return switch (this) {
                case BAR1 -> l > 0 || (l == 0 && (h > 0 || (h == 0 && k >= 0)));
                case TWO_M -> k >= 0 && (l > 0 || (l == 0 && h >= 0));
                case MMM -> h >= 0 && k >= 0 && l >= 0;
                case FOUR_M, SIX_M -> l >= 0 && ((h >= 0 && k > 0) || (h == 0 && k == 0));
                case FOUR_MMM, SIX_MMM -> h >= k && k >= 0 && l >= 0;
                case BAR3 -> (h >= 0 && k > 0) || (h == 0 && k == 0 && l >= 0);
                case BAR3_1M -> h >= k && k >= 0 && (k > 0 || l >= 0);
                case BAR3_M1 -> h >= k && k >= 0 && (h > k || l >= 0);
                case M3 -> h >= 0 && ((l >= h && k > h) || (l == h && k == h));
                case M3M -> h >= 0 && k >= l && l >= h;
            };
        }

        static Region of(SpaceGroup g) {
            return switch (g.laue()) {
                case "-1" -> BAR1;
                case "2/m" -> TWO_M;
                case "mmm" -> MMM;
                case "4/m" -> FOUR_M;
                case "4/mmm" -> FOUR_MMM;
                case "-3" -> BAR3;
                case "-3m" ->
                    g.pointGroupSetting().contains("1m")
                                    || g.pointGroupSetting().equals("312")
                            ? BAR3_1M
                            : BAR3_M1;
                case "6/m" -> SIX_M;
                case "6/mmm" -> SIX_MMM;
                case "m-3" -> M3;
                case "m-3m" -> M3M;
                default -> throw new IllegalStateException("Laue class " + g.laue());
            };
        }
    }

    public Asu(SpaceGroup group) {
        this.group = group;
        List<int[]> rots = new ArrayList<>(PointGroups.rotations(group.pointGroupSetting()));
        List<int[]> laue = new ArrayList<>();
        List<Boolean> inGroup = new ArrayList<>();
        for (int[] r : rots) {
            if (!PointGroups.contains(laue, r)) {
                laue.add(r);
                inGroup.add(true);
            }
            int[] n = new int[9];
            for (int i = 0; i < 9; i++) {
                n[i] = -r[i];
            }
            if (!PointGroups.contains(laue, n)) {
                laue.add(n);
                inGroup.add(PointGroups.contains(rots, n));
            }
        }
        nOps = laue.size();
        region = Region.of(group);
        ops = new int[nOps * 9];
        plus = new boolean[nOps];
        for (int o = 0; o < nOps; o++) {
            System.arraycopy(laue.get(o), 0, ops, o * 9, 9);
            plus[o] = inGroup.get(o);
        }
    }

    public SpaceGroup group() {
        return group;
    }

    /** Order of the Laue group (number of equivalent indices of a general reflection). */
    public int laueOrder() {
        return nOps;
    }

    /**
     * Writes the representative of (h, k, l) into out[0..3) and returns whether (h, k, l) is its Bijvoet mate
     * (equivalent only through Friedel's law: I(-)); centric indices count as I(+). No allocation: called
     * per observation.
     */
    public boolean map(int h, int k, int l, int[] out) {
        int minusOp = -1;
        for (int o = 0; o < nOps; o++) {
            int b = o * 9;
            // h' = h R: row vector times the direct-space rotation
            int h2 = h * ops[b] + k * ops[b + 3] + l * ops[b + 6];
            int k2 = h * ops[b + 1] + k * ops[b + 4] + l * ops[b + 7];
            int l2 = h * ops[b + 2] + k * ops[b + 5] + l * ops[b + 8];
            if (region.contains(h2, k2, l2)) {
                out[0] = h2;
                out[1] = k2;
                out[2] = l2;
                if (plus[o]) {
                    return false;
                }
                minusOp = o;
            }
        }
        if (minusOp < 0) {
            throw new IllegalStateException("no equivalent of " + h + " " + k + " " + l + " in the " + region + " ASU");
        }
        return true;
    }

    /** Whether h and -h are equivalent under the point group itself (a centric reflection: no anomalous pair). */
    public boolean isCentric(int h, int k, int l) {
        for (int o = 0; o < nOps; o++) {
            int b = o * 9;
            if (plus[o]
                    && h * ops[b] + k * ops[b + 3] + l * ops[b + 6] == -h
                    && h * ops[b + 1] + k * ops[b + 4] + l * ops[b + 7] == -k
                    && h * ops[b + 2] + k * ops[b + 5] + l * ops[b + 8] == -l) {
                return true;
            }
        }
        return false;
    }

    /** Packs an index with |h|,|k|,|l| < 2^20 into one long (hash key). */
    public static long pack(int h, int k, int l) {
        return ((long) (h + (1 << 20)) << 42) | ((long) (k + (1 << 20)) << 21) | (l + (1 << 20));
    }
}
