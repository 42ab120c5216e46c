package org.diffract.refine.xtal;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MergeStatisticsTest {
    /**
     * Four unique reflections in one shell, hand-computed. Observations (I, sigma, half):
     * u0: (10, 1, 0), (12, 1, 1) -> merged 11, sigma 1/sqrt2, halves 10 / 12
     * u1: (20, 2, 0), (18, 2, 1), (22, 2, 1) -> merged 20, halves 20 / 20
     * u2: (30, 1, 0), (34, 1, 1) -> halves 30 / 34
     * u3: unobserved
     * completeness 3/4, multiplicity 7/3, CC1/2 of (10,20,30) with (12,20,34),
     * Rsplit = (2 + 0 + 4) / (0.5 * (22 + 40 + 64)) / sqrt 2.
     */
    @Test
    void handComputedShell() {
        HklIndex index = new HklIndex(new Asu(SpaceGroups.find("P 1")), new UnitCell(10, 10, 10, 90, 90, 90), 7.5, 20);
        assertEquals(3, index.size()); // (1,0,0), (0,1,0), (0,0,1) with their Friedel mates
        index = new HklIndex(new Asu(SpaceGroups.find("P 1")), new UnitCell(10, 10, 10, 90, 90, 90), 7.0, 20);
        // |h| = 1: 3 unique; |h| = sqrt2 (d = 7.07): 6 unique -> 9 in all
        assertEquals(9, index.size());
        MergeSums s = new MergeSums(index.size());
        s.add(0, 10, 1, 0);
        s.add(0, 12, 1, 1);
        s.add(1, 20, 2, 0);
        s.add(1, 18, 2, 1);
        s.add(1, 22, 2, 1);
        s.add(2, 30, 1, 0);
        s.add(2, 34, 1, 1);
        assertEquals(11, s.intensity(0), 1e-12);
        assertEquals(1 / Math.sqrt(2), s.sigma(0), 1e-12);
        assertEquals(20, s.intensity(1), 1e-12);
        assertEquals(20, s.halfIntensity(1, 1), 1e-12);
        List<MergeStatistics.Shell> shells =
                MergeStatistics.compute(index, s, new double[] {11, 20, 32, 1, 1, 1, 1, 1, 1}, 1);
        MergeStatistics.Shell all = shells.get(1);
        assertEquals(index.size(), all.possible());
        assertEquals(3, all.observed());
        assertEquals(3.0 / index.size(), all.completeness(), 1e-12);
        assertEquals(7.0 / 3, all.multiplicity(), 1e-12);
        double meanIsig =
                (11 / (1 / Math.sqrt(2)) + 20 / (1 / Math.sqrt(1 / 4.0 + 1 / 4.0 + 1 / 4.0)) + 32 / (1 / Math.sqrt(2)))
                        / 3;
        assertEquals(meanIsig, all.meanIOverSigma(), 1e-9);
        assertEquals(pearson(new double[] {10, 20, 30}, new double[] {12, 20, 34}), all.cc12(), 1e-12);
        assertEquals(6 / (0.5 * 126) / Math.sqrt(2), all.rsplit(), 1e-12);
        // merged (11, 20, 32) against reference (11, 20, 32): perfect CCiso
        assertEquals(1.0, all.ccIso(), 1e-12);
        assertEquals(3, all.nPairs());
    }

    private static double pearson(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void shellsSplitThePossibleReflectionsEvenly() {
        HklIndex index =
                new HklIndex(new Asu(SpaceGroups.find("P 21 21 21")), new UnitCell(30, 40, 50, 90, 90, 90), 3, 50);
        MergeSums s = new MergeSums(index.size());
        List<MergeStatistics.Shell> shells = MergeStatistics.compute(index, s, null, 5);
        assertEquals(6, shells.size());
        int total = 0;
        for (int b = 0; b < 5; b++) {
            total += shells.get(b).possible();
            assertEquals(index.size() / 5.0, shells.get(b).possible(), 1.0);
            if (b > 0) {
                assertEquals(true, shells.get(b).dMax() <= shells.get(b - 1).dMin());
            }
        }
        assertEquals(index.size(), total);
        assertEquals(0, shells.get(5).observed());
    }
}
