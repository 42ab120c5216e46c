package org.diffract.spots;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.diffract.core.io.H5Writer;

/**
 * A frame series with known truth, for tests and the bench: Gaussian background (mean, sigma) per pixel
 * and frame, angles each holding {@code framesPerAngle} frames, and planted Gaussian spots (sigma 1
 * pixel) that appear in every frame of one angle, or for laser data (frames alternating laser off/on)
 * optionally only in the laser-on frames.
 */
public final class SyntheticLaue implements FrameSource {
    /** A planted spot: its angle, the frames it is in, its centre (row, column) and peak height above background. */
    public record Planted(int angle, int[] frames, int row, int col, double peak, boolean laserOnly) {}

    private final LaueSeries series;
    private final float[][] frames;
    private final List<Planted> planted;

    private SyntheticLaue(LaueSeries series, float[][] frames, List<Planted> planted) {
        this.series = series;
        this.frames = frames;
        this.planted = planted;
    }

    /** A series to make; each setter returns the builder, defaults as listed. */
    public static final class Builder {
        private int height = 48;
        private int width = 48;
        private int angles = 10;
        private int framesPerAngle = 4;
        private boolean laser;
        private double mean = 100;
        private double sigma = 5;
        private int spotsPerAngle = 3;
        private int laserSpotsPerAngle;
        private double peak = 300;
        private boolean integer = true;
        private long seed = 1;

