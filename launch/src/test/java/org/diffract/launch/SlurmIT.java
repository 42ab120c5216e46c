package org.diffract.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import org.diffract.core.Python;
import org.diffract.core.io.VolumeFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated job scripts under a real SLURM (a one-node cluster on this machine brought up by
 * {@code .ci/slurm-up}, which .ci/run also calls): for EMC and for spots, a job submitted and checked
 * against a run on this machine, {@code scontrol requeue} in the middle of a run, {@code scancel} in the
 * middle of a run then a local continuation, and two projects' jobs at once on the node. Every scenario
 * is started in {@link #startEveryScenario} and runs concurrently with the others (SLURM queues what does
 * not fit); each test waits for its own. Skipped, with the reason, where SLURM cannot be set up (no root,
 * no slurm-wlm and no apt-get).
 */
class SlurmIT {
    private static final int ITERATIONS = 10;
    /** The iteration after which requeue and scancel strike. */
    private static final int STRIKE = 3;

    private static final long SCENARIO_MINUTES = 20;

    @TempDir
    static Path dir;

    private static Map<String, String> env;
    private static ExecutorService pool;
    private static final Map<String, Future<?>> SCENARIOS = new LinkedHashMap<>();
    private static Future<double[]> emcReference;
    private static Future<Path> spotsReference;

    @BeforeAll
    static void startEveryScenario() throws Exception {
        Path up = Path.of("..", ".ci", "slurm-up").toAbsolutePath().normalize();
        Process p = new ProcessBuilder("bash", up.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), ".ci/slurm-up hangs");
        Assumptions.assumeFalse(p.exitValue() == 3, "no SLURM for these tests: " + out);
        assertEquals(0, p.exitValue(), ".ci/slurm-up failed: " + out);
        Python py = Python.require("h5py", "numpy"); // it writes the spots input

        env = Map.of("DIFFRACT_HOME", dir.resolve("home").toString());
        // about 2 CPU s per iteration on 2 ranks: slow enough to strike between two checkpoints
        DiffractProcess.Result sim = diffract(
                "simulate",
                "--out",
                "sim",
                "--frames",
                "1500",
                "--detsize",
                "25",
                "--seed",
                "5",
                "--num-div",
                "4",
                "--iterations",
                Integer.toString(ITERATIONS));
        assertEquals(0, sim.exitCode(), sim.stderr());
        writeLaueSeries(py, dir.resolve("laue.h5"));
        // projects one after the other: 'project new' makes each the current one; later commands name theirs
        for (String name : new String[] {"emc-ref", "emc-requeue", "emc-cancel", "emc-twin1", "emc-twin2"}) {
            emcProject(name);
        }
        for (String name : new String[] {"spots-ref", "spots-requeue", "spots-cancel", "spots-twin1", "spots-twin2"}) {
            DiffractProcess.Result r =
                    diffract("project", "new", "laue.h5", "--inh5", "/frames", "--dir", "projects", "--name", name);
            assertEquals(0, r.exitCode(), r.stderr());
        }

        pool = Executors.newFixedThreadPool(12);
        emcReference = pool.submit(() -> {
            DiffractProcess.Result r = diffract(
                    "run", "emc", "--project", project("emc-ref").toString(), "--procs", "2", "--threads", "1");
            assertEquals(0, r.exitCode(), r.stderr());
            assertNoNotice(r);
            return model(project("emc-ref"));
        });
        spotsReference = pool.submit(() -> {
            DiffractProcess.Result r = diffract(
                    "run", "spots", "--project", project("spots-ref").toString(), "--procs", "2", "--threads", "1");
            assertEquals(0, r.exitCode(), r.stderr());
            assertNoNotice(r);
            return spotsOutput(project("spots-ref"));
        });
        scenario("emcRequeue", SlurmIT::emcRequeue);
        scenario("emcCancel", SlurmIT::emcCancel);
        scenario("emcTwins", () -> twins("emc"));
        scenario("spotsRequeue", SlurmIT::spotsRequeue);
        scenario("spotsCancel", SlurmIT::spotsCancel);
        scenario("spotsTwins", () -> twins("spots"));
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        // no job of ours outlives the tests
        try {
            for (String id : Files.readAllLines(dir.resolve("jobs.txt"))) {
                new ProcessBuilder("scancel", id.trim()).start().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException ignored) {
            // nothing submitted
        }
    }

