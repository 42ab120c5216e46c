package org.diffract.core.geometry;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorGeometryTest {

    @Test
    void cornerPixelMatchesHandComputation() {
        // 5 x 5 pixels of 1 mm at 10 mm: D = 10 px, centre (2, 2); pixel (0, 0) is at x = y = -2,
        // norm = sqrt(108). Numbers from a desk calculation with s = 1 / (20 sin(atan(0.1) / 2)).
        Detector det = DetectorGeometry.make(DetectorGeometry.Params.square(10, 1, 5, 1, 0, "x"));
        assertEquals(25, det.numPix());
        assertEquals(-1.9316983326481696, det.qx(0), 1e-13);
        assertEquals(-1.9316983326481696, det.qy(0), 1e-13);
        assertEquals(-0.3789073078873, det.qz(0), 1e-13);
        assertEquals(0.008579736510591147, det.corr(0), 1e-16);
        assertEquals(10, det.detd(), 0);
        assertEquals(10, det.ewaldRad(), 0);
        assertEquals(5, det.nx());
        assertEquals(5, det.ny());
    }

    @Test
    void centrePixelHasZeroQAndLargestCorrection() {
        Detector det = DetectorGeometry.make(DetectorGeometry.Params.square(10, 1, 5, 1, 0, "none"));
        int centre = 2 * 5 + 2;
        assertEquals(0, det.qx(centre), 0);
        assertEquals(0, det.qy(centre), 0);
        assertEquals(0, det.qz(centre), 0);
        // 1 / D^2 at normal incidence, no polarization loss.
        assertEquals(0.01, det.corr(centre), 1e-15);
        for (int t = 0; t < det.numPix(); t++) {
            assertTrue(det.corr(t) <= det.corr(centre));
        }
    }

    @Test
    void explicitEwaldRadiusScalesQ() {
        Detector a = DetectorGeometry.make(DetectorGeometry.Params.square(10, 1, 5, 1, 0, "x"));
        Detector b =
                DetectorGeometry.make(new DetectorGeometry.Params(10, 1, 5, 5, 1, 0, "x", 25, Double.NaN, Double.NaN));
        for (int t = 0; t < 25; t++) {
            assertEquals(2.5 * a.qx(t), b.qx(t), 1e-12);
            assertEquals(2.5 * a.qz(t), b.qz(t), 1e-12);
        }
        assertEquals(25, b.ewaldRad(), 0);
        assertEquals(10, b.detd(), 0);
    }

    @Test
    void maskCountsOfRectangularDetector() {
        // 7 x 6 pixels, centre (3, 2.5), inscribed radius 2.5, stop radius 1.5: counted by hand
        // (r < 1.5 -> 2, r > 2.5 -> 1) as 16 good, 20 merge-only, 6 unused.
        Detector det = DetectorGeometry.make(
                new DetectorGeometry.Params(100, 2, 7, 6, 1, 1.5, "y", Double.NaN, Double.NaN, Double.NaN));
        int[] counts = new int[3];
        for (byte m : det.copyMask()) {
            counts[m]++;
        }
        assertArrayEquals(new int[] {16, 20, 6}, counts);
        // pixel (3, 2) is at (0, -0.5): inside the stop; pixel (0, 0) at (-3, -2.5): outside the circle
        assertEquals(Detector.MASK_UNUSED, det.mask(3 * 6 + 2));
        assertEquals(Detector.MASK_MERGE_ONLY, det.mask(0));
    }

    @Test
    void correctionHasTheSymmetryOfThePolarization() {
        int n = 9;
        Detector x = DetectorGeometry.make(DetectorGeometry.Params.square(50, 1, n, 1, 0, "x"));
        Detector y = DetectorGeometry.make(DetectorGeometry.Params.square(50, 1, n, 1, 0, "y"));
        Detector none = DetectorGeometry.make(DetectorGeometry.Params.square(50, 1, n, 1, 0, "none"));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int t = i * n + j;
                // mirror in x and in y leave every factor unchanged
                assertEquals(x.corr(t), x.corr((n - 1 - i) * n + j), 1e-18);
                assertEquals(x.corr(t), x.corr(i * n + (n - 1 - j)), 1e-18);
                // swapping the axes turns x polarization into y polarization
                assertEquals(x.corr(t), y.corr(j * n + i), 1e-18);
                // unpolarized is the mean of the two
                assertEquals(0.5 * (x.corr(t) + y.corr(t)), none.corr(t), 1e-18);
            }
        }
        // x polarization loses more along x than along y at equal distance
        assertTrue(x.corr(0 * n + 4) < x.corr(4 * n + 0));
    }

    @Test
    void agreesWithDragonflyDetectorOfTheReferenceDataSet() {
        // Values read once from Dragonfly's det_sim.h5 (detd 300 mm, pixsize 0.512 mm, 150 x 150,
        // stoprad 10, polarization x): copied here so the test does not need the shared data.
        Detector det = DetectorGeometry.make(DetectorGeometry.Params.square(300, 6.2, 150, 0.512, 10, "x"));
        assertEquals(585.9375, det.detd(), 1e-12);
        assertEquals(585.9375, det.ewaldRad(), 1e-12);
        assertEquals(-73.32413302322892, det.qx(0), 1e-11);
        assertEquals(-9.248754854552846, det.qz(0), 1e-11);
        assertEquals(2.7334626072510633E-6, det.corr(0), 1e-20);
        assertEquals(-73.33944715883408, det.qx(1), 1e-11);
        assertEquals(-72.35502504931952, det.qy(1), 1e-11);
        assertEquals(-9.128310205812653, det.qz(1), 1e-11);
        assertEquals(2.7351574814241538E-6, det.corr(1), 1e-20);
        assertEquals(2.736318290952339E-6, det.corr(150), 1e-20);
        assertEquals(0.5000001820440136, det.qx(11325), 1e-13);
        assertEquals(-4.2666666664535743E-4, det.qz(11325), 1e-15);
        assertEquals(2.9127026272444E-6, det.corr(11325), 1e-20);
        int[] counts = new int[3];
        for (byte m : det.copyMask()) {
            counts[m]++;
        }
        assertArrayEquals(new int[] {17104, 5080, 316}, counts);
    }

    @Test
    void voxelSizeFromWavelength() {
        // q_sep = 2 sin(atan(p/d)/2) / lambda
        double expected = 2 * Math.sin(0.5 * Math.atan(0.512 / 300)) / 6.2;
        assertEquals(
                expected,
                DetectorGeometry.voxelSizeInvA(DetectorGeometry.Params.square(300, 6.2, 150, 0.512, 10, "x")),
                1e-15);
    }

    @Test
    void badParametersAreUserErrors() {
        assertThrows(UserError.class, () -> DetectorGeometry.make(DetectorGeometry.Params.square(-1, 1, 5, 1, 0, "x")));
        assertThrows(UserError.class, () -> DetectorGeometry.make(DetectorGeometry.Params.square(10, 0, 5, 1, 0, "x")));
        assertThrows(UserError.class, () -> DetectorGeometry.make(DetectorGeometry.Params.square(10, 1, 0, 1, 0, "x")));
        assertThrows(
                UserError.class,
                () -> DetectorGeometry.make(DetectorGeometry.Params.square(10, 1, 5, Double.NaN, 0, "x")));
        assertThrows(
                UserError.class, () -> DetectorGeometry.make(DetectorGeometry.Params.square(10, 1, 5, 1, -2, "x")));
        UserError e = assertThrows(
                UserError.class, () -> DetectorGeometry.make(DetectorGeometry.Params.square(10, 1, 5, 1, 0, "z")));
        assertTrue(e.getMessage().contains("x, y or none"));
        assertThrows(
                UserError.class,
                () -> DetectorGeometry.make(
                        new DetectorGeometry.Params(10, 1, 5, 5, 1, 0, "x", -3, Double.NaN, Double.NaN)));
    }
}
