package org.diffract.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.Python;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.refine.subtomo.SyntheticSubtomograms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code diffract refine subtomo} command on 2 MPJ ranks: eight synthetic subtomograms of two
 * distinct objects (random rotations and shifts, noise, missing wedge) are sorted into their classes from
 * references the run makes itself, and every output file is there and readable by h5py; bad input gives
 * one error line and no output.
 */
class RefineSubtomoIT {
    static final int N = 20;

    @TempDir
    static Path dir;

    static SyntheticSubtomograms data;
    static DiffractProcess.Result run;

    @BeforeAll
    static void refine() throws Exception {
        data = new SyntheticSubtomograms(N, SyntheticSubtomograms.objects(N, 2, 8, 3), 4, 2, 0.7, 30, 9);
        new H5Writer()
                .put("volumes", data.flatParticles(), data.particles().length, N, N, N)
                .write(dir.resolve("particles.h5"));
        run = DiffractProcess.run(
                dir,
                "refine",
                "subtomo",
                "--input",
                "particles.h5",
                "--nref",
                "2",
                "--refgenmethod",
                "hac",
                "--iter",
                "2",
                "--shrink",
                "2",
                "--align",
                "rotate_translate_3d:delta=30:dphi=30",
                "--falign",
                "refine_3d_grid:delta=10:range=10",
                "--search",
                "4",
                "--saveali",
                "--saveallalign",
                "--path",
                "out",
                "--ranks",
                "2",
                "--threads",
                "1");
    }

    @Test
    void sortsParticlesIntoTheirClassesAndWritesEveryOutput() throws Exception {
        assertEquals(0, run.exitCode(), run.stderr());
        Path out = dir.resolve("out");
        for (String f : List.of(
                "parameters.txt",
                "class_membership.txt",
                "classes_01.h5",
                "class_00_01.mrc",
                "class_01_01.mrc",
                "alignments_01.h5",
                "alignments_01.txt",
                "allalign_01.h5",
                "diffract.log",
                "class_avgs.hdf",
                "class_ptcl.hdf")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing");
        }
        int last;
        try (var s = Files.list(out)) {
            last = (int) s.filter(p -> p.getFileName().toString().matches("classes_\\d+\\.h5"))
                    .count();
        }
        String tag = String.format("%02d", last);
        assertTrue(Files.size(out.resolve("class_00_" + tag + ".png")) > 1000, "PNG of the last iteration");
        long[] cls;
        try (H5Reader r = H5Reader.open(out.resolve("alignments_" + tag + ".h5"))) {
            cls = r.integers("class");
        }
        // same class for the same object, different for different objects (labels are arbitrary)
        int[] truth = data.classes();
        for (int i = 0; i < truth.length; i++) {
            for (int j = 0; j < truth.length; j++) {
                assertEquals(truth[i] == truth[j], cls[i] == cls[j], "particles " + i + " and " + j);
            }
        }
        assertTrue(Files.readString(out.resolve("parameters.txt")).contains("refgenmethod = hac"));
        // the HDF5 stack has no voxel size: one line says so (rank 0 only) and the MRC gets 1.0
        assertEquals(
                1,
                Files.readAllLines(out.resolve("diffract.log")).stream()
                        .filter(l -> l.contains("has no voxel size"))
                        .count());
        assertTrue(Files.readString(out.resolve("class_membership.txt")).startsWith("ITERATION 0\nCLASS "));
        String text = Python.require("h5py", "numpy")
                .run(
                        "import h5py, numpy as np, sys\n"
                                + "c = h5py.File(sys.argv[1] + '/classes_" + tag + ".h5', 'r')['classes']\n"
                                + "a = h5py.File(sys.argv[1] + '/alignments_" + tag + ".h5', 'r')\n"
                                + "m = np.fromfile(sys.argv[1] + '/class_00_" + tag
                                + ".mrc', dtype='<f4', offset=1024).reshape(c.shape[1:])\n"
                                + "print(c.shape, c.dtype, a['score'].shape, a['rotation'].shape, bool(np.allclose(m, c[0])))",
                        out.toString());
        assertEquals("(2, 20, 20, 20) float32 (8,) (8, 3, 3) True", text);
    }

    private static void assertOneLineError(DiffractProcess.Result r, String... mustContain) {
        assertNotEquals(0, r.exitCode(), "exit code; stderr: " + r.stderr());
        List<String> lines =
                r.errorLines().stream().filter(l -> !l.contains("writing to")).toList();
        assertEquals(1, lines.size(), "exactly one error line, got:\n" + r.stderr());
        assertFalse(lines.get(0).contains("Exception") || lines.get(0).contains("\tat "), lines.get(0));
        for (String s : mustContain) {
            assertTrue(lines.get(0).contains(s), "'" + s + "' missing from: " + lines.get(0));
        }
    }

    @Test
    void missingInputNamesTheFile() throws Exception {
        assertOneLineError(
                DiffractProcess.run(dir, "refine", "subtomo", "--input", "nowhere.h5", "--nref", "2", "--path", "bad1"),
                "nowhere.h5");
        assertFalse(Files.exists(dir.resolve("bad1")));
    }

    @Test
    void badSymmetryIsRefusedBeforeAnyRankStarts() throws Exception {
        assertOneLineError(
                DiffractProcess.run(
                        dir,
                        "refine",
                        "subtomo",
                        "--input",
                        "particles.h5",
                        "--nref",
                        "2",
                        "--sym",
                        "c0x",
                        "--path",
                        "bad2"),
                "--sym",
                "c<n>");
    }

    @Test
    void notANumberInTheStackIsReportedByTheRanksWithoutOutput() throws Exception {
        float[] f = data.flatParticles();
        f[N * N * N + 5] = Float.NaN;
        new H5Writer().put("volumes", f, data.particles().length, N, N, N).write(dir.resolve("nan.h5"));
        assertOneLineError(
                DiffractProcess.run(
                        dir,
                        "refine",
                        "subtomo",
                        "--input",
                        "nan.h5",
                        "--nref",
                        "2",
                        "--path",
                        "bad3",
                        "--ranks",
                        "2",
                        "--threads",
                        "1"),
                "nan.h5",
                "volume 1",
                "NaN");
        // the launcher made bad3 for this run: a failed run leaves nothing behind
        assertFalse(Files.exists(dir.resolve("bad3")));
    }

    @Test
    void wrongShapeIsAOneLineError() throws Exception {
        new H5Writer().put("volumes", new double[6 * 7], 6, 7).write(dir.resolve("flat.h5"));
        assertOneLineError(
                DiffractProcess.run(dir, "refine", "subtomo", "--input", "flat.h5", "--nref", "2", "--path", "bad4"),
                "flat.h5",
                "(N, n, n, n)");
    }
}
