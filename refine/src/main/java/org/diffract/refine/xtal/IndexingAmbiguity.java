package org.diffract.refine.xtal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The merohedral indexing ambiguity of a space group: when the lattice has more symmetry than the crystal's
 * Laue group (P4x, P3x, P6x, R3, the cubic 23 groups, P321 vs its 2-fold, ...), an indexer cannot tell which
 * of several equivalent-looking settings a still is in. The settings are the cosets of the Laue group's
 * rotations in the lattice's rotation group; each is applied as a row vector, h' = h M. The identity
 * comes first. Groups without an ambiguity have one setting.
 */
public final class IndexingAmbiguity {
    private final List<int[]> ops;
    /** the proper rotations of the Laue group (the subgroup whose cosets the settings are) */
    private final List<int[]> laueRotations;

    public IndexingAmbiguity(SpaceGroup group) {
        laueRotations = new ArrayList<>();
        for (int[] r : PointGroups.rotations(group.pointGroupSetting())) {
            int[] p = det(r) > 0 ? r : negate(r);
            if (!PointGroups.contains(laueRotations, p)) {
                laueRotations.add(p);
            }
        }
        String lattice = switch (group.crystalSystem()) {
            case "tetragonal" -> "422";
            case "hexagonal" -> "622";
            // rhombohedral lattices on hexagonal axes have -3m with the 2-folds along a (obverse setting)
            case "trigonal" -> group.lattice() == 'R' ? "321" : "622";
            case "cubic" -> "432";
            default -> null;
        };
        ops = new ArrayList<>();
        ops.add(new int[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
        if (lattice != null) {
            for (int[] r : PointGroups.rotations(lattice)) {
                if (cosetOf(r) < 0) {
                    ops.add(r);
                }
            }
        }
    }

    /** The number of settings (1 = no ambiguity). */
    public int size() {
        return ops.size();
    }

    /** Setting a's operator, row-major, applied as h' = h M. */
    public int[] op(int a) {
        return ops.get(a);
    }

    /** The setting whose coset holds m, or -1. */
    int cosetOf(int[] m) {
        for (int a = 0; a < ops.size(); a++) {
            for (int[] p : laueRotations) {
                if (Arrays.equals(SymOp.multiply(p, ops.get(a)), m)) {
                    return a;
                }
            }
        }
        return -1;
    }

    /** The setting of "a then b": h M_a M_b (the Laue group is normal in the lattice group, so this is well defined). */
    public int compose(int a, int b) {
        return cosetOf(SymOp.multiply(ops.get(a), ops.get(b)));
    }

    /** The setting undoing a. */
    public int inverse(int a) {
        for (int b = 0; b < ops.size(); b++) {
            if (compose(a, b) == 0) {
                return b;
            }
        }
        throw new IllegalStateException("no inverse of setting " + a);
    }

    /** Operator a as the new indices in terms of the old, e.g. "k,h,-l". */
    public String label(int a) {
        int[] m = ops.get(a);
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 3; j++) {
            if (j > 0) {
                sb.append(',');
            }
            int start = sb.length();
            for (int i = 0; i < 3; i++) {
                int v = m[i * 3 + j];
                if (v == 0) {
                    continue;
                }
                if (v < 0) {
                    sb.append('-');
                } else if (sb.length() > start) {
                    sb.append('+');
                }
                if (Math.abs(v) != 1) {
                    sb.append(Math.abs(v));
                }
                sb.append("hkl".charAt(i));
            }
        }
        return sb.toString();
    }

    private static int det(int[] m) {
        return m[0] * (m[4] * m[8] - m[5] * m[7])
                - m[1] * (m[3] * m[8] - m[5] * m[6])
                + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }

    private static int[] negate(int[] m) {
        int[] r = new int[9];
        for (int i = 0; i < 9; i++) {
            r[i] = -m[i];
        }
        return r;
    }
}
