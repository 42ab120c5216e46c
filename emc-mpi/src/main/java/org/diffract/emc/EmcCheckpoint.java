package org.diffract.emc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;

/**
 * The state after a complete iteration, in one HDF5 file written atomically (temp name + rename), so a
 * run killed at any moment resumes from the last complete iteration. Also holds the history of log
 * lines, so the log and convergence plot survive a resume.
 */
public final class EmcCheckpoint {
    public static final String FILE = "checkpoint.h5";

    private EmcCheckpoint() {
    }

    public record Loaded(EmcState state, List<IterationStats> history) {
    }

    public static Path path(Path outputFolder) {
        return outputFolder.resolve(FILE);
    }

    public static void write(Path outputFolder, EmcState s, int numDiv, int numRot, List<IterationStats> history) {
        int k = history.size();
        double[] secs = new double[k], rms = new double[k], mi = new double[k], ll = new double[k], beta = new double[k];
        int[] it = new int[k];
        for (int i = 0; i < k; i++) {
            IterationStats h = history.get(i);
            it[i] = h.iteration();
            secs[i] = h.seconds();
            rms[i] = h.rmsChange();
            mi[i] = h.mutualInfo();
            ll[i] = h.logLikelihood();
            beta[i] = h.beta();
        }
        H5Writer w = new H5Writer()
                .put("model", s.model, s.n, s.n, s.n)
                .put("scale", s.scale)
                .put("iteration", s.iterationsDone)
                .put("num_div", numDiv)
                .put("num_rot", numRot);
        if (k > 0) {
            w.put("history/iteration", it).put("history/seconds", secs).put("history/rms_change", rms)
                    .put("history/mutual_info", mi).put("history/log_likelihood", ll).put("history/beta", beta);
        }
        w.write(path(outputFolder));
    }

    /** Reads the checkpoint and checks it belongs to this run (same model size, frames and sampling). */
    public static Loaded read(Path outputFolder, int n, int numFrames, int numDiv) {
        Path file = path(outputFolder);
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no checkpoint to resume from; run without --resume");
        }
        try (H5Reader r = H5Reader.open(file)) {
            double[] model = r.doubles("model");
            double[] scale = r.doubles("scale");
            int iter = (int) r.scalar("iteration", -1);
            int nd = (int) r.scalar("num_div", -1);
            if (model.length != (long) n * n * n || scale.length != numFrames || nd != numDiv || iter < 0) {
                throw new UserError(file + ": checkpoint was made by a different run (model " + cubeEdge(model.length)
                        + "^3, " + scale.length + " frames, num_div " + nd + "; this run: " + n + "^3, " + numFrames
                        + " frames, num_div " + numDiv + "); use another output_folder or run without --resume");
            }
            List<IterationStats> history = new ArrayList<>();
            if (r.has("history/iteration")) {
                long[] it = r.integers("history/iteration");
                double[] secs = r.doubles("history/seconds");
                double[] rms = r.doubles("history/rms_change");
                double[] mi = r.doubles("history/mutual_info");
                double[] ll = r.doubles("history/log_likelihood");
                double[] beta = r.doubles("history/beta");
                int numRot = (int) r.scalar("num_rot", 0);
                for (int i = 0; i < it.length; i++) {
                    history.add(new IterationStats((int) it[i], secs[i], rms[i], mi[i], ll[i], beta[i], numRot));
                }
            }
            return new Loaded(new EmcState(model, n, scale, iter), history);
        }
    }

    private static long cubeEdge(int len) {
        return Math.round(Math.cbrt(len));
    }
}
