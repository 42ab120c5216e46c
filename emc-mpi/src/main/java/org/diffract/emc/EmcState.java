package org.diffract.emc;

import java.util.SplittableRandom;

/**
 * What carries from one EMC iteration to the next, and so what a checkpoint holds: the model, the
 * per-frame scale factors and the number of iterations done.
 */
public final class EmcState {
    public final int n;
    public double[] model;
    public double[] scale;
    public int iterationsDone;

    public EmcState(double[] model, int n, double[] scale, int iterationsDone) {
        if (model.length != (long) n * n * n) {
            throw new IllegalArgumentException("model is not an n^3 cube");
        }
        this.n = n;
        this.model = model;
        this.scale = scale;
        this.iterationsDone = iterationsDone;
    }

    /**
     * Dragonfly's start: uniform random voxels with a mean chosen so that a slice predicts about the mean
     * photon count per orientation pixel; scale factors 1. Same seed, same model on every rank.
     */
    public static EmcState random(EmcData data, int n, long seed) {
        double corrSum = 0;
        int good = 0;
        for (int t = 0; t < data.detector.numPix(); t++) {
            if (data.detector.mask(t) == 0) {
                corrSum += data.detector.corr(t);
                good++;
            }
        }
        double mean = good == 0 || corrSum <= 0 ? 1 : data.meanOrientPhotons() / corrSum;
        if (!(mean > 0)) {
            mean = 1e-3;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] model = new double[n * n * n];
        for (int i = 0; i < model.length; i++) {
            model[i] = 2 * mean * rng.nextDouble();
        }
        double[] scale = new double[data.numFrames];
        java.util.Arrays.fill(scale, 1.0);
        return new EmcState(model, n, scale, 0);
    }
}
