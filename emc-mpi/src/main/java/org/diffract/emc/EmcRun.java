package org.diffract.emc;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.parallel.Communicator;

/**
 * A whole EMC run on one rank, in three steps: setup ({@link EmcSetup}: data, detector, start or resumed
 * state, memory check), iterate ({@link EmcEngine}), output ({@link EmcOutput}, rank 0: iteration files,
 * log, then the checkpoint every iteration, pictures at the end). Killed at any point, a run leaves whole files
 * only (each is written under a temporary name and renamed) and its next start removes the temporary ones.
 */
public final class EmcRun {
    private static final Logger LOG = LogManager.getLogger(EmcRun.class);
    public static final String LOG_FILE = EmcOutput.LOG_FILE;

    private final EmcSettings settings;
    private final Communicator comm;

    public EmcRun(EmcSettings settings, Communicator comm) {
        this.settings = settings;
        this.comm = comm;
    }

    /** Runs (or resumes) the reconstruction; returns the final state. */
    public EmcState run(boolean resume) {
        boolean root = comm.rank() == 0;
        EmcData data = EmcSetup.loadData(settings);
        int n = data.detector.modelSize();
        EmcParams params = settings.params();
        EmcMemory.Estimate memory = EmcMemory.estimate(settings, data, comm.size(), params.threads());
        if (root) {
            LOG.info("memory estimate per rank: {}", memory.describe());
        }
        EmcMemory.checkHeap(
                memory, EmcMemory.ranksInThisJvm(comm), Runtime.getRuntime().maxMemory(), "the JVM's -Xmx");
        EmcOutput out = new EmcOutput(settings.outputFolder());
        EmcState state;
        List<IterationStats> history = new ArrayList<>();
        if (resume && Files.isRegularFile(EmcCheckpoint.path(out.folder()))) {
            EmcCheckpoint.Loaded l = EmcCheckpoint.read(out.folder(), n, data.numFrames, params.numDiv());
            state = l.state();
            history.addAll(l.history());
            if (root) {
                LOG.info(
                        "resuming from {} after iteration {}",
                        EmcCheckpoint.path(out.folder()),
                        state.iterationsDone());
            }
        } else {
            if (resume && root) {
                LOG.info("no checkpoint in {}: starting from the beginning", out.folder());
            }
            state = EmcSetup.startState(settings, data, n);
        }
        if (root) {
            LOG.info(
                    "beta: {}; merge rule {}",
                    settings.describeBeta(),
                    params.mergeRule().key());
            out.create();
            int removed = AtomicFiles.removeUnfinished(out.folder());
            if (removed > 0) {
                LOG.info("removed {} unfinished temporary file(s) a killed run left in {}", removed, out.folder());
            }
        }
        try (EmcEngine engine = new EmcEngine(data, params, n, comm)) {
            double[] quaternions = engine.quaternions();
            while (state.iterationsDone() < settings.iterations()) {
                Iteration it;
                try {
                    it = engine.iterate(state);
                } catch (OutOfMemoryError e) {
                    throw outOfHeap(state.iterationsDone() + 1, engine, memory);
                }
                state = it.state();
                history.add(it.stats());
                if (root) {
                    // the checkpoint last: it is the iteration's commit. A run killed before its rename resumes from
                    // the iteration before and rewrites this iteration's files and log; one killed after it has them
                    LOG.info(EmcOutput.logLine(it.stats()));
                    out.writeIteration(it, data, quaternions, engine.interWeight(), params.needScaling());
                    out.writeLog(history);
                    EmcCheckpoint.write(out.folder(), state, params.numDiv(), engine.numRotations(), history);
                }
            }
            if (root) {
                out.writePictures(state, history);
                LOG.info("model: {}", out.modelFile(state.iterationsDone()));
                LOG.info(
                        "pictures: {} and {}",
                        out.folder().resolve("slices.png"),
                        out.folder().resolve("convergence.png"));
            }
        }
        return state;
    }

    /**
     * Later iterations can keep more probabilities than the first, which the estimate foresees: a run that
     * outgrows its heap stops with one line (its last checkpoint intact) instead of an internal error.
     */
    private static UserError outOfHeap(int iteration, EmcEngine engine, EmcMemory.Estimate estimate) {
        long max = Runtime.getRuntime().maxMemory();
        return new UserError(String.format(
                Locale.ROOT,
                "EMC ran out of heap (%s) in iteration %d: the kept "
                        + "probabilities grew to %s (the estimate foresaw %s at the first iteration); continue with --resume "
                        + "and --heap %dg",
                EmcMemory.gib(max),
                iteration,
                EmcMemory.gib(engine.probabilityBytes()),
                EmcMemory.gib(estimate.probabilities()),
                (long) Math.ceil(1.5 * max / (1L << 30))));
    }
}
