package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;

import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint after every iteration and --resume, on 2 in-process ranks: a run stopped after iteration 1 and
 * resumed ends with exactly the files of a run never stopped; resuming a finished run writes its last outputs again,
 * identical; a checkpoint of other options or particles is refused in one line naming what differs.
 */
class CheckpointResumeTest {
    static final int N = 16;
    static final int ITER = 3;

    @TempDir
    static Path dir;

    static SyntheticSubtomograms data;
    static Path full;
    /** The iterations the uninterrupted run made: its classes stop changing before --iter. */
    static int last;

    static String tag;
    static long fullFfts;

    static List<String> args(Path out, int iter, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "--input=synthetic",
                "--nref=2",
                "--refgenmethod=random",
                "--iter=" + iter,
                "--align=rotate_translate_3d:delta=30:dphi=30",
                "--falign=refine_3d_grid:delta=10:range=10",
                "--search=2",
                "--shrink=2",
                "--keep=0.8",
                "--postprocess=filter.lowpass.gauss:cutoff_freq=0.2",
                "--saveali",
                "--path=" + out));
        a.addAll(List.of(extra));
        return a;
    }

    /** A run's result and the coarse-search FFTs its rank 0 made: a resumed run redoes no iteration it has. */
    record Outcome(SubtomoRefinement.Result result, long coarseFfts) {}

    /** Runs on 2 ranks (threads of this JVM), every rank with its own options and output, as the rank main makes them. */
    static Outcome run(List<String> args, double[][] particles, boolean resume) throws Exception {
        try {
            return ThreadCommunicator.run(2, comm -> {
                        SubtomoOptions o = SubtomoOptions.parse(args);
                        SubtomoOutput out = new SubtomoOutput(Path.of(o.path), o, N);
                        SubtomoRefinement r = new SubtomoRefinement(
                                o, new VolumeStack(Path.of("synthetic"), N, particles), comm, 1, out);
                        SubtomoRefinement.Result res = resume ? r.resume() : r.run();
                        return new Outcome(res, r.aligner().search().coarseFfts.sum());
                    })
                    .get(0);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    @BeforeAll
    static void uninterrupted() throws Exception {
        data = new SyntheticSubtomograms(N, SyntheticSubtomograms.objects(N, 2, 6, 31), 6, 1, 0.5, 30, 8);
        full = dir.resolve("full");
        Outcome o = run(args(full, ITER), data.particles(), false);
        SubtomoRefinement.Result r = o.result();
        fullFfts = o.coarseFfts();
        last = r.iterations();
        tag = String.format("%02d", last);
        assertTrue(r.converged() && last >= 2 && last < ITER, "converged after " + last + " iterations");
    }

    /**
     * Every file, as bytes (parameters.txt names the folder; the checkpoint holds the seconds each iteration took:
     * its state is compared value by value).
     */
    static void assertSameOutputs(Path a, Path b) throws Exception {
        try (H5Reader x = H5Reader.open(SubtomoCheckpoint.path(a));
                H5Reader y = H5Reader.open(SubtomoCheckpoint.path(b))) {
            for (String d : List.of("references", "score", "rotation", "shift", "particle_hash")) {
                assertArrayEquals(x.doubles(d), y.doubles(d), d);
            }
            assertArrayEquals(x.integers("membership"), y.integers("membership"));
        }
        List<String> names = new ArrayList<>();
        try (var s = Files.list(a)) {
            s.map(p -> p.getFileName().toString())
                    .filter(f -> !f.equals("parameters.txt") && !f.equals(SubtomoCheckpoint.FILE))
                    .sorted()
                    .forEach(names::add);
        }
        List<String> other = new ArrayList<>();
        try (var s = Files.list(b)) {
            s.map(p -> p.getFileName().toString())
                    .filter(f -> !f.equals("parameters.txt") && !f.equals(SubtomoCheckpoint.FILE))
                    .sorted()
                    .forEach(other::add);
        }
        assertEquals(names, other, "the same files");
        for (String f : names) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
    }

    @Test
    void runStoppedAfterTheFirstIterationAndResumedEqualsTheUninterruptedRun() throws Exception {
        Path out = dir.resolve("stopped");
        // a run of --iter 1 leaves exactly the checkpoint of iteration 1 of the longer run: the iterations never look
        // at --iter, and the checkpoint holds the averages before --postprocess
        run(args(out, 1), data.particles(), false);
        assertEquals(1, SubtomoCheckpoint.iterationsDone(out));
        Files.writeString(out.resolve("class_avgs.hdf.tmp-4242-17"), "half a file of the killed run");
        Outcome resumed = run(args(out, ITER), data.particles(), true);
        SubtomoRefinement.Result r = resumed.result();
        assertEquals(last, r.iterations());
        assertTrue(r.converged());
        // only the iterations after the checkpoint ran (random references need no alignment)
        assertEquals(fullFfts / last * (last - 1), resumed.coarseFfts());
        assertFalse(
                Files.exists(out.resolve("class_avgs.hdf.tmp-4242-17")), "the killed run's temporary file is removed");
        // iteration 1's PNGs were made as the last of the --iter 1 run; an uninterrupted run makes none for it
        Files.delete(out.resolve("class_00_01.png"));
        Files.delete(out.resolve("class_01_01.png"));
        assertSameOutputs(full, out);
        assertTrue(Files.readString(out.resolve("class_membership.txt")).contains("ITERATION " + (last - 1) + "\n"));
    }

    @Test
    void resumingAFinishedRunWritesItsLastOutputsAgainUnchanged() throws Exception {
        Path out = dir.resolve("finished");
        run(args(out, ITER), data.particles(), false);
        // as after a kill while the last iteration's files were being written: some are gone
        Files.delete(out.resolve("class_avgs.hdf"));
        Files.delete(out.resolve("alignments_" + tag + ".h5"));
        Files.delete(out.resolve("class_ptcl.hdf"));
        Files.writeString(out.resolve("class_membership.txt"), "ITERATION 0\n");
        Outcome resumed = run(args(out, ITER), data.particles(), true);
        assertEquals(last, resumed.result().iterations());
        assertEquals(0, resumed.coarseFfts(), "nothing computed again");
        assertSameOutputs(full, out);
    }

    @Test
    void checkpointHoldsTheUnprocessedAveragesAndEveryIterationsClasses() throws Exception {
        Path cp = SubtomoCheckpoint.path(full);
        try (H5Reader r = H5Reader.open(cp)) {
            assertEquals(last, (int) r.scalar("iteration", -1));
            assertEquals(1, (int) r.scalar("converged", -1));
            assertArrayEquals(new int[] {last, 12}, r.dataset("membership").getDimensions());
            assertArrayEquals(new int[] {2, N, N, N}, r.dataset("references").getDimensions());
            assertArrayEquals(new int[] {12, 2, 3, 3}, r.dataset("rotation").getDimensions());
            // the last iteration's classes are the alignments file's
            long[] classes = Arrays.copyOfRange(r.integers("membership"), (last - 1) * 12, last * 12);
            try (H5Reader a = H5Reader.open(full.resolve("alignments_" + tag + ".h5"))) {
                assertArrayEquals(a.integers("class"), classes);
            }
            // the references are the averages before --postprocess: a low-pass filter lowers their variance
            double[] refs = r.doubles("references");
            try (H5Reader c = H5Reader.open(full.resolve("classes_" + tag + ".h5"))) {
                double[] reported = c.doubles("classes");
                assertTrue(variance(refs) > 1.05 * variance(reported), variance(refs) + " vs " + variance(reported));
            }
        }
        assertEquals(last, new SubtomoStage().iterationsDone(full));
        assertEquals(last, new SubtomoStage().iterationSeconds(full).length);
        assertEquals(cp, new SubtomoStage().checkpoint(full));
        assertTrue(new SubtomoStage().resumable());
        try (var s = Files.list(full)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary file left");
        }
    }

    private static double variance(double[] v) {
        double m = Arrays.stream(v).average().orElseThrow();
        return Arrays.stream(v).map(x -> (x - m) * (x - m)).average().orElseThrow();
    }

    private static String refused(List<String> args, double[][] particles) throws Exception {
        byte[] parameters = Files.readAllBytes(full.resolve("parameters.txt"));
        UserError e = assertThrows(UserError.class, () -> run(args, particles, true));
        assertArrayEquals(parameters, Files.readAllBytes(full.resolve("parameters.txt")), "parameters.txt untouched");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(SubtomoCheckpoint.path(full).toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void checkpointOfOtherOptionsOrParticlesIsRefusedNamingWhatDiffers() throws Exception {
        String m = refused(args(full, ITER, "--align=rotate_translate_3d:delta=45:dphi=30"), data.particles());
        assertTrue(
                m.contains(
                        "--align 'rotate_translate_3d:delta=45:dphi=30' (checkpoint: 'rotate_translate_3d:delta=30:dphi=30')"),
                m);
        assertTrue(
                refused(args(full, ITER, "--subset=10"), data.particles()).contains("made from 12 particles of 16^3"));
        double[][] changed = data.particles().clone();
        changed[7] = changed[7].clone();
        changed[7][100] += 1;
        assertTrue(refused(args(full, ITER), changed).contains("particle 7 of --input synthetic is not the one"));
        assertTrue(
                refused(args(full, 1), data.particles()).contains("holds " + last + " iterations, more than --iter 1"));
        // a damaged checkpoint (this code never leaves one half written, but a copy can be cut short) is one line
        Path cut = Files.createDirectories(dir.resolve("cut"));
        byte[] whole = Files.readAllBytes(SubtomoCheckpoint.path(full));
        Files.write(SubtomoCheckpoint.path(cut), Arrays.copyOf(whole, whole.length * 9 / 10));
        UserError e = assertThrows(UserError.class, () -> run(args(cut, ITER), data.particles(), true));
        assertTrue(
                e.getMessage().startsWith(SubtomoCheckpoint.path(cut) + ": not a readable checkpoint ("),
                e.getMessage());
        assertTrue(
                e.getMessage().endsWith("run without --resume to start over")
                        && !e.getMessage().contains("\n"),
                e.getMessage());
        // where and what is written may change: --plots is added, the state is the same
        Path copy = Files.createDirectories(dir.resolve("plots"));
        Files.copy(SubtomoCheckpoint.path(full), SubtomoCheckpoint.path(copy));
        run(args(copy, ITER, "--plots"), data.particles(), true);
        assertTrue(Files.isRegularFile(copy.resolve("scores_" + tag + ".png")));
        assertArrayEquals(
                Files.readAllBytes(full.resolve("classes_" + tag + ".h5")),
                Files.readAllBytes(copy.resolve("classes_" + tag + ".h5")));
    }

    @Test
    void withoutACheckpointAResumeStartsFromTheBeginning() throws Exception {
        Path out = dir.resolve("fresh");
        Outcome r = run(args(out, 1), data.particles(), true);
        assertEquals(1, r.result().iterations());
        assertEquals(fullFfts / last, r.coarseFfts());
        assertEquals(1, SubtomoCheckpoint.iterationsDone(out));
        assertEquals(0, new SubtomoStage().iterationsDone(dir.resolve("nothing")));
        // one rank without MPJ resumes the same way
        SubtomoOptions o = SubtomoOptions.parse(args(out, 2));
        SubtomoRefinement.Result one = new SubtomoRefinement(
                        o,
                        new VolumeStack(Path.of("synthetic"), N, data.particles()),
                        new LocalCommunicator(),
                        2,
                        new SubtomoOutput(out, o, N))
                .resume();
        assertEquals(2, one.iterations());
    }
}
