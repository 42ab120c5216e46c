package org.diffract.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskFileTest {
    @TempDir
    Path dir;

    /** A version 1.0 .npy with the given header dict and data bytes, as numpy lays it out. */
    private static byte[] npy(String dict, byte[] data) {
        String header = dict + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    private Path file(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    @Test
    void handMadeNpyU1AndFortranTranspose() throws Exception {
        Path c = file(
                "c.npy",
                npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", new byte[] {0, 1, 2, 2, 1, 0}));
        assertArrayEquals(new byte[] {0, 1, 2, 2, 1, 0}, MaskFile.read(c, 6));
        // Fortran order stores columns: (x=0,y=0),(1,0),(0,1),(1,1),(0,2),(1,2)
        Path f = file(
                "f.npy",
                npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", new byte[] {0, 2, 1, 1, 2, 0}));
        assertArrayEquals(new byte[] {0, 1, 2, 2, 1, 0}, MaskFile.read(f, 6));
    }

    @Test
    void handMadeNpyWiderTypes() throws Exception {
        ByteBuffer d = ByteBuffer.allocate(24)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(2)
                .putDouble(0)
                .putDouble(1);
        Path f8 = file("f8.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", d.array()));
        assertArrayEquals(new byte[] {2, 0, 1}, MaskFile.read(f8, 3));
        ByteBuffer i = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(1)
                .putInt(1)
                .putInt(2);
        Path i4 = file("i4.npy", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", i.array()));
        assertArrayEquals(new byte[] {1, 1, 2}, MaskFile.read(i4, 3));
    }

    @Test
    void rawBytes() throws Exception {
        assertArrayEquals(new byte[] {0, 2, 1}, MaskFile.read(file("m.byt", new byte[] {0, 2, 1}), 3));
        assertArrayEquals(new byte[] {1}, MaskFile.read(file("m.bin", new byte[] {1}), 1));
    }

    @Test
    void writeNpyReadsBackAndMatchesNumpyLayout() throws Exception {
        Path f = dir.resolve("w.npy");
        MaskFile.writeNpy(f, new byte[] {0, 1, 2, 2, 1, 0}, 2, 3);
        byte[] b = Files.readAllBytes(f);
        assertEquals(128 + 6, b.length, "10-byte preamble + 61-byte dict padded to a multiple of 64");
        assertEquals('\n', b[127]);
        assertArrayEquals(new byte[] {0, 1, 2, 2, 1, 0}, MaskFile.read(f, 6));
        String out = Python.require("numpy")
                .run(
                        "import sys,numpy\na=numpy.load(sys.argv[1])\nprint(a.dtype, a.shape, a[1].tolist())",
                        f.toString());
        assertEquals("uint8 (2, 3) [2, 1, 0]", out);
    }

    @Test
    void readsWhatNumpyWrites() throws Exception {
        String script = "import sys,numpy\nd=sys.argv[1]\nm=numpy.array([[0,1,2],[2,2,0]])\n"
                + "for t in ['u1','i1','i2','i4','i8','u2','u4','f4','f8']: numpy.save(d+'/'+t+'.npy', m.astype(t))\n"
                + "numpy.save(d+'/b1.npy', m.astype(bool))\n"
                + "numpy.save(d+'/fo.npy', numpy.asfortranarray(m.astype('u1')))\n"
                + "numpy.save(d+'/flat.npy', m.ravel().astype('u1'))\n"
                + "numpy.lib.format.write_array(open(d+'/v2.npy','wb'), m.astype('u1'), version=(2,0))\n"
                + "numpy.lib.format.write_array(open(d+'/v3.npy','wb'), m.astype('u1'), version=(3,0))\n";
        Python.require("numpy").run(script, dir.toString());
        byte[] want = {0, 1, 2, 2, 2, 0};
        for (String t : new String[] {"u1", "i1", "i2", "i4", "i8", "u2", "u4", "f4", "f8", "fo", "flat", "v2", "v3"}) {
            assertArrayEquals(want, MaskFile.read(dir.resolve(t + ".npy"), 6), t);
        }
        assertArrayEquals(new byte[] {0, 1, 1, 1, 1, 0}, MaskFile.read(dir.resolve("b1.npy"), 6));
    }

    @Test
    void badInputs() throws Exception {
        Path len = file("len.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", new byte[6]));
        UserError e = assertThrows(UserError.class, () -> MaskFile.read(len, 22500));
        assertEquals(
                len + ": mask has 6 values (shape [2, 3]) but the detector has 22500 pixels; make the mask for "
                        + "this detector",
                e.getMessage());
        Path val = file("val.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", new byte[] {0, 3}));
        e = assertThrows(UserError.class, () -> MaskFile.read(val, 2));
        assertTrue(
                e.getMessage()
                        .contains("mask value 3.0 at index 1; use 0 (orientation and merge), 1 (merge only) "
                                + "or 2 (unused)"),
                e.getMessage());
        ByteBuffer half = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5);
        Path frac = file("frac.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", half.array()));
        e = assertThrows(UserError.class, () -> MaskFile.read(frac, 1));
        assertTrue(e.getMessage().contains("mask value 0.5 at index 0"), e.getMessage());
        Path trunc = file("trunc.npy", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", new byte[6]));
        e = assertThrows(UserError.class, () -> MaskFile.read(trunc, 2));
        assertTrue(e.getMessage().contains("but its header needs"), e.getMessage());
        Path big = file("big.npy", npy("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", new byte[4]));
        e = assertThrows(UserError.class, () -> MaskFile.read(big, 1));
        assertTrue(e.getMessage().contains("mask dtype '>i4' is not supported"), e.getMessage());
        Path rank3 = file("r3.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 2), }", new byte[2]));
        e = assertThrows(UserError.class, () -> MaskFile.read(rank3, 2));
        assertTrue(e.getMessage().contains("must be (Nx, Ny) or (Npix,)"), e.getMessage());
        Path junk = file("junk.npy", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        e = assertThrows(UserError.class, () -> MaskFile.read(junk, 1));
        assertTrue(e.getMessage().contains("not a NumPy .npy file"), e.getMessage());
        Path raw = file("raw.byt", new byte[] {0, 1});
        e = assertThrows(UserError.class, () -> MaskFile.read(raw, 3));
        assertTrue(e.getMessage().contains("raw mask has 2 bytes but the detector has 3 pixels"), e.getMessage());
        Path rawBad = file("rawbad.bin", new byte[] {(byte) 255});
        e = assertThrows(UserError.class, () -> MaskFile.read(rawBad, 1));
        assertTrue(e.getMessage().contains("mask value 255 at pixel 0"), e.getMessage());
        Path txt = file("m.txt", new byte[1]);
        e = assertThrows(UserError.class, () -> MaskFile.read(txt, 1));
        assertTrue(e.getMessage().contains("unknown mask format"), e.getMessage());
        Path missing = dir.resolve("missing.npy");
        e = assertThrows(UserError.class, () -> MaskFile.read(missing, 1));
        assertTrue(e.getMessage().startsWith(missing + ": no such file"), e.getMessage());
    }
}