    // ---- the tests: each waits for its scenario

    @Test
    void emcRequeuedDuringAnIterationResumesAndEndsWithTheUninterruptedModel() throws Exception {
        await("emcRequeue");
    }

    @Test
    void emcCancelledDuringAnIterationKeepsItsCheckpointAndResumes() throws Exception {
        await("emcCancel");
    }

    @Test
    void twoEmcJobsOfTwoProjectsRunAtOnceOnOneNode() throws Exception {
        await("emcTwins");
    }

    @Test
    void spotsRequeuedDuringItsRunRunsAgainToTheSameOutput() throws Exception {
        await("spotsRequeue");
    }

    @Test
    void spotsCancelledDuringItsRunLeavesNoOutputAndRunsAgain() throws Exception {
        await("spotsCancel");
    }

    @Test
    void twoSpotsJobsOfTwoProjectsRunAtOnceOnOneNode() throws Exception {
        await("spotsTwins");
    }

    // ---- scenarios

    /** Requeued after iteration STRIKE: SLURM restarts it by itself (same id); it resumes from the checkpoint. */
    private static void emcRequeue() throws Exception {
        Path p = project("emc-requeue");
        String id = submit("emc", p);
        waitForIteration(p, id, STRIKE);
        slurm("scontrol", "requeue", id);
        waitFor(id, "PENDING"::equals, 2);
        String status = status(p, "emc");
        assertTrue(status.contains("emc: pending as slurm job " + id + " (SLURM PENDING"), status);
        // SLURM holds a requeued job back for a while (BeginTime), then starts it again: no help from us here
        waitFor(id, "COMPLETED"::equals, 10);
        String log = jobLog(p, "emc", id);
        assertTrue(log.contains("DUE TO JOB REQUEUE"), log);
        assertTrue(log.contains("resuming from"), "the restarted job resumed: " + log);
        assertTrue(slurm("scontrol", "show", "job", id).contains("Restarts=1"), "one restart");
        assertFalse(log.contains("WARNING: Using incubator modules"), log);
        assertEquals(
                ITERATIONS + 1, Files.readAllLines(p.resolve("output/EMC.log")).size(), "each iteration once");
        assertSameModel(emcReference.get(), model(p), "requeued at iteration " + STRIKE + " vs uninterrupted");
        status = status(p, "emc");
        assertTrue(status.contains("emc: finished (slurm job " + id + ", SLURM COMPLETED)"), status);
        assertTrue(status.contains("finished: all " + ITERATIONS + " iterations done"), status);
    }

