package org.diffract.emc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.diffract.core.UserError;
import org.diffract.core.geometry.Detector;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.DetectorFile;
import org.diffract.core.io.EmcPhotonsFile;
import org.diffract.core.io.EmcPhotonsH5;
import org.diffract.core.io.SparsePhotons;
import org.diffract.core.io.VolumeFile;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.emc.EmcCheckpoint;
import org.diffract.emc.EmcOutput;
import org.diffract.emc.IterationStats;
import org.diffract.emc.MergeRule;
import org.diffract.emc.ModelComparison;

/**
 * {@code diffract emc bench}: an EMC run on a named data set (Dragonfly photons + detector), timed by the
 * real ranks, and its report: seconds per iteration, the process's peak resident memory and kept
 * probabilities per frame at each iteration, and with a true intensity the correlation per resolution
 * shell at iterations 10, 20, 30 (the C reference's comparison table). The launcher starts the ranks
 * between {@link #prepare} and {@link #report}.
 */
public final class EmcBench {
    private EmcBench() {}

    /**
     * @param beta       absolute start beta, or NaN for Dragonfly's automatic one
     * @param frames     use only the first N frames (null: all)
     */
    public record Options(
            Path photons,
            Path detector,
            int numDiv,
            int iterations,
            Integer frames,
            double beta,
            double betaJump,
            int betaPeriod,
            boolean needScaling,
            MergeRule mergeRule,
            Path folder) {}

