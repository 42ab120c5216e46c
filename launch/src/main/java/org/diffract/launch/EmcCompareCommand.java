package org.diffract.launch;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.diffract.core.io.VolumeFile;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.emc.ModelComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffract emc compare}: the options of {@link ModelComparison}, which does the work. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Align a model to a reference intensity and print the correlation per resolution shell. A "
                + "reference of another size with the same centre voxel is padded or cropped to the model's.")
public final class EmcCompareCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "reconstructed model (.h5 with intens, or .bin)")
    Path model;

    @Option(names = "--reference", required = true, description = "reference intensity (.h5 or .bin)")
    Path reference;

    @Option(names = "--reference-dataset", description = "dataset in the reference .h5 (default intens, model)")
    String referenceDataset;

    @Option(names = "--shells", defaultValue = "10")
    int shells;

    @Option(names = "--rmin", defaultValue = "3", description = "inner radius in voxels (beamstop) excluded")
    double rMin;

    @Option(names = "--rmax", description = "outer radius in voxels (default: the largest sphere in the cube)")
    Double rMax;

    @Option(names = "--min", description = "exit 3 unless every shell's correlation is at least this")
    Double min;

    @Option(names = "--threads", description = "threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() {
        VolumeFile.Cube m = VolumeFile.readCube(model);
        VolumeFile.Cube r = referenceDataset == null
                ? VolumeFile.readCube(reference)
                : VolumeFile.readCube(reference, referenceDataset);
        int t = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
        ModelComparison.Result res;
        try (WorkerPool pool = new WorkerPool(t, "compare")) {
            res = ModelComparison.compare(m, r, shells, rMin, rMax, pool);
        }
        System.out.print(res.table());
        return min != null && !(res.worst() >= min) ? 3 : 0;
    }
}
