package org.diffract.launch;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.diffract.refine.xtal.XtalSettings;

/** Serial crystallography postrefine (refine.xtal) as a launcher stage. */
final class XtalPostrefineStage implements Stage {
    @Override
    public String name() {
        return "refine-postrefine";
    }

    @Override
    public String description() {
        return "post-refinement and merging of partial serial crystallography data (prime)";
    }

    @Override
    public String rankMainClass() {
        return "org.diffract.refine.xtal.PostrefineRankMain";
    }

    @Override
    public String configTemplate() {
        return "refine-postrefine.ini";
    }

    @Override
    public Path outputFolder(Path config) {
        return XtalSettings.read(config).outputFolder();
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
}
