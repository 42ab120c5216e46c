package org.diffract.launch;

import java.nio.file.Path;

import org.diffract.correlate.CorrelateSettings;

/** Difference angular correlations ({@code correlate}) as a launcher stage; its rank main runs all steps. */
final class CorrelateStage implements Stage {
    @Override
    public String name() {
        return "correlate";
    }

    @Override
    public String description() {
        return "ring-fit centring, polar resampling and difference angular correlations (SACLA RingData)";
    }

    @Override
    public String rankMainClass() {
        return CorrelateCommand.RANK_MAIN;
    }

    @Override
    public String configTemplate() {
        return "correlate.ini";
    }

    @Override
    public Path outputFolder(Path config) {
        return CorrelateSettings.read(config).outputFolder();
    }

    @Override
    public String[] iterationsKey() {
        return null;
    }

    @Override
    public int iterationsDone(Path outputFolder) {
        return 0;
    }
}
