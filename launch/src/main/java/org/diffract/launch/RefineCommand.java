package org.diffract.launch;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code diffract refine}: the refinement stages (subtomogram averaging; serial-crystallography merging). */
@Command(name = "refine", mixinStandardHelpOptions = true,
        subcommands = {SubtomoCommand.class, RefineMergeCommand.class, RefinePostrefineCommand.class},
        description = "Refinement: subtomo (multi-reference subtomogram alignment and averaging), merge and "
                + "postrefine (serial crystallography).")
public final class RefineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand (subtomo, merge, postrefine)");
    }
}
