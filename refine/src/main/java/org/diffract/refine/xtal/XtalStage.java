package org.diffract.refine.xtal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.diffract.core.config.IniConfig;
import org.diffract.core.config.IniText;
import org.diffract.core.stage.Stage;

/**
 * Serial crystallography (refine.xtal) as a launcher stage: one stage, one rank main ({@link XtalRankMain}) and
 * one run path for both modes, seen by users as {@code diffract refine merge} (cxi.merge) and {@code diffract
 * refine postrefine} (prime), each with its own config template in a project. The command's mode wins over the
 * config's [main] mode, so a prime params.phil runs under either command.
 */
public class XtalStage implements Stage {
    private final Mode mode;

    protected XtalStage(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return "refine-" + mode.word();
    }

    @Override
    public String description() {
        return mode == Mode.MERGE
                ? "scaling and merging of CrystFEL stream reflections (cxi.merge): prefix.mtz, "
                        + ".hkl, .hkl1, .hkl2, _stats.txt, _stats.png and _crystals.h5/.txt"
                : "post-refinement of partial serial crystallography data (prime: scale, B, orientation, reflecting "
                        + "range, cell with Lorentzian partiality) alternating with merging; outputs as merge plus "
                        + "prefix_postref.txt";
    }

    @Override
    public List<String> command() {
        return List.of("refine", mode.word());
    }

    @Override
    public String rankMainClass() {
        return XtalRankMain.class.getName();
    }

    @Override
    public String configTemplate() {
        return "refine-" + mode.word() + ".ini";
    }

    /** Our INI, or prime's params.phil. */
    @Override
    public IniConfig readConfig(Path file) {
        return XtalSettings.config(file);
    }

    /** The command says the mode. */
    @Override
    public boolean pinDefaults(IniConfig config) {
        config.set("main", "mode", mode.word());
        return false;
    }

    @Override
    public Path outputFolder(IniConfig config) {
        return XtalSettings.of(config, source(config), mode).outputFolder();
    }

    /** prefix.log beside the other outputs, as the old cxi.merge/prime runs left it. */
    @Override
    public Path logFile(IniConfig config) {
        return XtalSettings.of(config, source(config), mode).output(".log");
    }

    /**
     * The run's files are named after output_prefix (prefix.mtz, prefix_stats.txt, ...), plus prime's per-cycle MTZs
     * with save_cycles: the folder may hold other files.
     */
    @Override
    public Predicate<String> runFiles(IniConfig config) {
        String prefix = XtalSettings.of(config, source(config), mode)
                .output("")
                .getFileName()
                .toString();
        return name -> name.startsWith(prefix + ".")
                || name.startsWith(prefix + "_")
                || name.equals("mean_scaled_merge.mtz")
                || name.matches("postref_cycle_\\d+_merge\\.mtz");
    }

    private static Path source(IniConfig config) {
        return config.source() != null ? config.source() : config.folder().resolve("refine.ini");
    }

    @Override
    public Map<String, Set<String>> knownKeys() {
        return XtalSettings.KNOWN;
    }

    @Override
    public Set<String> pathKeys() {
        return Set.of("main.data", "main.model", "main.hklisoin", "main.output_prefix");
    }

    /** prime's n_processors: without --ranks/--threads it is split into ranks (at most the cores) and threads. */
    @Override
    public String processesKey() {
        return "main.n_processors";
    }

    /** The data are a CrystFEL stream (text): only the file is set; a dataset path means nothing here. */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        config.set("main", "data", data);
        config.set("main", "mode", mode.word());
    }
}
