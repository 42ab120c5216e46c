package org.diffract.core.volume;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrilinearTest {
    @Test
    void exactOnLinearFunctionsIncludingTheFarFacesAndNaNOutside() {
        int n = 5;
        double[] vol = new double[n * n * n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    vol[(x * n + y) * n + z] = 2 * x - y + 0.5 * z + 1;
                }
            }
        }
        assertEquals(2 * 1.25 - 3.5 + 0.5 * 0.75 + 1, Trilinear.sample(vol, n, 1.25, 3.5, 0.75), 1e-12);
        assertEquals(2 * 4 - 4 + 0.5 * 4 + 1, Trilinear.sample(vol, n, 4, 4, 4), 1e-12);
        assertEquals(1.0, Trilinear.sample(vol, n, 0, 0, 0), 1e-12);
        assertTrue(Double.isNaN(Trilinear.sample(vol, n, 4.0001, 1, 1)));
        assertTrue(Double.isNaN(Trilinear.sample(vol, n, 1, -0.001, 1)));
        assertTrue(Double.isNaN(Trilinear.sample(vol, n, 1, 1, Double.NaN)));
    }

    @Test
    void interpolatesTheEightCornersOfACell() {
        int n = 2;
        double[] vol = {1, 2, 3, 4, 5, 6, 7, 8}; // v(x,y,z) = 1 + 4x + 2y + z
        // At (0.5, 0.5, 0.5) the mean of the corners.
        assertEquals(4.5, Trilinear.sample(vol, n, 0.5, 0.5, 0.5), 1e-12);
        // Bilinear corner product: v = 1 + 4*0.25 + 2*0.5 + 0.75 for a linear function.
        assertEquals(3.75, Trilinear.sample(vol, n, 0.25, 0.5, 0.75), 1e-12);
        // A single corner (1,1,1) set: the weight is the product fx * fy * fz.
        double[] corner = {0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals(0.25 * 0.5 * 0.75, Trilinear.sample(corner, n, 0.25, 0.5, 0.75), 1e-15);
    }
}