    /** Writes the bench folder's emc.ini (and a photons file of the first N frames); returns the config. */
    public static Path prepare(Options o) {
        if (!Files.isRegularFile(o.photons()) || !Files.isRegularFile(o.detector())) {
            throw new UserError("benchmark data not found (" + o.photons() + ", " + o.detector()
                    + "); give --data DIR (with photons.emc and det_sim.h5) or --photons and --detector");
        }
        if (o.numDiv() < 1 || o.iterations() < 1) {
            throw new UserError("--num-div and --iterations must be >= 1");
        }
        try {
            Files.createDirectories(o.folder());
        } catch (IOException e) {
            throw new UserError("cannot create output folder " + o.folder() + ": " + e.getMessage());
        }
        Path photons = o.photons().toAbsolutePath();
        if (o.frames() != null) {
            Detector det = DetectorFile.read(o.detector());
            SparsePhotons sp = EmcPhotonsH5.isHdf5(photons)
                    ? EmcPhotonsH5.read(photons, det.numPix())
                    : EmcPhotonsFile.read(photons, det.numPix());
            if (o.frames() < 1 || o.frames() > sp.numFrames()) {
                throw new UserError("--frames " + o.frames() + " must be in 1.." + sp.numFrames());
            }
            int[] idx = new int[o.frames()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            photons = o.folder().resolve("photons.emc").toAbsolutePath();
            EmcPhotonsFile.write(photons, sp.select(idx));
        }
        String beta = Double.isNaN(o.beta()) ? "auto" : Double.toString(o.beta());
        String ini = String.format(
                Locale.ROOT,
                """
                # written by diffract emc bench
                [emc]
                in_photons_file = %s
                in_detector_file = %s
                num_div = %d
                need_scaling = %d
                beta = %s
                beta_schedule = %s %d
                merge_rule = %s
                output_folder = output
                num_iter = %d
                """,
                photons,
                o.detector().toAbsolutePath(),
                o.numDiv(),
                o.needScaling() ? 1 : 0,
                beta,
                Double.toString(o.betaJump()),
                o.betaPeriod(),
                o.mergeRule().key(),
                o.iterations());
        Path config = o.folder().resolve("emc.ini");
        AtomicFiles.writeString(config, ini);
        return config;
    }

    /** The run's output folder for a bench folder. */
    public static Path outputFolder(Path benchFolder) {
        return benchFolder.resolve("output");
    }

    /**
     * The report of a finished bench run: one line per iteration, a summary, and with {@code truth} the
     * shell table (rmin 10, 10 shells: s1 starts at one tenth of the model's radius).
     */
    public static String report(Path benchFolder, String header, Path truth, String truthDataset, int threads) {
        Path out = outputFolder(benchFolder);
        Path cp = EmcCheckpoint.path(out);
        if (!Files.isRegularFile(cp)) {
            throw new UserError(cp + ": the bench run left no checkpoint; see " + out.resolve("diffract.log"));
        }
        List<IterationStats> history = EmcCheckpoint.readHistory(out);
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (IterationStats s : history) {
            sb.append(String.format(
                    Locale.ROOT,
                    "bench: iteration %2d: %8.2f s (%.1f CPU s)  peak RSS %.2f GiB  "
                            + "kept/frame %.1f  beta %.4g  mutual_info %.4f%n",
                    s.iteration(),
                    s.seconds(),
                    s.cpuSeconds(),
                    gib(s.peakRss()),
                    s.keptPerFrame(),
                    s.beta(),
                    s.mutualInfo()));
        }
        sb.append(summary(history));
        if (truth != null) {
            sb.append(quality(out, history, truth, truthDataset, threads));
        }
        return sb.toString();
    }

    static String summary(List<IterationStats> h) {
        if (h.isEmpty()) {
            return "bench: no iterations\n";
        }
        double sum = 0, later = 0, min = Double.MAX_VALUE, max = 0, rss = 0;
        for (IterationStats s : h) {
            sum += s.seconds();
            min = Math.min(min, s.seconds());
            max = Math.max(max, s.seconds());
            rss = Math.max(rss, s.peakRss());
        }
        for (int i = 1; i < h.size(); i++) {
            later += h.get(i).seconds();
        }
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "bench: s/iteration mean %.2f (min %.2f, max %.2f, iteration 1 %.2f%s); peak RSS %.2f GiB; kept/frame "
                        + "iteration 1 %.1f, last %.1f%n",
                sum / h.size(),
                min,
                max,
                h.get(0).seconds(),
                h.size() > 1 ? String.format(Locale.ROOT, ", later iterations %.2f", later / (h.size() - 1)) : "",
                gib((long) rss),
                h.get(0).keptPerFrame(),
                h.get(h.size() - 1).keptPerFrame()));
        if (h.size() >= 30) {
            sb.append(String.format(
                    Locale.ROOT,
                    "bench: peak RSS after iteration 10 %.2f GiB, after iteration 30 %.2f " + "GiB%n",
                    gib(h.get(9).peakRss()),
                    gib(h.get(29).peakRss())));
        }
        return sb.toString();
    }

    /** The table: correlation per shell against the truth at iterations 10, 20, 30 and the last. */
    static String quality(Path out, List<IterationStats> history, Path truth, String dataset, int threads) {
        VolumeFile.Cube ref = dataset == null ? VolumeFile.readCube(truth) : VolumeFile.readCube(truth, dataset);
        List<Integer> its = new ArrayList<>();
        int last = history.get(history.size() - 1).iteration();
        for (int i : new int[] {10, 20, 30}) {
            if (i <= last) {
                its.add(i);
            }
        }
        if (!its.contains(last)) {
            its.add(last);
        }
        StringBuilder sb = new StringBuilder();
        try (WorkerPool pool = new WorkerPool(threads, "compare")) {
            for (int it : its) {
                Path model = new EmcOutput(out).modelFile(it);
                if (!Files.isRegularFile(model)) {
                    continue;
                }
                ModelComparison.Result r = ModelComparison.compare(VolumeFile.readCube(model), ref, 10, 10, null, pool);
                if (sb.length() == 0) {
                    if (r.resized() != null) {
                        sb.append("quality: ").append(r.resized()).append('\n');
                    }
                    sb.append(String.format(
                            Locale.ROOT,
                            "quality: rmin 10, shells %.1f voxels wide, s1 from r = %.1f"
                                    + "%n| program | s1 | s2 | s3 | s4 | s5 | s6 | s7 | s8 | s9 |%n|---|---|---|---|---|---|---|---|---|"
                                    + "---|%n",
                            r.rMax() / 10,
                            r.rMax() / 10));
                }
                sb.append(String.format(Locale.ROOT, "| diffract, iteration %d |", it));
                for (int s = 1; s < 10; s++) {
                    sb.append(String.format(Locale.ROOT, " %.3f |", r.shells()[s]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Deletes the per-iteration volumes except our intens_NNN.h5 of every {@code keepEvery}-th and the last
     * iteration (those the quality table reads), so a long bench does not fill the disk.
     */
    public static void pruneOutputs(Path benchFolder, int keepEvery, int last) {
        Path out = outputFolder(benchFolder);
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.matches("(intens|output)_\\d{3}\\.(h5|bin)")) {
                    int it = Integer.parseInt(name.replaceAll("\\D", ""));
                    boolean keep =
                            (it % keepEvery == 0 || it == last) && name.startsWith("intens_") && name.endsWith(".h5");
                    if (!keep) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot tidy " + out + ": " + e.getMessage());
        }
    }

    /** This machine's load averages (1, 5, 15 minutes), as /proc/loadavg has them, or "unknown". */
    public static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }
}
