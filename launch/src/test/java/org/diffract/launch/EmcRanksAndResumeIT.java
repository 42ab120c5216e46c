package org.diffract.launch;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.diffract.core.io.H5Reader;
import org.diffract.core.io.VolumeFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real MPJ ranks on the multicore device: 1, 2 and 4 ranks give the same model, and a run killed with
 * kill -9 in the middle of an iteration and resumed ends with the same model as a run never killed.
 */
class EmcRanksAndResumeIT {
    private static final int ITERATIONS = 8;

    @TempDir
    static Path dir;

    @BeforeAll
    static void simulate() throws Exception {
        DiffractProcess.Result sim = DiffractProcess.run(
                dir,
                "simulate",
                "--out",
                "sim",
                "--frames",
                "1500",
                "--detsize",
                "25",
                "--seed",
                "4",
                "--num-div",
                "3",
                "--iterations",
                Integer.toString(ITERATIONS),
                "--no-patterns");
        assertEquals(0, sim.exitCode(), sim.stderr());
    }

    private static Path config(String name) throws Exception {
        Path src = dir.resolve("sim/emc.ini");
        String text = Files.readString(src).replace("output_folder = output", "output_folder = " + name);
        Path cfg = dir.resolve("sim/" + name + ".ini");
        Files.writeString(cfg, text);
        return cfg;
    }

    private static double[] model(String folder, int iteration) {
        return VolumeFile.readCube(
                        dir.resolve("sim").resolve(folder).resolve(String.format("intens_%03d.h5", iteration)))
                .data();
    }

    private static void assertSameModel(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length);
        double max = 0, diff = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(max > 0, what + ": empty model");
        assertTrue(diff <= 1e-6 * max, what + ": max difference " + diff + " of max " + max);
    }

    @Test
    void oneTwoAndFourRanksGiveTheSameModel() throws Exception {
        for (int ranks : new int[] {1, 2, 4}) {
            Path cfg = config("ranks" + ranks);
            DiffractProcess.Result r = DiffractProcess.run(
                    dir,
                    "emc",
                    "--config",
                    cfg.toString(),
                    "--ranks",
                    Integer.toString(ranks),
                    "--threads",
                    ranks == 1 ? "2" : "1");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdout().contains(ranks + " ranks x"), r.stdout());
        }
        double[] one = model("ranks1", ITERATIONS);
        assertSameModel(one, model("ranks2", ITERATIONS), "1 vs 2 ranks");
        assertSameModel(one, model("ranks4", ITERATIONS), "1 vs 4 ranks");
    }

    @Test
    void killedRunResumesToTheSameModel() throws Exception {
        Path full = config("full");
        DiffractProcess.Result r =
                DiffractProcess.run(dir, "emc", "--config", full.toString(), "--ranks", "2", "--threads", "1");
        assertEquals(0, r.exitCode(), r.stderr());

        Path killedCfg = config("killed");
        Path killedOut = dir.resolve("sim/killed");
        File log = dir.resolve("killed-run.log").toFile();
        Process p = DiffractProcess.builder(
                        dir, "emc", "--config", killedCfg.toString(), "--ranks", "2", "--threads", "1")
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        // wait until iteration 3 is checkpointed, then kill -9 everything (launcher, starter, rank JVM)
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (checkpointIteration(killedOut) < 3) {
            assertTrue(p.isAlive(), "run ended before it could be killed: " + Files.readString(log.toPath()));
            assertTrue(System.nanoTime() < deadline, "no checkpoint after 5 minutes");
            Thread.sleep(50);
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        int reached = checkpointIteration(killedOut);
        assertTrue(reached < ITERATIONS, "killed too late (iteration " + reached + ")");

        DiffractProcess.Result resumed = DiffractProcess.run(
                dir, "emc", "--config", killedCfg.toString(), "--ranks", "2", "--threads", "1", "--resume");
        assertEquals(0, resumed.exitCode(), resumed.stderr());
        assertTrue(resumed.stdout().contains("resuming from"), resumed.stdout());
        assertSameModel(model("full", ITERATIONS), model("killed", ITERATIONS), "resumed vs uninterrupted");
        assertEquals(
                ITERATIONS + 1,
                Files.readAllLines(killedOut.resolve("EMC.log")).size(),
                "the log holds every iteration once");
    }

    private static int checkpointIteration(Path out) {
        Path cp = out.resolve("checkpoint.h5");
        if (!Files.isRegularFile(cp)) {
            return 0;
        }
        try (H5Reader r = H5Reader.open(cp)) {
            return (int) r.scalar("iteration", 0);
        } catch (RuntimeException e) {
            return 0; // being replaced this instant: the rename is atomic, so the next look sees a whole file
        }
    }
}
