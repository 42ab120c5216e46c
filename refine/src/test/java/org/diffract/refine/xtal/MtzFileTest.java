package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MtzFileTest {
    @TempDir
    Path dir;

    private static Reflections sample() {
        return new Reflections(
                new int[] {1, 0, 3, 2},
                new int[] {2, 0, 1, 2},
                new int[] {3, 4, 0, 2},
                new double[] {123.25, 4567.5, Double.NaN, -12.5},
                new double[] {1.5, 20.25, Double.NaN, 3.0},
                new int[] {3, 4, 0, 1});
    }

    @Test
    void roundTripsThroughOurReader() {
        Path f = dir.resolve("a.mtz");
        UnitCell cell = new UnitCell(40, 40, 60, 90, 90, 90);
        MtzFile.write(f, sample(), cell, SpaceGroups.find("P 43 21 2"), 1.3);
        MtzFile.Content c = MtzFile.read(f);
        assertEquals(3, c.reflections().size()); // the NaN reflection is not written
        assertEquals(-12.5, c.reflections().intensity()[2], 0);
        assertEquals(20.25, c.reflections().sigma()[1], 0);
        assertEquals(cell, c.cell());
        assertEquals("P 43 21 2", c.spaceGroup());
    }

    @Test
    void gemmiReadsTheSameValuesCellAndSpaceGroup() throws Exception {
        Path f = dir.resolve("b.mtz");
        MtzFile.write(f, sample(), new UnitCell(40, 41, 60, 90, 95.5, 90), SpaceGroups.find("C 1 2 1"), 1.3);
        String out = Python.require("gemmi", "numpy").run("""
                import sys, gemmi
                m = gemmi.read_mtz_file(sys.argv[1])
                print(m.spacegroup.hm, m.spacegroup.number, m.nsymop)
                print('%.3f %.3f %.3f %.3f' % (m.cell.a, m.cell.b, m.cell.c, m.cell.beta))
                print(' '.join(c.label + ':' + c.type for c in m.columns))
                import numpy
                for row in numpy.array(m, copy=False):
                    print(' '.join('%g' % v for v in row))
                print(m.datasets[1].wavelength)
                """, f.toString());
        String[] lines = out.split("\n");
        assertEquals("C 1 2 1 5 4", lines[0]);
        assertEquals("40.000 41.000 60.000 95.500", lines[1]);
        assertEquals("H:H K:H L:H IMEAN:J SIGIMEAN:Q", lines[2]);
        assertEquals("1 2 3 123.25 1.5", lines[3]);
        assertEquals("0 0 4 4567.5 20.25", lines[4]);
        assertEquals("2 2 2 -12.5 3", lines[5]);
        assertEquals(1.3, Double.parseDouble(lines[6]), 1e-5);
    }

    @Test
    void truncatedMtzIsUserError() throws Exception {
        Path f = dir.resolve("c.mtz");
        MtzFile.write(f, sample(), new UnitCell(40, 40, 60, 90, 90, 90), SpaceGroups.find("P 1"), 1.0);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, 90));
        UserError e = assertThrows(UserError.class, () -> MtzFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage()); // the whole path, as every stage names files
    }

    @Test
    void hklRoundTrip() {
        Path f = dir.resolve("a.hkl");
        CrystfelHkl.write(f, "4/mmm", sample());
        Reflections r = CrystfelHkl.read(f);
        assertEquals(3, r.size());
        assertEquals(4567.5, r.intensity()[1], 0.005);
        assertEquals(3.0, r.sigma()[2], 0.005);
        assertEquals(4, r.nmeas()[1]);
    }
}
