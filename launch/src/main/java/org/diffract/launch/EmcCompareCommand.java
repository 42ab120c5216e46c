package org.diffract.launch;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.core.io.VolumeFile;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.stats.ShellCorrelation;
import org.diffract.core.volume.VolumeAlignment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffract emc compare}: how close a reconstructed intensity is to a reference after the best
 * rotation (EMC's result has an arbitrary overall orientation): correlation per resolution shell.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Align a model to a reference intensity and print the correlation per resolution shell.")
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

    @Override
    public Integer call() {
        VolumeFile.Cube m = VolumeFile.readCube(model);
        VolumeFile.Cube r = referenceDataset == null ? VolumeFile.readCube(reference)
                : VolumeFile.readCube(reference, referenceDataset);
        if (m.n() != r.n()) {
            throw new UserError(model + " is " + m.n() + "^3 but " + reference + " is " + r.n()
                    + "^3; compare models made with the same detector");
        }
        int n = m.n();
        double outer = rMax != null ? rMax : n / 2 - 1;
        VolumeAlignment.Result a;
        try (WorkerPool pool = new WorkerPool(Runtime.getRuntime().availableProcessors(), "compare")) {
            a = VolumeAlignment.align(m.data(), r.data(), n, 6, rMin, outer, pool);
        }
        double[] q = a.quaternion();
        System.out.printf(Locale.ROOT, "best rotation q = (%.4f, %.4f, %.4f, %.4f), overall correlation %.4f%n",
                q[0], q[1], q[2], q[3], a.correlation());
        double[] cc = ShellCorrelation.compute(a.aligned(), r.data(), n, shells, outer);
        double worst = Double.POSITIVE_INFINITY;
        for (int s = 0; s < shells; s++) {
            double lo = outer * s / shells;
            double hi = outer * (s + 1) / shells;
            // shells reaching inside the beamstop hold voxels no pixel measured: shown, not judged
            boolean judged = lo >= rMin;
            System.out.printf(Locale.ROOT, "shell %2d  r %5.1f-%5.1f voxels  correlation %.4f%s%n", s + 1, lo, hi, cc[s],
                    judged ? "" : "  (inside rmin, not judged)");
            if (judged && !Double.isNaN(cc[s])) {
                worst = Math.min(worst, cc[s]);
            }
        }
        System.out.printf(Locale.ROOT, "lowest shell correlation %.4f%n", worst);
        return min != null && !(worst >= min) ? 3 : 0;
    }
}
