package org.diffract.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VolumeFileTest {
    @TempDir
    Path dir;

    private static double[] ramp(int n) {
        double[] v = new double[n * n * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5;
        }
        return v;
    }

    @Test
    void binIsRawLittleEndianCOrder() throws Exception {
        Path f = dir.resolve("model.bin");
        VolumeFile.writeBin(f, ramp(2), 2);
        byte[] b = Files.readAllBytes(f);
        assertEquals(64, b.length);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0.5, bb.getDouble(8)); // voxel (0,0,1)
        assertEquals(3.5, bb.getDouble(56)); // voxel (1,1,1)
        assertEquals(2, VolumeFile.cubeEdge(f));
        assertArrayEquals(ramp(2), VolumeFile.readBin(f));
        VolumeFile.Cube c = VolumeFile.readCube(f);
        assertEquals(2, c.n());
        assertArrayEquals(ramp(2), c.data());
    }

    @Test
    void largerBinRoundTrip() {
        Path f = dir.resolve("m.bin");
        VolumeFile.writeBin(f, ramp(65), 65); // more than one 1 MiB transfer block
        assertArrayEquals(ramp(65), VolumeFile.readBin(f));
    }

    @Test
    void h5WithScalarsReadBackAndByH5py() throws Exception {
        Path f = dir.resolve("out.h5");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("iteration", 12);
        extra.put("beta", 0.25);
        VolumeFile.writeH5(f, "intens", ramp(3), 3, extra);
        VolumeFile.Cube c = VolumeFile.readCube(f);
        assertEquals(3, c.n());
        assertArrayEquals(ramp(3), c.data());
        String out = Python.require("h5py", "numpy")
                .run(
                        "import sys,h5py\nf=h5py.File(sys.argv[1],'r')\n"
                                + "print(f['intens'].dtype, f['intens'].shape, f['intens'][1,2,0], f['iteration'][()], f['beta'][()])",
                        f.toString());
        assertEquals("float64 (3, 3, 3) 7.5 12 0.25", out); // voxel (1,2,0) = index 15
    }

    @Test
    void h5ModelAndNamedDatasetAndSingleModeIntens() {
        Path f = dir.resolve("m.hdf5");
        new H5Writer()
                .put("model", ramp(2), 2, 2, 2)
                .put("other/vol", ramp(2), 2, 2, 2)
                .write(f);
        assertArrayEquals(ramp(2), VolumeFile.readCube(f).data());
        assertEquals(2, VolumeFile.readCube(f, "other/vol").n());
        Path g = dir.resolve("modes.h5");
        new H5Writer().put("intens", ramp(2), 1, 2, 2, 2).write(g);
        assertEquals(2, VolumeFile.readCube(g).n());
    }

    @Test
    void badInputs() throws Exception {
        Path notCube = dir.resolve("bad.bin");
        Files.write(notCube, new byte[8 * 9]);
        UserError e = assertThrows(UserError.class, () -> VolumeFile.cubeEdge(notCube));
        assertEquals(
                notCube + ": 72 bytes is not a cube of float64 values (n^3 * 8 bytes); give a Dragonfly model .bin "
                        + "of the right size",
                e.getMessage());
        Path odd = dir.resolve("odd.bin");
        Files.write(odd, new byte[65]);
        assertThrows(UserError.class, () -> VolumeFile.readBin(odd));
        Path nan = dir.resolve("nan.bin");
        double[] v = ramp(2);
        v[5] = Double.NaN;
        VolumeFile.writeBin(nan, v, 2);
        e = assertThrows(UserError.class, () -> VolumeFile.readBin(nan));
        assertTrue(e.getMessage().contains("voxel 5 is NaN"), e.getMessage());
        Path missing = dir.resolve("missing.bin");
        e = assertThrows(UserError.class, () -> VolumeFile.readBin(missing));
        assertTrue(e.getMessage().startsWith(missing + ": no such file"), e.getMessage());
        Path flat = dir.resolve("flat.h5");
        new H5Writer().put("intens", ramp(2), 2, 4).put("x", 1).write(flat);
        e = assertThrows(UserError.class, () -> VolumeFile.readCube(flat));
        assertTrue(e.getMessage().contains("has shape [2, 4] but must be a cube (n, n, n)"), e.getMessage());
        Path ints = dir.resolve("ints.h5");
        new H5Writer().put("model", new int[8], 2, 2, 2).write(ints);
        e = assertThrows(UserError.class, () -> VolumeFile.readCube(ints));
        assertTrue(e.getMessage().contains("is not floating point"), e.getMessage());
        Path none = dir.resolve("none.h5");
        new H5Writer().put("x", 1).write(none);
        e = assertThrows(UserError.class, () -> VolumeFile.readCube(none));
        assertTrue(e.getMessage().contains("no dataset 'intens' or 'model' (root has: x)"), e.getMessage());
        e = assertThrows(UserError.class, () -> VolumeFile.readCube(dir.resolve("m.txt")));
        assertTrue(e.getMessage().contains("unknown model format"), e.getMessage());
    }
}
