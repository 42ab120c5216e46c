package org.diffract.emc.sim;

import java.util.SplittableRandom;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoissonSamplerTest {

    @Test
    void meanAndVarianceMatchLambda() {
        SplittableRandom rng = new SplittableRandom(7);
        int draws = 400_000;
        for (double lambda : new double[] {0.01, 0.5, 3, 30, 300}) {
            double sum = 0, sum2 = 0;
            for (int i = 0; i < draws; i++) {
                int k = PoissonSampler.sample(rng, lambda);
                sum += k;
                sum2 += (double) k * k;
            }
            double mean = sum / draws;
            double var = sum2 / draws - mean * mean;
            // standard errors: sqrt(lambda / N) for the mean, sqrt((lambda + 2 lambda^2) / N) for the variance
            double seMean = Math.sqrt(lambda / draws);
            double seVar = Math.sqrt((lambda + 2 * lambda * lambda) / draws);
            assertEquals(lambda, mean, 5 * seMean, "mean at lambda " + lambda);
            assertEquals(lambda, var, 5 * seVar, "variance at lambda " + lambda);
        }
    }

    @Test
    void histogramFollowsThePoissonLaw() {
        // chi-square against commons-math3's pmf, on both sides of the inversion / PTRS switch
        SplittableRandom rng = new SplittableRandom(11);
        for (double lambda : new double[] {3, 9.5, 10, 30, 300}) {
            int draws = 200_000;
            int max = (int) (lambda + 12 * Math.sqrt(lambda) + 20);
            long[] hist = new long[max + 1];
            for (int i = 0; i < draws; i++) {
                hist[Math.min(max, PoissonSampler.sample(rng, lambda))]++;
            }
            PoissonDistribution pd = new PoissonDistribution(lambda);
            double chi2 = 0;
            int bins = 0;
            double expAcc = 0, obsAcc = 0;
            for (int k = 0; k <= max; k++) {
                // pool neighbouring bins until each expects at least 20 counts
                expAcc += draws * (k == max ? 1 - pd.cumulativeProbability(max - 1) : pd.probability(k));
                obsAcc += hist[k];
                if (expAcc >= 20 || k == max) {
                    chi2 += (obsAcc - expAcc) * (obsAcc - expAcc) / Math.max(expAcc, 1e-300);
                    bins++;
                    expAcc = 0;
                    obsAcc = 0;
                }
            }
            double p = 1 - new ChiSquaredDistribution(bins - 1).cumulativeProbability(chi2);
            assertTrue(p > 1e-4, "lambda " + lambda + ": chi2 " + chi2 + " on " + (bins - 1) + " dof, p " + p);
        }
    }

    @Test
    void nonPositiveLambdaGivesZero() {
        SplittableRandom rng = new SplittableRandom(1);
        assertEquals(0, PoissonSampler.sample(rng, 0));
        assertEquals(0, PoissonSampler.sample(rng, -2));
        assertEquals(0, PoissonSampler.sample(rng, Double.NaN));
    }

    @Test
    void logFactorialAgreesWithLogGamma() {
        for (long k : new long[] {0, 1, 5, 255, 256, 1000, 123456}) {
            assertEquals(Gamma.logGamma(k + 1.0), PoissonSampler.logFactorial(k), 1e-9 * Math.max(1, k));
        }
    }
}
