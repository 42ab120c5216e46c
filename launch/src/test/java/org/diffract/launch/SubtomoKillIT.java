package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.refine.subtomo.SyntheticSubtomograms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill at any point (issue 15.6, subtomo): the real {@code diffract refine subtomo} on 2 MPJ ranks is SIGKILLed,
 * launcher, starter and rank JVM at once, at five moments of an iteration: during the coarse alignment, during
 * the sum of the alignments across the ranks, during the class averaging, with the new checkpoint complete under
 * its temporary name but not renamed, and with the last iteration's output files half written. The moments are
 * reached through the stage's test-only pause (DIFFRACT_TEST_PAUSE: that rank stops there and says so in a file),
 * so each kill lands exactly there. Each time the checkpoint left behind is whole (or absent), and {@code --resume}
 * ends with class averages, alignments and class memberships equal to an uninterrupted run's.
 */
class SubtomoKillIT {
    static final int N = 16;
    static final int ITER = 3;

    @TempDir
    static Path dir;

    static List<String> command(String path, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "refine",
                "subtomo",
                "--input",
                "particles.h5",
                "--nref",
                "2",
                "--refgenmethod",
                "random",
                "--iter",
                Integer.toString(ITER),
                "--shrink",
                "2",
                "--align",
                "rotate_translate_3d:delta=30:dphi=30",
                "--falign",
                "refine_3d_grid:delta=10:range=10",
                "--search",
                "3",
                "--path",
                path,
                "--ranks",
                "2",
                "--threads",
                "1"));
        a.addAll(List.of(extra));
        return a;
    }

    @BeforeAll
    static void uninterrupted() throws Exception {
        // two objects, six particles each, from random references: classes still change in every iteration
        SyntheticSubtomograms data =
                new SyntheticSubtomograms(N, SyntheticSubtomograms.objects(N, 2, 6, 5), 6, 1.5, 0.7, 30, 8);
        new H5Writer()
                .put("volumes", data.flatParticles(), data.particles().length, N, N, N)
                .write(dir.resolve("particles.h5"));
        DiffractProcess.Result r = DiffractProcess.run(dir, command("full").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(
                ITER,
                checkpointIteration(dir.resolve("full")),
                "the uninterrupted run makes all " + ITER + " iterations (its classes keep changing): " + r.stdout());
    }

    /** Every dataset of the checkpoint read: a half-written file fails here. Its iteration, or 0 without one. */
    static int checkpointIteration(Path out) {
        Path cp = out.resolve("checkpoint.h5");
        if (!Files.exists(cp)) {
            return 0;
        }
        try (H5Reader r = H5Reader.open(cp)) {
            for (String d :
                    List.of("references", "score", "rotation", "shift", "membership", "seconds", "particle_hash")) {
                r.doubles(d);
            }
            return (int) r.scalar("iteration", -1);
        }
    }

    /**
     * Runs the command with the pause at {@code point} of {@code iteration} on {@code rank}, kills it there, checks what
     * is left, resumes, and compares the outcome with the uninterrupted run's.
     */
    static void killAndResume(String point, int iteration, int rank, int checkpointLeft) throws Exception {
        String name = "killed-" + point;
        Path out = dir.resolve(name);
        Path log = dir.resolve(name + ".console");
        Process p = DiffractProcess.startPausedAt(dir, command(name), point, iteration, rank, log);
        assertTrue(DiffractProcess.killTree(p) >= 3, "launcher, starter and rank JVM");

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
            assertTrue(Files.exists(out.resolve(String.format("classes_%02d.h5", ITER))));
            assertFalse(
                    Files.exists(out.resolve(String.format("alignments_%02d.h5", ITER))),
                    "killed before the alignments");
        }

        DiffractProcess.Result r =
                DiffractProcess.run(dir, command(name, "--resume").toArray(String[]::new));
        assertEquals(0, r.exitCode(), point + ": " + r.stderr());
        String said = Files.readString(out.resolve("diffract.log"));
        assertTrue(
                said.contains(
                        checkpointLeft == 0
                                ? "no checkpoint in "
                                : "resuming from " + out.resolve("checkpoint.h5") + " after iteration "
                                        + checkpointLeft),
                said);
        assertEquals(List.of(), DiffractProcess.temporaryFiles(out), point + ": no temporary file left");
        assertSameResult(dir.resolve("full"), out, point);
    }

    /** Final class averages and alignments within 1e-6, memberships and EMAN2 alignment files as text. */
    static void assertSameResult(Path full, Path resumed, String point) throws Exception {
        String last = String.format("%02d", ITER);
        try (H5Reader a = H5Reader.open(full.resolve("classes_" + last + ".h5"));
                H5Reader b = H5Reader.open(resumed.resolve("classes_" + last + ".h5"))) {
            assertClose(a.doubles("classes"), b.doubles("classes"), point + ": class averages");
        }
        try (H5Reader a = H5Reader.open(full.resolve("alignments_" + last + ".h5"));
                H5Reader b = H5Reader.open(resumed.resolve("alignments_" + last + ".h5"))) {
            assertArrayEquals(a.integers("class"), b.integers("class"), point + ": classes");
            for (String d : List.of("score", "xform.align3d", "rotation", "dx", "dy", "dz")) {
                assertClose(a.doubles(d), b.doubles(d), point + ": " + d);
            }
        }
        try (H5Reader a = H5Reader.open(full.resolve("class_avgs.hdf"));
                H5Reader b = H5Reader.open(resumed.resolve("class_avgs.hdf"))) {
            for (int k = 0; k < 2; k++) {
                String img = "MDF/images/" + k + "/image";
                assertClose(a.doubles(img), b.doubles(img), point + ": class_avgs.hdf image " + k);
            }
        }
        for (String f : List.of(
                "class_membership.txt", "alignments_" + last + ".txt", "sptali_rm_2_0.json", "sptali_rm_2_1.json")) {
            assertEquals(Files.readString(full.resolve(f)), Files.readString(resumed.resolve(f)), point + ": " + f);
        }
    }

    static void assertClose(double[] a, double[] b, String what) {
        assertEquals(a.length, b.length, what);
        double max = 0, diff = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(diff <= 1e-6 * Math.max(max, 1e-30), what + ": max difference " + diff + " of max " + max);
    }

    @Test
    void resumeWithOtherOptionsIsRefusedInOneLineAndLeavesTheRunAsItWas() throws Exception {
        Path out = Files.createDirectories(dir.resolve("refused"));
        try (Stream<Path> s = Files.list(dir.resolve("full"))) {
            for (Path f : (Iterable<Path>) s::iterator) {
                Files.copy(f, out.resolve(f.getFileName()));
            }
        }
        byte[] checkpoint = Files.readAllBytes(out.resolve("checkpoint.h5"));
        byte[] parameters = Files.readAllBytes(out.resolve("parameters.txt"));
        List<String> cmd = command("refused", "--resume");
        cmd.set(cmd.indexOf("rotate_translate_3d:delta=30:dphi=30"), "rotate_translate_3d:delta=20:dphi=30");
        DiffractProcess.Result r = DiffractProcess.run(dir, cmd.toArray(String[]::new));
        assertTrue(r.exitCode() != 0, r.stdout());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), r.stderr());
        assertTrue(
                lines.get(0)
                        .contains(
                                out.resolve("checkpoint.h5") + ": made with other options: --align "
                                        + "'rotate_translate_3d:delta=20:dphi=30' (checkpoint: 'rotate_translate_3d:delta=30:dphi=30')"),
                lines.get(0));
        assertArrayEquals(checkpoint, Files.readAllBytes(out.resolve("checkpoint.h5")));
        assertArrayEquals(parameters, Files.readAllBytes(out.resolve("parameters.txt")));
        assertSameResult(dir.resolve("full"), out, "refused");
    }

    @Test
    void killedDuringTheFirstAlignmentResumesFromTheBeginning() throws Exception {
        killAndResume("align", 1, 0, 0);
    }

    @Test
    void killedWhileTheRanksSumTheAlignments() throws Exception {
        // rank 1 stops before the sum; rank 0 waits inside it
        killAndResume("reduce", 2, 1, 1);
    }

    @Test
    void killedWhileAveragingTheClasses() throws Exception {
        // rank 0 stops between the two classes; rank 1 waits inside the second class's sum
        killAndResume("average", 2, 0, 1);
    }

    @Test
    void killedWhileTheCheckpointIsWritten() throws Exception {
        killAndResume("checkpoint", 2, 0, 1);
    }

    @Test
    void killedWhileTheLastIterationsFilesAreWritten() throws Exception {
        killAndResume("outputs", ITER, 0, ITER);
    }
}
