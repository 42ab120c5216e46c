package org.diffract.emc;

/**
 * The numbers that steer EMC, independent of where they came from (config file, API call, test). Made
 * with {@link #builder()}; every field has the default a user of Dragonfly would expect.
 *
 * @param numDiv         600-cell refinement level n: 10(n + 5n^3) rotations
 * @param needScaling    fit a per-frame scale factor (fluence varies shot to shot)
 * @param beta           the annealing exponent per frame and iteration
 * @param symIcosahedral fold the sampling to the icosahedral asymmetric unit and symmetrize the model
 * @param threads        worker threads per rank
 * @param seed           seed of the random start model
 * @param mergeRule      how frames of different scale are averaged
 * @param probMin        kept-entry rule: a (rotation, frame) probability is kept when it is at least this
 *                       fraction of the frame's total (Dragonfly's PROB_MIN)
 */
public record EmcParams(
        int numDiv,
        boolean needScaling,
        BetaSchedule beta,
        boolean symIcosahedral,
        int threads,
        long seed,
        MergeRule mergeRule,
        double probMin) {

    /** Dragonfly's PROB_MIN: probabilities below this share of a frame are not kept. */
    public static final double PROB_MIN = 1e-6;
    /** The smallest probMin the compact probability store can hold (its offsets span e^-16). */
    public static final double PROB_MIN_LOWEST = 2e-7;

    public EmcParams {
        if (numDiv < 1) {
            throw new IllegalArgumentException("num_div must be >= 1");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        if (!(probMin >= PROB_MIN_LOWEST && probMin < 1)) {
            throw new IllegalArgumentException("probMin must be in [" + PROB_MIN_LOWEST + ", 1)");
        }
        if (beta == null || mergeRule == null) {
            throw new IllegalArgumentException("beta and mergeRule must be given");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to change some of them. */
    public Builder toBuilder() {
        return new Builder()
                .numDiv(numDiv)
                .needScaling(needScaling)
                .beta(beta)
                .symIcosahedral(symIcosahedral)
                .threads(threads)
                .seed(seed)
                .mergeRule(mergeRule)
                .probMin(probMin);
    }

    public EmcParams withThreads(int t) {
        return toBuilder().threads(t).build();
    }

    /** Named setters; defaults: num_div 4, no scaling, beta 1, no symmetry, 1 thread, seed 1. */
    public static final class Builder {
        private int numDiv = 4;
        private boolean needScaling;
        private BetaSchedule beta = BetaSchedule.CONSTANT_ONE;
        private boolean symIcosahedral;
        private int threads = 1;
        private long seed = 1;
        private MergeRule mergeRule = MergeRule.DEFAULT;
        private double probMin = PROB_MIN;

        private Builder() {}

        public Builder numDiv(int v) {
            numDiv = v;
            return this;
        }

        public Builder needScaling(boolean v) {
            needScaling = v;
            return this;
        }

        public Builder beta(BetaSchedule v) {
            beta = v;
            return this;
        }

        /** An absolute beta, multiplied by {@code jump} every {@code period} iterations (capped at 1). */
        public Builder beta(double start, double jump, int period) {
            beta = BetaSchedule.of(start, jump, period);
            return this;
        }

        public Builder symIcosahedral(boolean v) {
            symIcosahedral = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder mergeRule(MergeRule v) {
            mergeRule = v;
            return this;
        }

        public Builder probMin(double v) {
            probMin = v;
            return this;
        }

        public EmcParams build() {
            return new EmcParams(numDiv, needScaling, beta, symIcosahedral, threads, seed, mergeRule, probMin);
        }
    }
}
