package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.emc.EmcStage;
import org.diffract.emc.MergeRule;
import org.diffract.emc.bench.EmcBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code diffract emc bench}: the options of {@link EmcBench}; the run itself goes through the real
 * ranks, with the -Xmx a user would get.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Time EMC on a Dragonfly data set: s/iteration, peak RSS, kept probabilities per frame; with "
                + "--quality, the correlation per shell against the true intensity.")
public final class EmcBenchCommand implements Callable<Integer> {
    @Option(
            names = "--data",
            description = "folder with photons.emc and det_sim.h5 (default: ${DEFAULT-VALUE})",
            defaultValue = "../shared/data/dragonfly-1ei7")
    Path data;

    @Option(names = "--photons", description = "photons file (overrides --data)")
    Path photons;

    @Option(names = "--detector", description = "detector file (overrides --data)")
    Path detector;

    @Option(names = "--num-div", defaultValue = "4")
    int numDiv;

    @Option(names = "--ranks", defaultValue = "1", description = "MPJ ranks (default ${DEFAULT-VALUE})")
    int ranks;

    @Option(names = "--threads", defaultValue = "2", description = "threads per rank (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--heap", description = "JVM heap for the ranks (default: from the memory estimate)")
    String heap;

    @Option(names = "--iterations", defaultValue = "2")
    int iterations;

    @Option(names = "--frames", description = "use only the first N frames")
    Integer frames;

    @Option(names = "--beta", defaultValue = "1.0", description = "start beta, or auto (default ${DEFAULT-VALUE})")
    String beta;

    @Option(names = "--beta-schedule", defaultValue = "1 0", description = "'factor every' (default ${DEFAULT-VALUE})")
    String betaSchedule;

    @Option(names = "--no-scaling", description = "do not fit scale factors (need_scaling 0)")
    boolean noScaling;

    @Option(names = "--merge-rule", defaultValue = "dragonfly", description = "dragonfly or scaled_frames")
    String mergeRule;

    @Option(
            names = "--quality",
            arity = "0..1",
            fallbackValue = "",
            description = "compare iterations 10, 20, 30 with the true intensity (default: intens_truth.h5 in --data)")
    String quality;

    @Option(names = "--out", description = "bench folder (default: a new folder in the temp directory)")
    Path out;

    @Option(names = "--keep", description = "keep every iteration's files (default: only the models the table reads)")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Path pf = photons != null ? photons : data.resolve("photons.emc");
        Path df = detector != null ? detector : data.resolve("det_sim.h5");
        String[] sched = betaSchedule.trim().split("\\s+");
        double b, jump;
        int period;
        try {
            b = beta.equalsIgnoreCase("auto") ? Double.NaN : Double.parseDouble(beta);
            jump = Double.parseDouble(sched[0]);
            period = Integer.parseInt(sched[1]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new UserError("--beta must be a number or auto, and --beta-schedule 'factor every', e.g. '2 10'");
        }
        Path folder = out != null ? out : Files.createTempDirectory("emc-bench-");
        Path config = EmcBench.prepare(new EmcBench.Options(
                pf,
                df,
                numDiv,
                iterations,
                frames,
                b,
                jump,
                period,
                !noScaling,
                MergeRule.parse(mergeRule, "--merge-rule"),
                folder));
        String xmx = HeapPlan.choose(
                heap, new EmcStage().heapBytes(IniConfig.read(config), ranks, threads), ranks, "emc bench");
        String header = String.format(
                Locale.ROOT,
                "bench: %s, num_div %d, %d rank%s x %d thread%s, -Xmx%s, beta %s "
                        + "schedule %s, merge %s; load before %s",
                pf,
                numDiv,
                ranks,
                ranks == 1 ? "" : "s",
                threads,
                threads == 1 ? "" : "s",
                xmx,
                beta,
                betaSchedule,
                mergeRule,
                EmcBench.load());
        System.out.println(header);
        Path output = EmcBench.outputFolder(folder);
        Files.createDirectories(output);
        RankLauncher.run(
                ranks,
                threads,
                xmx,
                output.resolve("diffract.log"),
                "org.diffract.emc.EmcRankMain",
                List.of("--config", config.toAbsolutePath().toString()));
        Path truth = quality == null ? null : quality.isEmpty() ? data.resolve("intens_truth.h5") : Path.of(quality);
        System.out.print(EmcBench.report(
                folder,
                "bench: load after " + EmcBench.load(),
                truth,
                null,
                Runtime.getRuntime().availableProcessors()));
        if (!keep) {
            EmcBench.pruneOutputs(folder, 10, iterations);
        }
        System.out.println("bench: files in " + folder);
        return 0;
    }
}
