package org.diffract.emc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.PausePoint;

/**
 * The state after a complete iteration, in one HDF5 file written atomically (temp name + rename), so a
 * run killed at any moment resumes from the last complete iteration: model, scale factors, each frame's
 * most likely rotation, the iteration count and the sampling. Also holds the history of log lines, so the
 * log and convergence plot survive a resume.
 */
public final class EmcCheckpoint {
    public static final String FILE = "checkpoint.h5";

    private EmcCheckpoint() {}

    public record Loaded(EmcState state, List<IterationStats> history) {}

    public static Path path(Path outputFolder) {
        return outputFolder.resolve(FILE);
    }

    public static void write(Path outputFolder, EmcState s, int numDiv, int numRot, List<IterationStats> history) {
        int k = history.size();
        double[] secs = new double[k],
                rms = new double[k],
                mi = new double[k],
                ll = new double[k],
                beta = new double[k],
                kept = new double[k],
                rss = new double[k],
                cpu = new double[k];
        int[] it = new int[k];
        for (int i = 0; i < k; i++) {
            IterationStats h = history.get(i);
            it[i] = h.iteration();
            secs[i] = h.seconds();
            rms[i] = h.rmsChange();
            mi[i] = h.mutualInfo();
            ll[i] = h.logLikelihood();
            beta[i] = h.beta();
            kept[i] = h.keptPerFrame();
            rss[i] = h.peakRss();
            cpu[i] = h.cpuSeconds();
        }
        int n = s.n();
        H5Writer w = new H5Writer()
                .put("model", s.modelArray(), n, n, n)
                .put("scale", s.scaleArray())
                .put("orientations", s.orientationArray())
                .put("iteration", s.iterationsDone())
                .put("num_div", numDiv)
                .put("num_rot", numRot);
        if (k > 0) {
            w.put("history/iteration", it)
                    .put("history/seconds", secs)
                    .put("history/rms_change", rms)
                    .put("history/mutual_info", mi)
                    .put("history/log_likelihood", ll)
                    .put("history/beta", beta)
                    .put("history/kept_per_frame", kept)
                    .put("history/peak_rss", rss)
                    .put("history/cpu_seconds", cpu);
        }
        // complete under a temporary name, renamed only after the test pause point: a run killed at any moment
        // leaves either the previous checkpoint or this one, whole, and at most a stray temporary file, which the
        // next run removes (EmcRun)
        AtomicFiles.write(path(outputFolder), tmp -> {
            w.write(tmp);
            PausePoint.at("checkpoint", s.iterationsDone(), 0);
        });
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
            int[] orient = new int[scale.length];
            Arrays.fill(orient, -1);
            if (r.has("orientations")) {
                long[] o = r.integers("orientations");
                for (int i = 0; i < Math.min(o.length, orient.length); i++) {
                    orient[i] = (int) o[i];
                }
            }
            int nd = (int) r.scalar("num_div", -1);
            if (model.length != (long) n * n * n || scale.length != numFrames || nd != numDiv || iter < 0) {
                throw new UserError(file + ": checkpoint was made by a different run (model " + cubeEdge(model.length)
                        + "^3, " + scale.length + " frames, num_div " + nd + "; this run: " + n + "^3, " + numFrames
                        + " frames, num_div " + numDiv + "); use another output_folder or run without --resume");
            }
            List<IterationStats> history = history(r);
            return new Loaded(new EmcState(model, n, scale, orient, iter), history);
        }
    }

    private static List<IterationStats> history(H5Reader r) {
        List<IterationStats> history = new ArrayList<>();
        if (r.has("history/iteration")) {
            long[] it = r.integers("history/iteration");
            double[] secs = r.doubles("history/seconds");
            double[] rms = r.doubles("history/rms_change");
            double[] mi = r.doubles("history/mutual_info");
            double[] ll = r.doubles("history/log_likelihood");
            double[] beta = r.doubles("history/beta");
            double[] kept =
                    r.has("history/kept_per_frame") ? r.doubles("history/kept_per_frame") : new double[it.length];
            double[] rss = r.has("history/peak_rss") ? r.doubles("history/peak_rss") : new double[it.length];
            double[] cpu = r.has("history/cpu_seconds") ? r.doubles("history/cpu_seconds") : new double[it.length];
            int numRot = (int) r.scalar("num_rot", 0);
            for (int i = 0; i < it.length; i++) {
                history.add(new IterationStats(
                        (int) it[i], secs[i], rms[i], mi[i], ll[i], beta[i], numRot, kept[i], (long) rss[i], cpu[i]));
            }
        }
        return history;
    }

    /** The log lines stored in a checkpoint, without checking it against a run (for reports). */
    public static List<IterationStats> readHistory(Path outputFolder) {
        Path file = path(outputFolder);
        try (H5Reader r = H5Reader.open(file)) {
            return history(r);
        }
    }

    private static long cubeEdge(int len) {
        return Math.round(Math.cbrt(len));
    }
}