        /** Frame size in pixels (default 48 x 48). */
        public Builder size(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        /** Distinct angles and frames at each (default 10 x 4). */
        public Builder angles(int angles, int framesPerAngle) {
            this.angles = angles;
            this.framesPerAngle = framesPerAngle;
            return this;
        }

        /** Frames alternate laser off/on (default no laser). */
        public Builder laser(boolean laser) {
            this.laser = laser;
            return this;
        }

        /** Gaussian background per pixel and frame (default mean 100, sigma 5). */
        public Builder background(double mean, double sigma) {
            this.mean = mean;
            this.sigma = sigma;
            return this;
        }

        /**
         * Spots planted at each angle, 4 pixels or more from the edge (see {@link #tooClose}), of which
         * {@code laserOnly} appear only in laser-on frames (needs laser), with peak height {@code peak} above
         * the background (default 3, 0, 300).
         */
        public Builder spots(int perAngle, int laserOnly, double peak) {
            this.spotsPerAngle = perAngle;
            this.laserSpotsPerAngle = laserOnly;
            this.peak = peak;
            return this;
        }

        /** Round pixels to whole numbers, as detector counts (default true). */
        public Builder integer(boolean integer) {
            this.integer = integer;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public SyntheticLaue build() {
            if (laserSpotsPerAngle > 0 && !laser) {
                throw new IllegalArgumentException("laser-only spots need laser frames");
            }
            return generate(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static SyntheticLaue generate(Builder b) {
        int height = b.height;
        int width = b.width;
        int framesPerAngle = b.framesPerAngle;
        boolean laser = b.laser;
        boolean integer = b.integer;
        double peak = b.peak;
        int spotsPerAngle = b.spotsPerAngle;
        int angles = b.angles;
        int n = angles * framesPerAngle;
        SplittableRandom rnd = new SplittableRandom(b.seed);
        double[] angle = new double[n];
        long[] fng = new long[n];
        int[] laserGroup = laser ? new int[n] : null;
        float[][] frames = new float[n][height * width];
        for (int f = 0; f < n; f++) {
            angle[f] = 0.5 * (f / framesPerAngle);
            fng[f] = 1000 + f;
            if (laser) {
                laserGroup[f] = f % 2; // off, on, off, on, ...
            }
            float[] img = frames[f];
            for (int p = 0; p < img.length; p++) {
                double v = b.mean + b.sigma * gaussian(rnd);
                img[p] = (float) (integer ? Math.rint(v) : v);
            }
        }
        List<Planted> planted = new ArrayList<>();
        List<int[]> taken = new ArrayList<>();
        for (int a = 0; a < angles; a++) {
            for (int k = 0; k < spotsPerAngle; k++) {
                int y;
                int x;
                int tries = 0;
                do {
                    y = 4 + rnd.nextInt(height - 8);
                    x = 4 + rnd.nextInt(width - 8);
                    if (++tries > 10000) {
                        throw new IllegalArgumentException(
                                "no room for " + spotsPerAngle * angles + " spots in " + height + " x " + width);
                    }
                } while (tooClose(taken, a, y, x));
                taken.add(new int[] {y, x, a});
                boolean laserOnly = laser && k < b.laserSpotsPerAngle;
                List<Integer> fr = new ArrayList<>();
                for (int i = 0; i < framesPerAngle; i++) {
                    int f = a * framesPerAngle + i;
                    if (!laserOnly || laserGroup[f] == 1) {
                        fr.add(f);
                    }
                }
                int[] fa = fr.stream().mapToInt(Integer::intValue).toArray();
                for (int f : fa) {
                    addSpot(frames[f], width, height, y, x, peak, integer);
                }
                planted.add(new Planted(a, fa, y, x, peak, laserOnly));
            }
        }
        return new SyntheticLaue(
                new LaueSeries(n, height, width, angle, fng, framesPerAngle, laserGroup), frames, planted);
    }

    /**
     * Spots of one angle stay apart so that their masks do not merge; a spot may overlap one spot of another angle, never two, so no
     * pixel is lit at more than two angles and the trimmed statistics see background.
     */
    private static boolean tooClose(List<int[]> taken, int angle, int y, int x) {
        int others = 0;
        for (int[] t : taken) {
            int d = Math.max(Math.abs(t[0] - y), Math.abs(t[1] - x));
            // after the default 1 erosion + 2 dilations a mask reaches ~4 px from the centre
            if (t[2] == angle && d < 11 || d < 7 && ++others > 1) {
                return true;
            }
        }
        return false;
    }

    private static void addSpot(float[] img, int w, int h, int cy, int cx, double peak, boolean integer) {
        for (int y = Math.max(0, cy - 3); y <= Math.min(h - 1, cy + 3); y++) {
            for (int x = Math.max(0, cx - 3); x <= Math.min(w - 1, cx + 3); x++) {
                double r2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
                double v = peak * Math.exp(-r2 / 2);
                img[y * w + x] += (float) (integer ? Math.rint(v) : v);
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; one value per call keeps the stream simple and reproducible
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    public List<Planted> planted() {
        return planted;
    }

    /** A copy of frame {@code f}, row-major. */
    public float[] frame(int f) {
        return frames[f].clone();
    }

    @Override
    public LaueSeries series() {
        return series;
    }

    @Override
    public void read(int f0, int nf, int y0, int rows, float[] out) {
        int w = series.width();
        for (int f = 0; f < nf; f++) {
            System.arraycopy(frames[f0 + f], y0 * w, out, f * rows * w, rows * w);
        }
    }

    /** Writes a LaueCollect-style file: frames as int32 (or float32), lauecollect/ with laser_on if laser. */
    public void write(Path file, boolean asInt) {
        int n = series.numFrames();
        int h = series.height();
        int w = series.width();
        H5Writer out = new H5Writer();
        if (asInt) {
            int[][][] d = new int[n][h][w];
            for (int f = 0; f < n; f++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        d[f][y][x] = Math.round(frames[f][y * w + x]);
                    }
                }
            }
            out.putCompressed(LaueInput.FRAMES, d, 1, h, w);
        } else {
            float[][][] d = new float[n][h][w];
            for (int f = 0; f < n; f++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(frames[f], y * w, d[f][y], 0, w);
                }
            }
            out.putCompressed(LaueInput.FRAMES, d, 1, h, w);
        }
        out.put("lauecollect/angle", series.angles());
        out.put("lauecollect/frame_number_global", series.frameNumberGlobal());
        if (series.hasLaser()) {
            int[] on = new int[n];
            for (int f = 0; f < n; f++) {
                on[f] = series.laserGroup(f);
            }
            out.put("lauecollect/laser_on", on);
        }
        out.attribute("lauecollect", "block_size", series.blockSize());
        out.write(file);
    }
}
