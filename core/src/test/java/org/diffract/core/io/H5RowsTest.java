package org.diffract.core.io;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.diffract.core.parallel.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large datasets written row by row in place by several threads, committed under the target name, and read
 * back one row at a time by us and by h5py; rows of other layouts and types are read through jhdf.
 */
class H5RowsTest {
    @TempDir
    Path dir;

    private static double value(int dataset, int row, int i) {
        return dataset * 1000 + row + i * 1e-3;
    }

    @Test
    void rowsWrittenInPlaceByThreadsReadBackByUsAndH5py() throws Exception {
        Path target = dir.resolve("big.h5");
        Path partial = H5RowWriter.partial(target);
        List<int[]> shapes = List.of(new int[] {50, 3, 4}, new int[] {50, 5});
        long[] addr = H5RowWriter.layout(
                partial, new H5Writer().put("meta/n", 50).put("tags", new long[] {7, 8}), List.of("a", "g/b"), shapes);
        assertFalse(Files.exists(target));
        try (H5RowWriter w = H5RowWriter.open(partial, addr, shapes);
                WorkerPool pool = new WorkerPool(3, "t")) {
            pool.forEachItem(0, 50, () -> new double[12], (buf, row) -> {
                for (int d = 0; d < 2; d++) {
                    int len = d == 0 ? 12 : 5;
                    for (int i = 0; i < len; i++) {
                        buf[i] = value(d, row, i);
                    }
                    w.writeRow(d, row, buf, 0);
                }
            });
        }
        H5RowWriter.commit(partial, target);
        assertTrue(Files.exists(target));
        assertFalse(Files.exists(partial));
        try (H5RowReader r = H5RowReader.open(target, "a")) {
            assertEquals(50, r.rows());
            assertEquals(12, r.rowLength());
            double[] row = new double[14];
            r.read(49, row, 2);
            for (int i = 0; i < 12; i++) {
                assertEquals(value(0, 49, i), row[2 + i], 0);
            }
        }
        String py = Python.require("h5py", "numpy")
                .run(
                        "import h5py, sys\n"
                                + "f = h5py.File(sys.argv[1], 'r')\n"
                                + "a = f['a'][()]; b = f['g/b'][()]\n"
                                + "print(a.shape, b.shape, a.dtype, a[17, 2, 3], b[42, 4], int(f['meta/n'][()]), list(f['tags'][()]))\n",
                        target.toString());
        assertEquals("(50, 3, 4) (50, 5) float64 " + value(0, 17, 11) + " " + value(1, 42, 4) + " 50 [7, 8]", py);
    }

    @Test
    void otherLayoutsAndTypesAreReadThroughJhdf() {
        Path f = dir.resolve("other.h5");
        int[] ints = new int[4 * 6];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = i;
        }
        float[] floats = new float[3 * 2 * 2];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = i / 4f;
        }
        new H5Writer()
                .put("ints", ints, 4, 6)
                .putCompressed("floats", H5Writer.reshape(floats, 12, float.class, new int[] {3, 2, 2}), 1, 2, 2)
                .write(f);
        try (H5RowReader r = H5RowReader.open(f, "ints")) {
            double[] row = new double[6];
            r.read(2, row, 0);
            assertArrayEquals(new double[] {12, 13, 14, 15, 16, 17}, row);
        }
        try (H5RowReader r = H5RowReader.open(f, "floats")) {
            double[] row = new double[4];
            r.read(1, row, 0);
            assertArrayEquals(new double[] {1, 1.25, 1.5, 1.75}, row);
        }
        UserError e = assertThrows(UserError.class, () -> H5RowReader.open(f, "nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsOneLineError() throws Exception {
        Path target = dir.resolve("t.h5");
        List<int[]> shapes = List.<int[]>of(new int[] {1000, 64});
        long[] addr = H5RowWriter.layout(target, new H5Writer(), List.of("x"), shapes);
        try (var ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            ch.truncate(addr[0] + 8 * 64 * 10);
        }
        // the superblock says where the file ends: the cut is found when the file is opened, before any row
        UserError e = assertThrows(UserError.class, () -> H5RowReader.open(target, "x"));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("t.h5"), e.getMessage());
    }
}
