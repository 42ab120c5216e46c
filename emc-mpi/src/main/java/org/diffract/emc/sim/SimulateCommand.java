package org.diffract.emc.sim;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.geometry.DetectorGeometry;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.DetectorFile;
import org.diffract.core.io.EmcPhotonsFile;
import org.diffract.core.io.H5Writer;
import org.diffract.core.io.PatternsH5;
import org.diffract.core.io.VolumeFile;
import org.diffract.core.plot.SlicePlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffract simulate}: a single-particle data set with known truth, in Dragonfly's and spipy's files, with
 * the emc.ini that reconstructs it. It lives with EMC (its files and config are EMC's); the launcher only lists it.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Simulate single-particle diffraction frames with known truth.")
public final class SimulateCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(SimulateCommand.class);

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--frames", defaultValue = "3000")
    int frames;

    @Option(names = "--detd", defaultValue = "100", description = "detector distance, mm (default ${DEFAULT-VALUE})")
    double detd;

    @Option(names = "--lambda", defaultValue = "6.2", description = "wavelength, A (default ${DEFAULT-VALUE})")
    double lambda;

    @Option(
            names = "--detsize",
            defaultValue = "25",
            description = "detector pixels per side (default ${DEFAULT-VALUE})")
    int detsize;

    @Option(names = "--pixsize", defaultValue = "0.5", description = "pixel size, mm (default ${DEFAULT-VALUE})")
    double pixsize;

    @Option(names = "--stoprad", defaultValue = "3", description = "beamstop radius, pixels (default ${DEFAULT-VALUE})")
    double stoprad;

    @Option(names = "--polarization", defaultValue = "x", description = "x, y or none")
    String polarization;

    @Option(names = "--ewald-rad", description = "Ewald sphere radius in pixels (default detd/pixsize)")
    Double ewaldRad;

    @Option(
            names = "--mean-photons",
            defaultValue = "500",
            description = "fluence, as mean photons per frame (default ${DEFAULT-VALUE})")
    double meanPhotons;

    @Option(names = "--atoms", defaultValue = "20", description = "random Gaussian atoms (default ${DEFAULT-VALUE})")
    int atoms;

    @Option(names = "--blob", description = "the built-in protein-like blob instead of random atoms")
    boolean blob;

    @Option(
            names = "--atom-sigma",
            defaultValue = "0.6",
            description = "atom width in voxels (default ${DEFAULT-VALUE})")
    double atomSigma;

    @Option(
            names = "--particle-radius",
            description = "particle radius in voxels (default: the largest that keeps "
                    + "the intensity oversampled 2x, at most n/6)")
    Double particleRadius;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--no-patterns", description = "skip the dense HDF5 patterns file")
    boolean noPatterns;

    @Option(names = "--num-div", defaultValue = "4", description = "num_div written into emc.ini")
    int numDiv;

    @Option(names = "--iterations", defaultValue = "20", description = "num_iter written into emc.ini")
    int iterations;

    @Override
    public Integer call() {
        if (frames < 1 || detsize < 3 || !(meanPhotons > 0)) {
            throw new UserError("--frames must be >= 1, --detsize >= 3 and --mean-photons > 0");
        }
        Detector det = DetectorGeometry.make(new DetectorGeometry.Params(
                detd,
                lambda,
                detsize,
                detsize,
                pixsize,
                stoprad,
                polarization,
                ewaldRad == null ? Double.NaN : ewaldRad,
                Double.NaN,
                Double.NaN));
        int n = det.modelSize();
        // Larger particles give finer speckle, which orients frames better; 2(R + 3 sigma) <= n/2 keeps the
        // intensity oversampled (see DensityModel).
        double radius = particleRadius != null ? particleRadius : Math.min(n / 6.0, n / 4.0 - 3 * atomSigma - 0.5);
        double[] density =
                blob ? DensityModel.blob(n, radius, seed) : DensityModel.randomAtoms(n, atoms, atomSigma, radius, seed);
        double[] intensity = IntensityModel.fromDensity(density, n);
        LOG.info(
                "simulating {} frames on a {}x{} detector, model {}^3, {} mean photons per frame",
                frames,
                detsize,
                detsize,
                n,
                meanPhotons);
        FrameSimulator.Result r = FrameSimulator.simulate(intensity, n, det, frames, meanPhotons, seed + 1);
        AtomicFiles.createFolder(out);
        EmcPhotonsFile.write(out.resolve("photons.emc"), r.photons());
        DetectorFile.writeH5(out.resolve("det.h5"), det);
        DetectorFile.writeDat(out.resolve("det.dat"), det);
        if (!noPatterns) {
            PatternsH5.write(out.resolve("patterns.h5"), "/patterns", r.photons(), detsize, detsize);
        }
        new H5Writer()
                .put("density", density, n, n, n)
                .put("intensity", intensity, n, n, n)
                .put("quaternions", r.quaternions(), frames, 4)
                .put("mean_photons", r.meanPhotons())
                .write(out.resolve("truth.h5"));
        VolumeFile.writeBin(out.resolve("intensity.bin"), intensity, n);
        SlicePlot.writeCentralSlices(out.resolve("truth_slices.png"), intensity, n, "true intensity (log10)", true);
        AtomicFiles.writeString(out.resolve("emc.ini"), config());
        System.out.printf(
                Locale.ROOT,
                "simulated %d frames (%.1f photons per frame) into %s; reconstruct with: "
                        + "diffract emc --config %s%n",
                frames,
                r.meanPhotons(),
                out,
                out.resolve("emc.ini"));
        return 0;
    }

    private String config() {
        return String.format(
                Locale.ROOT,
                """
                # made by diffract simulate; reconstruct with: diffract emc --config emc.ini
                [parameters]
                detd = %s
                lambda = %s
                detsize = %d %d
                pixsize = %s
                stoprad = %s
                polarization = %s
                ewald_rad = %s

                [emc]
                in_photons_file = photons.emc
                in_detector_file = det.h5
                num_div = %d
                need_scaling = 1
                beta = 0.1
                beta_schedule = 1.5 %d
                sym_icosahedral = 0
                selection = None
                start_model_file = None
                output_folder = output
                num_iter = %d
                random_seed = 1
                """,
                detd,
                lambda,
                detsize,
                detsize,
                pixsize,
                stoprad,
                polarization,
                ewaldRad == null ? "None" : ewaldRad.toString(),
                numDiv,
                // deterministic annealing: beta from 0.1 up to about 1 over the run, so frames with hundreds
                // of photons do not lock onto the random start model's orientations
                Math.max(1, Math.round(iterations / 7.0)),
                iterations);
    }
}
