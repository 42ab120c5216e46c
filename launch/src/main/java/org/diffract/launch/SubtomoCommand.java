package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.refine.subtomo.SubtomoOptions;
import org.diffract.refine.subtomo.SubtomoRankMain;
import org.diffract.refine.subtomo.SubtomoRefinement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code diffract refine subtomo}: EMAN2 e2spt_refinemulti's multi-reference subtomogram refinement with
 * MPJ ranks on this machine. Options are checked here first, so a typo fails before any rank starts.
 */
@Command(name = "subtomo", mixinStandardHelpOptions = true, subcommands = {SubtomoBenchCommand.class},
        description = "Multi-reference subtomogram alignment and averaging (EMAN2 e2spt_refinemulti options).")
public final class SubtomoCommand implements Callable<Integer> {
    @Mixin
    SubtomoOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", description = "config file whose [subtomo] keys are these option names (conf/refine-subtomo.ini); options given here win")
    Path config;

    @Mixin
    RankOptions rankOptions;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new UserError(config + ": no such config file; copy conf/refine-subtomo.ini");
            }
            args.addAll(SubtomoRankMain.configArgs(config));
        }
        args.addAll(givenOptions());
        SubtomoOptions o = SubtomoOptions.parse(args);
        o.validate();
        String input = o.input.contains(".h5:") ? o.input.substring(0, o.input.indexOf(".h5:") + 3)
                : o.input.contains(".hdf:") ? o.input.substring(0, o.input.indexOf(".hdf:") + 4) : o.input;
        // a file (HDF5 or MRC stack) or a folder of one MRC file per particle; the ranks read and check it
        if (!Files.isRegularFile(Path.of(input)) && !Files.isDirectory(Path.of(input))) {
            throw new UserError("--input " + input + ": no such file or folder; give an EMAN2 HDF stack, an HDF5 stack "
                    + "(N, n, n, n), an MRC stack or a folder of MRC volumes");
        }
        Path dir = o.path != null ? Path.of(o.path) : SubtomoRefinement.nextFreePath(Path.of("."));
        o.path = dir.toAbsolutePath().normalize().toString();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create output folder " + dir + ": " + e.getMessage());
        }
        System.err.println("diffract refine subtomo: writing to " + dir);
        return rankOptions.launch(dir.resolve("diffract.log"), "org.diffract.refine.subtomo.SubtomoRankMain",
                o.toArgs());
    }

    /** The stage options the user typed (not their defaults, so a config's values survive). */
    private List<String> givenOptions() {
        Set<String> known = new java.util.HashSet<>(new SubtomoOptions().values().keySet());
        known.addAll(SubtomoOptions.REFUSED.keySet()); // passed on so that validate() refuses them with the reason
        List<String> a = new ArrayList<>();
        for (CommandLine.Model.OptionSpec opt : spec.commandLine().getParseResult().matchedOptions()) {
            String name = opt.longestName();
            if (!known.contains(name)) {
                continue;
            }
            Object v = opt.getValue();
            if (v instanceof Boolean b) {
                if (b) {
                    a.add(name);
                }
            } else if (v instanceof List<?> l) {
                a.add(name + "=" + String.join(",", l.stream().map(String::valueOf).toList()));
            } else if (v != null) {
                a.add(name + "=" + v);
            }
        }
        return a;
    }
}
