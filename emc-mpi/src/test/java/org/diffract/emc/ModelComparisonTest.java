package org.diffract.emc;

import org.diffract.core.io.VolumeFile;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.emc.sim.DensityModel;
import org.diffract.emc.sim.IntensityModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** emc compare with a reference of another size that shares the centre voxel. */
class ModelComparisonTest {
    @Test
    void recentreKeepsTheCentreVoxel() {
        // a 3^3 cube (centre 1) into 5^3 (centre 2): voxel (x, y, z) moves to (x+1, y+1, z+1)
        double[] small = new double[27];
        for (int i = 0; i < 27; i++) {
            small[i] = i + 1;
        }
        double[] padded = ModelComparison.recentre(small, 3, 5);
        assertEquals(14, padded[(2 * 5 + 2) * 5 + 2], "centre to centre");
        assertEquals(1, padded[(1 * 5 + 1) * 5 + 1]);
        assertEquals(0, padded[0], "the new border is zero");
        double[] back = ModelComparison.recentre(padded, 5, 3);
        for (int i = 0; i < 27; i++) {
            assertEquals(small[i], back[i], "cropping undoes padding");
        }
        // even to odd, as Dragonfly's 211^3 (centre 105) and 213^3 (centre 106); 4^3 (centre 2) into 5^3
        double[] four = new double[64];
        four[(2 * 4 + 2) * 4 + 2] = 7;
        assertEquals(7, ModelComparison.recentre(four, 4, 5)[(2 * 5 + 2) * 5 + 2]);
    }

    @Test
    void aPaddedCopyOfTheModelCorrelatesPerfectly() {
        int n = 33;
        double[] intens = IntensityModel.fromDensity(DensityModel.randomAtoms(n, 12, 1.0, n / 8.0, 7), n);
        double[] smaller = ModelComparison.recentre(intens, n, n - 2);
        try (WorkerPool pool = new WorkerPool(2, "test")) {
            ModelComparison.Result r = ModelComparison.compare(
                    new VolumeFile.Cube(intens, n), new VolumeFile.Cube(smaller, n - 2), 5, 3, 14.0, pool);
            assertTrue(r.resized().contains("padded from 31^3 to 33^3"), r.resized());
            for (int s = 0; s < 5; s++) {
                if (r.judged()[s]) {
                    assertTrue(r.shells()[s] > 0.999, "shell " + s + ": " + r.shells()[s]);
                }
            }
            assertTrue(r.table().contains("lowest shell correlation"), r.table());
        }
    }
}
