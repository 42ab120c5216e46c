package org.diffract.launch;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.refine.xtal.Mode;
import org.diffract.refine.xtal.XtalLaunch;
import org.diffract.refine.xtal.XtalSettings;

/**
 * Serial crystallography (refine.xtal) as a launcher stage, once per mode: refine-merge (cxi.merge) and
 * refine-postrefine (prime). Both run the same rank main; the project's config says the mode.
 */
final class XtalStage implements Stage {
    private final Mode mode;

    XtalStage(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "refine-" + mode.word();
    }

    @Override
    public String description() {
        return mode == Mode.MERGE ? "scaling and merging of CrystFEL stream reflections (cxi.merge)"
                : "post-refinement and merging of partial serial crystallography data (prime)";
    }

    @Override
    public String rankMainClass() {
        return XtalLaunch.RANK_MAIN;
    }

    @Override
    public String configTemplate() {
        return "refine-" + mode.word() + ".ini";
    }

    @Override
    public Path outputFolder(Path config) {
        XtalSettings s = XtalSettings.read(config);
        if (s.mode() != mode) {
            throw new UserError(config + ": [main] mode = " + s.mode().word() + " but the stage is " + name()
                    + "; set mode = " + mode.word());
        }
        return s.outputFolder();
    }

    @Override
    public Map<String, Set<String>> knownKeys() {
        return XtalSettings.KNOWN;
    }

    /** The data are a CrystFEL stream (text): only the file is set; a dataset path means nothing here. */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        config.set("main", "data", data);
        config.set("main", "mode", mode.word());
    }
}
