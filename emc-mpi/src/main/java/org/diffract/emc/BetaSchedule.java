package org.diffract.emc;

import java.util.Arrays;

/**
 * The deterministic-annealing exponent beta of each frame at each iteration, with Dragonfly's rules
 * (src/iterate.c calc_beta, src/recon_emc.c update_beta):
 * {@code beta_d(iter) = min(max, start_d * factor * jump^floor((iter - 1) / period))}.
 *
 * <p>{@code start_d} is either one absolute value for every frame (spipy's and Dragonfly's {@code beta = x})
 * or Dragonfly's automatic value {@code exp(-6.5 (count * 1e-5)^0.15)} ({@code beta = auto}): from each
 * frame's own photon count on orientation pixels when scale factors are fitted, else from the mean photon
 * count per frame over all pixels. Dragonfly caps beta at 1; {@code max} makes that cap a choice.
 *
 * @param start  absolute start value, or NaN for Dragonfly's automatic value
 * @param factor Dragonfly's beta_factor: a constant multiplier
 * @param jump   multiplier applied every {@code period} iterations (beta_schedule's first number)
 * @param period iterations per jump (beta_schedule's second number; 0 = never)
 * @param max    upper bound of beta (Dragonfly: 1)
 */
public record BetaSchedule(double start, double factor, double jump, int period, double max) {
    public static final BetaSchedule CONSTANT_ONE = new BetaSchedule(1, 1, 1, 0, 1);

    public BetaSchedule {
        if (!(start > 0) && !Double.isNaN(start) || Double.isInfinite(start)) {
            throw new IllegalArgumentException("beta must be > 0 (or automatic)");
        }
        if (!(factor > 0)
                || !(jump > 0)
                || !(max > 0)
                || period < 0
                || Double.isInfinite(factor)
                || Double.isInfinite(jump)) {
            throw new IllegalArgumentException("beta_factor, the schedule's factor and beta_max must be > 0");
        }
    }

    /** An absolute start value multiplied by {@code jump} every {@code period} iterations, capped at 1. */
    public static BetaSchedule of(double start, double jump, int period) {
        return new BetaSchedule(start, 1, jump, period, 1);
    }

    public boolean automatic() {
        return Double.isNaN(start);
    }

    /** Dragonfly's empirical start value for a frame (or mean) of {@code photons} photons. */
    public static double automaticStart(double photons) {
        return Math.exp(-6.5 * Math.pow(photons * 1e-5, 0.15));
    }

    /** Each frame's start value before factor and schedule. */
    public double[] startPerFrame(EmcData data, boolean needScaling) {
        double[] s = new double[data.numFrames];
        if (!automatic()) {
            Arrays.fill(s, start);
        } else if (!needScaling) {
            Arrays.fill(s, automaticStart(data.meanPhotons()));
        } else {
            for (int d = 0; d < s.length; d++) {
                s[d] = automaticStart(data.orientPhotons[d]);
            }
        }
        return s;
    }

    /** The multiplier of the start value at 1-based iteration {@code iter}. */
    public double multiplier(int iter) {
        double m = factor;
        if (period > 0) {
            m *= Math.pow(jump, (iter - 1) / period);
        }
        return m;
    }

    /** beta of one frame at {@code iter}. */
    public double at(int iter, double frameStart) {
        return Math.min(max, frameStart * multiplier(iter));
    }

    /** beta of every frame at {@code iter}, into {@code out}; returns their mean (Dragonfly's log column). */
    public double fill(int iter, double[] frameStart, double[] out) {
        double m = multiplier(iter);
        double sum = 0;
        for (int d = 0; d < out.length; d++) {
            out[d] = Math.min(max, frameStart[d] * m);
            sum += out[d];
        }
        return out.length == 0 ? 0 : sum / out.length;
    }
}
