package org.diffract.emc;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What carries from one EMC iteration to the next, and so what a checkpoint holds: the model, the
 * per-frame scale factors, each frame's most likely rotation (global index, -1 before the first
 * iteration) and the number of iterations done. Immutable: {@link EmcEngine#iterate} makes a new one.
 * The arrays are handed out as copies; the engine reads them in place through package access.
 */
public final class EmcState {
    private final int n;
    private final double[] model;
    private final double[] scale;
    private final int[] orientations;
    private final int iterationsDone;

    public EmcState(double[] model, int n, double[] scale, int[] orientations, int iterationsDone) {
        if (model.length != (long) n * n * n) {
            throw new IllegalArgumentException("model is not an n^3 cube");
        }
        if (orientations.length != scale.length) {
            throw new IllegalArgumentException("one orientation and one scale per frame");
        }
        this.n = n;
        this.model = model;
        this.scale = scale;
        this.orientations = orientations;
        this.iterationsDone = iterationsDone;
    }

    /** A start state: scale factors 1, no orientations yet. */
    public static EmcState start(double[] model, int n, int numFrames) {
        double[] scale = new double[numFrames];
        Arrays.fill(scale, 1.0);
        int[] orient = new int[numFrames];
        Arrays.fill(orient, -1);
        return new EmcState(model, n, scale, orient, 0);
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
        return start(model, n, data.numFrames);
    }

    public int n() {
        return n;
    }

    public int iterationsDone() {
        return iterationsDone;
    }

    public int numFrames() {
        return scale.length;
    }

    public double[] model() {
        return model.clone();
    }

    public double[] scale() {
        return scale.clone();
    }

    public int[] orientations() {
        return orientations.clone();
    }

    /** The same state with another model (e.g. a start model read from a file). */
    public EmcState withModel(double[] newModel) {
        return new EmcState(newModel, n, scale, orientations, iterationsDone);
    }

    double[] modelArray() {
        return model;
    }

    double[] scaleArray() {
        return scale;
    }

    int[] orientationArray() {
        return orientations;
    }
}
