package org.diffract.spots;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.config.IniText;
import org.diffract.core.stage.Stage;
import org.diffract.core.stage.StageOption;


/** Laue spot finding ({@code spots}) as a launcher stage. */
public final class SpotsStage implements Stage {
    @Override
    public String name() {
        return "spots";
    }

    @Override
    public String description() {
        return "Laue spot finding in frame time series (LaueUtil lu_hdf2spots)";
    }

    @Override
    public String rankMainClass() {
        return SpotsRankMain.class.getName();
    }

    @Override
    public String configTemplate() {
        return "spots.ini";
    }

    @Override
    public Path outputFolder(IniConfig config) {
        SpotsOptions o = SpotsOptions.from(config);
        if (!Files.isRegularFile(o.input())) {
            throw new UserError(o.input() + ": no such input file; give the LaueCollect FILE__mccd.h5");
        }
        return o.output().toAbsolutePath().getParent();
    }

    /** Beside the output file, named after it, as lu_hdf2spots users find their runs. */
    @Override
    public Path logFile(IniConfig config) {
        Path out = SpotsOptions.from(config).output().toAbsolutePath();
        String name = out.getFileName().toString();
        return out.resolveSibling((name.endsWith(".h5") ? name.substring(0, name.length() - 3) : name) + ".log");
    }

    @Override
    public Map<String, Set<String>> knownKeys() {
        return Map.of(SpotsOptions.SECTION, Set.copyOf(SpotsOptions.KEYS));
    }

    /**
     * LaueUtil's layout fixes the frames' dataset (/frames beside lauecollect/), so only the file is set.
     * A project fills every stage's config from its one data file: this must not refuse data meant for
     * another stage; spots itself checks the layout when it runs.
     */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        config.set(SpotsOptions.SECTION, "input", data);
    }

    @Override
    public Set<String> pathKeys() {
        return Set.of(SpotsOptions.SECTION + ".input", SpotsOptions.SECTION + ".output");
    }

    /** lu_hdf2spots' command line: the frames file, then its short options and their long names. */
    @Override
    public List<StageOption> options() {
        String s = SpotsOptions.SECTION;
        return List.of(
                StageOption.positional(s, "input", "FILE__mccd.h5", "input frames"),
                StageOption.value(s, "output", "FILE__spots.h5", "output (default: the input with __spots.h5)", "-o",
                        "--output"),
                StageOption.value(s, "method", "n_removed|kruskal", "statistics method (default n_removed)", "-m",
                        "--method"),
                StageOption.value(s, "n_percent", "N", "percent of largest values removed per pixel; 0 means 25 "
                        + "(default 25)", "-n", "--n"),
                StageOption.value(s, "alpha", "A", "Kruskal-Wallis significance level (default 0.05)", "-A", "--alpha"),
                StageOption.value(s, "cutoff", "C", "mask cutoff in standard deviations (default 3.0)", "-c", "--cutoff"),
                StageOption.value(s, "erosions", "E", "erosions (default 1)", "-e", "--erosions"),
                StageOption.value(s, "dilations", "D", "dilations (default 2)", "-d", "--dilations"),
                StageOption.value(s, "structure", "rank,connectivity", "structure (default 2,2)", "-s", "--structure"),
                StageOption.value(s, "min_angles", "N", "minimum distinct angles (default 10)", "-a", "--angles"),
                StageOption.value(s, "sync", "none|pairs|blocks", "mask sync (default none)", "-S"),
                StageOption.value(s, "compression", "gzip|none", "output compression (default gzip)", "-C",
                        "--compression"));
    }

    @Override
    public boolean needsConfig() {
        return false;
    }
}
