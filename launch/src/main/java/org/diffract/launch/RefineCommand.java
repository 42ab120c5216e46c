package org.diffract.launch;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code diffract refine}: refinement stages (subtomogram averaging; crystallographic refinement to come). */
@Command(name = "refine", mixinStandardHelpOptions = true, subcommands = {SubtomoCommand.class},
        description = "Refinement: subtomo (multi-reference subtomogram alignment and averaging).")
public final class RefineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand (subtomo)");
    }
}
