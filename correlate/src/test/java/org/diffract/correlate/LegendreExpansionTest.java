package org.diffract.correlate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LegendreExpansionTest {
    @Test
    void recoversKnownCoefficients() {
        int nphi = 72;
        double wavelen = 1.4;
        double q1 = 1.2;
        double q2 = 1.9;
        double t1 = Math.asin(q1 * wavelen / (4 * Math.PI));
        double t2 = Math.asin(q2 * wavelen / (4 * Math.PI));
        double[] c = new double[nphi];
        for (int d = 0; d < nphi; d++) {
            double x = Math.sin(t1) * Math.sin(t2) + Math.cos(t1) * Math.cos(t2) * Math.cos(2 * Math.PI * d / nphi);
            // 0.3 + 2 P2(x) - 0.5 P4(x), written out by hand
            double p2 = (3 * x * x - 1) / 2;
            double p4 = (35 * x * x * x * x - 30 * x * x + 3) / 8;
            c[d] = 0.3 + 2 * p2 - 0.5 * p4;
        }
        c[5] = Double.NaN; // an undefined lag is left out of the fit
        double[] b = LegendreExpansion.fit(c, q1, q2, wavelen, 6);
        assertEquals(4, b.length);
        assertEquals(0.3, b[0], 1e-9);
        assertEquals(2, b[1], 1e-9);
        assertEquals(-0.5, b[2], 1e-9);
        assertEquals(0, b[3], 1e-9);
    }
}
