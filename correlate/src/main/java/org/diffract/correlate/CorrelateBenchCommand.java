package org.diffract.correlate;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffract correlate bench}: difference-correlation pairs per second in this JVM with 1 and 2
 * workers (MPJ multicore ranks are threads of one JVM, so 2 single-threaded workers summing their halves of
 * the pairs are what 2 ranks do, less the final Allreduce), against numpy's FFT on the same sizes; then the
 * live heap of one rank streaming runs of several lengths, which must not grow with the number of shots.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Pairs/s of the difference correlation: Java on 1 and 2 ranks vs numpy FFT;",
            "then one rank's live heap while streaming runs of --shots shots (it must not grow with them)."
        })
public final class CorrelateBenchCommand implements Callable<Integer> {
    @Option(names = "--nq", defaultValue = "64", description = "rings (default ${DEFAULT-VALUE})")
    int nq;

    @Option(names = "--nphi", defaultValue = "512", description = "angles per ring (default ${DEFAULT-VALUE})")
    int nphi;

    @Option(names = "--pairs", defaultValue = "1000", description = "timed pairs (default ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "python with numpy")
    String python;

    @Option(
            names = "--shots",
            split = ",",
            defaultValue = "1000,20000",
            description = "run lengths for the memory bench, 0 to skip it (default ${DEFAULT-VALUE})")
    List<Integer> shots;

    @Option(
            names = "--detector",
            defaultValue = "256",
            description = "detector edge in pixels for the memory bench (default ${DEFAULT-VALUE})")
    int detector;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "threads of the memory bench's rank " + "(default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() {
        if (nq < 1 || nphi < 4 || pairs < 2 || threads < 1) {
            throw new UserError("--nq >= 1, --nphi >= 4, --pairs >= 2 and --threads >= 1 are needed");
        }
        speed();
        memory();
        return 0;
    }

    /** Pairs per second; its 64 in-memory shots are garbage once it returns, before the memory bench. */
    private void speed() {
        PolarData data = CorrelateBench.randomPolarData(nq, nphi, 64);
        System.out.printf(Locale.ROOT, "bench: %d pairs of %d rings x %d angles%n", pairs, nq, nphi);
        double one = CorrelateBench.pairsPerSecond(data, pairs, 1);
        double two = CorrelateBench.pairsPerSecond(data, pairs, 2);
        System.out.printf(Locale.ROOT, "bench: java 1 rank  %10.1f pairs/s%n", one);
        System.out.printf(
                Locale.ROOT,
                "bench: java 2 ranks %10.1f pairs/s (x%.2f; %d cores)%n",
                two,
                two / one,
                Runtime.getRuntime().availableProcessors());
        try {
            double np = CorrelateBench.numpyPairsPerSecond(python, nq, nphi, pairs);
            System.out.printf(Locale.ROOT, "bench: numpy 1 core %10.1f pairs/s (java/numpy %.2f)%n", np, one / np);
        } catch (IOException e) {
            System.out.println("bench: no numpy comparison: " + e.getMessage() + "; install python3-numpy");
        }
    }

    private void memory() {
        if (shots.stream().anyMatch(n -> n > 0)) {
            System.out.printf(
                    Locale.ROOT,
                    "bench: streaming run (polar step + consecutive pairs, polar images "
                            + "not stored), %d x %d pixel shots, %d rings x %d angles, 1 rank x %d threads, max heap %d MiB%n",
                    detector,
                    detector,
                    nq,
                    nphi,
                    threads,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
        for (int n : shots) {
            if (n <= 0) {
                continue;
            }
            CorrelateBench.Streaming r = CorrelateBench.streaming(n, detector, nq, nphi, threads);
            System.out.printf(
                    Locale.ROOT,
                    "bench: %6d shots: live heap max %6.1f MiB (after a full GC, 10 samples), "
                            + "%6.1f shots/s, %d pairs; the in-memory polar stacks this replaced: %8.1f MiB%n",
                    r.shots(),
                    r.liveHeapMax() / 1048576.0,
                    r.shots() / r.seconds(),
                    r.pairs(),
                    r.stackBytes() / 1048576.0);
        }
    }
}
