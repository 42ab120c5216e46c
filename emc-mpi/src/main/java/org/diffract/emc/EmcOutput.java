package org.diffract.emc;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Writer;
import org.diffract.core.io.VolumeFile;
import org.diffract.core.parallel.PausePoint;
import org.diffract.core.plot.LinePlot;
import org.diffract.core.plot.SlicePlot;

/**
 * What a run leaves in its output folder (rank 0 only), every file written under a temporary name and
 * renamed:
 * <ul>
 * <li>{@code intens_NNN.h5}: our iteration file: {@code intens} (n, n, n), {@code orientations},
 *     {@code orientation_probability}, {@code quaternions} (frames, 4), {@code scale}, {@code frame_index},
 *     {@code iteration};</li>
 * <li>{@code intens_NNN.bin}: Dragonfly's raw float64 cube;</li>
 * <li>{@code output_NNN.h5}: the layout Dragonfly writes (src/output_emc.c save_models, save_metrics) and its
 *     autoplot and frame viewer open: {@code intens} and {@code inter_weight} float64 (1, n, n, n),
 *     {@code orientations} int32, {@code mutual_info} and {@code likelihood} float64 per frame, and
 *     {@code scale} float64 per frame when scale factors are fitted;</li>
 * <li>{@code EMC.log}, and at the end {@code slices.png} and {@code convergence.png}.</li>
 * </ul>
 */
public final class EmcOutput {
    public static final String LOG_FILE = "EMC.log";

    private final Path folder;

    public EmcOutput(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /** Creates the output folder (rank 0, before the first iteration). */
    public void create() {
        AtomicFiles.createFolder(folder);
    }

    public Path modelFile(int iteration) {
        return folder.resolve(String.format(Locale.ROOT, "intens_%03d.h5", iteration));
    }

    public Path dragonflyFile(int iteration) {
        return folder.resolve(String.format(Locale.ROOT, "output_%03d.h5", iteration));
    }

    /** The iteration's files in our layout and in Dragonfly's. */
    public void writeIteration(
            Iteration it, EmcData data, double[] quaternions, double[][][][] interWeight, boolean needScaling) {
        EmcState s = it.state();
        int n = s.n();
        int nd = data.numFrames;
        int iter = s.iterationsDone();
        FrameResults f = it.frames();
        double[] bestQ = new double[4 * nd];
        for (int d = 0; d < nd; d++) {
            int r = f.orientations()[d];
            if (r >= 0) {
                System.arraycopy(quaternions, 4 * r, bestQ, 4 * d, 4);
            }
        }
        double[] model = s.modelArray();
        double[] scale = s.scaleArray();
        new H5Writer()
                .put("intens", model, n, n, n)
                .put("orientations", f.orientations())
                .put("orientation_probability", f.bestProbability())
                .put("quaternions", bestQ, nd, 4)
                .put("scale", scale)
                .put("frame_index", data.sourceIndex)
                .put("iteration", iter)
                .write(modelFile(iter));
        // test pause point: the iteration's files half written (ours, not yet Dragonfly's)
        PausePoint.at("outputs", iter, 0);
        VolumeFile.writeBin(folder.resolve(String.format(Locale.ROOT, "intens_%03d.bin", iter)), model, n);
        H5Writer dragonfly = new H5Writer()
                .put("intens", model, 1, n, n, n)
                .put("inter_weight", interWeight)
                .put("orientations", f.orientations())
                .put("mutual_info", f.mutualInfo())
                .put("likelihood", f.likelihood());
        if (needScaling) {
            dragonfly.put("scale", scale);
        }
        dragonfly.write(dragonflyFile(iter));
    }

    /** The log line of one iteration (diffract.log). */
    public static String logLine(IterationStats s) {
        return String.format(
                Locale.ROOT,
                "iter %4d  %8.2f s  rms_change %.6e  mutual_info %.5f  log_likelihood %.6e  "
                        + "beta %.4g  rotations %d  kept/frame %.1f  peak RSS %.2f GiB",
                s.iteration(),
                s.seconds(),
                s.rmsChange(),
                s.mutualInfo(),
                s.logLikelihood(),
                s.beta(),
                s.numRotations(),
                s.keptPerFrame(),
                s.peakRss() / (double) (1L << 30));
    }

    /** EMC.log: a header line, then one tab-separated line per iteration. */
    public void writeLog(List<IterationStats> history) {
        StringBuilder sb =
                new StringBuilder("# iter  seconds  rms_change  mutual_info  log_likelihood  beta  rotations\n");
        for (IterationStats s : history) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%d\t%.3f\t%.6e\t%.6f\t%.6e\t%.6g\t%d%n",
                    s.iteration(),
                    s.seconds(),
                    s.rmsChange(),
                    s.mutualInfo(),
                    s.logLikelihood(),
                    s.beta(),
                    s.numRotations()));
        }
        AtomicFiles.writeString(folder.resolve(LOG_FILE), sb.toString());
    }

    /** Central slices of the model and the convergence curves. */
    public void writePictures(EmcState s, List<IterationStats> history) {
        SlicePlot.writeCentralSlices(
                folder.resolve("slices.png"),
                s.modelArray(),
                s.n(),
                "EMC model after iteration " + s.iterationsDone() + " (log10 intensity)",
                true);
        int k = history.size();
        double[] it = new double[k], rms = new double[k], mi = new double[k], ll = new double[k];
        for (int i = 0; i < k; i++) {
            IterationStats h = history.get(i);
            it[i] = h.iteration();
            rms[i] = h.rmsChange();
            mi[i] = h.mutualInfo();
            ll[i] = h.logLikelihood();
        }
        LinePlot.write(
                folder.resolve("convergence.png"),
                "EMC convergence",
                "iteration",
                List.of(
                        new LinePlot.Panel("rms change", true, List.of(new LinePlot.Series("rms change", it, rms))),
                        new LinePlot.Panel(
                                "mutual information", false, List.of(new LinePlot.Series("mutual info", it, mi))),
                        new LinePlot.Panel(
                                "log-likelihood", false, List.of(new LinePlot.Series("log-likelihood", it, ll)))));
    }
}
