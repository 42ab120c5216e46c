package org.diffract.refine.subtomo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench counts the coarse search's FFTs as the bound says: per orientation, one for the reference and one per particle. */
class SubtomoBenchTest {
    @Test
    void countsOneForwardPerOrientationAndOneInversePerParticle() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        SubtomoBench.Figures f = SubtomoBench.run(16, 3, 1, 45, 2, "none", 1, new PrintStream(text));
        int orientations = Orientations.grid(45, 45, SymmetryGroup.parse("c1")).size();
        assertEquals((long) orientations * (1 + 3), f.coarseFfts());
        assertTrue(f.fftSeconds() > 0 && f.coarseSeconds() > 0 && f.coarseCpuSeconds() > 0);
        assertTrue(text.toString().contains("measured / bound"), text.toString());
    }
}
