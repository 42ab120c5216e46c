package org.diffract.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.diffract.core.UserError;
import org.diffract.correlate.CorrelateRun;
import org.diffract.correlate.CorrelationSums;
import org.diffract.correlate.PolarData;
import org.diffract.correlate.TagPairs;
import org.diffract.core.parallel.WorkerPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffract correlate bench}: difference-correlation pairs per second in this JVM on 1 rank and on
 * 2 ranks (MPJ multicore ranks are threads of one JVM, so 2 single-threaded workers summing their halves
 * of the pairs are what 2 ranks do, less the final Allreduce), against numpy's FFT on the same sizes
 * (Debian python3-numpy running the same estimator).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Pairs/s of the difference correlation: Java on 1 and 2 ranks vs numpy FFT.")
public final class CorrelateBenchCommand implements Callable<Integer> {
    @Option(names = "--nq", defaultValue = "64", description = "rings (default ${DEFAULT-VALUE})")
    int nq;

    @Option(names = "--nphi", defaultValue = "512", description = "angles per ring (default ${DEFAULT-VALUE})")
    int nphi;

    @Option(names = "--pairs", defaultValue = "1000", description = "timed pairs (default ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "python with numpy")
    String python;

    @Override
    public Integer call() {
        if (nq < 1 || nphi < 4 || pairs < 2) {
            throw new UserError("--nq >= 1, --nphi >= 4 and --pairs >= 2 are needed");
        }
        int pool = 64;
        Random rnd = new Random(1);
        double[] shots = new double[pool * nq * nphi];
        for (int i = 0; i < shots.length; i++) {
            shots[i] = 1 + 0.1 * rnd.nextGaussian();
        }
        byte[] mask = new byte[nq * nphi];
        Arrays.fill(mask, (byte) 1);
        for (int k = 0; k < nq; k++) {
            for (int j = nphi / 10; j < nphi / 10 + nphi / 20; j++) {
                mask[k * nphi + j] = 0; // the same gap as the numpy script
            }
        }
        long[] tags = new long[pool];
        Arrays.setAll(tags, i -> i);
        PolarData data = new PolarData(tags, shots, shots, mask, nq, nphi, new double[nq], new double[nq], 0, 0);
        int[] a = new int[pairs];
        int[] b = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            a[i] = i % pool;
            b[i] = (i + 1) % pool;
        }
        TagPairs tp = new TagPairs(a, b, new long[pairs], new long[pairs], 0);
        System.out.printf(Locale.ROOT, "bench: %d pairs of %d rings x %d angles%n", pairs, nq, nphi);
        double one = time(data, tp, 1);
        double two = time(data, tp, 2);
        System.out.printf(Locale.ROOT, "bench: java 1 rank  %10.1f pairs/s%n", one);
        System.out.printf(Locale.ROOT, "bench: java 2 ranks %10.1f pairs/s (x%.2f; %d cores)%n", two, two / one,
                Runtime.getRuntime().availableProcessors());
        Double np = numpy();
        if (np != null) {
            System.out.printf(Locale.ROOT, "bench: numpy 1 core %10.1f pairs/s (java/numpy %.2f)%n", np, one / np);
        }
        return 0;
    }

    /**
     * Pairs per second over all pairs with {@code workers} workers: the best of three timed passes after an
     * untimed warm-up, as the numpy script does (the machine is shared, so the best pass is the fair one).
     */
    private double time(PolarData data, TagPairs tp, int workers) {
        try (WorkerPool pool = new WorkerPool(workers, "bench")) {
            return time(data, tp, pool);
        }
    }

    private double time(PolarData data, TagPairs tp, WorkerPool workers) {
        CorrelationSums warm = CorrelateRun.sumPairs(data, tp, 0, Math.min(tp.size(), 200), workers, -1, -1);
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            CorrelationSums s = CorrelateRun.sumPairs(data, tp, 0, tp.size(), workers, -1, -1);
            double dt = (System.nanoTime() - t0) / 1e9;
            if (s.pairs() != tp.size() || warm.pairs() < 1) {
                throw new IllegalStateException("pair count mismatch");
            }
            best = Math.max(best, tp.size() / dt);
        }
        return best;
    }

    private Double numpy() {
        try (InputStream in = CorrelateRun.class.getResourceAsStream("diffcorr_numpy.py")) {
            if (in == null) {
                throw new IllegalStateException("diffcorr_numpy.py missing from the jar");
            }
            Path script = Files.createTempFile("diffcorr_numpy", ".py");
            Files.write(script, in.readAllBytes());
            ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "bench", Integer.toString(nq),
                    Integer.toString(nphi), Integer.toString(pairs)).redirectErrorStream(true);
            // pin numpy's BLAS threads so its figure is a 1-core one (its pocketfft is single-threaded)
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            boolean done = p.waitFor(10, TimeUnit.MINUTES);
            Files.deleteIfExists(script);
            if (!done || p.exitValue() != 0 || !out.startsWith("numpy_pairs_per_s ")) {
                System.out.println("bench: numpy run failed (" + python + "): " + out);
                return null;
            }
            return Double.parseDouble(out.substring("numpy_pairs_per_s ".length()));
        } catch (IOException e) {
            System.out.println("bench: no numpy comparison: cannot run " + python + " (" + e.getMessage()
                    + "); install python3-numpy");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
