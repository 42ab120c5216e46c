package org.diffract.correlate;

import java.nio.file.Path;
import java.util.Random;

import org.diffract.core.io.H5Writer;

/**
 * Test shots with known truth: a Gaussian ring of known centre and radius on a flat background, whose
 * intensity is modulated as 1 + a cos(n phi + theta) with a random theta per shot, so the difference
 * correlation of any pair is a^2 cos(n dphi) in expectation (peaks at multiples of 2 pi / n). Written in
 * the SACLA run layout or as a plain (N, H, W) stack. Reused by launch's integration tests.
 */
public final class SyntheticShots {
    public final int width;
    public final int height;
    public final double xCenter;
    public final double yCenter;
    public final double radius;
    public final double sigma;
    public final int fold;
    public final double amplitude;
    public final double[][] images;
    public final long[] tags;
    /** The random phase of each shot's modulation. */
    public final double[] theta;

    public SyntheticShots(
            int width,
            int height,
            double xCenter,
            double yCenter,
            double radius,
            double sigma,
            int fold,
            double amplitude,
            int shots,
            long firstTag,
            long seed) {
        this.width = width;
        this.height = height;
        this.xCenter = xCenter;
        this.yCenter = yCenter;
        this.radius = radius;
        this.sigma = sigma;
        this.fold = fold;
        this.amplitude = amplitude;
        this.images = new double[shots][];
        this.tags = new long[shots];
        this.theta = new double[shots];
        Random rnd = new Random(seed);
        for (int i = 0; i < shots; i++) {
            tags[i] = firstTag + 2L * i;
            theta[i] = 2 * Math.PI * rnd.nextDouble();
            images[i] = image(theta[i]);
        }
    }

    /** A small default: 72 x 64 pixels, centre (35.3, 30.6), ring radius 20, 6-fold. */
    public static SyntheticShots small(int shots, long seed) {
        return new SyntheticShots(72, 64, 35.3, 30.6, 20.0, 3.0, 6, 0.3, shots, 1000, seed);
    }

    /**
     * The expected mean difference correlation at lag 0 of consecutive pairs after {@code skip} shots:
     * pair (1 + a cos(n phi + t1)) - (1 + a cos(n phi + t2)) correlates as a^2 (1 - cos(t1 - t2)) cos(n dphi).
     */
    public double expectedPeak(int skip) {
        double sum = 0;
        int n = 0;
        for (int i = skip; i + 1 < theta.length; i += 2) {
            sum += amplitude * amplitude * (1 - Math.cos(theta[i] - theta[i + 1]));
            n++;
        }
        return sum / n;
    }

    double[] image(double theta) {
        double[] img = new double[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double dx = x - xCenter;
                double dy = y - yCenter;
                double r = Math.hypot(dx, dy);
                double phi = Math.atan2(dy, dx);
                double ring = 100 * Math.exp(-(r - radius) * (r - radius) / (2 * sigma * sigma));
                img[y * width + x] = (5 + ring) * (1 + amplitude * Math.cos(fold * phi + theta));
            }
        }
        return img;
    }

    /** Writes /run_{run}/detector_2d_assembled_1/tag_T/detector_data (float32) plus a detector_info group. */
    public void writeSacla(Path file, int run) {
        H5Writer w = new H5Writer();
        String base = "run_" + run + "/detector_2d_assembled_1/";
        w.put(base + "detector_info/pixel_size_in_micro_meter", 110.0);
        for (int i = 0; i < images.length; i++) {
            float[] f = new float[images[i].length];
            for (int t = 0; t < f.length; t++) {
                f[t] = (float) images[i][t];
            }
            w.put(base + "tag_" + tags[i] + "/detector_data", f, height, width);
        }
        w.write(file);
    }

    /** Writes the shots as one (N, H, W) float64 dataset. */
    public void writeStack(Path file, String dataset) {
        double[] all = new double[images.length * width * height];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, all, i * width * height, width * height);
        }
        new H5Writer().put(dataset, all, images.length, height, width).write(file);
    }
}
