package org.diffract.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.diffract.core.UserError;

/**
 * Dragonfly's sparse photons file (.emc), all little-endian int32: a 1024-byte header (num_data, num_pix,
 * ftype, zero padding), then ones[num_data], multi[num_data], place_ones[sum ones], place_multi[sum multi],
 * count_multi[sum multi].
 */
public final class EmcPhotonsFile {
    static final int HEADER_BYTES = 1024;
    private static final String FIX = "re-create it with 'diffract simulate' or Dragonfly's make_data";

    private EmcPhotonsFile() {}

    /** Reads and validates a whole .emc file. */
    public static SparsePhotons read(Path file) {
        return read(file, -1);
    }

    /**
     * Reads a .emc file made for a detector of {@code expectedNumPix} pixels; the header is checked before
     * the bulk of the file is read.
     */
    public static SparsePhotons read(Path file, int expectedNumPix) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch, expectedNumPix);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file; check the path, or " + FIX, e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + "); check the file's permissions", e);
        }
    }

    private static SparsePhotons read(Path file, FileChannel ch, int expectedNumPix) throws IOException {
        long size = ch.size();
        if (size < HEADER_BYTES) {
            throw bad(file, "file is " + size + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
        }
        int[] head = new int[3];
        LittleEndianIo.readInts(ch, 0, head);
        int numData = head[0];
        int numPix = head[1];
        int ftype = head[2];
        if (ftype != 0) {
            throw new UserError(file + ": ftype " + ftype + " is not supported, only ftype 0 (sparse photons); "
                    + "convert it with Dragonfly's utilities or " + FIX);
        }
        if (numData == 0) {
            throw new UserError(file + ": holds no frames (num_data 0 in its header); give a photons file with at "
                    + "least one frame");
        }
        if (numData < 0 || numPix <= 0) {
            throw bad(
                    file,
                    "header says num_data " + numData + " and num_pix " + numPix
                            + " (need num_data >= 0, num_pix > 0)");
        }
        if (expectedNumPix >= 0 && numPix != expectedNumPix) {
            throw new UserError(file + ": photons are for a detector of " + numPix + " pixels but the detector has "
                    + expectedNumPix + "; use the detector file the photons were made with");
        }
        long countsEnd = HEADER_BYTES + 8L * numData;
        if (size < countsEnd) {
            throw bad(file, "file is " + size + " bytes but its header needs at least " + countsEnd);
        }
        int[] ones = new int[numData];
        int[] multi = new int[numData];
        LittleEndianIo.readInts(ch, HEADER_BYTES, ones);
        LittleEndianIo.readInts(ch, HEADER_BYTES + 4L * numData, multi);
        long[] onesStart = prefixSums(file, ones, "ones");
        long[] multiStart = prefixSums(file, multi, "multi");
        long sumOnes = onesStart[numData];
        long sumMulti = multiStart[numData];
        long expected = countsEnd + 4L * (sumOnes + 2 * sumMulti);
        if (size != expected) {
            throw bad(file, "file is " + size + " bytes but its header needs " + expected);
        }
        if (sumOnes > Integer.MAX_VALUE - 8 || sumMulti > Integer.MAX_VALUE - 8) {
            throw new UserError(file + ": holds more than 2^31 photon entries; split it into smaller files");
        }
        int[] placeOnes = new int[(int) sumOnes];
        int[] placeMulti = new int[(int) sumMulti];
        int[] countMulti = new int[(int) sumMulti];
        LittleEndianIo.readInts(ch, countsEnd, placeOnes);
        LittleEndianIo.readInts(ch, countsEnd + 4L * sumOnes, placeMulti);
        LittleEndianIo.readInts(ch, countsEnd + 4L * (sumOnes + sumMulti), countMulti);
        checkPixels(file, placeOnes, "place_ones", numPix);
        checkPixels(file, placeMulti, "place_multi", numPix);
        for (int i = 0; i < countMulti.length; i++) {
            if (countMulti[i] < 2) {
                throw bad(
                        file,
                        "count_multi[" + i + "] is " + countMulti[i]
                                + " but multi-photon counts must be >= 2 (single photons belong in place_ones)");
            }
        }
        return new SparsePhotons(numPix, onesStart, placeOnes, multiStart, placeMulti, countMulti);
    }

    /** Writes photons in Dragonfly's layout with ftype 0. */
    public static void write(Path file, SparsePhotons photons) {
        int numData = photons.numFrames();
        int[] ones = new int[numData];
        int[] multi = new int[numData];
        for (int d = 0; d < numData; d++) {
            ones[d] = photons.ones(d);
            multi[d] = photons.multi(d);
        }
        int[] placeOnes = slice(photons.placeOnes, photons.onesStart[numData]);
        int[] placeMulti = slice(photons.placeMulti, photons.multiStart[numData]);
        int[] countMulti = slice(photons.countMulti, photons.multiStart[numData]);
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                head.putInt(numData).putInt(photons.numPix).putInt(0);
                head.clear();
                while (head.hasRemaining()) {
                    ch.write(head);
                }
                LittleEndianIo.writeInts(ch, ones);
                LittleEndianIo.writeInts(ch, multi);
                LittleEndianIo.writeInts(ch, placeOnes);
                LittleEndianIo.writeInts(ch, placeMulti);
                LittleEndianIo.writeInts(ch, countMulti);
            }
        });
    }

    /** The arrays may be longer than their used part (e.g. after select); write only the used part. */
    private static int[] slice(int[] a, long used) {
        return a.length == used ? a : Arrays.copyOf(a, (int) used);
    }

    private static long[] prefixSums(Path file, int[] counts, String name) {
        long[] start = new long[counts.length + 1];
        for (int d = 0; d < counts.length; d++) {
            if (counts[d] < 0) {
                throw bad(file, name + "[" + d + "] is " + counts[d] + " (a count cannot be negative)");
            }
            start[d + 1] = start[d] + counts[d];
        }
        return start;
    }

    private static void checkPixels(Path file, int[] place, String name, int numPix) {
        for (int i = 0; i < place.length; i++) {
            if (place[i] < 0 || place[i] >= numPix) {
                throw bad(file, name + "[" + i + "] is pixel " + place[i] + ", outside [0, " + numPix + ")");
            }
        }
    }

    private static UserError bad(Path file, String what) {
        return new UserError(file + ": " + what + "; " + FIX);
    }
}
