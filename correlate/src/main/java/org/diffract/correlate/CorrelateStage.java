package org.diffract.correlate;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.diffract.core.config.IniConfig;
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
    public Path outputFolder(IniConfig config) {
        return CorrelateSettings.from(config).outputFolder();
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

    @Override
    public List<Step> steps() {
        return List.of(
                new Step(
                        "center",
                        "Fit a circle (or ellipse) to a bright ring on the mean of num_shots shots after "
                                + "skip_dark (or of [center] tags): beam centre, radius, residual; center.h5 and center_fit.png"),
                new Step(
                        "polar",
                        "Resample every shot onto rings qmin..qmax (1/A) and normalise the rings; polar.h5, "
                                + "polar.json (tag map) and polar.png. The mask (1 = good) is resampled the same way"),
                new Step(
                        "pairs",
                        "Choose the shot pairs (consecutive after skip_dark, [pairs] mode non_overlapping or "
                                + "overlapping, or [pairs] pairs_file JSON); pairs.json and pairs-settings.ini"),
                new Step(
                        "diffcorr",
                        "Mask-corrected difference angular correlations of pairs.json's pairs (made again "
                                + "if [input]/[pairs] changed since the pairs step) from polar.h5; correlations.h5 and "
                                + "correlation.png"),
                new Step("run", "center (unless [geometry] x_center/y_center are set), polar, pairs, diffcorr"));
    }

    /** {@code bench}: timing against the figures in the README. */
    @Override
    public List<Object> tools() {
        return List.of(new CorrelateBenchCommand());
    }
}
