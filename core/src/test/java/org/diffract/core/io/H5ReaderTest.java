package org.diffract.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class H5ReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsFlatArraysScalarsAndRootAttributes() {
        Path f = dir.resolve("r.h5");
        new H5Writer()
                .put("d", new double[] {1, 2, 3, 4}, 2, 2)
                .put("fl", new float[] {0.5f}, 1)
                .putUnsigned("u", new byte[] {0, 2})
                .put("s", 3.25)
                .put("nx", 4)
                .attribute("/", "ny", 5)
                .put("g/x", 1)
                .write(f);
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
            assertEquals(
                    f + ": no dataset 'nope' (root has: d, fl, g/, nx, s, u); give the dataset path inside the file",
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

    /** A copy cut short (first 1 KiB, last 10 % gone) is refused when opened, whoever wrote the file. */
    @Test
    void truncatedFilesAreRefusedWhenOpened() throws Exception {
        Path ours = dir.resolve("ours.h5");
        new H5Writer()
                .put("frames", new double[4000], 40, 100)
                .put("angle", new double[40])
                .write(ours);
        Path theirs = dir.resolve("theirs.h5");
        Python.require("h5py", "numpy")
                .run(
                        "import h5py, numpy as np, sys\n"
                                + "with h5py.File(sys.argv[1], 'w') as f:\n"
                                + "    f['frames'] = np.arange(4000, dtype=np.uint16).reshape(40, 100)\n"
                                + "    f.create_group('lauecollect')['angle'] = np.zeros(40)\n",
                        theirs.toString());
        for (Path whole : new Path[] {ours, theirs}) {
            try (H5Reader h = H5Reader.open(whole)) {
                assertEquals(4000, h.doubles("frames").length);
            }
            byte[] all = Files.readAllBytes(whole);
            for (int keep : new int[] {1024, all.length * 9 / 10, all.length - 1}) {
                Path cut = dir.resolve("cut-" + keep + "-" + whole.getFileName());
                Files.write(cut, Arrays.copyOf(all, keep));
                UserError e =
                        assertThrows(UserError.class, () -> H5Reader.open(cut).close());
                assertEquals(
                        cut + ": truncated HDF5 file: " + keep + " bytes, but its superblock says it ends at byte "
                                + all.length + "; copy it again completely or re-run the step that wrote it",
                        e.getMessage());
            }
        }
    }
}
