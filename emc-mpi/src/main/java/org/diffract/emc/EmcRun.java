package org.diffract.emc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.DetectorFile;
import org.diffract.core.io.EmcPhotonsFile;
import org.diffract.core.io.H5Writer;
import org.diffract.core.io.MaskFile;
import org.diffract.core.io.PatternsH5;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.io.VolumeFile;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.plot.LinePlot;
import org.diffract.core.plot.SlicePlot;

/**
 * A whole EMC run on one rank: read inputs, start or resume, iterate, and (rank 0) write per-iteration
 * outputs, the log, an atomic checkpoint every iteration, and the PNGs at the end.
 */
public final class EmcRun {
    private static final Logger LOG = LogManager.getLogger(EmcRun.class);
    public static final String LOG_FILE = "EMC.log";

    private final EmcSettings settings;
    private final Communicator comm;

    public EmcRun(EmcSettings settings, Communicator comm) {
        this.settings = settings;
        this.comm = comm;
    }

    /** Reads the detector the settings describe: a file, or made from [parameters]; mask file applied. */
    public static Detector loadDetector(EmcSettings s, int framesNx, int framesNy) {
        Detector det;
        if (s.detectorFile() != null) {
            det = DetectorFile.read(s.detectorFile());
        } else {
            EmcSettings.DetectorSpec d = s.detectorSpec();
            int nx = d.nx(), ny = d.ny();
            if (framesNx > 0 && (framesNx != nx || framesNy != ny)) {
                throw new UserError(s.configFile().getFileName() + ": [parameters] detsize " + nx + " " + ny
                        + " does not match the patterns' frame shape " + framesNx + " x " + framesNy + "; set detsize = "
                        + framesNx + " " + framesNy);
            }
            det = DetectorGeometry.make(new DetectorGeometry.Params(d.detdMm(), d.lambdaA(), nx, ny, d.pixsizeMm(),
                    d.stopradPx(), d.polarization(), d.ewaldRadPx(), d.centerX(), d.centerY()));
        }
        if (s.maskFile() != null) {
            det = det.withMask(MaskFile.read(s.maskFile(), det.numPix()));
        }
        return det;
    }

    /** Reads the frames and the detector and applies the selection. */
    public static EmcData loadData(EmcSettings s) {
        SparsePhotons photons;
        Detector det;
        if (s.photonsFile() != null) {
            det = loadDetector(s, -1, -1);
            photons = EmcPhotonsFile.read(s.photonsFile(), det.numPix());
        } else {
            PatternsH5.Patterns p = PatternsH5.read(s.patternsFile(), s.patternsDataset());
            det = loadDetector(s, p.nx(), p.ny());
            if (det.numPix() != p.nx() * p.ny()) {
                throw new UserError(s.patternsFile().getFileName() + ": frames have " + p.nx() * p.ny()
                        + " pixels but the detector " + det.numPix() + "; use the matching detector file");
            }
            photons = p.photons();
        }
        return EmcData.select(photons, det, s.selection());
    }

    /** Runs (or resumes) the reconstruction; returns the final state. */
    public EmcState run(boolean resume) {
        boolean root = comm.rank() == 0;
        EmcData data = loadData(settings);
        int n = data.detector.modelSize();
        Path out = settings.outputFolder();
        EmcParams params = settings.params();
        EmcState state;
        List<IterationStats> history = new ArrayList<>();
        if (resume && Files.isRegularFile(EmcCheckpoint.path(out))) {
            EmcCheckpoint.Loaded l = EmcCheckpoint.read(out, n, data.numFrames, params.numDiv());
            state = l.state();
            history.addAll(l.history());
            if (root) {
                LOG.info("resuming from {} after iteration {}", EmcCheckpoint.path(out), state.iterationsDone);
            }
        } else {
            if (resume && root) {
                LOG.info("no checkpoint in {}: starting from the beginning", out);
            }
            state = startState(data, n);
        }
        if (root) {
            AtomicFiles.createFolder(out);
        }
        try (EmcEngine engine = new EmcEngine(data, params, n, comm)) {
            while (state.iterationsDone < settings.iterations()) {
                IterationStats st = engine.iterate(state);
                history.add(st);
                if (root) {
                    LOG.info(logLine(st));
                    writeIteration(out, state, engine, data);
                    EmcCheckpoint.write(out, state, params.numDiv(), engine.numRotations(), history);
                    writeLog(out, history);
                }
            }
            if (root) {
                writePictures(out, state, history);
                LOG.info("model: {}", out.resolve(String.format("intens_%03d.h5", state.iterationsDone)));
                LOG.info("pictures: {} and {}", out.resolve("slices.png"), out.resolve("convergence.png"));
            }
        }
        return state;
    }

