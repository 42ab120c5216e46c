package org.diffract.launch;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.diffract.core.Python;
import org.diffract.core.io.H5Reader;
import org.diffract.spots.SpotsOptions;
import org.diffract.spots.SyntheticLaue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code diffract spots} through the real command: on laser pump-probe frames with planted spots (one per
 * angle only in laser-on frames) every planted spot is found where it was planted and none is spurious,
 * the same on 1 and 2 MPJ ranks; config plus overrides, the tool's long options and lzf; one-line errors
 * without output for bad input; and the whole output file against a numpy/scipy pipeline written from the
 * tool's description (spots_reference.py) on a non-square uint16 series that numpy made.
 */
class SpotsIT {
    @TempDir
    static Path dir;

    static SyntheticLaue data;

    @BeforeAll
    static void writeInput() {
        data = SyntheticLaue.builder().laser(true).spots(3, 1, 300).seed(21).build();
        data.write(dir.resolve("run__mccd.h5"), true);
    }

    @Test
    void twoRanksFindEveryPlantedSpotAndMatchOneRank() throws Exception {
        DiffractProcess.Result r2 =
                DiffractProcess.run(dir, "spots", "run__mccd.h5", "-S", "pairs", "--ranks", "2", "--threads", "1");
        assertEquals(0, r2.exitCode(), r2.stderr());
        DiffractProcess.Result r1 =
                DiffractProcess.run(dir, "spots", "run__mccd.h5", "-S", "pairs", "-o", "one.h5", "--threads", "1");
        assertEquals(0, r1.exitCode(), r1.stderr());
        Path out = dir.resolve("run__spots.h5");
        for (String png : List.of("avg", "std", "masks")) {
            assertTrue(Files.size(dir.resolve("run__spots_" + png + ".png")) > 100, png);
        }
        // the options the ranks ran with, kept beside the output
        assertEquals(
                SpotsOptions.Sync.PAIRS,
                SpotsOptions.read(dir.resolve("run__spots.run.ini")).sync());
        try (H5Reader h = H5Reader.open(out);
                H5Reader one = H5Reader.open(dir.resolve("one.h5"))) {
            long[] frame = h.integers("spots/frame");
            long[] xy = h.integers("spots/XY");
            int expected = 0;
            for (SyntheticLaue.Planted p : data.planted()) {
                // with -S pairs a laser spot is listed in its off frames too: 4 frames per spot either way
                int first = p.angle() * 4;
                for (int f = first; f < first + 4; f++) {
                    boolean found = false;
                    for (int s = 0; s < frame.length; s++) {
                        // XY is (X, Y) = (row, column)
                        found |= frame[s] == f && xy[2 * s] == p.row() && xy[2 * s + 1] == p.col();
                    }
                    if (!p.laserOnly() || (f % 2 == 1)) {
                        assertTrue(found, "planted spot (" + p.row() + ", " + p.col() + ") not found in frame " + f);
                    }
                    expected++;
                }
            }
            assertEquals(expected, frame.length, "spurious or missing spots");
            for (String k : List.of("spots/I", "stats/std")) {
                assertArrayEquals(one.doubles(k), h.doubles(k), k);
            }
            for (String k : List.of(
                    "spots/pixel_list",
                    "masks/masks_synced",
                    "masks/labels",
                    "masks/counts",
                    "spots/XY",
                    "spots/box",
                    "spots/mask")) {
                assertArrayEquals(one.integers(k), h.integers(k), k);
            }
        }
        String text = Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py",
                                "f = h5py.File(sys.argv[1], 'r')",
                                "g = lambda k: sorted(f[k].keys())",
                                "print(g('stats'), g('masks'), g('spots'), f['frame2spotsBE'].shape, f['masks/labels'].shape, "
                                        + "f['info'].attrs['n_removed'])"),
                        out.toString());
        assertEquals(
                "['arg', 'avg', 'iqr', 'max', 'std'] ['counts', 'labels', 'masks_filtered', 'masks_raw', "
                        + "'masks_synced'] ['I', 'I_bg', 'XY', 'box', 'frame', 'label', 'mask', 'pixel_list', 'pixel_list_BE'] "
                        + "(40, 2) (20, 48, 48) 10",
                text);
    }

    @Test
    void configWithCommandLineOverrides() throws Exception {
        Files.writeString(
                dir.resolve("spots.ini"),
                "[spots]\ninput = run__mccd.h5\noutput = cfg__spots.h5\n"
                        + "sync = blocks\ncutoff = 3.0\ncompression = none\n");
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "spots",
                "--config",
                "spots.ini",
                "-o",
                "override.h5",
                "-e",
                "1",
                "-d",
                "1",
                "-s",
                "2,1",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        assertFalse(Files.exists(dir.resolve("cfg__spots.h5")));
        try (H5Reader h = H5Reader.open(dir.resolve("override.h5"))) {
            assertTrue(h.has("masks/masks_synced"));
            assertEquals(10, h.integers("spots/mask")[h.integers("spots/mask").length - 1] + 1);
        }
        String text = Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py",
                                "a = h5py.File(sys.argv[1], 'r')['info'].attrs",
                                "t = lambda v: v.decode() if isinstance(v, bytes) else v",
                                "print(t(a['sync']), a['dilations'], list(a['structure']), t(a['compression']))"),
                        dir.resolve("override.h5").toString());
        assertEquals("blocks 1 [2, 1] none", text);
    }

    /** lu_hdf2spots' long options, each beside its short one, and -C lzf read back by h5py. */
    @Test
    void longOptionsAndLzf() throws Exception {
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "spots",
                "run__mccd.h5",
                "--output",
                "long.h5",
                "--method",
                "kruskal",
                "--n",
                "30",
                "--alpha",
                "0.01",
                "--cutoff",
                "2.5",
                "--erosions",
                "0",
                "--dilations",
                "1",
                "--structure",
                "2,1",
                "--angles",
                "5",
                "--compression",
                "lzf",
                "--sync",
                "pairs",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        String text = Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py",
                                "f = h5py.File(sys.argv[1], 'r')",
                                "a = f['info'].attrs",
                                "t = lambda v: v.decode() if isinstance(v, bytes) else v",
                                "print(t(a['method']), a['n_percent'], a['alpha'], a['cutoff'], a['erosions'], a['dilations'], "
                                        + "list(a['structure']), a['min_angles'], t(a['sync']), t(a['compression']), "
                                        + "f['masks/labels'].compression, f['masks/labels'].shape, int(f['masks/labels'][()].max()) > 0)"),
                        dir.resolve("long.h5").toString());
        assertEquals("kruskal 30 0.01 2.5 0 1 [2, 1] 5 pairs lzf lzf (20, 48, 48) True", text);
        DiffractProcess.Result help = DiffractProcess.run(dir, "spots", "--help");
        for (String o : List.of(
                "-o, --output",
                "-m, --method",
                "-n, --n",
                "-A, --alpha",
                "-c, --cutoff",
                "-e, --erosions",
                "-d, --dilations",
                "-s, --structure",
                "-a, --angles",
                "-S, --sync",
                "-C, --compression")) {
            assertTrue(help.stdout().contains(o), o + " missing from --help:\n" + help.stdout());
        }
    }

    @Test
    void badInputIsOneLineWithoutOutput() throws Exception {
        SyntheticLaue plain = SyntheticLaue.builder()
                .size(32, 32)
                .angles(10, 2)
                .spots(1, 0, 300)
                .seed(2)
                .build();
        plain.write(dir.resolve("plain__mccd.h5"), true);
        assertOneLine(
                DiffractProcess.run(dir, "spots", "plain__mccd.h5", "-m", "kruskal", "--ranks", "2", "--threads", "1"),
                "needs laser data");
        assertFalse(Files.exists(dir.resolve("plain__spots.h5")));
        assertFalse(Files.exists(dir.resolve("plain__spots.run.ini")), "options kept for a failed run");
        assertOneLine(DiffractProcess.run(dir, "spots", "plain__mccd.h5", "-a", "12"), "fewer than -a 12");
        assertOneLine(DiffractProcess.run(dir, "spots", "missing__mccd.h5"), "no such input file");
        assertOneLine(
                DiffractProcess.run(dir, "spots", "plain__mccd.h5", "-S", "sometimes"), "one of none, pairs, blocks");
        assertOneLine(DiffractProcess.run(dir, "spots", "plain__mccd.h5", "-C", "szip"), "one of none, gzip, lzf");
        assertOneLine(
                DiffractProcess.run(dir, "spots", "plain__mccd.h5", "-s", "3,1"),
                "only rank 2 is supported (masks are labelled one frame at a time");
        assertOneLine(
                DiffractProcess.run(dir, "spots", "plain__mccd.h5", "--structure", "3,3"), "give -s 2,1 or -s 2,2");
        assertFalse(Files.exists(dir.resolve("plain__spots.h5")));
        assertFalse(Files.exists(dir.resolve("plain__spots.run.ini")));
    }

    /**
     * The whole output file of the real command against spots_reference.py, a numpy/scipy pipeline written from
     * the tool's description, on a uint16 series of 80 frames of 36 x 52 (8 per angle, laser off/on) that the
     * script made with planted spots: every dataset's name, shape, dtype and values, for -S none, pairs and
     * blocks, -m n_removed and kruskal, other morphology, and 2 ranks.
     */
    @Test
    void wholeFileEqualsTheNumpyPipeline() throws Exception {
        Python py = Python.require("h5py", "numpy", "scipy");
        Path script = dir.resolve("spots_reference.py");
        try (InputStream in = SpotsIT.class.getResourceAsStream("/spots_reference.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path input = dir.resolve("laser__mccd.h5");
        assertTrue(py.runFile(script, "make", input.toString()).startsWith("OK"));
        List<List<String>> runs = List.of(
                List.of("--ranks", "2", "--threads", "1"),
                List.of("-S", "pairs"),
                List.of("-S", "blocks", "-m", "kruskal"),
                List.of("-S", "pairs", "-s", "2,1", "-e", "0", "-d", "1", "-c", "2.5", "-n", "30", "-C", "lzf"));
        for (int i = 0; i < runs.size(); i++) {
            String out = "ref" + i + ".h5";
            List<String> cmd =
                    new ArrayList<>(List.of("spots", input.getFileName().toString(), "-o", out));
            cmd.addAll(runs.get(i));
            DiffractProcess.Result r = DiffractProcess.run(dir, cmd.toArray(new String[0]));
            assertEquals(0, r.exitCode(), r.stderr());
            List<String> check = new ArrayList<>(
                    List.of("compare", input.toString(), dir.resolve(out).toString()));
            List<String> opts = runs.get(i);
            for (int k = 0; k < opts.size(); k += 2) {
                String name = switch (opts.get(k)) {
                    case "-S" -> "--sync";
                    case "-m" -> "--method";
                    case "-s" -> "--structure";
                    case "-e" -> "--erosions";
                    case "-d" -> "--dilations";
                    case "-c" -> "--cutoff";
                    case "-n" -> "--n";
                    default -> null; // ranks, threads, compression: no effect on the values
                };
                if (name != null) {
                    check.add(name);
                    check.add(opts.get(k + 1));
                }
            }
            String result = py.runFile(script, check.toArray(new String[0]));
            assertTrue(result.startsWith("OK"), String.join(" ", cmd) + ":\n" + result);
        }
    }

    private static void assertOneLine(DiffractProcess.Result r, String part) {
        assertNotEquals(0, r.exitCode(), r.stderr());
        List<String> lines = r.errorLines().stream()
                .filter(l -> !l.startsWith("MPJ Express"))
                .toList();
        assertEquals(1, lines.size(), r.stderr());
        assertTrue(lines.get(0).contains(part), lines.get(0));
    }
}
