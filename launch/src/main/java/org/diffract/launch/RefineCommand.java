package org.diffract.launch;

import org.diffract.refine.xtal.Mode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code diffract refine}: the refinement stages (subtomogram averaging; serial-crystallography merging). */
@Command(name = "refine", mixinStandardHelpOptions = true,
        subcommands = {SubtomoCommand.class},
        description = "Refinement: subtomo (multi-reference subtomogram alignment and averaging), merge and "
                + "postrefine (serial crystallography).")
public final class RefineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Scale and merge serial crystallography reflections from a CrystFEL stream (cxi.merge mark0): "
                    + "writes prefix.mtz, .hkl, .hkl1, .hkl2, _stats.txt, _stats.png and _crystals.h5/.txt.")
    int merge(@Mixin XtalCommandOptions options) {
        return options.run(Mode.MERGE);
    }

    @Command(name = "postrefine", mixinStandardHelpOptions = true,
            description = "Post-refine partial serial crystallography data (prime: scale, B, orientation, reflecting "
                    + "range, cell with Lorentzian partiality) alternating with merging; outputs as merge plus "
                    + "prefix_postref.txt.")
    int postrefine(@Mixin XtalCommandOptions options) {
        return options.run(Mode.POSTREFINE);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand (subtomo, merge, postrefine)");
    }
}
