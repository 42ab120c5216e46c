package org.diffract.emc;

import org.apache.commons.math3.distribution.PoissonDistribution;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MergeToolsTest {
    @Test
    void poissonLikelihoodMatchesTheDirectFormula() {
        double[] w = {0.5, 2.0, 3.5, 0.01, 7.0};
        int[] k = {0, 1, 4, 0, 9};
        double direct = 0;
        for (int t = 0; t < w.length; t++) {
            direct += new PoissonDistribution(
                            null, w[t], PoissonDistribution.DEFAULT_EPSILON, PoissonDistribution.DEFAULT_MAX_ITERATIONS)
                    .logProbability(k[t]);
        }
        assertEquals(direct, MergeTools.poissonLikelihood(w, k, 1.0), 1e-10);
        assertEquals(0.25 * direct, MergeTools.poissonLikelihood(w, k, 0.25), 1e-10);
        // hand value for one pixel: K=2, W=3: 2 ln 3 - 3 - ln 2
        assertEquals(
                2 * Math.log(3) - 3 - Math.log(2),
                MergeTools.poissonLikelihood(new double[] {3}, new int[] {2}, 1),
                1e-12);
    }

    @Test
    void probabilitiesAreNormalisedWithoutOverflow() {
        double[] p = MergeTools.probabilities(new double[] {-10000, -10000 + Math.log(3)});
        assertEquals(0.25, p[0], 1e-12);
        assertEquals(0.75, p[1], 1e-12);
    }

    @Test
    void maximizationIsTheWeightedMean() {
        int[][] frames = {{1, 0, 4}, {3, 2, 0}};
        double[] out = MergeTools.maximization(frames, new double[] {0.25, 0.75});
        assertEquals(2.5, out[0], 1e-12);
        assertEquals(1.5, out[1], 1e-12);
        assertEquals(1.0, out[2], 1e-12);
    }

    @Test
    void quaternionRowsCarryWeights() {
        double[][] q = MergeTools.quaternions(1);
        assertEquals(60, q.length);
        double s = 0;
        for (double[] row : q) {
            s += row[4];
            assertEquals(1.0, row[0] * row[0] + row[1] * row[1] + row[2] * row[2] + row[3] * row[3], 1e-12);
        }
        assertEquals(1.0, s, 1e-12);
    }
}
