package org.diffract.spots;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

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

    /**
     * The output lies beside the frames and other runs' outputs: a run's files are those named after its output
     * (NAME.h5, NAME.log, NAME.run.ini, NAME_avg.png, ... and their temporary names).
     */
    @Override
    public Predicate<String> runFiles(IniConfig config) {
        String out = SpotsOptions.from(config).output().getFileName().toString();
        String stem = out.endsWith(".h5") ? out.substring(0, out.length() - 3) : out;
        return name -> name.equals(out) || name.startsWith(stem + ".") || name.startsWith(stem + "_");
    }

    @Override
    public Map<String, Set<String>> knownKeys() {
        return Map.of(SpotsOptions.SECTION, SpotsOptions.Key.keys());
    }

    /**
     * LaueUtil's layout fixes the frames' dataset (/frames beside lauecollect/), so only the file is set.
     * A project fills every stage's config from its one data file: this must not refuse data meant for
     * another stage; spots itself checks the layout when it runs.
     */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        config.set(SpotsOptions.SECTION, SpotsOptions.Key.INPUT.key(), data);
    }

    @Override
    public Set<String> pathKeys() {
        return Arrays.stream(SpotsOptions.Key.values())
                .filter(SpotsOptions.Key::isPath)
                .map(k -> SpotsOptions.SECTION + "." + k.key())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** lu_hdf2spots' command line: the frames file, then its short options with their long names. */
    @Override
    public List<StageOption> options() {
        List<StageOption> out = new ArrayList<>();
        for (SpotsOptions.Key k : SpotsOptions.Key.values()) {
            out.add(
                    k.shortOption() == null
                            ? StageOption.positional(SpotsOptions.SECTION, k.key(), k.label(), k.help())
                            : StageOption.value(
                                    SpotsOptions.SECTION,
                                    k.key(),
                                    k.label(),
                                    k.help(),
                                    k.shortOption(),
                                    k.longOption()));
        }
        return out;
    }

    @Override
    public boolean needsConfig() {
        return false;
    }

    /** {@code bench}: timing against the figures in the README. */
    @Override
    public List<Object> tools() {
        return List.of(new SpotsBenchCommand());
    }
}
