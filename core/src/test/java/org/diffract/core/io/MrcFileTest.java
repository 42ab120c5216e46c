package org.diffract.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MrcFileTest {
    @TempDir
    Path dir;

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
        assertEquals("MAP ", new String(new byte[] {b.get(208), b.get(209), b.get(210), b.get(211)},
                StandardCharsets.US_ASCII));
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
        String out = PythonH5.run("import numpy as np, sys\n"
                + "h = np.fromfile(sys.argv[1], dtype='<i4', count=4)\n"
                + "d = np.fromfile(sys.argv[1], dtype='<f4', offset=1024).reshape(h[2], h[1], h[0])\n"
                + "print(h[3], d[2, 1, 0], d.sum())", f.toString());
        assertEquals("2 10.5 175.5", out);
    }
}
