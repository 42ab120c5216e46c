package org.diffract.correlate;

import java.util.Arrays;
import java.util.Random;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingFitterTest {
    private static double[] ring(int nx, int ny, double cx, double cy, double rx, double ry, double sigma, long seed) {
        Random rnd = new Random(seed);
        double[] img = new double[nx * ny];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                double s = Math.hypot((x - cx) / rx, (y - cy) / ry);
                double d = (s - 1) * Math.sqrt(rx * ry);
                img[y * nx + x] = 2 + 50 * Math.exp(-d * d / (2 * sigma * sigma)) + rnd.nextGaussian() * 0.5;
            }
        }
        return img;
    }

    @Test
    void circleCentreWithinATenthOfAPixelFromAnOffGuess() {
        int nx = 80;
        int ny = 70;
        double[] img = ring(nx, ny, 41.37, 33.62, 24.3, 24.3, 1.5, 1);
        // hot pixels on the ring that drop_brightest must remove
        img[33 * nx + 41 + 24] = 5000;
        img[(33 + 24) * nx + 41] = 4000;
        RingFit f = RingFitter.fit(img, null, nx, ny, 43.0, 32.0, 23.0, 6, 5, false);
        assertEquals(41.37, f.xCenter(), 0.1);
        assertEquals(33.62, f.yCenter(), 0.1);
        assertEquals(24.3, f.radius(), 0.1);
        assertTrue(f.residual() > 0 && f.residual() < 3, "residual " + f.residual());
    }

    @Test
    void hotPixelsPullTheFitWhenNotDropped() {
        int nx = 80;
        int ny = 70;
        double[] img = ring(nx, ny, 41.37, 33.62, 24.3, 24.3, 1.5, 2);
        for (int i = 0; i < 4; i++) {
            img[(33 + i) * nx + 41 + 28] = 1e5;
        }
        RingFit kept = RingFitter.fit(img, null, nx, ny, 41.4, 33.6, 24.3, 6, 0, false);
        RingFit dropped = RingFitter.fit(img, null, nx, ny, 41.4, 33.6, 24.3, 6, 8, false);
        assertTrue(Math.abs(kept.xCenter() - 41.37) > 0.3, "hot pixels should bias the undropped fit");
        assertEquals(41.37, dropped.xCenter(), 0.1);
    }

    @Test
    void maskedPixelsAreIgnored() {
        int nx = 80;
        int ny = 70;
        double[] img = ring(nx, ny, 40.2, 35.1, 22.0, 22.0, 1.5, 3);
        byte[] mask = new byte[nx * ny];
        Arrays.fill(mask, (byte) 1);
        for (int y = 0; y < ny; y++) {
            for (int x = 50; x < 56; x++) {
                img[y * nx + x] = 1e4; // a bright panel edge, masked
                mask[y * nx + x] = 0;
            }
        }
        RingFit f = RingFitter.fit(img, mask, nx, ny, 41, 34, 23, 6, 0, false);
        assertEquals(40.2, f.xCenter(), 0.1);
        assertEquals(35.1, f.yCenter(), 0.1);
    }

    @Test
    void ellipseAxes() {
        int nx = 90;
        int ny = 80;
        double[] img = ring(nx, ny, 44.5, 39.3, 26.0, 22.0, 1.5, 4);
        RingFit f = RingFitter.fit(img, null, nx, ny, 45, 40, 24, 6, 0, true);
        assertEquals(44.5, f.xCenter(), 0.1);
        assertEquals(39.3, f.yCenter(), 0.1);
        assertEquals(26.0, f.radiusX(), 0.2);
        assertEquals(22.0, f.radiusY(), 0.2);
    }

    @Test
    void guessFarFromAnyRingIsAUserError() {
        double[] img = new double[40 * 40];
        UserError e = assertThrows(UserError.class, () -> RingFitter.fit(img, null, 40, 40, 500, 500, 10, 3, 0, false));
        assertTrue(e.getMessage().contains("guess"), e.getMessage());
    }
}
