package org.diffract.refine.subtomo;

import java.util.List;
import java.util.concurrent.Callable;

import org.diffract.core.bench.PeakMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffract refine subtomo bench}: the options of {@link SubtomoBench}, which does the work. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Time one refinement iteration on synthetic subtomograms: particles/s per core and the coarse search's FFT bound.")
public final class SubtomoBenchCommand implements Callable<Integer> {
    @Option(names = "--size", split = ",", defaultValue = "32,64", description = "box edges (default ${DEFAULT-VALUE})")
    List<Integer> sizes;

    @Option(names = "--particles", defaultValue = "4", description = "particles (default ${DEFAULT-VALUE})")
    int particles;

    @Option(names = "--nref", defaultValue = "1", description = "references (default ${DEFAULT-VALUE})")
    int nref;

    @Option(
            names = "--delta",
            defaultValue = "12",
            description = "coarse angular step, degrees (default ${DEFAULT-VALUE})")
    double delta;

    @Option(names = "--shrink", defaultValue = "2", description = "coarse downsampling (default ${DEFAULT-VALUE})")
    int shrink;

    @Option(
            names = "--falign",
            defaultValue = "refine_3d_grid:delta=3:range=6",
            description = "fine aligner (default ${DEFAULT-VALUE})")
    String falign;

    @Option(names = "--threads", defaultValue = "2", description = "threads (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() {
        for (int size : sizes) {
            SubtomoBench.run(size, particles, nref, delta, shrink, falign, threads, System.out);
        }
        System.out.println("bench: peak memory " + PeakMemory.describe());
        return 0;
    }
}