    /** scancel after iteration STRIKE: status says cancelled, the checkpoint reads, --resume here finishes. */
    private static void emcCancel() throws Exception {
        Path p = project("emc-cancel");
        String id = submit("emc", p);
        waitForIteration(p, id, STRIKE);
        slurm("scancel", id);
        waitFor(id, "CANCELLED"::equals, 3);
        String status = status(p, "emc");
        assertTrue(status.contains("emc: cancelled (slurm job " + id + ", SLURM CANCELLED)"), status);
        int reached = Stages.byName("emc").iterationsDone(p.resolve("output"));
        assertTrue(reached >= STRIKE && reached < ITERATIONS, "a whole checkpoint of a middle iteration: " + reached);
        DiffractProcess.Result r =
                diffract("run", "emc", "--project", p.toString(), "--procs", "2", "--threads", "1", "--resume");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("resuming from"), r.stdout());
        assertSameModel(emcReference.get(), model(p), "cancelled at iteration " + reached + ", resumed here");
        status = status(p, "emc");
        assertTrue(status.contains("emc: not running") && status.contains("finished: all " + ITERATIONS), status);
    }

    /** Requeued while its ranks work: it runs again from the start and writes the same file as a local run. */
    private static void spotsRequeue() throws Exception {
        Path p = project("spots-requeue");
        String id = submit("spots", p);
        waitForRanksAtWork(p, id);
        slurm("scontrol", "requeue", id);
        waitFor(id, "PENDING"::equals, 2);
        assertFalse(Files.exists(spotsOutput(p)), "requeued before the first run wrote its output");
        // the EMC scenario waits SLURM's own delay; here the job is released at once, as an admin can
        slurm("scontrol", "update", "jobid=" + id, "starttime=now");
        waitFor(id, "COMPLETED"::equals, 10);
        String log = jobLog(p, "spots", id);
        assertTrue(log.contains("DUE TO JOB REQUEUE"), log);
        assertSameFile(spotsReference.get(), spotsOutput(p));
        String status = status(p, "spots");
        assertTrue(status.contains("spots: finished (slurm job " + id), status);
    }

    /** scancel while its ranks work: no output file, status cancelled; a run here then gives the output. */
    private static void spotsCancel() throws Exception {
        Path p = project("spots-cancel");
        String id = submit("spots", p);
        waitForRanksAtWork(p, id);
        slurm("scancel", id);
        waitFor(id, "CANCELLED"::equals, 3);
        assertFalse(Files.exists(spotsOutput(p)), "no output from a cancelled run");
        String status = status(p, "spots");
        assertTrue(status.contains("spots: cancelled (slurm job " + id + ", SLURM CANCELLED)"), status);
        DiffractProcess.Result r =
                diffract("run", "spots", "--project", p.toString(), "--procs", "2", "--threads", "1");
        assertEquals(0, r.exitCode(), r.stderr());
        assertSameFile(spotsReference.get(), spotsOutput(p));
    }

    /**
     * Two projects' jobs at once: one submitted by 'diffract run --submit', the other by plain sbatch as a
     * user would. Both finish with the local result, quiet logs, their own ports and their own job folders.
     */
    private static void twins(String stage) throws Exception {
        Path a = project(stage + "-twin1");
        Path b = project(stage + "-twin2");
        String idA = submit(stage, a);
        DiffractProcess.Result w = diffract(
                "run",
                stage,
                "--project",
                b.toString(),
                "--procs",
                "2",
                "--threads",
                "1",
                "--scheduler",
                "slurm",
                "--time",
                "00:20:00");
        assertEquals(0, w.exitCode(), w.stderr());
        String sb = slurm("sbatch", b.resolve("run/" + stage + ".slurm").toString());
        Matcher m = Pattern.compile("Submitted batch job (\\d+)").matcher(sb);
        assertTrue(m.find(), sb);
        String idB = m.group(1);
        remember(idB);
        waitFor(idA, "COMPLETED"::equals, 10);
        waitFor(idB, "COMPLETED"::equals, 10);
        String[] ports = new String[2];
        int i = 0;
        for (Object[] job : new Object[][] {{a, idA}, {b, idB}}) {
            Path p = (Path) job[0];
            String id = (String) job[1];
            ProjectRunIT.assertQuietLog(jobLog(p, stage, id));
            ports[i++] = Files.readString(p.resolve("run/job-" + id + "/ports"));
            String status = status(p, stage);
            assertTrue(status.contains(stage + ": finished (slurm job " + id + ", SLURM COMPLETED)"), status);
            if (stage.equals("emc")) {
                assertSameModel(emcReference.get(), model(p), "job " + id);
            } else {
                assertSameFile(spotsReference.get(), spotsOutput(p));
            }
        }
        assertNotEquals(ports[0], ports[1], "two jobs on one node share no port");
    }

    // ---- SLURM

    private static String submit(String stage, Path p) throws Exception {
        DiffractProcess.Result r = diffract(
                "run",
                stage,
                "--project",
                p.toString(),
                "--procs",
                "2",
                "--threads",
                "1",
                "--scheduler",
                "slurm",
                "--time",
                "00:20:00",
                "--submit");
        assertEquals(0, r.exitCode(), r.stderr());
        Matcher m = Pattern.compile("as slurm job (\\d+)").matcher(r.stdout());
        assertTrue(m.find(), r.stdout());
        remember(m.group(1));
        return m.group(1);
    }

    private static synchronized void remember(String id) throws IOException {
        Files.writeString(dir.resolve("jobs.txt"), id + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String slurm(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), String.join(" ", cmd) + " hangs");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static String state(String id) throws Exception {
        return slurm("squeue", "-h", "-j", id, "--states=all", "-o", "%T").trim();
    }

    private static void waitFor(String id, Predicate<String> wanted, long minutes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        String s;
        while (!wanted.test(s = state(id))) {
            assertTrue(System.nanoTime() < deadline, "slurm job " + id + " is " + s + " after " + minutes + " min");
            assertFalse(
                    List.of("FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY").contains(s),
                    "slurm job " + id + " is " + s);
            Thread.sleep(250);
        }
    }

    /** Waits until the running job's checkpoint holds iteration {@code k}; fails if the job ended before. */
    private static void waitForIteration(Path p, String id, int k) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        for (int poll = 0; checkpointIteration(p) < k; poll++) {
            // reading the checkpoint is cheap, asking SLURM is not: ask every 2 s
            if (poll % 40 == 39) {
                String s = state(id);
                assertTrue(
                        s.equals("PENDING") || s.equals("RUNNING"),
                        "job " + id + " is " + s + " before iteration " + k);
            }
            assertTrue(System.nanoTime() < deadline, "job " + id + " did not reach iteration " + k);
            Thread.sleep(50);
        }
        assertTrue(checkpointIteration(p) < ITERATIONS, "the run is too fast to strike in the middle");
    }

    /** Waits until the spots ranks log their work (statistics or masks) while the job runs. */
    private static void waitForRanksAtWork(Path p, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.isRegularFile(p.resolve("logs/spots.log"))
                || !Files.readString(p.resolve("logs/spots.log")).contains("INFO")) {
            assertTrue(
                    List.of("PENDING", "RUNNING").contains(state(id)),
                    "job " + id + " ended before its ranks " + "worked");
            assertTrue(System.nanoTime() < deadline, "job " + id + ": no rank at work");
            Thread.sleep(100);
        }
        assertEquals("RUNNING", state(id));
    }

    private static String jobLog(Path p, String stage, String id) throws IOException {
        return Files.readString(p.resolve("logs/" + stage + "-slurm-" + id + ".out"));
    }

    // ---- projects and results

    private static DiffractProcess.Result diffract(String... args) throws Exception {
        return DiffractProcess.run(dir, env, args);
    }

    private static String status(Path p, String stage) throws Exception {
        DiffractProcess.Result r = diffract("status", stage, "--project", p.toString(), "--lines", "0");
        assertEquals(0, r.exitCode(), r.stderr());
        return r.stdout();
    }

    /** The ranks' JVMs write the incubator-module notice; the user must not see it (stdout or stderr). */
    private static void assertNoNotice(DiffractProcess.Result r) {
        assertFalse(r.stdout().contains("WARNING: Using incubator modules"), r.stdout());
        assertFalse(r.stderr().contains("WARNING: Using incubator modules"), r.stderr());
    }

    private static Path project(String name) {
        return dir.resolve("projects").resolve(name);
    }

    private static void emcProject(String name) throws Exception {
        DiffractProcess.Result r = diffract(
                "project", "new", "sim/patterns.h5", "--inh5", "/patterns", "--dir", "projects", "--name", name);
        assertEquals(0, r.exitCode(), r.stderr());
        r = diffract(
                "project",
                "config",
                "--project",
                project(name).toString(),
                "parameters|detd=100",
                "parameters|pixsize=0.5",
                "parameters|stoprad=3",
                "emc|num_div=4",
                "emc|beta=0.1",
                "emc|beta_schedule=1.5 1",
                "emc|num_iter=" + ITERATIONS);
        assertEquals(0, r.exitCode(), r.stderr());
    }

    private static int checkpointIteration(Path p) {
        try {
            return Stages.byName("emc").iterationsDone(p.resolve("output"));
        } catch (RuntimeException e) {
            return 0; // being replaced this instant: the rename is atomic, the next look sees a whole file
        }
    }

    private static double[] model(Path p) {
        return VolumeFile.readCube(p.resolve("output").resolve(String.format("intens_%03d.h5", ITERATIONS)))
                .data();
    }

    private static Path spotsOutput(Path p) {
        return p.resolve("run__spots.h5");
    }

    private static void assertSameModel(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length);
        double max = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(max > 0, what + ": empty model");
        assertTrue(diff <= 1e-6 * max, what + ": max difference " + diff + " of max " + max);
    }

    /** Every dataset of two HDF5 files: same names, shapes and values. */
    private static void assertSameFile(Path expected, Path actual) {
        try (HdfFile e = new HdfFile(expected);
                HdfFile a = new HdfFile(actual)) {
            List<String> names = new ArrayList<>();
            collect(e, names);
            List<String> other = new ArrayList<>();
            collect(a, other);
            assertEquals(names, other, "datasets of " + actual);
            for (String n : names) {
                Dataset de = e.getDatasetByPath(n);
                Dataset da = a.getDatasetByPath(n);
                assertArrayEquals(de.getDimensions(), da.getDimensions(), n);
                Object ve = de.getData();
                Object va = da.getData();
                assertTrue(Arrays.deepEquals(new Object[] {ve}, new Object[] {va}), n + " differs in " + actual);
            }
        }
    }

    private static void collect(Group g, List<String> out) {
        for (Node n : g.getChildren().values()) {
            if (n instanceof Group sub) {
                collect(sub, out);
            } else if (n instanceof Dataset) {
                out.add(n.getPath());
            }
        }
        out.sort(null);
    }

    /**
     * A LaueUtil-style series written with h5py, not with our code: uint16 frames (N, H, W) with Poisson
     * background and bright 3x3 spots that stay for the frames of one angle, lauecollect/angle,
     * frame_number_global and the block_size attribute.
     */
    private static void writeLaueSeries(Python py, Path file) throws Exception {
        String script = String.join(
                "\n",
                "import sys, numpy as np, h5py",
                "n, h, w, per = 300, 160, 160, 10",
                "rng = np.random.default_rng(7)",
                "frames = rng.poisson(100, size=(n, h, w)).astype(np.uint16)",
                "for f in range(n):",
                "    r = np.random.default_rng(1000 + f // per)",
                "    for _ in range(5):",
                "        y, x = r.integers(4, h - 4), r.integers(4, w - 4)",
                "        frames[f, y - 1:y + 2, x - 1:x + 2] += 400",
                "with h5py.File(sys.argv[1], 'w') as o:",
                "    o.create_dataset('frames', data=frames, chunks=(1, h, w))",
                "    g = o.create_group('lauecollect')",
                "    g.create_dataset('angle', data=0.5 * (np.arange(n) // per))",
                "    g.create_dataset('frame_number_global', data=np.arange(n, dtype=np.int64))",
                "    g.attrs['block_size'] = per",
                "");
        py.run(script, file.toString());
    }

    // ---- running scenarios concurrently

    private interface Step {
        void run() throws Exception;
    }

    private static void scenario(String name, Step body) {
        SCENARIOS.put(name, pool.submit(() -> {
            body.run();
            return null;
        }));
    }

    private static void await(String name) throws Exception {
        try {
            SCENARIOS.get(name).get(SCENARIO_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) e.getCause();
        }
    }
}
