package org.diffract.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import io.jhdf.HdfFile;
import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class H5WriterTest {
    @TempDir
    Path dir;

    @Test
    void reshapesFlatArraysInCOrder() {
        int[][][] a = (int[][][])
                H5Writer.reshape(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 12, int.class, new int[] {2, 3, 2});
        assertArrayEquals(new int[] {4, 5}, a[0][2]);
        assertArrayEquals(new int[] {6, 7}, a[1][0]);
        assertArrayEquals(new int[] {10, 11}, a[1][2]);
        assertThrows(
                IllegalArgumentException.class, () -> H5Writer.reshape(new int[5], 5, int.class, new int[] {2, 3}));
    }

    @Test
    void writesGroupsDatasetsScalarsAndAttributesReadByJhdf() throws Exception {
        Path f = dir.resolve("out.h5");
        Files.writeString(f, "an older, longer file that must not survive as trailing bytes ".repeat(100));
        new H5Writer()
                .put("a/b/c", new double[] {1, 2, 3, 4, 5, 6}, 2, 3)
                .put("a/n", 7L)
                .put("x", 2.5)
                .put("f", new float[] {1.5f, 2.5f}, 2)
                .put("l", new long[] {1L << 40}, 1)
                .put("grid", new int[][] {{1, 2}, {3, 4}})
                .putUnsigned("m", new byte[] {0, 1, 2})
                .putCompressed("big", new int[][][] {{{1, 2}}, {{3, 4}}}, 1, 1, 2)
                .attribute("a/b/c", "units", "photons")
                .attribute("/", "nx", 150)
                .attribute("meta", "version", 3)
                .write(f);
        try (HdfFile h = new HdfFile(f)) {
            double[][] c = (double[][]) h.getDatasetByPath("a/b/c").getData();
            assertArrayEquals(new double[] {4, 5, 6}, c[1]);
            assertEquals(7L, h.getDatasetByPath("a/n").getData());
            assertEquals(2.5, h.getDatasetByPath("x").getData());
            assertArrayEquals(
                    new long[] {1L << 40}, (long[]) h.getDatasetByPath("l").getData());
            assertArrayEquals(
                    new int[] {0, 1, 2}, (int[]) h.getDatasetByPath("m").getData()); // uint8 reads as int
            int[][][] big = (int[][][]) h.getDatasetByPath("big").getData();
            assertEquals(4, big[1][0][1]);
            assertEquals(
                    "photons", h.getDatasetByPath("a/b/c").getAttribute("units").getData());
            assertEquals(150, h.getAttribute("nx").getData());
            assertEquals(3, h.getByPath("meta").getAttribute("version").getData());
        }
    }

    @Test
    void h5pyReadsDtypesAndShapes() throws Exception {
        Path f = dir.resolve("py.h5");
        new H5Writer()
                .put("g/v", new double[] {1, 2, 3, 4, 5, 6}, 3, 2)
                .putUnsigned("m", new byte[] {2, 0})
                .put("i", 5)
                .attribute("/", "nx", 150)
                .write(f);
        String out = Python.require("h5py", "numpy")
                .run(
                        "import sys,h5py\nf=h5py.File(sys.argv[1],'r')\n"
                                + "print(f['g/v'].dtype, f['g/v'].shape, f['g/v'][2,1], f['m'].dtype, list(f['m'][()]), "
                                + "f['i'].dtype, f['i'][()], f.attrs['nx'])",
                        f.toString());
        assertEquals("float64 (3, 2) 6.0 uint8 [2, 0] int32 5 150", out);
    }

    /**
     * Groups that hold attributes but no dataset, at the root and nested, beside datasets: jhdf alone writes its
     * trailing info string over such a group's header whenever the group is written after the last dataset, and
     * h5py then fails with "bad object header version number". Several names, so that the group lands both
     * before and after the datasets in jhdf's (hash) order.
     */
    @Test
    void h5pyReadsGroupsWithAttributesButNoDataset() throws Exception {
        for (String g : new String[] {"info", "a", "zz", "meta", "x1"}) {
            Path f = dir.resolve("attrs-" + g + ".h5");
            new H5Writer()
                    .put("d", new int[] {1, 2})
                    .put("stats/avg", new double[] {0.5})
                    .attribute(g, "sync", "pairs")
                    .attribute(g, "n", 10)
                    .attribute(g, "structure", new int[] {2, 2})
                    .attribute("stats/" + g + "/deep", "alpha", 0.05)
                    .write(f);
            String out = Python.require("h5py", "numpy")
                    .run(
                            String.join(
                                    "\n",
                                    "import sys, h5py",
                                    "f = h5py.File(sys.argv[1], 'r')",
                                    "seen = []",
                                    "f.visititems(lambda n, o: seen.append(n))",
                                    "a = f[sys.argv[2]].attrs",
                                    "s = a['sync'].decode() if isinstance(a['sync'], bytes) else a['sync']",
                                    "print(sorted(seen), s, a['n'], list(a['structure']), f['stats/' + sys.argv[2] + '/deep'].attrs['alpha'],"
                                            + " list(f['d'][()]))"),
                            f.toString(),
                            g);
            List<String> names =
                    new ArrayList<>(List.of("d", g, "stats", "stats/avg", "stats/" + g, "stats/" + g + "/deep"));
            Collections.sort(names);
            assertEquals("['" + String.join("', '", names) + "'] pairs 10 [2, 2] 0.05 [1, 2]", out);
            try (HdfFile h = new HdfFile(f)) {
                assertEquals(10, h.getByPath(g).getAttribute("n").getData());
            }
        }
    }

    /**
     * Every compression on 1-D, 2-D (from a flat array) and 3-D data of several types, with the default chunks
     * and given ones, and an empty array (written contiguous): jhdf and h5py read back the values, h5py names
     * the filter as for its own files.
     */
    @Test
    void compressedDatasetsReadBackByJhdfAndH5py() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        double[] flat = new double[30 * 41];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = i % 7 == 0 ? rnd.nextDouble() : 100 + (i % 5);
        }
        byte[][][] masks = new byte[5][30][41];
        int[][][] labels = new int[5][30][41];
        for (int f = 0; f < 5; f++) {
            for (int y = 0; y < 30; y++) {
                for (int x = 0; x < 41; x++) {
                    masks[f][y][x] = (byte) ((x + y + f) % 9 == 0 ? 1 : 0);
                    labels[f][y][x] = masks[f][y][x] * (1 + x / 10);
                }
            }
        }
        long[][] be = new long[700][2];
        for (int i = 0; i < be.length; i++) {
            be[i][0] = 3L * i;
            be[i][1] = 3L * i + 3;
        }
        for (H5Writer.Compression c : H5Writer.Compression.values()) {
            Path f = dir.resolve("c-" + c.key() + ".h5");
            new H5Writer()
                    .put("stats/avg", flat, new int[] {30, 41}, c)
                    .put("masks/raw", masks, c)
                    .put("masks/labels", labels, c, 2, 30, 41)
                    .put("be", be, c)
                    .put("empty", new double[0], c)
                    .put("ints", new int[] {5, 6, 7}, new int[] {3}, c)
                    .write(f);
            try (HdfFile h = new HdfFile(f)) {
                assertEquals(
                        flat[41 * 29 + 40],
                        ((double[][]) h.getDatasetByPath("stats/avg").getData())[29][40]);
                assertTrue(Arrays.deepEquals(
                        masks, (byte[][][]) h.getDatasetByPath("masks/raw").getData()));
                assertTrue(Arrays.deepEquals(
                        labels, (int[][][]) h.getDatasetByPath("masks/labels").getData()));
                assertTrue(Arrays.deepEquals(
                        be, (long[][]) h.getDatasetByPath("be").getData()));
            }
            String out = Python.require("h5py", "numpy")
                    .run(
                            String.join(
                                    "\n",
                                    "import sys, h5py, numpy as np",
                                    "f = h5py.File(sys.argv[1], 'r')",
                                    "avg = f['stats/avg'][()]",
                                    "a = np.array([float.fromhex(v) for v in sys.argv[2].split(',')]).reshape(30, 41)",
                                    "m, l, be = f['masks/raw'][()], f['masks/labels'][()], f['be'][()]",
                                    "x = np.arange(41)[None, None, :]; y = np.arange(30)[None, :, None]; fr = np.arange(5)[:, None, None]",
                                    "em = ((x + y + fr) % 9 == 0).astype(np.int8)",
                                    "ok = (avg == a).all() and (m == em).all() and (l == em * (1 + x // 10)).all()",
                                    "ok = ok and (be[:, 0] == 3 * np.arange(700)).all() and (be[:, 1] == be[:, 0] + 3).all()",
                                    "print(ok, f['stats/avg'].compression, f['masks/raw'].chunks, f['masks/labels'].chunks, "
                                            + "f['empty'].shape, f['empty'].compression, list(f['ints'][()]))"),
                            f.toString(),
                            hex(flat));
            String chunked = c == H5Writer.Compression.NONE ? "None None" : "(5, 30, 41) (2, 30, 41)";
            String name = c == H5Writer.Compression.NONE ? "None" : c.key();
            assertEquals("True " + name + " " + chunked + " (0,) None [5, 6, 7]", out, c.key());
        }
    }

    private static String hex(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(Double.toHexString(d));
        }
        return sb.toString();
    }

    /**
     * A table without rows (a run that found no spot) keeps its type and, given as a flat array with its shape,
     * its columns; jhdf alone cannot write it.
     */
    @Test
    void emptyArraysKeepTypeAndShape() throws Exception {
        Path f = dir.resolve("empty.h5");
        new H5Writer()
                .put("spots/XY", new int[0], new int[] {0, 2}, H5Writer.Compression.GZIP)
                .put("spots/I", new double[0])
                .put("be", new long[0], 0, 2)
                .put("n", new int[] {3})
                .attribute("spots/XY", "columns", "X, Y")
                .attribute("info", "num_spots", 0)
                .write(f);
        String out = Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py",
                                "f = h5py.File(sys.argv[1], 'r')",
                                "d = lambda k: (f[k].shape, str(f[k].dtype), f[k][()].shape)",
                                "c = f['spots/XY'].attrs['columns']",
                                "print(d('spots/XY'), d('spots/I'), d('be'), c.decode() if isinstance(c, bytes) else c, f['info'].attrs['num_spots'])"),
                        f.toString());
        assertEquals("((0, 2), 'int32', (0, 2)) ((0,), 'float64', (0,)) ((0, 2), 'int64', (0, 2)) X, Y 0", out);
    }

    @Test
    void defaultChunksHoldWholeRowsOrFrames() {
        assertArrayEquals(new int[] {1, 1024, 1024}, H5Writer.defaultChunk(new int[] {200, 1024, 1024}));
        assertArrayEquals(new int[] {256, 1024}, H5Writer.defaultChunk(new int[] {1024, 1024}));
        assertArrayEquals(new int[] {40, 48, 48}, H5Writer.defaultChunk(new int[] {40, 48, 48}));
        assertArrayEquals(new int[] {1 << 18}, H5Writer.defaultChunk(new int[] {1 << 20}));
        assertArrayEquals(new int[] {1 << 17, 2}, H5Writer.defaultChunk(new int[] {1 << 20, 2}));
    }

    @Test
    void rejectsDuplicatePathsAndUnsupportedData() {
        H5Writer w = new H5Writer().put("a", 1);
        assertThrows(IllegalArgumentException.class, () -> w.put("/a", 2));
        assertThrows(IllegalArgumentException.class, () -> w.put("b", new Object()));
        assertThrows(IllegalArgumentException.class, () -> w.put("c", new boolean[] {true}));
    }

    @Test
    void unwritableTargetIsAUserError() throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "x");
        UserError e =
                assertThrows(UserError.class, () -> new H5Writer().put("a", 1).write(blocker.resolve("f.h5")));
        assertTrue(e.getMessage().startsWith("cannot write "), e.getMessage());
    }
}