    private EmcState startState(EmcData data, int n) {
        if (settings.startModelFile() == null) {
            return EmcState.random(data, n, settings.params().seed());
        }
        VolumeFile.Cube cube = VolumeFile.readCube(settings.startModelFile());
        if (cube.n() != n) {
            throw new UserError(settings.startModelFile() + ": start model is " + cube.n() + "^3 but this detector needs "
                    + n + "^3; make it with the same detector or drop start_model_file");
        }
        for (double v : cube.data()) {
            if (!Double.isFinite(v) || v < 0) {
                throw new UserError(settings.startModelFile() + ": start model has negative or non-finite voxels; "
                        + "an intensity model must be >= 0 everywhere");
            }
        }
        EmcState s = EmcState.random(data, n, settings.params().seed());
        s.model = cube.data();
        return s;
    }

    static String logLine(IterationStats s) {
        return String.format(Locale.ROOT, "iter %4d  %8.2f s  rms_change %.6e  mutual_info %.5f  log_likelihood %.6e  "
                + "beta %.4g  rotations %d", s.iteration(), s.seconds(), s.rmsChange(), s.mutualInfo(),
                s.logLikelihood(), s.beta(), s.numRotations());
    }

    private static void writeIteration(Path out, EmcState s, EmcEngine engine, EmcData data) {
        int nd = data.numFrames;
        int[] best = engine.bestRotation();
        double[] q = engine.quaternions();
        double[] bestQ = new double[4 * nd];
        for (int d = 0; d < nd; d++) {
            System.arraycopy(q, 4 * best[d], bestQ, 4 * d, 4);
        }
        new H5Writer()
                .put("intens", s.model, s.n, s.n, s.n)
                .put("orientations", best.clone())
                .put("orientation_probability", engine.bestProbability().clone())
                .put("quaternions", bestQ, nd, 4)
                .put("scale", s.scale.clone())
                .put("frame_index", data.sourceIndex.clone())
                .put("iteration", s.iterationsDone)
                .write(out.resolve(String.format("intens_%03d.h5", s.iterationsDone)));
        VolumeFile.writeBin(out.resolve(String.format("intens_%03d.bin", s.iterationsDone)), s.model, s.n);
    }

    private static void writeLog(Path out, List<IterationStats> history) {
        StringBuilder sb = new StringBuilder("# iter  seconds  rms_change  mutual_info  log_likelihood  beta  rotations\n");
        for (IterationStats s : history) {
            sb.append(String.format(Locale.ROOT, "%d\t%.3f\t%.6e\t%.6f\t%.6e\t%.6g\t%d%n", s.iteration(), s.seconds(),
                    s.rmsChange(), s.mutualInfo(), s.logLikelihood(), s.beta(), s.numRotations()));
        }
        AtomicFiles.writeString(out.resolve(LOG_FILE), sb.toString());
    }

    private static void writePictures(Path out, EmcState s, List<IterationStats> history) {
        SlicePlot.writeCentralSlices(out.resolve("slices.png"), s.model, s.n,
                "EMC model after iteration " + s.iterationsDone + " (log10 intensity)", true);
        int k = history.size();
        double[] it = new double[k], rms = new double[k], mi = new double[k], ll = new double[k];
        for (int i = 0; i < k; i++) {
            IterationStats h = history.get(i);
            it[i] = h.iteration();
            rms[i] = h.rmsChange();
            mi[i] = h.mutualInfo();
            ll[i] = h.logLikelihood();
        }
        LinePlot.write(out.resolve("convergence.png"), "EMC convergence", "iteration", List.of(
                new LinePlot.Panel("rms change", true, List.of(new LinePlot.Series("rms change", it, rms))),
                new LinePlot.Panel("mutual information", false, List.of(new LinePlot.Series("mutual info", it, mi))),
                new LinePlot.Panel("log-likelihood", false, List.of(new LinePlot.Series("log-likelihood", it, ll)))));
    }
}
