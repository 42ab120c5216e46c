package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.diffract.core.io.H5Reader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill at any point (issue 15.6, EMC): the real {@code diffract emc} on 2 MPJ ranks x 1 thread is SIGKILLed,
 * launcher, starter and rank JVM at once, at five moments of an iteration: in the middle of the likelihoods, in the
 * middle of the merge, in the sum of the merged volumes across the ranks (one rank stopped before it, the other
 * waiting inside the Allreduce), with the new checkpoint complete under its temporary name but not renamed, and with
 * the iteration's output files half written. The moments are reached through core's test-only pause
 * (DIFFRACT_TEST_PAUSE: that rank stops there and says so in a file), so each kill lands exactly there. Each time
 * the checkpoint left behind is whole (every dataset read back) or absent, and {@code --resume} ends with the model,
 * scale factors, orientations and Dragonfly's output file of the last iteration equal to an uninterrupted run's,
 * every iteration once in EMC.log, and no temporary file left.
 */
class EmcKillIT {
    static final int ITER = 4;

    @TempDir
    static Path dir;

    @BeforeAll
    static void uninterrupted() throws Exception {
        DiffractProcess.Result sim = DiffractProcess.run(
                dir,
                "simulate",
                "--out",
                "sim",
                "--frames",
                "300",
                "--detsize",
                "25",
                "--seed",
                "4",
                "--num-div",
                "3",
                "--iterations",
                Integer.toString(ITER),
                "--no-patterns");
        assertEquals(0, sim.exitCode(), sim.stderr());
        DiffractProcess.Result r = DiffractProcess.run(dir, command("full").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(ITER, checkpointIteration(out("full")), r.stdout());
    }

    static Path out(String name) {
        return dir.resolve("sim").resolve(name);
    }

    /** {@code emc} on 2 ranks x 1 thread with the simulated set's emc.ini, writing into sim/NAME. */
    static List<String> command(String name, String... extra) throws Exception {
        Path cfg = dir.resolve("sim/" + name + ".ini");
        if (!Files.exists(cfg)) {
            String text = Files.readString(dir.resolve("sim/emc.ini"));
            assertTrue(text.contains("output_folder = output"), text);
            Files.writeString(cfg, text.replace("output_folder = output", "output_folder = " + name));
        }
        List<String> a = new ArrayList<>(List.of("emc", "--config", cfg.toString(), "--ranks", "2", "--threads", "1"));
        a.addAll(List.of(extra));
        return a;
    }

    /** Every dataset of the checkpoint read: a half-written file fails here. Its iteration, or 0 without one. */
    static int checkpointIteration(Path out) {
        Path cp = out.resolve("checkpoint.h5");
        if (!Files.exists(cp)) {
            return 0;
        }
        try (H5Reader r = H5Reader.open(cp)) {
            for (String d : List.of(
                    "model",
                    "scale",
                    "history/seconds",
                    "history/rms_change",
                    "history/mutual_info",
                    "history/log_likelihood",
                    "history/beta",
                    "history/kept_per_frame")) {
                r.doubles(d);
            }
            r.integers("orientations");
            long[] its = r.integers("history/iteration");
            int it = (int) r.scalar("iteration", -1);
            assertEquals(it, its.length, cp + ": one history line per iteration");
            assertEquals(3, (int) r.scalar("num_div", -1), cp.toString());
            return it;
        }
    }

    /**
     * Runs the command with the pause at {@code point} of {@code iteration} on {@code rank}, kills it there, checks
     * what is left, resumes, and compares the outcome with the uninterrupted run's.
     */
    static void killAndResume(String point, int iteration, int rank, int checkpointLeft) throws Exception {
        String name = "killed-" + point;
        Path out = out(name);
        Path log = dir.resolve(name + ".console");
        Process p = DiffractProcess.startPausedAt(dir, command(name), point, iteration, rank, log);
        if (point.equals("reduce")) {
            // rank 1 stopped before the sum; give rank 0 (a few milliseconds of merge on this data) time to enter it
            Thread.sleep(2000);
        }
        int processes = DiffractProcess.killTree(p);
        assertTrue(processes >= 3, "launcher, starter and rank JVM: " + processes + " processes");

        assertEquals(
                checkpointLeft,
                checkpointIteration(out),
                point + ": the checkpoint left is whole and of iteration " + checkpointLeft);
        List<String> temporary = DiffractProcess.temporaryFiles(out);
        if (point.equals("checkpoint")) {
            // killed between writing the new checkpoint and renaming it: the old one stands beside the new one's temp
            assertTrue(temporary.stream().anyMatch(f -> f.startsWith("checkpoint.h5.tmp-")), temporary.toString());
        }
        if (point.equals("outputs")) {
            assertTrue(Files.exists(out.resolve(String.format(Locale.ROOT, "intens_%03d.h5", iteration))));
            assertFalse(
                    Files.exists(out.resolve(String.format(Locale.ROOT, "output_%03d.h5", iteration))),
                    "killed before Dragonfly's output file");
        }

        DiffractProcess.Result r =
                DiffractProcess.run(dir, command(name, "--resume").toArray(String[]::new));
        assertEquals(0, r.exitCode(), point + ": " + r.stderr());
        assertTrue(
                r.stdout()
                        .contains(
                                checkpointLeft == 0
                                        ? "no checkpoint in " + out
                                        : "resuming from " + out.resolve("checkpoint.h5") + " after iteration "
                                                + checkpointLeft),
                r.stdout());
        if (!temporary.isEmpty()) {
            assertTrue(
                    r.stdout().contains("removed " + temporary.size() + " unfinished temporary file(s)"), r.stdout());
        }
        assertEquals(List.of(), DiffractProcess.temporaryFiles(out), point + ": no temporary file left");
        assertEquals(ITER, checkpointIteration(out), point);
        assertSameResult(out("full"), out, point);
    }

    /** The last iteration's files within 1e-6 (orientations exactly), and EMC.log without its timings. */
    static void assertSameResult(Path full, Path resumed, String point) throws Exception {
        String last = String.format(Locale.ROOT, "%03d", ITER);
        try (H5Reader a = H5Reader.open(full.resolve("intens_" + last + ".h5"));
                H5Reader b = H5Reader.open(resumed.resolve("intens_" + last + ".h5"))) {
            for (String d : List.of("intens", "scale", "orientation_probability", "quaternions")) {
                assertClose(a.doubles(d), b.doubles(d), point + ": intens_" + last + ".h5 " + d);
            }
            assertArrayEquals(a.integers("orientations"), b.integers("orientations"), point + ": orientations");
        }
        try (H5Reader a = H5Reader.open(full.resolve("output_" + last + ".h5"));
                H5Reader b = H5Reader.open(resumed.resolve("output_" + last + ".h5"))) {
            for (String d : List.of("intens", "inter_weight", "scale", "mutual_info", "likelihood")) {
                assertClose(a.doubles(d), b.doubles(d), point + ": output_" + last + ".h5 " + d);
            }
        }
        assertArrayEquals(
                Files.readAllBytes(full.resolve("intens_" + last + ".bin")),
                Files.readAllBytes(resumed.resolve("intens_" + last + ".bin")),
                point + ": intens_" + last + ".bin");
        assertEquals(
                withoutSeconds(full.resolve("EMC.log")),
                withoutSeconds(resumed.resolve("EMC.log")),
                point + ": EMC.log, every iteration once");
        assertTrue(
                Files.isRegularFile(resumed.resolve("slices.png"))
                        && Files.isRegularFile(resumed.resolve("convergence.png")),
                point + ": pictures");
    }

    /** EMC.log's lines with the seconds column (the only one that differs between runs) left out. */
    static List<String> withoutSeconds(Path log) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            String[] f = l.split("\t");
            if (f.length > 2) {
                f[1] = "";
            }
            out.add(String.join("\t", f));
        }
        assertEquals(ITER + 1, out.size(), log + ": header and one line per iteration");
        return out;
    }

    static void assertClose(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length, what);
        double max = 0, diff = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(max > 0, what + ": all zero");
        assertTrue(diff <= 1e-6 * max, what + ": max difference " + diff + " of max " + max);
    }

    @Test
    void killedDuringTheFirstLikelihoodsStartsAgainFromTheBeginning() throws Exception {
        killAndResume("likelihood", 1, 0, 0);
    }

    @Test
    void killedDuringTheMerge() throws Exception {
        // rank 1 stops half way through its merge; rank 0 goes on into the sum across ranks and waits there
        killAndResume("merge", 2, 1, 1);
    }

    @Test
    void killedWhileTheRanksSumTheMergedVolumes() throws Exception {
        killAndResume("reduce", 3, 1, 2);
    }

    @Test
    void killedWhileTheCheckpointIsWritten() throws Exception {
        killAndResume("checkpoint", 3, 0, 2);
    }

    @Test
    void killedWhileTheLastIterationsFilesAreWritten() throws Exception {
        killAndResume("outputs", ITER, 0, ITER - 1);
    }
}
