package org.diffract.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;

import io.jhdf.api.Dataset;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.datatype.VariableLength;
import org.diffract.core.UserError;

/**
 * Dragonfly's HDF5 sparse photons file (its src/dataset.c parse_h5dataset, utils/py_src/writeemc.py): an
 * int32 {@code num_pix} (a scalar, or the one-element array writeemc.py writes), and {@code place_ones},
 * {@code place_multi}, {@code count_multi}, each a dataset of num_data variable-length int32 arrays, one per
 * frame. jhdf 0.13 reads variable-length datasets (chunked or not) as one int[] per frame.
 */
public final class EmcPhotonsH5 {
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final String FIX =
            "write it with Dragonfly's EMCWriter (utils/py_src/writeemc.py) or use the " + "binary .emc format";

    private EmcPhotonsH5() {}

    /** True when the file starts with the HDF5 signature (how Dragonfly tells its two photons formats apart). */
    public static boolean isHdf5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            return Arrays.equals(head, HDF5_SIGNATURE);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file; check the photons file path", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + "); check the file's permissions", e);
        }
    }

    /** Reads the file; {@code expectedNumPix} < 0 accepts any detector size. */
    public static SparsePhotons read(Path file, int expectedNumPix) {
        try (H5Reader h5 = H5Reader.open(file)) {
            OptionalInt np = h5.scalarInt("num_pix");
            if (np.isEmpty()) {
                throw bad(file, "no 'num_pix' (root has: " + String.join(", ", h5.rootNames()) + ")");
            }
            int numPix = np.getAsInt();
            if (numPix <= 0) {
                throw bad(file, "num_pix is " + numPix);
            }
            if (expectedNumPix >= 0 && numPix != expectedNumPix) {
                throw new UserError(file + ": photons are for a detector of " + numPix + " pixels but the detector has "
                        + expectedNumPix + "; use the detector file the photons were made with");
            }
            int[][] ones = frames(h5, file, "place_ones");
            int[][] multi = frames(h5, file, "place_multi");
            int[][] count = frames(h5, file, "count_multi");
            if (multi.length != ones.length || count.length != ones.length) {
                throw bad(
                        file,
                        "place_ones, place_multi and count_multi hold " + ones.length + ", " + multi.length + " and "
                                + count.length + " frames; they must hold one entry per frame each");
            }
            int nd = ones.length;
            long[] onesStart = new long[nd + 1];
            long[] multiStart = new long[nd + 1];
            for (int d = 0; d < nd; d++) {
                if (count[d].length != multi[d].length) {
                    throw bad(
                            file,
                            "frame " + d + " has " + multi[d].length + " place_multi but " + count[d].length
                                    + " count_multi values");
                }
                onesStart[d + 1] = onesStart[d] + ones[d].length;
                multiStart[d + 1] = multiStart[d] + multi[d].length;
            }
            if (onesStart[nd] > Integer.MAX_VALUE - 8 || multiStart[nd] > Integer.MAX_VALUE - 8) {
                throw new UserError(file + ": holds more than 2^31 photon entries; split it into smaller files");
            }
            int[] placeOnes = new int[(int) onesStart[nd]];
            int[] placeMulti = new int[(int) multiStart[nd]];
            int[] countMulti = new int[(int) multiStart[nd]];
            for (int d = 0; d < nd; d++) {
                copyPixels(file, "place_ones", d, ones[d], placeOnes, (int) onesStart[d], numPix);
                copyPixels(file, "place_multi", d, multi[d], placeMulti, (int) multiStart[d], numPix);
                int[] c = count[d];
                for (int i = 0; i < c.length; i++) {
                    if (c[i] < 2) {
                        throw bad(
                                file,
                                "frame " + d + " has count_multi " + c[i]
                                        + " but multi-photon counts must be >= 2 (single photons belong in place_ones)");
                    }
                }
                System.arraycopy(c, 0, countMulti, (int) multiStart[d], c.length);
            }
            return new SparsePhotons(numPix, onesStart, placeOnes, multiStart, placeMulti, countMulti);
        }
    }

    /** One int[] per frame from a variable-length integer dataset. */
    private static int[][] frames(H5Reader h5, Path file, String name) {
        Dataset ds = h5.dataset(name);
        if (!(ds.getDataType() instanceof VariableLength) || ds.getDimensions().length != 1) {
            throw bad(
                    file,
                    "'" + name + "' must be a 1-D dataset of variable-length int32 arrays (one per frame), not "
                            + ds.getJavaType().getSimpleName() + " " + Arrays.toString(ds.getDimensions()));
        }
        Object data;
        try {
            data = ds.getData();
        } catch (HdfException | ClassCastException e) {
            throw bad(file, "cannot read '" + name + "' (" + e.getMessage() + ")");
        }
        if (!(data instanceof Object[] rows)) {
            throw bad(file, "'" + name + "' is not a list of arrays");
        }
        int[][] out = new int[rows.length][];
        for (int d = 0; d < rows.length; d++) {
            Object r = rows[d];
            if (r instanceof int[] a) {
                out[d] = a;
            } else if (r instanceof long[] a) {
                out[d] = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    if (a[i] < Integer.MIN_VALUE || a[i] > Integer.MAX_VALUE) {
                        throw bad(file, "'" + name + "' frame " + d + " holds " + a[i] + ", outside int32");
                    }
                    out[d][i] = (int) a[i];
                }
            } else if (r instanceof short[] a) {
                out[d] = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[d][i] = a[i];
                }
            } else {
                throw bad(
                        file,
                        "'" + name + "' frame " + d + " is "
                                + (r == null ? "null" : r.getClass().getSimpleName()) + ", not integers");
            }
        }
        return out;
    }

    private static void copyPixels(Path file, String name, int d, int[] src, int[] dst, int at, int numPix) {
        for (int i = 0; i < src.length; i++) {
            if (src[i] < 0 || src[i] >= numPix) {
                throw bad(file, name + " of frame " + d + " holds pixel " + src[i] + ", outside [0, " + numPix + ")");
            }
        }
        System.arraycopy(src, 0, dst, at, src.length);
    }

    private static UserError bad(Path file, String what) {
        return new UserError(file + ": " + what + "; " + FIX);
    }
}
