package org.diffract.spots;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.core.bench.PeakMemory;
import org.diffract.core.parallel.LocalCommunicator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffract spots bench}: frames per second of the spot-finding pipeline (statistics, masks,
 * morphology, labels, spot table; no file I/O) on a synthetic series held in memory, in this JVM with
 * one rank and T threads; with {@code --numpy SCRIPT} the same pipeline in numpy/scipy on the same
 * machine for comparison.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Time spot finding on a synthetic frame series (frames/s), optionally against numpy/scipy.")
public final class SpotsBenchCommand implements Callable<Integer> {
    @Option(names = "--frames", defaultValue = "200", description = "frames (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--size", defaultValue = "1024", description = "frame edge in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--threads", defaultValue = "2")
    int threads;

    @Option(names = "--numpy", description = "the numpy/scipy reference script (spots/bench/spots_numpy.py)")
    Path numpy;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "python with numpy and scipy")
    String python;

    @Override
    public Integer call() throws Exception {
        if (frames < 20 || size < 32) {
            throw new UserError("--frames must be >= 20 and --size >= 32");
        }
        int perAngle = frames / 10;
        int n = perAngle * 10;
        long t0 = System.nanoTime();
        SyntheticLaue d = SyntheticLaue.builder()
                .size(size, size)
                .angles(10, perAngle)
                .spots(Math.min(20, size / 24), 0, 300)
                .seed(1)
                .build();
        System.out.printf(
                Locale.ROOT,
                "bench: %d frames of %d x %d generated in %.1f s; %d threads%n",
                n,
                size,
                size,
                (System.nanoTime() - t0) / 1e9,
                threads);
        SpotsOptions o = SpotsOptions.resolve(null, Map.of(SpotsOptions.Key.INPUT.key(), "/bench/synthetic__mccd.h5"));
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        int spots = 0;
        // the machine may be shared: CPU seconds tell the work apart from the waiting
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int rep = 0; rep < 2; rep++) {
            long t = System.nanoTime();
            long c = os.getProcessCpuTime();
            SpotsResult r = new SpotFinder(o, new LocalCommunicator(), threads).run(d);
            double s = (System.nanoTime() - t) / 1e9;
            double cpu = (os.getProcessCpuTime() - c) / 1e9;
            best = Math.min(best, s);
            bestCpu = Math.min(bestCpu, cpu);
            spots = r.numSpots();
            System.out.printf(
                    Locale.ROOT,
                    "bench: java run %d: %.2f s wall, %.2f s CPU, %.1f frames/s, %d spots%n",
                    rep + 1,
                    s,
                    cpu,
                    n / s,
                    spots);
        }
        double javaFps = n / best;
        System.out.printf(
                Locale.ROOT,
                "bench: java best %.2f s = %.1f frames/s (%.2f CPU s); peak memory %s%n",
                best,
                javaFps,
                bestCpu,
                PeakMemory.describe());
        if (numpy != null) {
            if (!Files.isRegularFile(numpy)) {
                throw new UserError(numpy + ": no such script; give spots/bench/spots_numpy.py");
            }
            d = null;
            System.gc();
            Process p = new ProcessBuilder(python, numpy.toString(), Integer.toString(n), Integer.toString(size))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new UserError("numpy reference failed: " + out.replace('\n', ' '));
            }
            System.out.println(out);
            String last = out.substring(out.lastIndexOf('\n') + 1);
            if (last.startsWith("fps ")) {
                String[] f = last.substring(4).trim().split(" ");
                double npFps = Double.parseDouble(f[0]);
                double npCpu = Double.parseDouble(f[1]);
                System.out.printf(
                        Locale.ROOT,
                        "bench: java %.1f frames/s vs numpy/scipy %.1f frames/s: %.1fx faster "
                                + "(CPU seconds: java %.2f on %d threads, numpy %.2f)%n",
                        javaFps,
                        npFps,
                        javaFps / npFps,
                        bestCpu,
                        threads,
                        npCpu);
            }
        }
        return 0;
    }
}
