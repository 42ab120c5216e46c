package org.diffract.launch;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.diffract.emc.sim.SimulateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code diffract demo}: simulate a small data set and reconstruct it with 2 MPJ ranks. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Simulate 3000 frames and reconstruct them with EMC on 2 MPJ ranks of this machine.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo", description = "folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--frames", defaultValue = "3000")
    int frames;

    @Option(names = "--iterations", defaultValue = "20")
    int iterations;

    @Override
    public Integer call() {
        // parseArgs applies the subcommands' defaults; errors still reach diffract's one-line handler
        SimulateCommand sim = new SimulateCommand();
        new CommandLine(sim)
                .parseArgs(
                        "--out",
                        out.toString(),
                        "--frames",
                        Integer.toString(frames),
                        "--num-div",
                        "4",
                        "--iterations",
                        Integer.toString(iterations),
                        "--no-patterns");
        sim.call();
        int r = Diffract.execute(
                "emc", "--config", out.resolve("emc.ini").toString(), "--ranks", "2", "--threads", "1");
        if (r != 0) {
            return r;
        }
        Path o = out.resolve("output");
        System.out.println("model: " + o.resolve(String.format("intens_%03d.h5", iterations)));
        System.out.println("pictures: " + o.resolve("slices.png") + " " + o.resolve("convergence.png") + " (truth: "
                + out.resolve("truth_slices.png") + ")");
        return r;
    }
}
