package org.diffract.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MrcFileTest {
    @TempDir
    Path dir;

    @Test
    void sectionsAndHeaderAloneReadOnlyWhatIsAsked() throws Exception {
        int nz = 6, ny = 3, nx = 4;
        double[] v = new double[nz * ny * nx];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Path f = dir.resolve("sections.mrc");
        MrcFile.write(f, v, nz, ny, nx, 2.5, "six sections");
        MrcFile.Grid h = MrcFile.header(f);
        assertEquals(6, h.nz());
        assertEquals(0, h.values().length);
        assertEquals(2.5, h.voxelSize(), 1e-6);
        MrcFile.Grid two = MrcFile.readSections(f, 2, 2);
        assertEquals(2, two.nz());
        assertEquals(2 * ny * nx, two.values().length);
        for (int i = 0; i < two.values().length; i++) {
            assertEquals(2 * ny * nx + i, two.values()[i], 0);
        }
    }

    @Test
    void headerFieldsAndDataReadBackByHand() throws Exception {
        int nz = 2, ny = 3, nx = 4;
        double[] v = new double[nz * ny * nx];
        for (int i = 0; i < v.length; i++) {
            v[i] = i - 5;
        }
        Path f = dir.resolve("m.mrc");
        MrcFile.write(f, v, nz, ny, nx, 1.5, "test map");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1024 + 4 * v.length, b.capacity());
        assertEquals(nx, b.getInt(0));
        assertEquals(ny, b.getInt(4));
        assertEquals(nz, b.getInt(8));
        assertEquals(2, b.getInt(12));
        assertEquals(nx, b.getInt(28));
        assertEquals(6.0f, b.getFloat(40)); // cell a = nx * 1.5
        assertEquals(3.0f, b.getFloat(48)); // cell c = nz * 1.5
        assertEquals(90f, b.getFloat(52));
        assertEquals(1, b.getInt(64));
        assertEquals(3, b.getInt(72));
        assertEquals(-5f, b.getFloat(76));
        assertEquals(18f, b.getFloat(80));
        assertEquals(6.5f, b.getFloat(84)); // mean of -5..18
        assertEquals(20140, b.getInt(108));
        assertEquals(
                "MAP ",
                new String(new byte[] {b.get(208), b.get(209), b.get(210), b.get(211)}, StandardCharsets.US_ASCII));
        assertEquals(0x44, b.get(212));
        // rms of 24 consecutive integers: sqrt((24^2 - 1) / 12)
        assertEquals(Math.sqrt((24 * 24 - 1) / 12.0), b.getFloat(216), 1e-5);
        assertEquals(1, b.getInt(220));
        assertEquals("test map", new String(b.array(), 224, 8, StandardCharsets.US_ASCII));
        // value at (z=1, y=2, x=3) is the last one; x runs fastest
        assertEquals(18f, b.getFloat(1024 + 4 * ((1 * ny + 2) * nx + 3)));
        assertEquals(-4f, b.getFloat(1024 + 4));
    }

    @Test
    void numpyReadsTheSameArray() throws Exception {
        double[] v = new double[27];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5;
        }
        Path f = dir.resolve("c.mrc");
        MrcFile.writeCube(f, v, 3, 1.0, "cube");
        // numpy reads the layout the way mrcfile does: 1024-byte header, then float32 (z, y, x)
        String out = Python.require("numpy")
                .run(
                        "import numpy as np, sys\n"
                                + "h = np.fromfile(sys.argv[1], dtype='<i4', count=4)\n"
                                + "d = np.fromfile(sys.argv[1], dtype='<f4', offset=1024).reshape(h[2], h[1], h[0])\n"
                                + "print(h[3], d[2, 1, 0], d.sum())",
                        f.toString());
        assertEquals("2 10.5 175.5", out);
    }

    @Test
    void readGivesBackWhatWriteWrote() {
        double[] v = new double[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.25 * i - 3;
        }
        Path f = dir.resolve("rt.mrc");
        MrcFile.write(f, v, 2, 3, 4, 1.5, "round trip");
        MrcFile.Grid g = MrcFile.read(f);
        assertEquals(2, g.nz());
        assertEquals(3, g.ny());
        assertEquals(4, g.nx());
        assertEquals(1.5, g.voxelSize(), 1e-6);
        assertArrayEquals(v, g.values(), 0);
    }

    @Test
    void readsBigEndianInt16WithExtendedHeaderAndInt8() throws Exception {
        // big-endian mode 1, 2 x 1 x 1, a 16-byte extended header before the data
        ByteBuffer b = ByteBuffer.allocate(1024 + 16 + 4).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 2).putInt(4, 1).putInt(8, 1).putInt(12, 1).putInt(92, 16);
        b.put(212, (byte) 0x11).put(213, (byte) 0x11);
        b.putShort(1040, (short) -300).putShort(1042, (short) 7);
        Path f = dir.resolve("be.mrc");
        Files.write(f, b.array());
        assertArrayEquals(new double[] {-300, 7}, MrcFile.read(f).values(), 0);
        // little-endian mode 0 (signed bytes) with no machine stamp: the mode word decides the order
        ByteBuffer c = ByteBuffer.allocate(1024 + 3).order(ByteOrder.LITTLE_ENDIAN);
        c.putInt(0, 3).putInt(4, 1).putInt(8, 1).putInt(12, 0);
        c.put(1024, (byte) -2).put(1025, (byte) 0).put(1026, (byte) 100);
        Path g = dir.resolve("i8.mrc");
        Files.write(g, c.array());
        assertArrayEquals(new double[] {-2, 0, 100}, MrcFile.read(g).values(), 0);
    }

    @Test
    void badFilesFailWithOneLineNamingThem() throws Exception {
        Path short1 = dir.resolve("short.mrc");
        Files.write(short1, new byte[100]);
        Path trunc = dir.resolve("trunc.mrc");
        MrcFile.writeCube(trunc, new double[27], 3, 1, "x");
        byte[] all = Files.readAllBytes(trunc);
        Files.write(trunc, Arrays.copyOf(all, all.length - 4));
        Path mode4 = dir.resolve("complex.mrc");
        ByteBuffer b = ByteBuffer.wrap(all.clone()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(12, 4);
        Files.write(mode4, b.array());
        Path nan = dir.resolve("nan.mrc");
        ByteBuffer n = ByteBuffer.wrap(all.clone()).order(ByteOrder.LITTLE_ENDIAN);
        n.putFloat(1024 + 8, Float.NaN);
        Files.write(nan, n.array());
        String[][] cases = {
            {"short.mrc", "header"},
            {"trunc.mrc", "truncated"},
            {"complex.mrc", "mode 4"},
            {"nan.mrc", "value 2"},
            {"none.mrc", "no such file"}
        };
        for (String[] c : cases) {
            UserError e = assertThrows(UserError.class, () -> MrcFile.read(dir.resolve(c[0])), c[0]);
            assertTrue(e.getMessage().contains(c[0]) && e.getMessage().contains(c[1]), e.getMessage());
            assertEquals(-1, e.getMessage().indexOf('\n'));
        }
    }

    @Test
    void readsAMapNumpyWrote() throws Exception {
        Path f = dir.resolve("np.mrc");
        // an independent writer: header and float32 (z, y, x) data laid out by numpy
        Python.require("numpy")
                .run(
                        "import numpy as np, sys\n"
                                + "h = np.zeros(256, dtype='<i4')\n"
                                + "h[0:4] = [4, 3, 2, 2]\n"
                                + "hb = bytearray(h.tobytes()); hb[212] = 0x44; hb[213] = 0x44\n"
                                + "d = (np.arange(24, dtype='<f4') * 0.5).reshape(2, 3, 4)\n"
                                + "open(sys.argv[1], 'wb').write(bytes(hb) + d.tobytes())\n",
                        f.toString());
        MrcFile.Grid g = MrcFile.read(f);
        assertEquals(2, g.nz());
        assertEquals(4, g.nx());
        // d[1, 2, 3] is the last value, 23 * 0.5
        assertEquals(11.5, g.values()[(1 * 3 + 2) * 4 + 3], 0);
        assertEquals(0.5, g.values()[1], 0);
    }
}
