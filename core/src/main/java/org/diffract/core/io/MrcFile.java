package org.diffract.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes 3D maps as MRC2014 (mode 2, float32, little-endian), the format every EM viewer (Chimera,
 * IMOD, EMAN2) opens. Our C-order arrays {@code v[(z * ny + y) * nx + x]} already have MRC's layout:
 * the last index runs fastest (MRC columns), so numpy's mrcfile.data equals the HDF5 dataset we write.
 */
public final class MrcFile {
    public static final int HEADER_BYTES = 1024;

    private MrcFile() {
    }

    /** Writes {@code v} of shape (nz, ny, nx) with the given voxel size in Angstrom, atomically. */
    public static void write(Path file, double[] v, int nz, int ny, int nx, double voxelSize, String label) {
        long count = (long) nz * ny * nx;
        if (nz <= 0 || ny <= 0 || nx <= 0 || v.length != count) {
            throw new IllegalArgumentException("MRC map of " + nz + "x" + ny + "x" + nx + " needs " + count
                    + " values, got " + v.length);
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
        h.putFloat(40, (float) (nx * voxelSize)).putFloat(44, (float) (ny * voxelSize)).putFloat(48, (float) (nz * voxelSize));
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
