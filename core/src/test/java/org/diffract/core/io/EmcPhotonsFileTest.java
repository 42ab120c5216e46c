package org.diffract.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmcPhotonsFileTest {
    @TempDir
    Path dir;

    /**
     * Three frames on a 10-pixel detector, laid out as Dragonfly's make_data writes them:
     * frame 0: pixel 1 once, pixel 4 three times; frame 1: nothing; frame 2: pixels 0 and 9 once, pixel 5 twice.
     */
    private static byte[] dragonflyBytes() {
        int[] ones = {1, 0, 2};
        int[] multi = {1, 0, 1};
        int[] placeOnes = {1, 0, 9};
        int[] placeMulti = {4, 5};
        int[] countMulti = {3, 2};
        ByteBuffer b = ByteBuffer.allocate(1024 + 4 * (3 + 3 + 3 + 2 + 2)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(3).putInt(10).putInt(0);
        b.position(1024);
        for (int[] a : new int[][] {ones, multi, placeOnes, placeMulti, countMulti}) {
            for (int v : a) {
                b.putInt(v);
            }
        }
        return b.array();
    }

    @Test
    void readsHandMadeDragonflyLayout() throws IOException {
        Path f = dir.resolve("photons.emc");
        Files.write(f, dragonflyBytes());
        SparsePhotons p = EmcPhotonsFile.read(f);
        assertEquals(3, p.numFrames());
        assertEquals(10, p.numPix);
        assertArrayEquals(new long[] {0, 1, 1, 3}, p.onesStart);
        assertArrayEquals(new long[] {0, 1, 1, 2}, p.multiStart);
        assertArrayEquals(new int[] {1, 0, 9}, p.placeOnes);
        assertArrayEquals(new int[] {4, 5}, p.placeMulti);
        assertArrayEquals(new int[] {3, 2}, p.countMulti);
        assertEquals(4, p.photons(0));
        assertEquals(0, p.photons(1));
        assertEquals(4, p.photons(2));
    }

    @Test
    void writeProducesDragonflyBytesExactly() throws IOException {
        Path in = dir.resolve("in.emc");
        Files.write(in, dragonflyBytes());
        Path out = dir.resolve("out.emc");
        EmcPhotonsFile.write(out, EmcPhotonsFile.read(in));
        assertArrayEquals(dragonflyBytes(), Files.readAllBytes(out));
    }

    @Test
    void roundTripOfDenseFrames() {
        int[][] dense = {{0, 1, 0, 5, 0, 0}, {2, 0, 0, 0, 1, 1}, {0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 7}};
        SparsePhotons p = SparsePhotons.fromDense(dense, 6);
        Path f = dir.resolve("sub/rt.emc");
        EmcPhotonsFile.write(f, p);
        SparsePhotons q = EmcPhotonsFile.read(f, 6);
        assertEquals(4, q.numFrames());
        assertArrayEquals(p.onesStart, q.onesStart);
        assertArrayEquals(p.placeOnes, q.placeOnes);
        assertArrayEquals(p.multiStart, q.multiStart);
        assertArrayEquals(p.placeMulti, q.placeMulti);
        assertArrayEquals(p.countMulti, q.countMulti);
        assertEquals(12, q.photons(3));
    }

    @Test
    void writesOnlyTheUsedPartOfSelectedPhotons() {
        SparsePhotons p = SparsePhotons.fromDense(new int[][] {{1, 0, 3}, {0, 1, 0}, {2, 2, 0}}, 3)
                .select(new int[] {2, 0});
        Path f = dir.resolve("sel.emc");
        EmcPhotonsFile.write(f, p);
        SparsePhotons q = EmcPhotonsFile.read(f);
        assertEquals(2, q.numFrames());
        assertEquals(4, q.photons(0));
        assertEquals(4, q.photons(1));
    }

    private Path withBytes(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static void putInt(byte[] b, int at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    }

    @Test
    void truncatedFileNamesSizes() throws IOException {
        byte[] good = dragonflyBytes();
        Path f = withBytes("photons.emc", Arrays.copyOf(good, good.length - 4));
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertEquals(
                f + ": file is 1072 bytes but its header needs 1076; re-create it with 'diffract simulate' "
                        + "or Dragonfly's make_data",
                e.getMessage());
    }

    @Test
    void fileShorterThanHeader() throws IOException {
        Path f = withBytes("short.emc", new byte[1000]);
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertTrue(e.getMessage().contains("file is 1000 bytes, shorter than the 1024-byte header"), e.getMessage());
    }

    @Test
    void countsTableTruncated() throws IOException {
        byte[] b = new byte[1030];
        putInt(b, 0, 100);
        putInt(b, 4, 10);
        Path f = withBytes("t.emc", b);
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertTrue(e.getMessage().contains("file is 1030 bytes but its header needs at least 1824"), e.getMessage());
    }

    @Test
    void trailingBytesAreAnError() throws IOException {
        byte[] good = dragonflyBytes();
        Path f = withBytes("long.emc", Arrays.copyOf(good, good.length + 4));
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertTrue(e.getMessage().contains("file is 1080 bytes but its header needs 1076"), e.getMessage());
    }

    @Test
    void wrongNumPixForDetector() throws IOException {
        Path f = withBytes("photons.emc", dragonflyBytes());
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f, 22500));
        assertEquals(
                f + ": photons are for a detector of 10 pixels but the detector has 22500; use the detector "
                        + "file the photons were made with",
                e.getMessage());
    }

    @Test
    void pixelIndexOutOfRange() throws IOException {
        byte[] b = dragonflyBytes();
        putInt(b, 1024 + 4 * 6 + 4 * 2, 10); // place_ones[2] = 10 on a 10-pixel detector
        Path f = withBytes("bad.emc", b);
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertTrue(e.getMessage().contains("place_ones[2] is pixel 10, outside [0, 10)"), e.getMessage());
    }

    @Test
    void negativePlaceMulti() throws IOException {
        byte[] b = dragonflyBytes();
        putInt(b, 1024 + 4 * 9, -1);
        Path f = withBytes("bad.emc", b);
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertTrue(e.getMessage().contains("place_multi[0] is pixel -1"), e.getMessage());
    }

    @Test
    void countMultiBelowTwo() throws IOException {
        byte[] b = dragonflyBytes();
        putInt(b, 1024 + 4 * 11 + 4, 1);
        Path f = withBytes("bad.emc", b);
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertTrue(e.getMessage().contains("count_multi[1] is 1 but multi-photon counts must be >= 2"), e.getMessage());
    }

    @Test
    void negativeOnes() throws IOException {
        byte[] b = dragonflyBytes();
        putInt(b, 1024 + 4, -2);
        Path f = withBytes("bad.emc", b);
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertTrue(e.getMessage().contains("ones[1] is -2 (a count cannot be negative)"), e.getMessage());
    }

    /** Dragonfly's header of a data set without frames: num_data 0, nothing after the 1024 bytes. */
    @Test
    void noFramesIsRefused() throws IOException {
        byte[] b = new byte[1024];
        putInt(b, 4, 10);
        Path f = withBytes("empty.emc", b);
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertEquals(
                f + ": holds no frames (num_data 0 in its header); give a photons file with at least one frame",
                e.getMessage());
    }

    @Test
    void badHeaderValues() throws IOException {
        byte[] b = dragonflyBytes();
        putInt(b, 8, 1);
        Path f1 = withBytes("ftype.emc", b);
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f1));
        assertTrue(e.getMessage().contains("ftype 1 is not supported, only ftype 0"), e.getMessage());
        byte[] c = dragonflyBytes();
        putInt(c, 4, 0);
        Path f2 = withBytes("numpix.emc", c);
        e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f2));
        assertTrue(e.getMessage().contains("num_pix 0"), e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.emc");
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ": no such file;"), e.getMessage());
    }

    @Test
    void readsDragonflyReferenceDataQuickly() {
        Path f = Paths.get("../../shared/data/dragonfly-1ei7/photons.emc");
        Assumptions.assumeTrue(Files.isRegularFile(f), "reference data not present");
        EmcPhotonsFile.read(f); // warm up the JIT so the timing below is of the steady state
        long t0 = System.nanoTime();
        SparsePhotons p = EmcPhotonsFile.read(f, 22500);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        assertEquals(30000, p.numFrames());
        assertEquals(22500, p.numPix);
        double meanOnes = p.onesStart[30000] / 30000.0;
        double meanMulti = p.multiStart[30000] / 30000.0;
        assertEquals(253, meanOnes, 5, "mean single-photon pixels per frame");
        assertEquals(39, meanMulti, 3, "mean multi-photon pixels per frame");
        // The budget is well under 1 s; 2 s keeps a loaded CI machine from failing spuriously.
        assertTrue(seconds < 2.0, "read took " + seconds + " s");
    }
}
