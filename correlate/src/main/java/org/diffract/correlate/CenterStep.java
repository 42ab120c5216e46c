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
        double[] result = new double[7];
        if (comm.rank() == 0) {
            s.createOutputFolder();
            {
                int nx = shots.width();
                int ny = shots.height();
                byte[] mask = DetectorMask.read(s.input().maskFile(), ny, nx);
                int n = Math.min(s.usable(shots.count()), c.numShots());
                double[] mean = new double[nx * ny];
                double[] img = new double[nx * ny];
                for (int i = 0; i < n; i++) {
                    shots.read(i, img);
                    for (int t = 0; t < img.length; t++) {
                        mean[t] += img[t] / n;
                    }
                }
                RingFit f = RingFitter.fit(mean, mask, nx, ny, c.guessX(), c.guessY(), c.guessR(), c.ringWidth(),
                        c.dropBrightest(), c.ellipse());
                LOG.info(String.format(Locale.ROOT, "center: x %.3f y %.3f radius %.3f px (rx %.3f ry %.3f), "
                                + "residual %.3f px from %d pixels of the mean of %d shots", f.xCenter(), f.yCenter(),
                        f.radius(), f.radiusX(), f.radiusY(), f.residual(), f.pixels(), n));
                new H5Writer().put("x_center", f.xCenter()).put("y_center", f.yCenter()).put("radius", f.radius())
                        .put("radius_x", f.radiusX()).put("radius_y", f.radiusY()).put("residual", f.residual())
                        .put("pixels_used", f.pixels()).put("ellipse", f.ellipse() ? 1 : 0)
                        .put("num_shots", n).write(s.centerFile());
                CorrelatePlots.ringFit(s.outputFolder().resolve("center_fit.png"), mean, nx, ny, f);
                result = new double[] {f.xCenter(), f.yCenter(), f.radius(), f.radiusX(), f.radiusY(), f.residual(),
                    f.pixels()};
            }
        }
        comm.broadcast(result, 0);
        return new RingFit(result[0], result[1], result[2], result[3], result[4], result[5], (int) result[6],
                c.ellipse());
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
