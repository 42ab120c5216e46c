package org.diffract.refine.xtal;

import java.util.ArrayList;
import java.util.List;

/**
 * One of the 230 space groups in its reference setting (rhombohedral groups on hexagonal axes).
 * Merging intensities needs only its point group (plus Friedel's law: the Laue group) and its
 * translations for the systematic absences.
 *
 * @param hm        Hermann-Mauguin symbol with spaces, as CCP4 writes it ("P 21 21 21", "C 1 2 1")
 * @param xhm       the same with a setting suffix where one exists ("R 3 2:H")
 * @param shortName compact symbol ("P212121", "C2", "H32")
 * @param pointGroupSetting point group with its setting (321 vs 312 ...), see {@link PointGroups}
 * @param symOps    the primitive operations (no centring)
 * @param centring  centring translations in 24ths, the first being (0,0,0)
 */
public record SpaceGroup(
        int number,
        String hm,
        String xhm,
        String shortName,
        String hall,
        String pointGroup,
        String pointGroupSetting,
        String laue,
        String crystalSystem,
        List<SymOp> symOps,
        List<int[]> centring) {

    /** All operations including centring, in CCP4 order: each centring applied to every primitive op. */
    public List<SymOp> allOps() {
        List<SymOp> all = new ArrayList<>();
        for (int[] c : centring) {
            for (SymOp op : symOps) {
                all.add(op.withTranslation(c));
            }
        }
        return all;
    }

    /** The lattice letter: P, A, B, C, I, F, R (hexagonal setting of R reports R). */
    public char lattice() {
        return hm.charAt(0);
    }

    /**
     * Whether reflection h k l is systematically absent: some operation (R, t) maps the index to itself
     * (h R = h) but gives it a phase shift 2 pi h.t that is not a multiple of 2 pi, or a centring
     * vector c has h.c not whole.
     */
    public boolean isAbsent(int h, int k, int l) {
        for (int[] c : centring) {
            if (Math.floorMod(h * c[0] + k * c[1] + l * c[2], SymOp.DEN) != 0) {
                return true;
            }
        }
        for (SymOp op : symOps) {
            int[] r = op.rot();
            // h' = h R (row vector times matrix)
            int h2 = h * r[0] + k * r[3] + l * r[6];
            int k2 = h * r[1] + k * r[4] + l * r[7];
            int l2 = h * r[2] + k * r[5] + l * r[8];
            if (h2 == h && k2 == k && l2 == l) {
                int[] t = op.tran24();
                if (Math.floorMod(h * t[0] + k * t[1] + l * t[2], SymOp.DEN) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The merging symmetry as CrystFEL names it in .hkl headers and -y options (libcrystfel's symmetry.c):
     * the Laue class, with _uab for our unique-axis-b monoclinic groups (CrystFEL's default axis is c) and
     * _H for trigonal groups on hexagonal axes (-3_H, -3m1_H, -31m_H); hexagonal ones take no suffix.
     */
    public String crystfelLaue() {
        String setting = switch (laue) {
            case "-3m" ->
                switch (pointGroupSetting) {
                    case "312", "31m", "-31m" -> "-31m";
                    default -> "-3m1";
                };
            default -> laue;
        };
        return crystfel(setting);
    }

    /** The point group (with setting) in CrystFEL's spelling: the symmetry of anomalous (Friedel-split) lists. */
    public String crystfelPointGroup() {
        return crystfel(pointGroupSetting);
    }

    private String crystfel(String setting) {
        return switch (crystalSystem) {
            case "monoclinic" -> setting + "_uab";
            case "trigonal" -> setting + "_H";
            default -> setting;
        };
    }

    @Override
    public String toString() {
        return hm + " (No. " + number + ")";
    }
}
