package org.diffract.launch;

import java.io.PrintWriter;

import org.diffract.core.UserError;
import org.diffract.emc.sim.SimulateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code diffract} command: every stage of the suite behind one entry point. */
@Command(
        name = "diffract",
        mixinStandardHelpOptions = true,
        version = "diffract 0.1.0",
        description = "X-ray diffraction data to 3D structures and statistics.",
        subcommands = {
            SimulateCommand.class,
            DemoCommand.class,
            ProjectCommand.class,
            RunCommand.class,
            StatusCommand.class
        })
public final class Diffract implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command; 'diffract --help' lists them");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code; user errors become one line on stderr. */
    public static int execute(String... args) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = new CommandLine(new Diffract());
        // every stage's command (emc, spots, correlate, refine ...) comes from the stage's own description
        StageCommands.addTo(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UserError u) {
                err.println(cmd.getCommandSpec().qualifiedName(" ") + ": error: " + u.getMessage());
                err.flush();
                return u.exitCode();
            }
            err.println(cmd.getCommandSpec().qualifiedName(" ") + ": internal error: " + ex
                    + " (please report it with the command you ran)");
            if (Boolean.getBoolean("diffract.debug")) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandSpec().qualifiedName(" ") + ": error: " + ex.getMessage()
                    + " (see --help)");
            err.flush();
            return 2;
        });
        return cl.execute(args);
    }
}
