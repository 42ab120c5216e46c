package org.diffract.refine.subtomo;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.config.IniText;
import org.diffract.core.stage.Stage;
import org.diffract.core.stage.StageOption;
import picocli.CommandLine.Option;

/** Multi-reference subtomogram refinement ({@code refine/}, e2spt_refinemulti) as a launcher stage. */
public final class SubtomoStage implements Stage {
    @Override
    public String name() {
        return "refine-subtomo";
    }

    @Override
    public String description() {
        return "multi-reference subtomogram alignment and averaging (EMAN2 e2spt_refinemulti)";
    }

    @Override
    public String rankMainClass() {
        return SubtomoRankMain.class.getName();
    }

    @Override
    public String configTemplate() {
        return "refine-subtomo.ini";
    }

    @Override
    public Path outputFolder(IniConfig config) {
        SubtomoOptions o = SubtomoOptions.parse(SubtomoRankMain.configArgs(config));
        o.validate();
        // a file (EMAN2 HDF, HDF5 or MRC stack, optionally FILE:/dataset) or a folder of MRC files per particle
        String input = o.input.replaceFirst("\\.(h5|hdf):.*$", ".$1");
        if (!Files.isRegularFile(Path.of(input)) && !Files.isDirectory(Path.of(input))) {
            throw new UserError("--input " + input + ": no such file or folder; give an EMAN2 HDF stack, an HDF5 stack "
                    + "(N, n, n, n), an MRC stack or a folder of MRC volumes");
        }
        if (o.path == null) {
            throw new UserError((config.source() != null ? config.source() : "config")
                    + ": set 'path' in [subtomo] (the output folder) to run it as a stage");
        }
        return Path.of(o.path);
    }

    @Override
    public String[] iterationsKey() {
        return new String[] {"subtomo", "iter"};
    }

    /** From the checkpoint, written after every iteration. */
    @Override
    public int iterationsDone(Path outputFolder) {
        return SubtomoCheckpoint.iterationsDone(outputFolder);
    }

    @Override
    public double[] iterationSeconds(Path outputFolder) {
        return SubtomoCheckpoint.seconds(outputFolder);
    }

    @Override
    public boolean resumable() {
        return true;
    }

    @Override
    public Path checkpoint(Path outputFolder) {
        return SubtomoCheckpoint.path(outputFolder);
    }

    /** [subtomo] keys are e2spt_refinemulti's option names without the dashes. */
    @Override
    public Map<String, Set<String>> knownKeys() {
        return Map.of(
                "subtomo",
                new SubtomoOptions()
                        .values().keySet().stream()
                                .map(k -> k.replaceFirst("^--", ""))
                                .collect(Collectors.toUnmodifiableSet()));
    }

    /** The stack is FILE.h5:/dataset in --input. */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        config.set("subtomo", "input", dataset == null || dataset.isEmpty() ? data : data + ":" + dataset);
    }

    @Override
    public Set<String> pathKeys() {
        return Set.of("subtomo.input", "subtomo.ref", "subtomo.maskfile", "subtomo.path");
    }

    @Override
    public List<String> command() {
        return List.of("refine", "subtomo");
    }

    /**
     * e2spt_refinemulti's options, each standing for the [subtomo] key of its name; those we refuse are listed with
     * their reason and refused when the config is checked, never ignored.
     */
    @Override
    public List<StageOption> options() {
        List<StageOption> out = new ArrayList<>();
        for (Field f : SubtomoOptions.class.getDeclaredFields()) {
            Option o = f.getAnnotation(Option.class);
            if (o == null) {
                continue;
            }
            String name = Arrays.stream(o.names())
                    .max(Comparator.comparingInt(String::length))
                    .orElseThrow();
            String key = name.replaceFirst("^--?", "");
            String refused = SubtomoOptions.REFUSED.get(name);
            String help = refused != null
                    ? "refused: " + refused
                    : String.join(" ", o.description()).replace("${DEFAULT-VALUE}", o.defaultValue());
            String label = o.paramLabel().isEmpty() ? "VALUE" : o.paramLabel();
            if (f.getType() == boolean.class) {
                out.add(StageOption.flag(SECTION, key, help, o.names()));
            } else if (o.arity().equals("0..1")) {
                out.add(StageOption.optionalValue(SECTION, key, label, help, o.names()));
            } else {
                out.add(StageOption.value(SECTION, key, label, help, o.names()));
            }
        }
        return out;
    }

    @Override
    public boolean needsConfig() {
        return false;
    }

    /** Without --path, e2spt_refinemulti writes to the next free spt_refinemulti_NN of the working folder. */
    @Override
    public boolean pinDefaults(IniConfig config) {
        if (!config.getString(SECTION, "path", "").isBlank()) {
            return false;
        }
        config.set(
                SECTION,
                "path",
                SubtomoRefinement.nextFreePath(Path.of("")).toAbsolutePath().toString());
        return true;
    }

    private static final String SECTION = "subtomo";

    /** {@code bench}: timing against the figures in the README. */
    @Override
    public List<Object> tools() {
        return List.of(new SubtomoBenchCommand());
    }
}
