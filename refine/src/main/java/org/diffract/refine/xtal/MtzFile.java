package org.diffract.refine.xtal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;

/**
 * CCP4 MTZ reflection files, merged intensities only (mean, or Friedel pairs as K/M columns). Layout: "MTZ " magic, the 1-based word position of
 * the header, the machine stamp (0x4441 = little-endian IEEE), data from word 21 as float32 rows of
 * NCOL columns, then 80-character header records (VERS, TITLE, NCOL, CELL, SORT, SYMINF, SYMM, RESO,
 * VALM, COLUMN, NDIF, PROJECT, CRYSTAL, DATASET, DCELL, DWAVEL, END) and MTZENDOFHEADERS. Missing values
 * are NaN (VALM NAN).
 */
public final class MtzFile {
    private static final int RECORD = 80;

    private MtzFile() {}

    /** What an MTZ gives a merge: intensities (IMEAN/SIGIMEAN, or I, or F squared), cell and space group name. */
    public record Content(Reflections reflections, UnitCell cell, String spaceGroup) {}

    /** One data column after H K L: label, MTZ type (J intensity, Q sigma, K I(+/-), M sigma of K) and values. */
    public record Column(String label, char type, double[] values) {}

    /** Writes H K L IMEAN SIGIMEAN for the reflections with a finite intensity (atomically). */
    public static void write(Path file, Reflections r, UnitCell cell, SpaceGroup group, double wavelength) {
        int n = 0;
        for (int i = 0; i < r.size(); i++) {
            n += Double.isFinite(r.intensity()[i]) ? 1 : 0;
        }
        int[] h = new int[n], k = new int[n], l = new int[n];
        double[] in = new double[n], sig = new double[n];
        for (int i = 0, j = 0; i < r.size(); i++) {
            if (Double.isFinite(r.intensity()[i])) {
                h[j] = r.h()[i];
                k[j] = r.k()[i];
                l[j] = r.l()[i];
                in[j] = r.intensity()[i];
                sig[j] = r.sigma()[i];
                j++;
            }
        }
        write(
                file,
                h,
                k,
                l,
                List.of(new Column("IMEAN", 'J', in), new Column("SIGIMEAN", 'Q', sig)),
                cell,
                group,
                wavelength);
    }

