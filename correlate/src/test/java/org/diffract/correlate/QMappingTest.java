package org.diffract.correlate;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QMappingTest {
    @Test
    void matchesHandValues() {
        // 100 px of 110 um at 50 mm: tan 2t = 0.22, 2t = 0.2165503 rad, sin t = 0.1080638, q = 4 pi 0.1080638 / 1 A
        assertEquals(1.3579687, new QMapping(0.00011, 0.05, 1.0).pix2invang(100), 1e-6);
        // 250 px of 100 um at 51 mm, 1.41 A: tan 2t = 0.490196, 2t = 0.455737 rad, sin t = 0.225922
        assertEquals(2.0134671, new QMapping(0.0001, 0.051, 1.41).pix2invang(250), 1e-6);
        assertEquals(0, new QMapping(0.0001, 0.051, 1.41).pix2invang(0), 0);
    }

    @Test
    void inverseRoundTrips() {
        QMapping m = new QMapping(0.0001, 0.051, 1.41);
        for (double r : new double[] {0.5, 10, 123.4, 800}) {
            assertEquals(r, m.invang2pix(m.pix2invang(r)), 1e-9 * r);
        }
    }

    @Test
    void refusesUnreachableQAndBadGeometry() {
        UserError e = assertThrows(UserError.class, () -> new QMapping(0.0001, 0.05, 1.0).invang2pix(20));
        assertTrue(e.getMessage().contains("qmin/qmax"), e.getMessage());
        assertThrows(UserError.class, () -> new QMapping(0, 0.05, 1.0));
    }
}
