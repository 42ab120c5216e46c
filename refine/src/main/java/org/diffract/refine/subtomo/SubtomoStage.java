package org.diffract.refine.subtomo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.diffract.core.UserError;
import org.diffract.core.config.IniText;
import org.diffract.core.stage.Stage;

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
    public Path outputFolder(Path config) {
        SubtomoOptions o = SubtomoOptions.parse(SubtomoRankMain.configArgs(config));
        o.validate();
        if (o.path == null) {
            throw new UserError(config + ": set 'path' in [subtomo] (the output folder) to run it as a stage");
        }
        Path p = Path.of(o.path);
        return p.isAbsolute() ? p : config.toAbsolutePath().getParent().resolve(p);
    }

    @Override
    public String[] iterationsKey() {
        return new String[] {"subtomo", "iter"};
    }

    @Override
    public int iterationsDone(Path outputFolder) {
        if (!Files.isDirectory(outputFolder)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(outputFolder)) {
            return (int) s.filter(p -> p.getFileName().toString().matches("classes_\\d+\\.h5")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** [subtomo] keys are e2spt_refinemulti's option names without the dashes. */
    @Override
    public Map<String, Set<String>> knownKeys() {
        return Map.of("subtomo", new SubtomoOptions().values().keySet().stream()
                .map(k -> k.replaceFirst("^--", "")).collect(Collectors.toUnmodifiableSet()));
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
}
