package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.core.bench.PeakMemory;
import org.diffract.core.geometry.Detector;
import org.diffract.core.io.DetectorFile;
import org.diffract.core.io.EmcPhotonsFile;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.emc.EmcData;
import org.diffract.emc.EmcEngine;
import org.diffract.emc.EmcParams;
import org.diffract.emc.EmcState;
import org.diffract.emc.IterationStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffract emc bench}: seconds per EMC iteration and peak memory on a named data set, in this
 * JVM with one rank and T threads (the figure to compare with Dragonfly's OpenMP timing).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time EMC iterations on a Dragonfly data set (photons.emc + detector).")
public final class EmcBenchCommand implements Callable<Integer> {
    @Option(names = "--data", description = "folder with photons.emc and det_sim.h5 (default: ${DEFAULT-VALUE})",
            defaultValue = "../shared/data/dragonfly-1ei7")
    Path data;

    @Option(names = "--photons", description = "photons file (overrides --data)")
    Path photons;

    @Option(names = "--detector", description = "detector file (overrides --data)")
    Path detector;

    @Option(names = "--num-div", defaultValue = "4")
    int numDiv;

    @Option(names = "--threads", defaultValue = "2")
    int threads;

    @Option(names = "--iterations", defaultValue = "2", description = "timed iterations (the first warms up)")
    int iterations;

    @Option(names = "--frames", description = "use only the first N frames")
    Integer frames;

    @Override
    public Integer call() {
        Path pf = photons != null ? photons : data.resolve("photons.emc");
        Path df = detector != null ? detector : data.resolve("det_sim.h5");
        if (!Files.isRegularFile(pf) || !Files.isRegularFile(df)) {
            throw new UserError("benchmark data not found (" + pf + ", " + df + "); give --data DIR or --photons and --detector");
        }
        long t0 = System.nanoTime();
        Detector det = DetectorFile.read(df);
        SparsePhotons sp = EmcPhotonsFile.read(pf, det.numPix());
        if (frames != null && frames < sp.numFrames()) {
            int[] idx = new int[frames];
            for (int i = 0; i < frames; i++) {
                idx[i] = i;
            }
            sp = sp.select(idx);
        }
        EmcData d = EmcData.of(sp, det);
        double load = (System.nanoTime() - t0) / 1e9;
        int n = det.modelSize();
        EmcParams p = new EmcParams(numDiv, true, 1.0, 1.0, 0, false, threads, 1L);
        EmcState state = EmcState.random(d, n, 1L);
        System.out.printf(Locale.ROOT, "bench: %d frames, %d pixels, model %d^3, num_div %d, %d threads; load %.2f s%n",
                d.numFrames, det.numPix(), n, numDiv, threads, load);
        double total = 0;
        int timed = 0;
        try (EmcEngine engine = new EmcEngine(d, p, n, new LocalCommunicator())) {
            for (int i = 0; i < iterations; i++) {
                IterationStats s = engine.iterate(state);
                System.out.printf(Locale.ROOT, "bench: iteration %d: %.2f s (%d rotations)%n", s.iteration(),
                        s.seconds(), s.numRotations());
                if (i > 0 || iterations == 1) {
                    total += s.seconds();
                    timed++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "bench: mean %.2f s per iteration; peak memory %s%n", total / timed, PeakMemory.describe());
        return 0;
    }
}
