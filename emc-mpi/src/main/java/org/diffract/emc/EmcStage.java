package org.diffract.emc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.jhdf.api.Dataset;
import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.config.IniText;
import org.diffract.core.io.H5Reader;
import org.diffract.core.stage.Stage;

/** EMC reconstruction ({@code emc-mpi}) as a launcher stage. */
public final class EmcStage implements Stage {
    @Override
    public String name() {
        return "emc";
    }

    @Override
    public String description() {
        return "EMC 3D reconstruction of single-particle diffraction patterns";
    }

    @Override
    public String rankMainClass() {
        return EmcRankMain.class.getName();
    }

    @Override
    public String configTemplate() {
        return "emc.ini";
    }

    @Override
    public Path outputFolder(IniConfig config) {
        return EmcSettings.from(config, 1).outputFolder();
    }

    @Override
    public String[] iterationsKey() {
        return new String[] {"emc", "num_iter"};
    }

    @Override
    public int iterationsDone(Path outputFolder) {
        Path cp = EmcCheckpoint.path(outputFolder);
        if (!Files.isRegularFile(cp)) {
            return 0;
        }
        try (H5Reader r = H5Reader.open(cp)) {
            return (int) r.scalar("iteration", 0);
        }
    }

    @Override
    public Map<String, Set<String>> knownKeys() {
        return EmcSettings.KNOWN;
    }

    /** spipy-style patterns (Nd, Nx, Ny): no photons file, no detector file (made from [parameters]). */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        long[] shape;
        try (H5Reader r = H5Reader.open(project.resolve(data))) {
            Dataset ds = r.dataset(dataset);
            int[] dims = ds.getDimensions();
            if (dims.length != 3) {
                throw new UserError(project.resolve(data) + ": dataset '" + dataset + "' has " + dims.length
                        + " dimensions; EMC needs patterns (Nd, Nx, Ny): give --inh5 the patterns' path");
            }
            shape = new long[] {dims[0], dims[1], dims[2]};
        }
        config.remove("emc", "in_photons_file")
                .remove("emc", "in_detector_file")
                .set("emc", "in_patterns_file", data)
                .set("emc", "in_patterns_dataset", dataset)
                .set("parameters", "detsize", shape[1] + " " + shape[2]);
    }

    @Override
    public Path checkpoint(Path outputFolder) {
        return EmcCheckpoint.path(outputFolder);
    }

    /** EMC.log: a header line, then tab-separated iteration, seconds, ... per iteration. */
    @Override
    public double[] iterationSeconds(Path outputFolder) {
        Path log = outputFolder.resolve(EmcRun.LOG_FILE);
        if (!Files.isRegularFile(log)) {
            return new double[0];
        }
        try {
            return Files.readAllLines(log).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .mapToDouble(l -> Double.parseDouble(l.split("\t")[1]))
                    .toArray();
        } catch (IOException | RuntimeException e) {
            throw new UserError(
                    log + ": unreadable EMC log (" + e.getMessage() + "); it is rewritten by the next " + "iteration");
        }
    }

    @Override
    public Set<String> pathKeys() {
        return Set.of(
                "emc.in_photons_file",
                "emc.in_patterns_file",
                "emc.in_detector_file",
                "emc.in_mask_file",
                "make_detector.in_mask_file",
                "make_detector.out_detector_file",
                "emc.start_model_file",
                "emc.output_folder",
                "emc.log_file");
    }

    /**
     * The memory estimate of {@link EmcMemory} (it reads the data and probes the start model), plus the JVM's own
     * base: the launcher refuses a smaller --heap and otherwise sizes the rank JVMs from it.
     */
    @Override
    public long heapBytes(IniConfig config, int ranks, int threads) {
        EmcMemory.Estimate e = EmcMemory.estimate(EmcSettings.from(config, threads), ranks, threads);
        return e.total() + EmcMemory.JVM_BASE;
    }

    @Override
    public boolean resumable() {
        return true;
    }
}
