package org.diffract.emc;

/**
 * The numbers that steer EMC, independent of where they came from (config file, API call, test).
 *
 * @param numDiv        600-cell refinement level n: 10(n + 5n^3) rotations
 * @param needScaling   fit a per-frame scale factor (fluence varies shot to shot)
 * @param beta          deterministic-annealing exponent at iteration 1
 * @param betaFactor    beta is multiplied by this ...
 * @param betaEvery     ... every this many iterations (0: never)
 * @param symIcosahedral fold the sampling to the icosahedral asymmetric unit and symmetrize the model
 * @param threads       worker threads per rank
 * @param seed          seed of the random start model
 */
public record EmcParams(int numDiv, boolean needScaling, double beta, double betaFactor, int betaEvery,
                        boolean symIcosahedral, int threads, long seed) {

    /** Probabilities below this are skipped when merging, as Dragonfly does; their share is negligible. */
    public static final double PROB_MIN = 1e-6;

    public EmcParams {
        if (numDiv < 1) {
            throw new IllegalArgumentException("num_div must be >= 1");
        }
        if (!(beta > 0) || !(betaFactor > 0)) {
            throw new IllegalArgumentException("beta and its schedule factor must be > 0");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
    }

    /** beta at 1-based iteration {@code iter}: beta * factor^floor((iter-1)/every). */
    public double betaAt(int iter) {
        if (betaEvery <= 0) {
            return beta;
        }
        return beta * Math.pow(betaFactor, (iter - 1) / betaEvery);
    }

    public EmcParams withThreads(int t) {
        return new EmcParams(numDiv, needScaling, beta, betaFactor, betaEvery, symIcosahedral, t, seed);
    }
}
