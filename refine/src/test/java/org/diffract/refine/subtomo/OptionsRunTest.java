package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.LocalCommunicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The less central options run end to end and do what they say, on a small fast set. */
class OptionsRunTest {
    static final int N = 16;

    @TempDir
    Path dir;

    @Test
    void oneReferenceFileCopiedWithMostOptionsOn() throws Exception {
        SyntheticSubtomograms data =
                new SyntheticSubtomograms(N, SyntheticSubtomograms.objects(N, 1, 6, 12), 3, 1, 0.5, 30, 4);
        Path ref = dir.resolve("ref.h5");
        new H5Writer().put("ref", data.truth[0], N, N, N).write(ref);
        Path out = dir.resolve("run");
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=synthetic",
                "--ref=" + ref,
                "--nref=2",
                "--iter=2",
                "--align=rotate_translate_3d:delta=30:dphi=30",
                "--falign=none",
                "--search=2",
                "--npeakstorefine=2",
                "--shrink=2",
                "--savesteps",
                "--autocenter=xform.centerofmass",
                "--weighbyscore",
                "--keep=0.7",
                "--mask=mask.soft:outer_radius=6:width=1",
                "--lowpass=filter.lowpass.gauss:cutoff_freq=0.2",
                "--highpass=filter.highpass.gauss:cutoff_freq=0.02",
                "--threshold=threshold.clampminmax.nsigma:nsigma=4",
                "--path=" + out));
        SubtomoOutput output = new SubtomoOutput(out, o, N);
        output.writeParameters();
        SubtomoRefinement.Result r = new SubtomoRefinement(
                        o, new VolumeStack(Path.of("synthetic"), N, data.particles), new LocalCommunicator(), 2, output)
                .run();
        assertEquals(2, r.averages().length);
        int it = r.iterations();
        for (int k = 0; it >= 1 && k < 2; k++) {
            for (int i = 1; i <= it; i++) {
                assertTrue(
                        Files.isRegularFile(out.resolve(String.format("class_%02d_%02d.png", k, i))),
                        "--savesteps PNG");
            }
        }
        // keep 0.7 of a class of 3 keeps ceil(2.1) = 3, of 2 keeps 2, of 1 keeps 1: never fewer than one
        int kept = 0;
        for (boolean b : r.kept()) {
            kept += b ? 1 : 0;
        }
        assertTrue(kept >= 2, "kept " + kept);
        // autocenter: centre of mass of the positive density within half a voxel of the box centre
        double[] a = r.averages()[r.membership()[0]];
        double[] com = new double[3];
        double w = 0;
        for (int x = 0; x < N; x++) {
            for (int y = 0; y < N; y++) {
                for (int z = 0; z < N; z++) {
                    double d = Math.max(0, a[(x * N + y) * N + z]);
                    com[0] += d * x;
                    com[1] += d * y;
                    com[2] += d * z;
                    w += d;
                }
            }
        }
        for (int d = 0; d < 3; d++) {
            assertEquals(N / 2, com[d] / w, 0.5, "centre of mass axis " + d);
        }
        try (H5Reader h = H5Reader.open(out.resolve(String.format("alignments_%02d.h5", it)))) {
            assertEquals(3, h.doubles("score").length);
            assertEquals(27, h.doubles("rotation").length);
        }
        String members = Files.readString(out.resolve("class_membership.txt"));
        // e2spt_refinemulti's layout: ITERATION i (from 0), then CLASS k: particles
        assertTrue(members.startsWith("ITERATION 0\nCLASS "), members);
        assertEquals(it, members.lines().filter(l -> l.startsWith("ITERATION ")).count());
        assertTrue(Files.readString(out.resolve("parameters.txt")).contains("weighbyscore = true"));
    }

    @Test
    void randomReferencesArePlainMeansOfDisjointSubsets() {
        int n = 4;
        List<double[]> particles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            double[] v = new double[n * n * n];
            Arrays.fill(v, i);
            particles.add(v);
        }
        SubtomoOptions o = SubtomoOptions.parse(List.of("--input=x", "--nref=2", "--falign=none"));
        org.diffract.core.parallel.WorkerPool pool = new org.diffract.core.parallel.WorkerPool(1, "test");
        double[][] refs =
                new ReferenceGenerator(new ParticleAligner(o, n, null, pool), n).generate("random", particles, 2, 0, 3);
        pool.close();
        // two disjoint pairs of the values 0..3: the two means add up to 3
        assertEquals(3, refs[0][0] + refs[1][0], 1e-12);
        double[] flat = new double[n * n * n];
        Arrays.fill(flat, refs[0][0]);
        assertArrayEquals(flat, refs[0], 1e-12);
    }
}