    /** Writes rows H K L and the columns (NaN = missing value, VALM NAN) atomically. */
    public static void write(
            Path file,
            int[] hh,
            int[] kk,
            int[] ll,
            List<Column> columns,
            UnitCell cell,
            SpaceGroup group,
            double wavelength) {
        int n = hh.length;
        int ncol = 3 + columns.size();
        float[] min = new float[ncol], max = new float[ncol];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        ByteBuffer data = ByteBuffer.allocate(n * ncol * 4).order(ByteOrder.LITTLE_ENDIAN);
        double sMin = Double.POSITIVE_INFINITY, sMax = 0;
        float[] row = new float[ncol];
        for (int i = 0; i < n; i++) {
            row[0] = hh[i];
            row[1] = kk[i];
            row[2] = ll[i];
            for (int c = 0; c < columns.size(); c++) {
                row[3 + c] = (float) columns.get(c).values()[i];
            }
            for (int c = 0; c < ncol; c++) {
                data.putFloat(row[c]);
                if (!Float.isNaN(row[c])) {
                    min[c] = Math.min(min[c], row[c]);
                    max[c] = Math.max(max[c], row[c]);
                }
            }
            double s = cell.invDSquared(hh[i], kk[i], ll[i]);
            sMin = Math.min(sMin, s);
            sMax = Math.max(sMax, s);
        }
        for (int c = 0; c < ncol; c++) {
            if (min[c] > max[c]) {
                min[c] = 0;
                max[c] = 0;
            }
        }
        if (n == 0) {
            sMin = 0;
        }
        String cellText = String.format(
                Locale.ROOT,
                "%10.4f %10.4f %10.4f %10.4f %10.4f %10.4f",
                cell.a(),
                cell.b(),
                cell.c(),
                cell.alpha(),
                cell.beta(),
                cell.gamma());
        List<String> h = new ArrayList<>();
        h.add("VERS MTZ:V1.1");
        h.add("TITLE diffract refine: merged serial crystallography intensities");
        h.add(String.format(Locale.ROOT, "NCOL %8d %12d %8d", ncol, n, 0));
        h.add("CELL  " + cellText);
        h.add("SORT    0   0   0   0   0");
        List<SymOp> ops = group.allOps();
        h.add(String.format(
                Locale.ROOT,
                "SYMINF %3d %2d %c %5d %22s %5s",
                ops.size(),
                group.symOps().size(),
                group.lattice(),
                group.number(),
                "'" + group.hm() + "'",
                "PG" + group.pointGroup().replace("/", "")));
        for (SymOp op : ops) {
            h.add("SYMM " + op.triplet());
        }
        h.add(String.format(Locale.ROOT, "RESO %-20.12f %-20.12f", sMin, sMax));
        h.add("VALM NAN");
        for (int c = 0; c < ncol; c++) {
            String label =
                    c < 3 ? "HKL".substring(c, c + 1) : columns.get(c - 3).label();
            char type = c < 3 ? 'H' : columns.get(c - 3).type();
            h.add(String.format(
                    Locale.ROOT, "COLUMN %-30s %s %17.4f %17.4f %4d", label, type, min[c], max[c], c < 3 ? 0 : 1));
        }
        h.add(String.format(Locale.ROOT, "NDIF %8d", 2));
        h.add("PROJECT %7d HKL_base".formatted(0));
        h.add("CRYSTAL %7d HKL_base".formatted(0));
        h.add("DATASET %7d HKL_base".formatted(0));
        h.add(String.format(Locale.ROOT, "DCELL %9d %s", 0, cellText));
        h.add(String.format(Locale.ROOT, "DWAVEL %8d %10.5f", 0, 0.0));
        h.add("PROJECT %7d diffract".formatted(1));
        h.add("CRYSTAL %7d xtal".formatted(1));
        h.add("DATASET %7d merged".formatted(1));
        h.add(String.format(Locale.ROOT, "DCELL %9d %s", 1, cellText));
        h.add(String.format(Locale.ROOT, "DWAVEL %8d %10.5f", 1, Double.isFinite(wavelength) ? wavelength : 0.0));
        h.add("END");
        h.add("MTZENDOFHEADERS");
        ByteBuffer out = ByteBuffer.allocate(RECORD + data.capacity() + h.size() * RECORD)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put("MTZ ".getBytes(StandardCharsets.US_ASCII));
        out.putInt(21 + n * ncol);
        out.put(new byte[] {0x44, 0x41, 0, 0});
        out.position(RECORD);
        out.put(data.array());
        for (String rec : h) {
            out.put(pad(rec));
        }
        AtomicFiles.writeBytes(file, out.array());
    }

