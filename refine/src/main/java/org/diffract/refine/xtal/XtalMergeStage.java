package org.diffract.refine.xtal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.diffract.core.config.IniConfig;
import org.diffract.core.config.IniText;
import org.diffract.core.stage.Stage;


/** Serial crystallography merge (refine.xtal) as a launcher stage. */
public final class XtalMergeStage implements Stage {
    @Override
    public String name() {
        return "refine-merge";
    }

    @Override
    public String description() {
        return "scaling and merging of CrystFEL stream reflections (cxi.merge)";
    }

    @Override
    public String rankMainClass() {
        return MergeRankMain.class.getName();
    }

    @Override
    public String configTemplate() {
        return "refine-merge.ini";
    }

    @Override
    public Path outputFolder(IniConfig config) {
        return XtalSettings.from(config).outputFolder();
    }

    @Override
    public Map<String, Set<String>> knownKeys() {
        return XtalSettings.KNOWN;
    }

    /** The data are a CrystFEL stream (text): only the file is set; a dataset path means nothing here. */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        config.set("main", "data", data);
    }

    @Override
    public Set<String> pathKeys() {
        return Set.of("main.data", "main.model", "main.output_prefix");
    }

    @Override
    public List<String> command() {
        return List.of("refine", "merge");
    }

    /** prime's n_processors: without --ranks/--threads it is split into ranks (at most the cores) and threads. */
    @Override
    public String processesKey() {
        return "main.n_processors";
    }
}
