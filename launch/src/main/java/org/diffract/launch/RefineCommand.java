package org.diffract.launch;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code diffract refine}: the refinement stages (serial crystallography merge and postrefine). */
@Command(name = "refine", mixinStandardHelpOptions = true,
        subcommands = {RefineMergeCommand.class, RefinePostrefineCommand.class},
        description = "Refinement stages: merge and postrefine (serial crystallography).")
public final class RefineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand (merge, postrefine)");
    }
}
