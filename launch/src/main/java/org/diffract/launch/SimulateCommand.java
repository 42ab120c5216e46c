package org.diffract.launch;

import java.nio.file.Files;
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
import org.diffract.emc.sim.DensityModel;
import org.diffract.emc.sim.FrameSimulator;
import org.diffract.emc.sim.IntensityModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffract simulate}: a single-particle data set with known truth, in Dragonfly's and spipy's files. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
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

    @Option(names = "--detsize", defaultValue = "41", description = "detector pixels per side (default ${DEFAULT-VALUE})")
    int detsize;

    @Option(names = "--pixsize", defaultValue = "0.5", description = "pixel size, mm (default ${DEFAULT-VALUE})")
    double pixsize;

    @Option(names = "--stoprad", defaultValue = "3", description = "beamstop radius, pixels (default ${DEFAULT-VALUE})")
    double stoprad;

    @Option(names = "--polarization", defaultValue = "x", description = "x, y or none")
    String polarization;

    @Option(names = "--ewald-rad", description = "Ewald sphere radius in pixels (default detd/pixsize)")
    Double ewaldRad;

    @Option(names = "--mean-photons", defaultValue = "300",
            description = "fluence, as mean photons per frame (default ${DEFAULT-VALUE})")
    double meanPhotons;

    @Option(names = "--atoms", description = "random Gaussian atoms instead of the built-in blob")
    Integer atoms;

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
        Detector det = DetectorGeometry.make(new DetectorGeometry.Params(detd, lambda, detsize, detsize, pixsize, stoprad,
                polarization, ewaldRad == null ? Double.NaN : ewaldRad, Double.NaN, Double.NaN));
        int n = det.modelSize();
        double[] density = atoms != null ? DensityModel.randomAtoms(n, atoms, 1.0, n / 8.0, seed)
                : DensityModel.blob(n, n / 8.0, seed);
        double[] intensity = IntensityModel.fromDensity(density, n);
        LOG.info("simulating {} frames on a {}x{} detector, model {}^3, {} mean photons per frame", frames, detsize,
                detsize, n, meanPhotons);
        FrameSimulator.Result r = FrameSimulator.simulate(intensity, n, det, frames, meanPhotons, seed + 1);
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new UserError("cannot create " + out + ": " + e.getMessage());
        }
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
        System.out.printf(Locale.ROOT, "simulated %d frames (%.1f photons per frame) into %s; reconstruct with: "
                + "diffract emc --config %s%n", frames, r.meanPhotons(), out, out.resolve("emc.ini"));
        return 0;
    }

    private String config() {
        return String.format(Locale.ROOT, """
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
                beta = 1.0
                beta_schedule = 1.41421356 10
                sym_icosahedral = 0
                selection = None
                start_model_file = None
                output_folder = output
                num_iter = %d
                random_seed = 1
                """, detd, lambda, detsize, detsize, pixsize, stoprad, polarization,
                ewaldRad == null ? "None" : ewaldRad.toString(), numDiv, iterations);
    }
}
