package org.diffract.refine.xtal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.diffract.core.UserError;

/**
 * The atoms of a PDB-format coordinate file, as a reference for merging (cxi.merge's model = file.pdb):
 * the CRYST1 cell and space group, and per ATOM/HETATM record of the first MODEL its orthogonal position
 * (A), occupancy, isotropic B (A^2) and element (columns 77-78, else from the atom name). Columns as the
 * PDB format v3.3 fixes them. ANISOU records are not used (isotropic B only).
 */
public record PdbModel(
        UnitCell cell,
        String spaceGroup,
        String[] element,
        double[] x,
        double[] y,
        double[] z,
        double[] occupancy,
        double[] bIso) {

    public int size() {
        return x.length;
    }

    public static PdbModel read(Path file) {
        String name = file.getFileName().toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such PDB file");
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        UnitCell cell = null;
        String sg = null;
        int n = 0, cap = 1024;
        String[] el = new String[cap];
        double[] x = new double[cap],
                y = new double[cap],
                z = new double[cap],
                occ = new double[cap],
                b = new double[cap];
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.startsWith("ENDMDL")) {
                break; // first model only
            }
            try {
                if (line.startsWith("CRYST1")) {
                    cell = new UnitCell(
                            num(line, 6, 15),
                            num(line, 15, 24),
                            num(line, 24, 33),
                            num(line, 33, 40),
                            num(line, 40, 47),
                            num(line, 47, 54));
                    sg = line.length() > 55
                            ? line.substring(55, Math.min(66, line.length())).trim()
                            : "";
                } else if (line.startsWith("ATOM  ") || line.startsWith("HETATM")) {
                    if (n == cap) {
                        cap *= 2;
                        el = Arrays.copyOf(el, cap);
                        x = Arrays.copyOf(x, cap);
                        y = Arrays.copyOf(y, cap);
                        z = Arrays.copyOf(z, cap);
                        occ = Arrays.copyOf(occ, cap);
                        b = Arrays.copyOf(b, cap);
                    }
                    x[n] = num(line, 30, 38);
                    y[n] = num(line, 38, 46);
                    z[n] = num(line, 46, 54);
                    occ[n] = line.length() >= 60 && !line.substring(54, 60).isBlank() ? num(line, 54, 60) : 1;
                    b[n] = line.length() >= 66 && !line.substring(60, 66).isBlank() ? num(line, 60, 66) : 0;
                    el[n] = element(line);
                    if (FormFactors.of(el[n]) == null) {
                        throw new UserError(name + " line " + lineNo + ": element '" + el[n] + "' has no X-ray form "
                                + "factor (International Tables covers H..Cf); fix columns 77-78");
                    }
                    n++;
                }
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new UserError(name + " line " + lineNo + ": '" + line.strip() + "' is not a valid "
                        + line.substring(0, Math.min(6, line.length())).strip() + " record (PDB fixed columns)");
            }
        }
        if (cell == null || sg == null || sg.isEmpty()) {
            throw new UserError(name + ": no CRYST1 record with cell and space group; the structure-factor "
                    + "reference needs both");
        }
        if (n == 0) {
            throw new UserError(name + ": no ATOM or HETATM records");
        }
        return new PdbModel(
                cell,
                sg,
                Arrays.copyOf(el, n),
                Arrays.copyOf(x, n),
                Arrays.copyOf(y, n),
                Arrays.copyOf(z, n),
                Arrays.copyOf(occ, n),
                Arrays.copyOf(b, n));
    }

    private static double num(String line, int from, int to) {
        return Double.parseDouble(
                line.substring(from, Math.min(to, line.length())).trim());
    }

    /** Columns 77-78, or the atom name's element part (columns 13-14, right-justified for one letter). */
    private static String element(String line) {
        if (line.length() >= 78 && !line.substring(76, 78).isBlank()) {
            return line.substring(76, 78).trim();
        }
        String atom = line.substring(12, Math.min(16, line.length()));
        if (atom.charAt(0) == ' ' || Character.isDigit(atom.charAt(0))) {
            return atom.substring(1, 2);
        }
        return atom.substring(0, 2).trim();
    }
}
