package org.diffract.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;

/**
 * Reads and writes 3D maps as MRC2014 (mode 2, float32, little-endian), the format every EM viewer (Chimera,
 * IMOD, EMAN2) opens. Our C-order arrays {@code v[(z * ny + y) * nx + x]} already have MRC's layout:
 * the last index runs fastest (MRC columns), so numpy's mrcfile.data equals the HDF5 dataset we write.
 */
public final class MrcFile {
    public static final int HEADER_BYTES = 1024;

    private MrcFile() {}

    /**
     * A map as read: values in file order {@code v[(z * ny + y) * nx + x]} (nz sections; for {@link #header} nz is
     * the map's and values is empty), and the voxel size (Angstrom, 0 if unset).
     */
    public record Grid(int nz, int ny, int nx, double[] values, double voxelSize) {}

    /**
     * Reads an MRC/CCP4 map of mode 0 (int8), 1 (int16), 2 (float32) or 6 (uint16), either byte order
     * (the machine stamp, or the mode word if the stamp is unset), skipping any extended header. A stack
     * of N volumes is a map whose nz holds all N * n sections. Bad files fail with one line naming them.
     */
    public static Grid read(Path file) {
        return readSections(file, 0, -1);
    }

    /** The map's size and voxel size without its values (values is an empty array). */
    public static Grid header(Path file) {
        return readSections(file, 0, 0);
    }

