package org.diffract.core.io;

import java.nio.file.Path;
import java.util.List;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dragonfly's HDF5 photons files, written by h5py the way Dragonfly's EMCWriter (utils/py_src/writeemc.py)
 * writes them: num_pix as a one-element array, and place_ones, place_multi, count_multi as resizable
 * datasets of variable-length int32 arrays in chunks of one frame.
 */
class EmcPhotonsH5Test {
    @TempDir
    Path dir;

    /** The three frames of EmcPhotonsFileTest's hand-made .emc: the same photons in the HDF5 layout. */
    private static final String WRITE_DRAGONFLY = String.join(
            "\n",
            "import sys, h5py, numpy as np",
            "frames = [([1], [4], [3]), ([], [], []), ([0, 9], [5], [2])]",
            "vt = h5py.special_dtype(vlen=np.int32)",
            "with h5py.File(sys.argv[1], 'w') as f:",
            "    f['num_pix'] = [int(sys.argv[2])]",
            "    for n in ('place_ones', 'place_multi', 'count_multi'):",
            "        f.create_dataset(n, (0,), maxshape=(None,), chunks=(1,), dtype=vt)",
            "    for d, (o, m, c) in enumerate(frames):",
            "        for n, v in (('place_ones', o), ('place_multi', m), ('count_multi', c)):",
            "            f[n].resize((d + 1,))",
            "            f[n][-1] = np.array(v, dtype=np.int32)",
            "print('ok')");

    @Test
    void readsTheLayoutDragonflyWrites() throws Exception {
        Path f = dir.resolve("photons.h5");
        assertEquals("ok", Python.require("h5py", "numpy").run(WRITE_DRAGONFLY, f.toString(), "10"));
        assertTrue(EmcPhotonsH5.isHdf5(f));
        SparsePhotons p = EmcPhotonsH5.read(f, 10);
        assertEquals(3, p.numFrames());
        assertEquals(10, p.numPix);
        assertArrayEquals(new long[] {0, 1, 1, 3}, p.onesStart);
        assertArrayEquals(new long[] {0, 1, 1, 2}, p.multiStart);
        assertArrayEquals(new int[] {1, 0, 9}, p.placeOnes);
        assertArrayEquals(new int[] {4, 5}, p.placeMulti);
        assertArrayEquals(new int[] {3, 2}, p.countMulti);
    }

    @Test
    void scalarNumPixAndBinaryFilesAreToldApart() throws Exception {
        Path f = dir.resolve("scalar.h5");
        Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py, numpy as np",
                                "vt = h5py.special_dtype(vlen=np.int32)",
                                "with h5py.File(sys.argv[1], 'w') as f:",
                                "    f.create_dataset('num_pix', data=np.int32(6))",
                                "    for n, v in (('place_ones', [[0, 5]]), ('place_multi', [[2]]), ('count_multi', [[7]])):",
                                "        d = f.create_dataset(n, (1,), dtype=vt)",
                                "        d[0] = np.array(v[0], dtype=np.int32)"),
                        f.toString());
        SparsePhotons p = EmcPhotonsH5.read(f, -1);
        assertEquals(6, p.numPix);
        assertEquals(9, p.photons(0));
        SparsePhotons q = SparsePhotons.concat(List.of(p, p));
        assertEquals(2, q.numFrames());
        assertArrayEquals(new int[] {0, 5, 0, 5}, q.placeOnes);
        assertArrayEquals(new long[] {0, 1, 2}, q.multiStart);
        Path emc = dir.resolve("p.emc");
        EmcPhotonsFile.write(emc, p);
        assertFalse(EmcPhotonsH5.isHdf5(emc));
    }

    @Test
    void badFilesFailWithOneLineNamingTheFile() throws Exception {
        Path f = dir.resolve("photons.h5");
        Python.require("h5py", "numpy").run(WRITE_DRAGONFLY, f.toString(), "10");
        UserError e = assertThrows(UserError.class, () -> EmcPhotonsH5.read(f, 22500));
        assertTrue(e.getMessage().contains("photons.h5") && e.getMessage().contains("22500"), e.getMessage());
        Path small = dir.resolve("small.h5");
        Python.require("h5py", "numpy").run(WRITE_DRAGONFLY, small.toString(), "5");
        e = assertThrows(UserError.class, () -> EmcPhotonsH5.read(small, -1));
        assertTrue(e.getMessage().contains("small.h5") && e.getMessage().contains("pixel 9"), e.getMessage());
        Path missing = dir.resolve("missing.h5");
        Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py, numpy as np",
                                "with h5py.File(sys.argv[1], 'w') as f:",
                                "    f['num_pix'] = [4]",
                                "    f['place_ones'] = np.zeros(3, dtype=np.int32)"),
                        missing.toString());
        e = assertThrows(UserError.class, () -> EmcPhotonsH5.read(missing, -1));
        assertTrue(e.getMessage().contains("missing.h5") && e.getMessage().contains("variable-length"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
