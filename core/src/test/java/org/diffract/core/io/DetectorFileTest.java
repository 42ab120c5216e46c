package org.diffract.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorFileTest {
    @TempDir
    Path dir;

    private static Detector sample(int nx, int ny) {
        return new Detector(
                new double[] {-1.25, 0, 3.5},
                new double[] {2, -0.000001, 7.123456},
                new double[] {-0.5, 0.25, -9.75},
                new double[] {2.73346261e-06, 1.0, 0.5},
                new byte[] {0, 1, 2},
                585.9375,
                600.5,
                nx,
                ny);
    }

    private Path text(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void readsOneNumberHeaderDat() throws Exception {
        Path f = text("det.dat", "2\n1.5 -2 0.25 0.9 0\n  -1e-3\t4 5 1.0 2\n\n");
        Detector d = DetectorFile.read(f);
        assertEquals(2, d.numPix());
        assertArrayEquals(new double[] {1.5, -0.001}, d.copyQx());
        assertArrayEquals(new double[] {-2, 4}, d.copyQy());
        assertArrayEquals(new double[] {0.25, 5}, d.copyQz());
        assertArrayEquals(new double[] {0.9, 1.0}, d.copyCorr());
        assertArrayEquals(new byte[] {0, 2}, d.copyMask());
        assertTrue(Double.isNaN(d.detd()));
        assertTrue(Double.isNaN(d.ewaldRad()));
        assertEquals(-1, d.nx());
        assertEquals(-1, d.ny());
    }

    @Test
    void readsThreeNumberHeaderDat() throws Exception {
        Path f = text("det.dat", "1 585.9375 600\r\n0 0 0 1 1\r\n");
        Detector d = DetectorFile.read(f);
        assertEquals(585.9375, d.detd());
        assertEquals(600, d.ewaldRad());
        assertArrayEquals(new byte[] {1}, d.copyMask());
    }

    @Test
    void datRoundTrip() {
        Path f = dir.resolve("out/det.dat");
        DetectorFile.writeDat(f, sample(-1, -1));
        Detector d = DetectorFile.read(f);
        Detector s = sample(-1, -1);
        assertArrayEquals(s.copyQx(), d.copyQx(), 5e-7);
        assertArrayEquals(s.copyQy(), d.copyQy(), 5e-7);
        assertArrayEquals(s.copyQz(), d.copyQz(), 5e-7);
        for (int t = 0; t < 3; t++) {
            assertEquals(s.corr(t), d.corr(t), 1e-10 * s.corr(t));
        }
        assertArrayEquals(s.copyMask(), d.copyMask());
        assertEquals(585.9375, d.detd());
        assertEquals(600.5, d.ewaldRad());
    }

    @Test
    void datWriterFormatIsDragonflyText() throws Exception {
        Path f = dir.resolve("det.dat");
        DetectorFile.writeDat(f, sample(-1, -1));
        String[] lines = Files.readString(f).split("\n");
        assertEquals("3 585.937500 600.500000", lines[0].trim());
        assertEquals("-1.250000 2.000000 -0.500000 2.7334626100e-06 0", lines[1]);
    }

    @Test
    void h5RoundTripKeepsFrameShape() {
        Path f = dir.resolve("det.h5");
        DetectorFile.writeH5(f, sample(1, 3));
        Detector d = DetectorFile.read(f);
        Detector s = sample(1, 3);
        assertArrayEquals(s.copyQx(), d.copyQx());
        assertArrayEquals(s.copyQy(), d.copyQy());
        assertArrayEquals(s.copyQz(), d.copyQz());
        assertArrayEquals(s.copyCorr(), d.copyCorr());
        assertArrayEquals(s.copyMask(), d.copyMask());
        assertEquals(585.9375, d.detd());
        assertEquals(600.5, d.ewaldRad());
        assertEquals(1, d.nx());
        assertEquals(3, d.ny());
        Path g = dir.resolve("noshape.hdf5");
        DetectorFile.writeH5(g, sample(-1, -1));
        assertEquals(-1, DetectorFile.read(g).nx());
    }

    @Test
    void h5pySeesDragonflyDtypes() throws Exception {
        Path f = dir.resolve("det.h5");
        DetectorFile.writeH5(f, sample(1, 3));
        String out = Python.require("h5py", "numpy")
                .run(
                        "import sys,h5py\nf=h5py.File(sys.argv[1],'r')\n"
                                + "print(f['qx'].dtype, f['corr'].dtype, f['mask'].dtype, list(f['mask'][()]), f['detd'][()], "
                                + "f['ewald_rad'].dtype, f['nx'][()], f['ny'][()])",
                        f.toString());
        // The mask is written unsigned (jhdf's unsigned option), so h5py sees uint8 exactly like Dragonfly's files.
        assertEquals("float64 float64 uint8 [0, 1, 2] 585.9375 float64 1 3", out);
    }

    @Test
    void readsDragonflyReferenceDetector() {
        Path f = Paths.get("../../shared/data/dragonfly-1ei7/det_sim.h5");
        Assumptions.assumeTrue(Files.isRegularFile(f), "reference data not present");
        Detector d = DetectorFile.read(f);
        assertEquals(22500, d.numPix());
        assertEquals(585.9375, d.detd());
        assertEquals(585.9375, d.ewaldRad());
        for (byte m : d.copyMask()) {
            assertTrue(m >= 0 && m <= 2);
        }
        assertEquals(-73.32413302, d.qx(0), 1e-8);
    }

    @Test
    void badDatInputs() throws Exception {
        String fix = "; re-create it with 'diffract simulate' or Dragonfly's make_detector";
        Path f = text("a.dat", "2\n1 2 3 4 0\n");
        UserError e = assertThrows(UserError.class, () -> DetectorFile.read(f));
        assertEquals(f + ": has 1 pixel lines but its header says num_pix 2" + fix, e.getMessage());
        Path g = text("b.dat", "1\n1 2 3 4 3\n");
        e = assertThrows(UserError.class, () -> DetectorFile.read(g));
        assertEquals(g + ": line 2: mask 3 must be 0, 1 or 2" + fix, e.getMessage());
        Path h = text("c.dat", "1\n1 2 NaN 4 0\n");
        e = assertThrows(UserError.class, () -> DetectorFile.read(h));
        assertEquals(h + ": line 2: qz is NaN but must be finite" + fix, e.getMessage());
        Path i = text("d.dat", "1\n1 2 3 4\n");
        e = assertThrows(UserError.class, () -> DetectorFile.read(i));
        assertTrue(e.getMessage().contains("line 2 has 4 numbers but needs 5"), e.getMessage());
        Path j = text("e.dat", "1 2\n1 2 3 4 0\n");
        e = assertThrows(UserError.class, () -> DetectorFile.read(j));
        assertTrue(e.getMessage().contains("line 1 must be 'num_pix' or 'num_pix detd ewald_rad'"), e.getMessage());
        Path k = text("f.dat", "1\n1 2 x 4 0\n");
        e = assertThrows(UserError.class, () -> DetectorFile.read(k));
        assertTrue(e.getMessage().contains("line 2: qz 'x' is not a number"), e.getMessage());
        Path l = text("g.dat", "1\n1 2 3 4 0\n1 2 3 4 0\n");
        e = assertThrows(UserError.class, () -> DetectorFile.read(l));
        assertTrue(e.getMessage().contains("line 3: more pixel lines than num_pix 1"), e.getMessage());
        Path m = text("h.dat", "-3\n");
        e = assertThrows(UserError.class, () -> DetectorFile.read(m));
        assertTrue(e.getMessage().contains("num_pix '-3' must be a positive integer"), e.getMessage());
    }

    @Test
    void badH5Inputs() {
        Path f = dir.resolve("len.h5");
        new H5Writer()
                .put("qx", new double[] {1, 2})
                .put("qy", new double[] {1})
                .put("qz", new double[] {1, 2})
                .put("corr", new double[] {1, 2})
                .putUnsigned("mask", new byte[] {0, 0})
                .write(f);
        UserError e = assertThrows(UserError.class, () -> DetectorFile.read(f));
        assertTrue(e.getMessage().contains("lengths 2, 1, 2, 2, 2 but must be equal"), e.getMessage());
        Path g = dir.resolve("mask.h5");
        new H5Writer()
                .put("qx", new double[] {1})
                .put("qy", new double[] {1})
                .put("qz", new double[] {1})
                .put("corr", new double[] {1})
                .putUnsigned("mask", new byte[] {5})
                .write(g);
        e = assertThrows(UserError.class, () -> DetectorFile.read(g));
        assertTrue(e.getMessage().contains("mask[0] is 5 but must be 0, 1 or 2"), e.getMessage());
        Path h = dir.resolve("nan.h5");
        new H5Writer()
                .put("qx", new double[] {1})
                .put("qy", new double[] {Double.POSITIVE_INFINITY})
                .put("qz", new double[] {1})
                .put("corr", new double[] {1})
                .putUnsigned("mask", new byte[] {0})
                .write(h);
        e = assertThrows(UserError.class, () -> DetectorFile.read(h));
        assertTrue(e.getMessage().contains("qy[0] is Infinity but must be finite"), e.getMessage());
        Path i = dir.resolve("noqz.h5");
        new H5Writer().put("qx", new double[] {1}).write(i);
        e = assertThrows(UserError.class, () -> DetectorFile.read(i));
        assertTrue(e.getMessage().contains("no dataset 'qy' (root has: qx)"), e.getMessage());
        Path j = dir.resolve("shape.h5");
        new H5Writer()
                .put("qx", new double[] {1})
                .put("qy", new double[] {1})
                .put("qz", new double[] {1})
                .put("corr", new double[] {1})
                .putUnsigned("mask", new byte[] {0})
                .put("nx", 2)
                .put("ny", 2)
                .write(j);
        e = assertThrows(UserError.class, () -> DetectorFile.read(j));
        assertTrue(e.getMessage().contains("frame shape nx 2 x ny 2 does not match 1 pixels"), e.getMessage());
        Path k = dir.resolve("det.txt");
        e = assertThrows(UserError.class, () -> DetectorFile.read(k));
        assertTrue(e.getMessage().contains("unknown detector format"), e.getMessage());
        Path l = dir.resolve("missing.dat");
        e = assertThrows(UserError.class, () -> DetectorFile.read(l));
        assertTrue(e.getMessage().startsWith(l + ": no such file"), e.getMessage());
    }
}
