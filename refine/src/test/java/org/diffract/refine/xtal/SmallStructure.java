package org.diffract.refine.xtal;

import java.util.Locale;

/** A small structure written by hand as a PDB file, for the structure-factor tests here and in launch's ITs. */
public final class SmallStructure {
    private SmallStructure() {}

    /** A few atoms of several elements, B factors and occupancies, in fixed PDB columns. */
    public static String pdb(String spaceGroup, double a, double b, double c, double alpha, double beta, double gamma) {
        Object[][] atoms = {
            {"N", "N", 3.214, 5.101, 7.992, 1.00, 12.5}, {"CA", "C", 4.466, 5.872, 8.101, 1.00, 14.0},
            {"C", "C", 5.690, 4.988, 7.850, 1.00, 15.2}, {"O", "O", 5.602, 3.772, 7.604, 0.80, 22.7},
            {"CB", "C", 4.501, 7.010, 9.120, 1.00, 18.9}, {"SG", "S", 3.120, 8.205, 9.003, 0.65, 25.0},
            {"N", "N", 6.880, 5.610, 7.911, 1.00, 16.1}, {"CA", "C", 8.140, 4.950, 7.660, 1.00, 17.3},
            {"O", "O", 9.410, 6.950, 6.880, 0.50, 30.4}, {"ZN", "ZN", 1.500, 9.800, 11.200, 1.00, 20.0},
        };
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "CRYST1%9.3f%9.3f%9.3f%7.2f%7.2f%7.2f %-11s%4d%n",
                a,
                b,
                c,
                alpha,
                beta,
                gamma,
                spaceGroup,
                4));
        for (int i = 0; i < atoms.length; i++) {
            Object[] t = atoms[i];
            String name = (String) t[0], el = (String) t[1];
            boolean het = el.equals("ZN");
            // one-letter elements start the atom name in column 14
            String col13 = el.length() == 1 ? " " + name : name;
            sb.append(String.format(
                    Locale.ROOT,
                    "%-6s%5d %-4s %3s %s%4d    %8.3f%8.3f%8.3f%6.2f%6.2f          %2s%n",
                    het ? "HETATM" : "ATOM",
                    i + 1,
                    col13,
                    het ? " ZN" : "CYS",
                    "A",
                    het ? 101 : 1 + i / 6,
                    t[2],
                    t[3],
                    t[4],
                    t[5],
                    t[6],
                    el));
        }
        sb.append("END\n");
        return sb.toString();
    }
}
