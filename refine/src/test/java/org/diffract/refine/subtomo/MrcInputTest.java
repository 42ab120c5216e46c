package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.io.H5Writer;
import org.diffract.core.io.MrcFile;
import org.diffract.core.parallel.LocalCommunicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Particles and references from MRC: one stack file (nz = N * n) or a folder of one file per particle. */
class MrcInputTest {
    static final int N = 16;

    @TempDir
    Path dir;

    @Test
    void mrcStackAndFolderGiveTheSameVolumesAsHdf5() throws Exception {
        double[] flat = new double[3 * 5 * 5 * 5];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = Math.sin(0.37 * i); // float32-exact enough at 1e-6
        }
        Path h5 = dir.resolve("s.h5");
        new H5Writer().put("volumes", flat, 3, 5, 5, 5).write(h5);
        Path mrc = dir.resolve("s.mrcs");
        MrcFile.write(mrc, flat, 15, 5, 5, 1, "stack of 3");
        Path folder = Files.createDirectories(dir.resolve("parts"));
        for (int i = 0; i < 3; i++) {
            MrcFile.writeCube(
                    folder.resolve(String.format("p%02d.mrc", i)),
                    Arrays.copyOfRange(flat, 125 * i, 125 * (i + 1)),
                    5,
                    1,
                    "particle " + i);
        }
        Files.writeString(folder.resolve("notes.txt"), "not a map");
        VolumeStack a = VolumeStack.read(h5.toString(), "--input");
        for (VolumeStack b : new VolumeStack[] {
            VolumeStack.read(mrc.toString(), "--input"), VolumeStack.read(folder.toString(), "--input")
        }) {
            assertEquals(3, b.count());
            assertEquals(5, b.n());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(a.volumes()[i], b.volumes()[i], 1e-6);
            }
        }
    }

    @Test
    void badMrcInputFailsWithOneLine() throws Exception {
        Path notCube = dir.resolve("slab.mrc");
        MrcFile.write(notCube, new double[7 * 5 * 5], 7, 5, 5, 1, "7 sections of 5 x 5");
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        MrcFile.writeCube(mixed.resolve("a.mrc"), new double[125], 5, 1, "");
        MrcFile.writeCube(mixed.resolve("b.mrc"), new double[216], 6, 1, "");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Object[][] cases = {
            {notCube, "multiple of n"},
            {mixed.resolve("b.mrc").getParent(), "b.mrc"},
            {empty, "no .mrc"},
            {dir.resolve("gone.mrc"), "no such file"}
        };
        for (Object[] c : cases) {
            UserError e =
                    assertThrows(UserError.class, () -> VolumeStack.read(c[0].toString(), "--input"), c[0].toString());
            assertTrue(e.getMessage().startsWith("--input") && e.getMessage().contains((String) c[1]), e.getMessage());
            assertEquals(-1, e.getMessage().indexOf('\n'));
        }
    }

    @Test
    void refinementRunsFromAnMrcStackWithAnMrcReference() throws Exception {
        SyntheticSubtomograms.Blobs[] objs = SyntheticSubtomograms.objects(N, 2, 5, 8);
        double[][] truth = new double[2][];
        for (int k = 0; k < 2; k++) {
            truth[k] = SyntheticSubtomograms.blobs(N, objs[k].centres(), objs[k].amp(), objs[k].sigma());
        }
        // four particles, two of each object, turned by multiples of 90 degrees about z
        double[] flat = new double[4 * N * N * N];
        for (int i = 0; i < 4; i++) {
            double[] p = VolumeTransform.rotateThenShift(
                    truth[i % 2], N, Rotations.axisAngle(0, 0, 1, 90 * i), new double[3]);
            System.arraycopy(p, 0, flat, i * N * N * N, p.length);
        }
        Path stack = dir.resolve("particles.mrcs");
        MrcFile.write(stack, flat, 4 * N, N, N, 1, "4 particles");
        double[] refs = new double[2 * N * N * N];
        System.arraycopy(truth[0], 0, refs, 0, N * N * N);
        System.arraycopy(truth[1], 0, refs, N * N * N, N * N * N);
        Path ref = dir.resolve("refs.mrcs");
        MrcFile.write(ref, refs, 2 * N, N, N, 1, "2 references");
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=" + stack,
                "--ref=" + ref,
                "--iter=1",
                "--search=1",
                "--align=rotate_translate_3d:delta=90:dphi=90",
                "--falign=none"));
        SubtomoRefinement.Result r =
                new SubtomoRefinement(o, VolumeStack.read(o.input, "--input"), new LocalCommunicator(), 1, null).run();
        assertArrayEquals(new int[] {0, 1, 0, 1}, r.membership());
        // the new processors on two ranks give what one rank gives: each rank normalises its own particles the same way
        SubtomoOptions p = SubtomoOptions.parse(List.of(
                "--input=" + stack,
                "--ref=" + ref,
                "--iter=2",
                "--search=1",
                "--align=rotate_translate_3d:delta=90:dphi=90",
                "--falign=refine_3d_grid:delta=10:range=10",
                "--normproc=normalize.mask",
                "--mask=mask.gaussian:outer_radius=6",
                "--lowpass=filter.lowpass.tanh:cutoff_abs=0.3",
                "--highpassfine=filter.highpass.tanh:cutoff_pixels=1"));
        VolumeStack in = VolumeStack.read(p.input, "--input");
        SubtomoRefinement.Result one = new SubtomoRefinement(p, in, new LocalCommunicator(), 1, null).run();
        List<SubtomoRefinement.Result> two = org.diffract.core.parallel.ThreadCommunicator.run(
                2, comm -> new SubtomoRefinement(p, in, comm, 1, null).run());
        assertArrayEquals(new int[] {0, 1, 0, 1}, one.membership());
        for (SubtomoRefinement.Result t : two) {
            assertArrayEquals(one.membership(), t.membership());
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(one.averages()[k], t.averages()[k], 1e-9);
            }
        }
    }
}
