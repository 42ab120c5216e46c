package org.diffract.launch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.diffract.core.io.H5Writer;
import org.diffract.correlate.SyntheticShots;
import org.diffract.refine.xtal.StreamSimulator;
import org.diffract.spots.SyntheticLaue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every stage run through the real command with {@code --threads 1} does its work on one worker thread: while it
 * runs, the rank JVM's threads are read with {@code jcmd Thread.print} (name and CPU time of every live thread), and
 * no thread but the rank's own and at most one worker may have done work. A parallel stream on the JVM's common
 * pool, a raw executor or a second pool worker (anything that ignores --threads) shows up as a second busy thread.
 */
class SingleWorkerIT {
    @TempDir
    static Path dir;

    /** CPU a thread must have used to count as having worked (thread start-up costs a few ms). */
    private static final double BUSY_MS = 10;

    /** The JVM's own threads, MPJ's rank threads (named by rank number) and our heartbeat. */
    private static final Pattern INFRASTRUCTURE =
            Pattern.compile("main|DestroyJavaVM|\\d+|diffract-heartbeat|Reference Handler|Java2D Disposer|"
                    + "Finalizer|Signal Dispatcher|Service Thread|Monitor Deflation Thread|C\\d CompilerThread\\d+|"
                    + "Sweeper thread|Common-Cleaner|Notification Thread|Attach Listener|process reaper");

    private static final Pattern THREAD = Pattern.compile("^\"([^\"]+)\" #\\d+ .*?cpu=([0-9.]+)ms");

    @BeforeAll
    static void data() throws Exception {
        SyntheticLaue.builder().size(192, 256).angles(12, 4).seed(3).build().write(dir.resolve("laue__mccd.h5"), true);

        SyntheticShots.small(120, 7).writeSacla(dir.resolve("run.h5"), 77);
        Files.writeString(
                dir.resolve("correlate.ini"),
                String.join(
                        "\n",
                        "[input]",
                        "data_file = run.h5",
                        "[geometry]",
                        "wavelen = 1.0",
                        "pixsize = 0.0001",
                        "detdist = 0.05",
                        "x_center = 35.3",
                        "y_center = 30.6",
                        "[polar]",
                        "qmin = 0.05",
                        "qmax = 0.4",
                        "nphi = 720",
                        "[pairs]",
                        "mode = overlapping",
                        "[correlate]",
                        "all_cross = yes",
                        "[output]",
                        "output_folder = corr",
                        ""));

        int n = 24;
        int count = 16;
        float[] volumes = new float[count * n * n * n];
        Random rnd = new Random(5);
        for (int i = 0; i < volumes.length; i++) {
            volumes[i] = (float) rnd.nextGaussian();
        }
        new H5Writer().put("volumes", volumes, count, n, n, n).write(dir.resolve("particles.h5"));

        StreamSimulator sim = new StreamSimulator();
        sim.crystals = 300;
        sim.seed = 9;
        sim.write(dir.resolve("sim.stream"));
        Files.writeString(
                dir.resolve("merge.ini"),
                String.join(
                        "\n",
                        "[main]",
                        "data = sim.stream",
                        "target_unit_cell = 40 40 60 90 90 90",
                        "target_space_group = P 43 21 2",
                        "n_postref_cycle = 3",
                        "output_prefix = xtal/out",
                        "[merge]",
                        "d_min = 2.0",
                        "d_max = 30",
                        ""));

        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "simulate",
                "--out",
                "sim",
                "--frames",
                "3000",
                "--detsize",
                "41",
                "--seed",
                "4",
                "--num-div",
                "4",
                "--iterations",
                "3",
                "--no-patterns");
        assertEquals(0, r.exitCode(), r.stderr());
    }

    @Test
    void spots() throws Exception {
        assertOneWorker("spots", "laue__mccd.h5", "-o", "laue__spots.h5", "-S", "pairs");
    }

    @Test
    void correlate() throws Exception {
        assertOneWorker("correlate", "run", "--config", "correlate.ini");
    }

    @Test
    void subtomo() throws Exception {
        assertOneWorker(
                "refine",
                "subtomo",
                "--input",
                "particles.h5",
                "--nref",
                "2",
                "--iter",
                "2",
                "--path",
                "subtomo",
                "--align",
                "rotate_translate_3d:delta=30:dphi=30",
                "--falign",
                "refine_3d_grid:delta=10:range=10",
                "--shrink",
                "2",
                "--search",
                "4");
    }

    @Test
    void postrefine() throws Exception {
        assertOneWorker("refine", "postrefine", "--config", "merge.ini");
    }

    @Test
    void emc() throws Exception {
        assertOneWorker("emc", "--config", "sim/emc.ini");
    }

    /** Runs the command on 1 rank x 1 thread, samples its rank JVM's threads until it ends, checks who worked. */
    private static void assertOneWorker(String... command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Assumptions.assumeTrue(Files.isExecutable(jcmd), "jcmd not found: the JDK (openjdk-17-jdk-headless) is needed");
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--ranks", "1", "--threads", "1"));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = DiffractProcess.builder(dir, args.toArray(String[]::new))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        Map<String, Double> cpu = new TreeMap<>();
        int samples = 0;
        while (!p.waitFor(300, TimeUnit.MILLISECONDS)) {
            Optional<ProcessHandle> rank = p.descendants()
                    .filter(h -> h.info().commandLine().orElse("").contains("smpdev.jar"))
                    .findFirst();
            if (rank.isEmpty()) {
                continue;
            }
            Process dump = new ProcessBuilder(
                            jcmd.toString(), Long.toString(rank.get().pid()), "Thread.print")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!dump.waitFor(30, TimeUnit.SECONDS) || dump.exitValue() != 0) {
                continue; // the JVM ended between the listing and the dump
            }
            samples++;
            for (String line : text.split("\n")) {
                Matcher m = THREAD.matcher(line);
                if (m.find()) {
                    cpu.merge(m.group(1), Double.parseDouble(m.group(2)), Math::max);
                }
            }
        }
        String log = Files.readString(out);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + log);
        assertTrue(samples >= 2, "the run ended before its threads could be read twice: make its input larger");
        List<String> workers = new ArrayList<>();
        cpu.forEach((name, ms) -> {
            if (ms >= BUSY_MS && !INFRASTRUCTURE.matcher(name).matches()) {
                workers.add(name + " (" + Math.round(ms) + " ms)");
            }
        });
        assertTrue(
                workers.size() <= 1,
                String.join(" ", command) + " --threads 1 worked on " + workers + " (all threads seen: " + cpu + ")");
        // nothing of ours may run on the JVM's common pool (its callers also work themselves, so its threads may
        // show little CPU): any of its threads that ran at all is a parallel stream or async task ignoring --threads
        assertTrue(
                cpu.keySet().stream().noneMatch(t -> t.startsWith("ForkJoinPool.commonPool") && cpu.get(t) > 1),
                String.join(" ", command) + " --threads 1 used the common pool: " + cpu);
    }
}
