package org.diffract.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H5ReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsFlatArraysScalarsAndRootAttributes() {
        Path f = dir.resolve("r.h5");
        new H5Writer().put("d", new double[] {1, 2, 3, 4}, 2, 2).put("fl", new float[] {0.5f}, 1)
                .putUnsigned("u", new byte[] {0, 2}).put("s", 3.25).put("nx", 4).attribute("/", "ny", 5)
                .put("g/x", 1).write(f);
        try (H5Reader h = H5Reader.open(f)) {
            assertArrayEquals(new double[] {1, 2, 3, 4}, h.doubles("d"));
            assertArrayEquals(new double[] {0.5}, h.doubles("fl"));
            assertArrayEquals(new long[] {0, 2}, h.integers("u"));
            assertEquals(3.25, h.scalar("s", 0));
            assertEquals(-1, h.scalar("absent", -1));
            assertEquals(4, h.scalarInt("nx").getAsInt());
            assertEquals(5, h.scalarInt("ny").getAsInt());
            assertFalse(h.scalarInt("nz").isPresent());
            assertTrue(h.has("g/x"));
            assertFalse(h.has("g"));
            UserError e = assertThrows(UserError.class, () -> h.integers("d"));
            assertTrue(e.getMessage().contains("'d' has type double but must be integer"), e.getMessage());
            e = assertThrows(UserError.class, () -> h.dataset("nope"));
            assertEquals(f + ": no dataset 'nope' (root has: d, fl, g/, nx, s, u); give the dataset path inside the file",
                    e.getMessage());
        }
    }

    @Test
    void missingAndCorruptFiles() throws Exception {
        Path missing = dir.resolve("missing.h5");
        UserError e = assertThrows(UserError.class, () -> H5Reader.open(missing));
        assertEquals(missing + ": no such file; check the path", e.getMessage());
        Path junk = dir.resolve("junk.h5");
        Files.writeString(junk, "not hdf5 at all");
        e = assertThrows(UserError.class, () -> H5Reader.open(junk));
        assertTrue(e.getMessage().startsWith(junk + ": not a readable HDF5 file"), e.getMessage());
    }
}
