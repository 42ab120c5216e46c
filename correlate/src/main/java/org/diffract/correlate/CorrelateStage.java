package org.diffract.correlate;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.diffract.core.config.IniText;
import org.diffract.core.stage.Stage;


/** Difference angular correlations ({@code correlate}) as a launcher stage; its rank main runs all steps. */
public final class CorrelateStage implements Stage {
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
        return CorrelateRankMain.class.getName();
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
    public Map<String, Set<String>> knownKeys() {
        return CorrelateSettings.KNOWN;
    }

    /** A SACLA run file or a plain (N, H, W) stack: the shots' file and dataset (or run) path. */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        config.set("input", "data_file", data).set("input", "dataset", dataset);
    }

    @Override
    public Set<String> pathKeys() {
        return CorrelateSettings.PATH_KEYS;
    }
}