    private static byte[] pad(String s) {
        byte[] b = new byte[RECORD];
        Arrays.fill(b, (byte) ' ');
        byte[] t = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, b, 0, Math.min(RECORD, t.length));
        return b;
    }

    /** Reads intensities: columns IMEAN/SIGIMEAN, else the first J/Q columns, else F (type F) squared. */
    public static Content read(Path file) {
        String name = file.toString();
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such MTZ file");
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        if (all.length < RECORD || !new String(all, 0, 4, StandardCharsets.US_ASCII).equals("MTZ ")) {
            throw new UserError(
                    name + ": not an MTZ file (no 'MTZ ' at the start); give an MTZ, a CrystFEL .hkl or a .pdb");
        }
        ByteOrder order = (all[9] & 0xf0) == 0x10 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer buf = ByteBuffer.wrap(all).order(order);
        long headerByte = ((long) buf.getInt(4) - 1) * 4;
        if (headerByte < RECORD || headerByte >= all.length) {
            throw new UserError(name + ": header position " + buf.getInt(4)
                    + " is outside the file: truncated; copy the " + "MTZ again completely or write it again");
        }
        int ncol = -1, nrefl = -1;
        UnitCell cell = null;
        String sg = null;
        List<String> labels = new ArrayList<>(), types = new ArrayList<>();
        for (long p = headerByte; p + RECORD <= all.length; p += RECORD) {
            String rec = new String(all, (int) p, RECORD, StandardCharsets.US_ASCII).trim();
            String[] f = rec.split("\\s+");
            try {
                if (rec.startsWith("NCOL")) {
                    ncol = Integer.parseInt(f[1]);
                    nrefl = Integer.parseInt(f[2]);
                } else if (rec.startsWith("CELL")) {
                    cell = new UnitCell(
                            Double.parseDouble(f[1]),
                            Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]),
                            Double.parseDouble(f[4]),
                            Double.parseDouble(f[5]),
                            Double.parseDouble(f[6]));
                } else if (rec.startsWith("SYMINF")) {
                    int q1 = rec.indexOf('\''), q2 = rec.indexOf('\'', q1 + 1);
                    if (q1 > 0 && q2 > q1) {
                        sg = rec.substring(q1 + 1, q2);
                    }
                } else if (rec.startsWith("COLUMN ")) {
                    labels.add(f[1]);
                    types.add(f[2]);
                } else if (rec.startsWith("END")) {
                    break;
                }
            } catch (RuntimeException e) {
                throw new UserError(
                        name + ": bad MTZ header record '" + rec + "'; write the MTZ again (e.g. with gemmi or CCP4)");
            }
        }
        if (ncol < 4 || nrefl < 0 || labels.size() != ncol || cell == null) {
            throw new UserError(
                    name + ": MTZ header lacks NCOL, CELL or COLUMN records; copy the MTZ again completely or "
                            + "write it again");
        }
        if (RECORD + (long) ncol * nrefl * 4 > headerByte) {
            throw new UserError(
                    name + ": MTZ data block is shorter than NCOL x NREF says: truncated or corrupt; copy the MTZ "
                            + "again completely or write it again");
        }
        int ch = labels.indexOf("H"), ck = labels.indexOf("K"), cl = labels.indexOf("L");
        if (ch < 0 || ck < 0 || cl < 0) {
            throw new UserError(name + ": no H K L columns");
        }
        int ci = labels.indexOf("IMEAN"), cs = labels.indexOf("SIGIMEAN");
        boolean squareF = false;
        if (ci < 0) {
            ci = types.indexOf("J");
            cs = types.indexOf("Q");
        }
        int cMinus = -1, csMinus = -1;
        if (ci < 0 && types.indexOf("K") >= 0) {
            // anomalous only (prime's IOBS(+)/IOBS(-)): I(+) at h, I(-) at -h, in file order K M K M
            ci = types.indexOf("K");
            cs = types.indexOf("M");
            cMinus = types.subList(ci + 1, ncol).indexOf("K") + ci + 1;
            csMinus = cs >= 0 ? types.subList(cs + 1, ncol).indexOf("M") + cs + 1 : -1;
            if (cMinus <= ci) {
                throw new UserError(name + ": one K column without its Bijvoet mate; labels: " + labels);
            }
        }
        if (ci < 0) {
            ci = types.indexOf("F");
            squareF = true;
        }
        if (ci < 0) {
            throw new UserError(
                    name + ": no intensity (IMEAN, or type J or K) or amplitude (type F) column; labels: " + labels);
        }
        int rows = cMinus > 0 ? 2 * nrefl : nrefl;
        int[] h = new int[rows], k = new int[rows], l = new int[rows], nm = new int[rows];
        double[] in = new double[rows], sig = new double[rows];
        int n = 0;
        for (int i = 0; i < nrefl; i++) {
            int base = RECORD + i * ncol * 4;
            int hh = Math.round(buf.getFloat(base + ch * 4));
            int kk = Math.round(buf.getFloat(base + ck * 4));
            int ll = Math.round(buf.getFloat(base + cl * 4));
            double v = buf.getFloat(base + ci * 4);
            if (cMinus > 0 && Double.isNaN(v)) {
                // this row holds only I(-)
            } else {
                h[n] = hh;
                k[n] = kk;
                l[n] = ll;
                in[n] = squareF ? v * v : v;
                sig[n] = cs >= 0 && !squareF ? buf.getFloat(base + cs * 4) : Double.NaN;
                nm[n++] = 1;
            }
            if (cMinus > 0) {
                double m = buf.getFloat(base + cMinus * 4);
                if (!Double.isNaN(m)) {
                    h[n] = -hh;
                    k[n] = -kk;
                    l[n] = -ll;
                    in[n] = m;
                    sig[n] = csMinus > 0 ? buf.getFloat(base + csMinus * 4) : Double.NaN;
                    nm[n++] = 1;
                }
            }
        }
        if (n < rows) {
            h = Arrays.copyOf(h, n);
            k = Arrays.copyOf(k, n);
            l = Arrays.copyOf(l, n);
            in = Arrays.copyOf(in, n);
            sig = Arrays.copyOf(sig, n);
            nm = Arrays.copyOf(nm, n);
        }
        return new Content(new Reflections(h, k, l, in, sig, nm), cell, sg);
    }
}
