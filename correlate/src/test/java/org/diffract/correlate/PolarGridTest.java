package org.diffract.correlate;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PolarGridTest {
    private static final int NX = 50;
    private static final int NY = 40;

    private static double[] linear() {
        double[] img = new double[NX * NY];
        for (int y = 0; y < NY; y++) {
            for (int x = 0; x < NX; x++) {
                img[y * NX + x] = 1 + 2 * x + 3 * y;
            }
        }
        return img;
    }

    @Test
    void bilinearIsExactOnALinearImage() {
        double xc = 24.3;
        double yc = 19.7;
        PolarGrid g = new PolarGrid(NX, NY, null, xc, yc, 5.5, 10, 64, PolarGrid.Interpolation.BILINEAR);
        double[] out = new double[10 * 64];
        g.resample(linear(), out, 0);
        for (int k = 0; k < 10; k++) {
            for (int j = 0; j < 64; j++) {
                double phi = 2 * Math.PI * j / 64;
                double r = 5.5 + k;
                double expect = 1 + 2 * (xc + r * Math.cos(phi)) + 3 * (yc + r * Math.sin(phi));
                assertEquals(1, g.mask()[k * 64 + j]);
                assertEquals(expect, out[k * 64 + j], 1e-9);
            }
        }
    }

    @Test
    void nearestTakesTheClosestPixel() {
        PolarGrid g = new PolarGrid(NX, NY, null, 20.2, 15.9, 3, 1, 4, PolarGrid.Interpolation.NEAREST);
        double[] out = new double[4];
        g.resample(linear(), out, 0);
        // phi = 0, pi/2, pi, 3pi/2 at r = 3: (23.2, 15.9) -> (23, 16); (20.2, 18.9) -> (20, 19); ...
        assertEquals(1 + 2 * 23 + 3 * 16, out[0], 0);
        assertEquals(1 + 2 * 20 + 3 * 19, out[1], 0);
        assertEquals(1 + 2 * 17 + 3 * 16, out[2], 0);
        assertEquals(1 + 2 * 20 + 3 * 13, out[3], 0);
    }

    @Test
    void maskFollowsBadPixelsAndTheDetectorEdge() {
        byte[] det = new byte[NX * NY];
        Arrays.fill(det, (byte) 1);
        det[20 * NX + 30] = 0; // on the ring r = 6 at phi = 0 around (24, 20)
        PolarGrid bil = new PolarGrid(NX, NY, det, 24, 20, 6, 1, 8, PolarGrid.Interpolation.BILINEAR);
        PolarGrid near = new PolarGrid(NX, NY, det, 24, 20, 6, 1, 8, PolarGrid.Interpolation.NEAREST);
        assertEquals(0, bil.mask()[0]);
        assertEquals(0, near.mask()[0]);
        assertEquals(1, bil.mask()[2]);
        // a ring of radius 30 leaves the 50 x 40 detector above and below
        PolarGrid big = new PolarGrid(NX, NY, null, 24, 20, 30, 1, 4, PolarGrid.Interpolation.BILINEAR);
        assertEquals(0, big.mask()[1]);
        assertEquals(0, big.mask()[3]);
        double[] out = new double[4];
        big.resample(linear(), out, 0);
        assertEquals(0, out[1], 0);
    }

    @Test
    void ringsNormaliseToUnitMeanOverGoodSamples() {
        double[] p = {2, 4, 6, 100, 1, 1, 1, 1};
        byte[] m = {1, 1, 1, 0, 1, 1, 1, 1};
        PolarGrid.normalizeRings(p, 0, m, 2, 4);
        assertEquals(0.5, p[0], 1e-12);
        assertEquals(1.0, p[1], 1e-12);
        assertEquals(1.5, p[2], 1e-12);
        assertEquals(0, p[3], 0);
        assertEquals(1, p[5], 1e-12);
    }
}
