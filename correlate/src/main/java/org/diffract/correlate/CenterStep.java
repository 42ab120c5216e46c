package org.diffract.correlate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;

/**
 * The {@code center} step, as RingData's RingFit: fits a circle (or ellipse) to a bright ring on the mean
 * of some shots; rank 0 reads the shots and writes {@code center.h5} and {@code center_fit.png}, and every
 * rank gets the fit.
 */
final class CenterStep {
    private static final Logger LOG = LogManager.getLogger(CenterStep.class);

    private final CorrelateSettings s;
    private final Communicator comm;
    private final ShotFile shots;

    CenterStep(CorrelateSettings settings, Communicator comm, ShotFile shots) {
        this.s = settings;
        this.comm = comm;
        this.shots = shots;
    }

    RingFit run() {
        CorrelateSettings.Center c = s.center();
        if (Double.isNaN(c.guessX()) || Double.isNaN(c.guessY()) || Double.isNaN(c.guessR())) {
            throw new UserError(s.name() + ": the ring fit needs [center] guess_x, guess_y and guess_r (pixels)");
        }
        int[] chosen = chosenShots();
        int nx = shots.width();
        int ny = shots.height();
        byte[] mask = DetectorMask.read(s.input().maskFile(), ny, nx);
        // the ranks sum contiguous blocks of the chosen shots; the sum of one image is reduced
        double[] mean = new double[nx * ny];
        double[] img = new double[nx * ny];
        int n = chosen.length;
        for (int k = Blocks.start(n, comm.size(), comm.rank()); k < Blocks.end(n, comm.size(), comm.rank()); k++) {
            shots.read(chosen[k], img);
            for (int t = 0; t < img.length; t++) {
                mean[t] += img[t];
            }
        }
        comm.allreduceSum(mean);
        for (int t = 0; t < mean.length; t++) {
            mean[t] /= n;
        }
        double[] result = new double[7];
        if (comm.rank() == 0) {
            s.createOutputFolder();
            RingFit f = RingFitter.fit(
                    mean,
                    mask,
                    nx,
                    ny,
                    c.guessX(),
                    c.guessY(),
                    c.guessR(),
                    c.ringWidth(),
                    c.dropBrightest(),
                    c.ellipse());
            long[] tags = shots.tags();
            long[] used = new long[n];
            for (int k = 0; k < n; k++) {
                used[k] = tags[chosen[k]];
            }
            LOG.info(String.format(
                    Locale.ROOT,
                    "center: x %.3f y %.3f radius %.3f px (rx %.3f ry %.3f), "
                            + "residual %.3f px from %d pixels of the mean of %d shots (%s)",
                    f.xCenter(),
                    f.yCenter(),
                    f.radius(),
                    f.radiusX(),
                    f.radiusY(),
                    f.residual(),
                    f.pixels(),
                    n,
                    c.tags().isEmpty()
                            ? "tags " + TagNames.name(used[0]) + ".." + TagNames.name(used[n - 1]) + " after "
                                    + c.skipDark() + " dark shots"
                            : "the [center] tags; num_shots and skip_dark not used"));
            new H5Writer()
                    .put("x_center", f.xCenter())
                    .put("y_center", f.yCenter())
                    .put("radius", f.radius())
                    .put("radius_x", f.radiusX())
                    .put("radius_y", f.radiusY())
                    .put("residual", f.residual())
                    .put("pixels_used", f.pixels())
                    .put("ellipse", f.ellipse() ? 1 : 0)
                    .put("num_shots", n)
                    .put("shot_tags", used)
                    .write(s.centerFile());
            CorrelatePlots.ringFit(s.outputFolder().resolve("center_fit.png"), mean, mask, nx, ny, f);
            result = new double[] {
                f.xCenter(), f.yCenter(), f.radius(), f.radiusX(), f.radiusY(), f.residual(), f.pixels()
            };
        }
        comm.broadcast(result, 0);
        return new RingFit(
                result[0], result[1], result[2], result[3], result[4], result[5], (int) result[6], c.ellipse());
    }

    /**
     * The shots the ring is fitted on, as indices: the listed [center] tags, else num_shots shots after
     * skip_dark dark ones (the run's first shots are often dark, and a dark mean has no ring).
     */
    private int[] chosenShots() {
        CorrelateSettings.Center c = s.center();
        if (!c.tags().isEmpty()) {
            int[] idx = new int[c.tags().size()];
            for (int k = 0; k < idx.length; k++) {
                long tag = c.tags().get(k);
                idx[k] = shots.indexOf(tag);
                if (idx[k] < 0) {
                    throw new UserError(s.name() + ": [center] tags: " + TagNames.name(tag) + " is not a shot of "
                            + shots.file() + "; list tags of that run");
                }
            }
            return idx;
        }
        int usable = s.usable(shots.count());
        if (c.skipDark() >= usable) {
            throw new UserError(s.name() + ": [center] skip_dark " + c.skipDark() + " leaves none of the " + usable
                    + " shots for the ring fit; lower it or list [center] tags");
        }
        int n = Math.min(usable - c.skipDark(), c.numShots());
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
            idx[k] = c.skipDark() + k;
        }
        return idx;
    }

    /** The beam centre {x, y} from the config, else from the center step's file. */
    static double[] centre(CorrelateSettings s) {
        if (s.geometry().hasCenter()) {
            return new double[] {s.geometry().xCenter(), s.geometry().yCenter()};
        }
        Path f = s.centerFile();
        if (!Files.isRegularFile(f)) {
            throw new UserError(s.name() + ": no beam centre: set [geometry] x_center and y_center, or run "
                    + "'diffract correlate center' first (it writes " + f + ")");
        }
        try (H5Reader r = H5Reader.open(f)) {
            return new double[] {r.scalar("x_center", Double.NaN), r.scalar("y_center", Double.NaN)};
        }
    }
}
