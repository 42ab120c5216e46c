package org.diffract.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;

/**
 * Dragonfly's detector files: text {@code .dat} (header {@code num_pix} or {@code num_pix detd ewald_rad},
 * then {@code qx qy qz corr mask} per pixel) and HDF5 {@code .h5/.hdf5} (datasets qx, qy, qz, corr, mask,
 * detd, ewald_rad; optionally nx and ny giving the frame shape).
 */
public final class DetectorFile {
    private static final String FIX = "re-create it with 'diffract simulate' or Dragonfly's make_detector";

    private DetectorFile() {}

    /** Reads a detector, choosing the format by the file's extension. */
    public static Detector read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".dat")) {
            return readDat(file);
        }
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
            return readH5(file);
        }
        throw new UserError(file + ": unknown detector format; give a Dragonfly .dat or .h5 detector file");
    }

    private static Detector readDat(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file; check the path or " + FIX, e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + "); check the file's permissions", e);
        }
        // A text format: one String per token is the price of Double.parseDouble; the detector has at most
        // a few million pixels, read once.
        String[] lines = text.split("\r?\n");
        String[] head = lines.length == 0 ? new String[0] : lines[0].trim().split("\\s+");
        if (head.length != 1 && head.length != 3) {
            throw bad(file, "line 1 must be 'num_pix' or 'num_pix detd ewald_rad'");
        }
        int numPix = (int) parse(file, 1, head[0], "num_pix");
        if (numPix <= 0 || head[0].contains(".")) {
            throw bad(file, "line 1: num_pix '" + head[0] + "' must be a positive integer");
        }
        double detd = head.length == 3 ? parse(file, 1, head[1], "detd") : Double.NaN;
        double ewaldRad = head.length == 3 ? parse(file, 1, head[2], "ewald_rad") : Double.NaN;
        double[] qx = new double[numPix];
        double[] qy = new double[numPix];
        double[] qz = new double[numPix];
        double[] corr = new double[numPix];
        byte[] mask = new byte[numPix];
        int t = 0;
        for (int l = 1; l < lines.length; l++) {
            String line = lines[l].trim();
            if (line.isEmpty()) {
                continue;
            }
            if (t == numPix) {
                throw bad(file, "line " + (l + 1) + ": more pixel lines than num_pix " + numPix);
            }
            String[] tok = line.split("\\s+");
            if (tok.length != 5) {
                throw bad(file, "line " + (l + 1) + " has " + tok.length + " numbers but needs 5 (qx qy qz corr mask)");
            }
            qx[t] = parse(file, l + 1, tok[0], "qx");
            qy[t] = parse(file, l + 1, tok[1], "qy");
            qz[t] = parse(file, l + 1, tok[2], "qz");
            corr[t] = parse(file, l + 1, tok[3], "corr");
            double m = parse(file, l + 1, tok[4], "mask");
            if (m != 0 && m != 1 && m != 2) {
                throw bad(file, "line " + (l + 1) + ": mask " + tok[4] + " must be 0, 1 or 2");
            }
            mask[t] = (byte) m;
            t++;
        }
        if (t != numPix) {
            throw bad(file, "has " + t + " pixel lines but its header says num_pix " + numPix);
        }
        return new Detector(qx, qy, qz, corr, mask, detd, ewaldRad, -1, -1);
    }

    private static double parse(Path file, int line, String token, String what) {
        double v;
        try {
            v = Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw bad(file, "line " + line + ": " + what + " '" + token + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw bad(file, "line " + line + ": " + what + " is " + token + " but must be finite");
        }
        return v;
    }

    private static Detector readH5(Path file) {
        try (H5Reader h5 = H5Reader.open(file)) {
            double[] qx = h5.doubles("qx");
            double[] qy = h5.doubles("qy");
            double[] qz = h5.doubles("qz");
            double[] corr = h5.doubles("corr");
            long[] rawMask = h5.integers("mask");
            int n = qx.length;
            if (qy.length != n || qz.length != n || corr.length != n || rawMask.length != n) {
                throw bad(
                        file,
                        "qx, qy, qz, corr, mask have lengths " + n + ", " + qy.length + ", " + qz.length + ", "
                                + corr.length + ", " + rawMask.length + " but must be equal");
            }
            checkFinite(file, qx, "qx");
            checkFinite(file, qy, "qy");
            checkFinite(file, qz, "qz");
            checkFinite(file, corr, "corr");
            byte[] mask = new byte[n];
            for (int t = 0; t < n; t++) {
                if (rawMask[t] < 0 || rawMask[t] > 2) {
                    throw bad(file, "mask[" + t + "] is " + rawMask[t] + " but must be 0, 1 or 2");
                }
                mask[t] = (byte) rawMask[t];
            }
            double detd = h5.scalar("detd", Double.NaN);
            double ewaldRad = h5.scalar("ewald_rad", Double.NaN);
            OptionalInt nx = h5.scalarInt("nx");
            OptionalInt ny = h5.scalarInt("ny");
            int fx = -1;
            int fy = -1;
            if (nx.isPresent() && ny.isPresent()) {
                fx = nx.getAsInt();
                fy = ny.getAsInt();
                if ((long) fx * fy != n) {
                    throw bad(file, "frame shape nx " + fx + " x ny " + fy + " does not match " + n + " pixels");
                }
            }
            return new Detector(qx, qy, qz, corr, mask, detd, ewaldRad, fx, fy);
        }
    }

    private static void checkFinite(Path file, double[] v, String name) {
        for (int t = 0; t < v.length; t++) {
            if (!Double.isFinite(v[t])) {
                throw bad(file, name + "[" + t + "] is " + v[t] + " but must be finite");
            }
        }
    }

    /**
     * Writes the text form with the 3-number header of newer Dragonfly. q is written with 6 decimals (voxel
     * units, far below a voxel); corr in scientific notation because its values are around 1e-6.
     */
    public static void writeDat(Path file, Detector det) {
        int n = det.numPix();
        StringBuilder sb = new StringBuilder(64 * n + 64);
        sb.append(String.format(Locale.ROOT, "%d %.6f %.6f%n", n, det.detd(), det.ewaldRad()));
        for (int t = 0; t < n; t++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%.6f %.6f %.6f %.10e %d\n",
                    det.qx(t),
                    det.qy(t),
                    det.qz(t),
                    det.corr(t),
                    det.mask(t)));
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** Writes the HDF5 form: float64 arrays, uint8 mask, float64 scalars, and nx/ny as int scalars if known. */
    public static void writeH5(Path file, Detector det) {
        H5Writer w = new H5Writer()
                .put("qx", det.copyQx())
                .put("qy", det.copyQy())
                .put("qz", det.copyQz())
                .put("corr", det.copyCorr())
                .putUnsigned("mask", det.copyMask())
                .put("detd", det.detd())
                .put("ewald_rad", det.ewaldRad());
        if (det.nx() > 0 && det.ny() > 0) {
            w.put("nx", det.nx()).put("ny", det.ny());
        }
        w.write(file);
    }

    private static UserError bad(Path file, String what) {
        return new UserError(file + ": " + what + "; " + FIX);
    }
}