    /**
     * Sections [first, first + count) of the map (count -1: to the end), so a rank can read only its own
     * volumes of a stack; the header is checked against the file size as in {@link #read}.
     */
    public static Grid readSections(Path file, int first, int count) {
        String where = "MRC file " + file + ": ";
        if (!Files.isRegularFile(file)) {
            throw new UserError(where + "no such file; check the path");
        }
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            byte[] hb = in.readNBytes(HEADER_BYTES);
            if (hb.length < HEADER_BYTES) {
                throw new UserError(where + "only " + hb.length
                        + " bytes, shorter than the 1024-byte header; give an MRC map, or copy "
                        + "it again completely");
            }
            ByteBuffer h = ByteBuffer.wrap(hb).order(byteOrder(hb));
            int nx = h.getInt(0), ny = h.getInt(4), nz = h.getInt(8), mode = h.getInt(12), ext = h.getInt(92);
            if (nx <= 0 || ny <= 0 || nz <= 0 || ext < 0) {
                throw new UserError(where + "header gives size " + nx + " x " + ny + " x " + nz + " (extended header "
                        + ext + " bytes): not an MRC map, or a damaged one; give an MRC map or copy it again");
            }
            int bytes = switch (mode) {
                case 0 -> 1;
                case 1, 6 -> 2;
                case 2 -> 4;
                default ->
                    throw new UserError(where + "mode " + mode + " is not supported; convert it to mode 2 (float32), "
                            + "e.g. with e2proc3d.py or newstack -mode 2");
            };
            long all = (long) nx * ny * nz;
            long need = HEADER_BYTES + (long) ext + all * bytes;
            if (size < need) {
                throw new UserError(where + "header promises " + nx + " x " + ny + " x " + nz + " values of mode "
                        + mode + " ("
                        + need + " bytes) but the file has " + size + " bytes: truncated; copy it again completely or "
                        + "re-write it");
            }
            int sections = count < 0 ? nz - first : count;
            if (first < 0 || sections < 0 || first + sections > nz) {
                throw new IllegalArgumentException(
                        "sections [" + first + ", " + (first + sections) + ") outside 0.." + nz);
            }
            long countValues = (long) nx * ny * sections;
            if (countValues > Integer.MAX_VALUE - 8) {
                throw new UserError(where + nx + " x " + ny + " x " + sections
                        + " values are too many to hold at once; " + "split the stack or bin the volumes");
            }
            in.skipNBytes(ext + (long) first * nx * ny * bytes);
            double[] v = new double[(int) countValues];
            ByteBuffer block = ByteBuffer.allocate(bytes * 65536).order(h.order());
            int i = 0;
            while (i < v.length) {
                int take = Math.min(65536, v.length - i);
                block.clear();
                in.readNBytes(block.array(), 0, take * bytes);
                for (int j = 0; j < take; j++, i++) {
                    double x = switch (mode) {
                        case 0 -> block.get(j);
                        case 1 -> block.getShort(2 * j);
                        case 6 -> Short.toUnsignedInt(block.getShort(2 * j));
                        default -> block.getFloat(4 * j);
                    };
                    if (!Double.isFinite(x)) {
                        throw new UserError(
                                where + "value " + ((long) first * nx * ny + i) + " is NaN or infinite; fix the map");
                    }
                    v[i] = x;
                }
            }
            int mx = h.getInt(28);
            double voxel = mx > 0 ? h.getFloat(40) / mx : 0;
            return new Grid(count == 0 ? nz : sections, ny, nx, v, Double.isFinite(voxel) ? voxel : 0);
        } catch (IOException e) {
            throw new UserError(where + "cannot be read (" + e.getMessage() + "); check the file's permissions");
        }
    }

    private static ByteOrder byteOrder(byte[] h) {
        if (h[212] == 0x11) {
            return ByteOrder.BIG_ENDIAN;
        }
        if (h[212] == 0x44 || h[212] == 0x41) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        // no stamp (old writers): a small mode word reads right only in the file's order
        int le = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        return le >= 0 && le < 16 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    /** Writes {@code v} of shape (nz, ny, nx) with the given voxel size in Angstrom, atomically. */
    public static void write(Path file, double[] v, int nz, int ny, int nx, double voxelSize, String label) {
        long count = (long) nz * ny * nx;
        if (nz <= 0 || ny <= 0 || nx <= 0 || v.length != count) {
            throw new IllegalArgumentException(
                    "MRC map of " + nz + "x" + ny + "x" + nx + " needs " + count + " values, got " + v.length);
        }
        ByteBuffer h = header(v, nz, ny, nx, voxelSize, label);
        AtomicFiles.write(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(h.array());
                ByteBuffer block = ByteBuffer.allocate(4 * 65536).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < v.length; i++) {
                    block.putFloat((float) v[i]);
                    if (!block.hasRemaining()) {
                        out.write(block.array(), 0, block.position());
                        block.clear();
                    }
                }
                out.write(block.array(), 0, block.position());
            } catch (IOException e) {
                throw e;
            }
        });
    }

    public static void writeCube(Path file, double[] v, int n, double voxelSize, String label) {
        write(file, v, n, n, n, voxelSize, label);
    }

    private static ByteBuffer header(double[] v, int nz, int ny, int nx, double voxelSize, String label) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        double mean = sum / v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, nx).putInt(4, ny).putInt(8, nz);
        h.putInt(12, 2); // mode 2: 32-bit float
        // nxstart, nystart, nzstart stay 0; the sampling grid equals the map size
        h.putInt(28, nx).putInt(32, ny).putInt(36, nz);
        h.putFloat(40, (float) (nx * voxelSize))
                .putFloat(44, (float) (ny * voxelSize))
                .putFloat(48, (float) (nz * voxelSize));
        h.putFloat(52, 90f).putFloat(56, 90f).putFloat(60, 90f);
        h.putInt(64, 1).putInt(68, 2).putInt(72, 3); // columns = x, rows = y, sections = z
        h.putFloat(76, (float) min).putFloat(80, (float) max).putFloat(84, (float) mean);
        h.putInt(88, 1); // space group 1: a single 3D volume
        h.putInt(92, 0); // no extended header
        h.put(104, "MRCO".getBytes(StandardCharsets.US_ASCII));
        h.putInt(108, 20140); // NVERSION: MRC2014
        h.put(208, "MAP ".getBytes(StandardCharsets.US_ASCII));
        h.put(212, (byte) 0x44).put(213, (byte) 0x44); // machine stamp: little-endian
        h.putFloat(216, (float) Math.sqrt(ss / v.length));
        byte[] text = (label == null ? "" : label).getBytes(StandardCharsets.US_ASCII);
        h.putInt(220, 1);
        h.put(224, text, 0, Math.min(80, text.length));
        for (int i = Math.min(80, text.length); i < 80; i++) {
            h.put(224 + i, (byte) ' ');
        }
        return h;
    }
}
