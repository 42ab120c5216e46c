package org.diffract.launch;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.refine.subtomo.SubtomoOptions;
import org.diffract.refine.subtomo.SubtomoRefinement;
import org.diffract.refine.subtomo.SyntheticSubtomograms;
import org.diffract.refine.subtomo.VolumeStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffract refine subtomo bench}: particles per second per core of one refinement iteration on
 * synthetic subtomograms (default 64^3 at 12-degree steps), in this JVM with one rank and T threads.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time one refinement iteration on synthetic subtomograms: particles/s per core.")
public final class SubtomoBenchCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "64", description = "box edge (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--particles", defaultValue = "4", description = "particles (default ${DEFAULT-VALUE})")
    int particles;

    @Option(names = "--nref", defaultValue = "1", description = "references (default ${DEFAULT-VALUE})")
    int nref;

    @Option(names = "--delta", defaultValue = "12", description = "coarse angular step, degrees (default ${DEFAULT-VALUE})")
    double delta;

    @Option(names = "--shrink", defaultValue = "2", description = "coarse downsampling (default ${DEFAULT-VALUE})")
    int shrink;

    @Option(names = "--falign", defaultValue = "refine_3d_grid:delta=3:range=6", description = "fine aligner (default ${DEFAULT-VALUE})")
    String falign;

    @Option(names = "--threads", defaultValue = "2", description = "threads (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() {
        SyntheticSubtomograms data = new SyntheticSubtomograms(size, SyntheticSubtomograms.objects(size, nref, 8, 1L),
                Math.max(1, particles / nref), size / 16.0, 1.0, 30, 2L);
        SubtomoOptions o = SubtomoOptions.parse(List.of("--input=synthetic", "--nref=" + nref, "--iter=1",
                "--align=rotate_translate_3d:delta=" + delta + ":dphi=" + delta, "--falign=" + falign,
                "--shrink=" + shrink, "--search=" + Math.max(1, size / 8)));
        VolumeStack stack = new VolumeStack(java.nio.file.Path.of("synthetic"), size, data.particles());
        System.out.printf(Locale.ROOT, "bench: %d particles of %d^3, %d reference(s), delta %.1f, shrink %d, %s, %d threads%n",
                stack.count(), size, nref, delta, shrink, falign, threads);
        long t0 = System.nanoTime();
        new SubtomoRefinement(o, stack, new LocalCommunicator(), threads, null).run(data.truth());
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "bench: %.1f s for one iteration: %.4f particles/s, %.4f particles/s per core; "
                + "peak memory %s%n", s, stack.count() / s, stack.count() / s / threads, EmcBenchCommand.peakMemory());
        return 0;
    }
}
