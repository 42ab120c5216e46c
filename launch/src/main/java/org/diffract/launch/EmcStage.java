package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.io.H5Reader;
import org.diffract.emc.EmcCheckpoint;
import org.diffract.emc.EmcSettings;

/** EMC reconstruction ({@code emc-mpi}) as a launcher stage. */
final class EmcStage implements Stage {
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
        return "org.diffract.emc.EmcRankMain";
    }

    @Override
    public String configTemplate() {
        return "emc.ini";
    }

    @Override
    public Path outputFolder(Path config) {
        return EmcSettings.read(config, 1).outputFolder();
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
}
