package org.diffract.core.io;

import java.nio.file.Path;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatternsH5Test {
    @TempDir
    Path dir;

    /** Frames of 2 x 3 pixels; pixel t = x * 3 + y. */
    private static final int[][] DENSE = {{0, 1, 0, 4, 0, 0}, {0, 0, 0, 0, 0, 0}, {2, 0, 1, 0, 0, 1}};

    @Test
    void roundTripThroughChunkedInt32() {
        Path f = dir.resolve("p.h5");
        PatternsH5.write(f, "data/patterns", SparsePhotons.fromDense(DENSE, 6), 2, 3);
        for (int block : new int[] {1, 6, 12, 1 << 20}) { // frames per hyperslab: 1, 1, 2, all
            PatternsH5.Patterns p = PatternsH5.read(f, "data/patterns", block);
            assertEquals(2, p.nx());
            assertEquals(3, p.ny());
            SparsePhotons s = p.photons();
            assertEquals(3, s.numFrames());
            assertArrayEquals(new long[] {0, 1, 1, 3}, s.onesStart);
            assertArrayEquals(new int[] {1, 2, 5}, s.placeOnes);
            assertArrayEquals(new long[] {0, 1, 1, 2}, s.multiStart);
            assertArrayEquals(new int[] {3, 0}, s.placeMulti);
            assertArrayEquals(new int[] {4, 2}, s.countMulti);
        }
    }

    @Test
    void readsInt64AndContiguousData() {
        Path f = dir.resolve("l.h5");
        new H5Writer().put("p", new long[][][] {{{0, 3}, {1, 0}}}).write(f);
        SparsePhotons s = PatternsH5.read(f, "p").photons();
        assertArrayEquals(new int[] {2}, s.placeOnes);
        assertArrayEquals(new int[] {1}, s.placeMulti);
        assertArrayEquals(new int[] {3}, s.countMulti);
    }

    @Test
    void h5pySeesInt32WithShape() throws Exception {
        Path f = dir.resolve("p.h5");
        PatternsH5.write(f, "patterns", SparsePhotons.fromDense(DENSE, 6), 2, 3);
        String out = Python.require("h5py", "numpy")
                .run(
                        "import sys,h5py\nd=h5py.File(sys.argv[1],'r')['patterns']\n"
                                + "print(d.dtype, d.shape, d[0,1,0], d[2].sum())",
                        f.toString());
        assertEquals("int32 (3, 2, 3) 4 4", out);
    }

    @Test
    void badInputs() {
        Path fl = dir.resolve("float.h5");
        new H5Writer().put("p", new double[][][] {{{1.0}}}).write(fl);
        UserError e = assertThrows(UserError.class, () -> PatternsH5.read(fl, "p"));
        assertEquals(
                fl + ": dataset 'p' is floating point but patterns must be integer photon counts (int32/int64); "
                        + "convert them to photon counts first",
                e.getMessage());

        Path r2 = dir.resolve("rank.h5");
        new H5Writer().put("p", new int[][] {{1, 2}}).put("q", 1).write(r2);
        e = assertThrows(UserError.class, () -> PatternsH5.read(r2, "p"));
        assertTrue(
                e.getMessage().contains("has shape [1, 2] but patterns must be 3D (frames, Nx, Ny)"), e.getMessage());
        e = assertThrows(UserError.class, () -> PatternsH5.read(r2, "data"));
        assertEquals(
                r2 + ": no dataset 'data' (root has: p, q); give the dataset path inside the file", e.getMessage());

        Path neg = dir.resolve("neg.h5");
        new H5Writer().put("p", new int[][][] {{{0, 1}}, {{0, -1}}}).write(neg);
        e = assertThrows(UserError.class, () -> PatternsH5.read(neg, "p"));
        assertTrue(
                e.getMessage().contains("'p' frame 1 pixel 1 has -1 photons; counts cannot be negative"),
                e.getMessage());

        Path empty = dir.resolve("empty.h5");
        new H5Writer().put("p", new int[0], 0, 3, 2).write(empty);
        e = assertThrows(UserError.class, () -> PatternsH5.read(empty, "p"));
        assertEquals(
                empty + ": dataset 'p' has shape [0, 3, 2]: no frames to reconstruct; give a dataset with at "
                        + "least one frame (Nd, Nx, Ny)",
                e.getMessage());

        Path missing = dir.resolve("none.h5");
        e = assertThrows(UserError.class, () -> PatternsH5.read(missing, "p"));
        assertTrue(e.getMessage().startsWith(missing + ": no such file"), e.getMessage());
    }
}
