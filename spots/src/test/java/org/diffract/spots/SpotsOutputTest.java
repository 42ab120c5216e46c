package org.diffract.spots;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.LocalCommunicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpotsOutputTest {
    @TempDir
    Path dir;

    private SpotsResult runFile(Path input, String... kv) {
        SpotsOptions o = SpotTestData.options(input, kv);
        try (LaueInput in = LaueInput.open(input)) {
            SpotsResult r = new SpotFinder(o, new LocalCommunicator(), 2).run(in);
            SpotsOutput.write(r, o, in);
            return r;
        }
    }

    @Test
    void fileRoundTripMatchesInMemoryRunAndH5pyReadsIt() throws Exception {
        SyntheticLaue d = SpotFinderTest.laser();
        Path in = dir.resolve("run1__mccd.h5");
        d.write(in, true);
        SpotsResult r = runFile(in, "sync=pairs");
        SpotsResult mem = new SpotFinder(SpotTestData.options(in, "sync=pairs"), new LocalCommunicator(), 1).run(d);
        assertArrayEquals(mem.intensity, r.intensity);
        assertArrayEquals(mem.stats.avg, r.stats.avg);
        Path out = dir.resolve("run1__spots.h5");
        assertTrue(Files.isRegularFile(out));
        for (String png : new String[] {"avg", "std", "masks"}) {
            assertTrue(Files.size(dir.resolve("run1__spots_" + png + ".png")) > 100, png);
        }
        try (H5Reader h = H5Reader.open(out)) {
            assertArrayEquals(r.stats.std, h.doubles("stats/std"));
            assertEquals(20L * 48 * 48, h.integers("masks/masks_synced").length);
            assertEquals(20L * 48 * 48, h.integers("masks/labels").length);
            long[] be = h.integers("frame2spotsBE");
            assertEquals(0, be[0]);
            assertEquals(r.numSpots(), be[be.length - 1]);
            long[] pbe = h.integers("spots/pixel_list_BE");
            assertEquals(h.integers("spots/pixel_list").length, pbe[pbe.length - 1]);
        }
        // the layout as a downstream script sees it: shapes per frame (40) and per pair (20), and every spot
        // found at its label in its mask, at XY and at each of its pixels
        String py = Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py, numpy as np",
                                "f = h5py.File(sys.argv[1], 'r')",
                                "n = f['spots/I'].shape[0]",
                                "shape = lambda k: f[k].shape",
                                "assert shape('masks/masks_raw') == shape('masks/masks_filtered') == (40, 48, 48)",
                                "assert shape('masks/masks_synced') == shape('masks/labels') == (20, 48, 48), shape('masks/labels')",
                                "assert shape('masks/counts') == (20,) and shape('stats/avg') == (48, 48)",
                                "assert shape('spots/XY') == (n, 2) and shape('spots/box') == (n, 4) and shape('frame2spotsBE') == (40, 2)",
                                "be = f['frame2spotsBE'][:]",
                                "assert (be[1:, 0] == be[:-1, 1]).all()",
                                "lab, cnt, mk = f['masks/labels'][:], f['masks/counts'][:], f['spots/mask'][:]",
                                "xy, la, fr = f['spots/XY'][:], f['spots/label'][:], f['spots/frame'][:]",
                                "pl, pbe = f['spots/pixel_list'][:], f['spots/pixel_list_BE'][:]",
                                "assert (lab[mk, xy[:, 0], xy[:, 1]] == la).all()",
                                "assert all((lab[mk[i]].ravel()[pl[pbe[i, 0]:pbe[i, 1]]] == la[i]).all() for i in range(n))",
                                "assert (mk == fr // 2).all() and (be[:, 1] - be[:, 0] == cnt[np.arange(40) // 2]).all()",
                                "assert (cnt == lab.reshape(20, -1).max(axis=1)).all()",
                                "s = f['info'].attrs['sync']",
                                "print(n, int(f['info'].attrs['n_removed']), s.decode() if isinstance(s, bytes) else s, "
                                        + "f['stats/avg'].compression, f['masks/masks_raw'].dtype, f['masks/labels'].dtype)"),
                        out.toString());
        assertEquals(r.numSpots() + " 10 pairs gzip int8 int32", py);
    }

    @Test
    void floatFramesWithoutCompression() throws Exception {
        SyntheticLaue d = SyntheticLaue.builder()
                .size(40, 40)
                .angles(10, 2)
                .background(50, 3)
                .spots(1, 0, 200)
                .integer(false)
                .seed(3)
                .build();
        Path in = dir.resolve("f.h5");
        d.write(in, false);
        SpotsResult r = runFile(in, "compression=none", "n_percent=0", "erosions=1", "dilations=1", "structure=2,1");
        assertEquals(20, r.numSpots());
        assertTrue(Files.isRegularFile(dir.resolve("f__spots.h5")));
        String py = Python.require("h5py", "numpy")
                .run(
                        "import sys, h5py; f = h5py.File(sys.argv[1], 'r'); "
                                + "print(f['spots/I'].compression, f['info'].attrs['n_percent'], list(f['info'].attrs['structure']))",
                        dir.resolve("f__spots.h5").toString());
        assertEquals("None 25 [2, 1]", py);
    }

    /** -C lzf writes LZF (h5py's filter 32000) that h5py decompresses to the same values as gzip. */
    @Test
    void lzfCompressionIsReadByH5py() throws Exception {
        SyntheticLaue d = SpotFinderTest.laser();
        Path in = dir.resolve("l__mccd.h5");
        d.write(in, true);
        runFile(in, "sync=blocks", "output=" + dir.resolve("gz.h5"));
        runFile(in, "sync=blocks", "compression=lzf", "output=" + dir.resolve("lzf.h5"));
        String py = Python.require("h5py", "numpy")
                .run(
                        String.join(
                                "\n",
                                "import sys, h5py, numpy as np",
                                "a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')",
                                "names = []",
                                "a.visititems(lambda k, o: names.append(k) if isinstance(o, h5py.Dataset) else None)",
                                "assert all(np.array_equal(a[k][()], b[k][()]) for k in names)",
                                "print(len(names), sorted({b[k].compression for k in names}))"),
                        dir.resolve("gz.h5").toString(),
                        dir.resolve("lzf.h5").toString());
        assertEquals("20 ['lzf']", py);
    }

    /**
     * Frames of Gaussian background only (no spot survives 1 erosion at cutoff 3 here, as in
     * everyPlantedSpotFoundAndNoSpuriousSpot): a file with empty spot tables of the right columns, not a crash.
     */
    @Test
    void noSpotsGivesEmptyTables() throws Exception {
        SyntheticLaue d = SyntheticLaue.builder().spots(0, 0, 0).seed(5).build();
        Path in = dir.resolve("flat__mccd.h5");
        d.write(in, true);
        SpotsResult r = runFile(in);
        assertEquals(0, r.numSpots());
        String py = Python.require("h5py", "numpy")
                .run(
                        "import sys, h5py; f = h5py.File(sys.argv[1], 'r'); "
                                + "print(f['spots/XY'].shape, f['spots/box'].shape, f['spots/I'].shape, f['spots/pixel_list'].shape, "
                                + "f['frame2spotsBE'][()].sum(), f['masks/counts'][()].sum())",
                        dir.resolve("flat__spots.h5").toString());
        assertEquals("(0, 2) (0, 4) (0,) (0,) 0 0", py);
    }

    @Test
    void badInputGivesOneLineErrorAndNoOutput() {
        SyntheticLaue d = SpotFinderTest.laser();
        Path good = dir.resolve("good__mccd.h5");
        d.write(good, true);
        assertMessage(() -> runFile(dir.resolve("missing__mccd.h5")), "no such file");
        assertMessage(() -> runFile(good, "structure=3,2"), "only rank 2 is supported");
        assertMessage(() -> runFile(good, "min_angles=11"), "10 distinct values, fewer than -a 11");
        Path plain = dir.resolve("plain__mccd.h5");
        SpotFinderTest.plain().write(plain, true);
        assertMessage(() -> runFile(plain, "method=kruskal"), "needs laser data");
        Path noFrames = dir.resolve("noframes.h5");
        new H5Writer().put("data", new int[] {1, 2}).write(noFrames);
        assertMessage(() -> runFile(noFrames), "no dataset 'frames'");
        Path flat = dir.resolve("flat.h5");
        new H5Writer().put("frames", new int[][] {{1, 2}, {3, 4}}).write(flat);
        assertMessage(() -> runFile(flat), "must be (frames, height, width)");
        Path noAngle = dir.resolve("noangle.h5");
        new H5Writer().put("frames", new int[2][3][3]).write(noAngle);
        assertMessage(() -> runFile(noAngle), "no dataset 'lauecollect/angle'");
        Path shortAngle = dir.resolve("short.h5");
        new H5Writer()
                .put("frames", new int[2][3][3])
                .put("lauecollect/angle", new double[] {1})
                .write(shortAngle);
        assertMessage(() -> runFile(shortAngle), "has 1 values but frames has 2");
        Path nan = dir.resolve("nan.h5");
        float[][][] fr = new float[12][3][3];
        double[] ang = new double[12];
        for (int i = 0; i < 12; i++) {
            ang[i] = i;
        }
        fr[5][1][2] = Float.NaN;
        new H5Writer().put("frames", fr).put("lauecollect/angle", ang).write(nan);
        assertMessage(() -> runFile(nan), "frame 5 pixel (1, 2) is NaN");
        Path odd = dir.resolve("odd.h5");
        new H5Writer()
                .put("frames", new float[11][3][3])
                .put("lauecollect/angle", new double[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5})
                .write(odd);
        assertMessage(() -> runFile(odd, "sync=pairs", "min_angles=2"), "11 frames (odd)");
        for (String name :
                new String[] {"missing", "plain", "noframes", "flat", "noangle", "short", "nan", "odd", "good"}) {
            assertFalse(Files.exists(dir.resolve(name + "__spots.h5")), name + ": output written despite the error");
        }
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertMessage(() -> SpotTestData.options(null, "n_percent=100"), "n_percent (-n) = 100 is not valid");
        assertMessage(() -> SpotTestData.options(null, "method=median"), "one of n_removed, kruskal");
        assertMessage(() -> SpotTestData.options(null, "structure=3,1"), "only rank 2 is supported");
        assertMessage(() -> SpotTestData.options(null, "alpha=1.5"), "alpha (-A)");
        assertMessage(() -> SpotTestData.options(null, "sync=all"), "one of none, pairs, blocks");
        assertMessage(() -> SpotTestData.options(null, "compression=szip"), "one of none, gzip, lzf");
        assertMessage(() -> SpotTestData.options(null, "erosions=-1"), "erosions/dilations (-e/-d)");
        assertMessage(
                () -> SpotsOptions.resolve(null, Map.of("cutof", "3", "input", "x.h5")),
                "unknown spots option 'cutof'");
        assertMessage(() -> SpotsOptions.resolve(null, Map.of()), "no input file");
        Path typo = dir.resolve("typo.ini");
        org.diffract.core.io.AtomicFiles.writeString(typo, "[spots]\ninput = a.h5\ncutof = 3\n");
        assertMessage(() -> SpotsOptions.read(typo), "did you mean 'cutoff'");
    }

    @Test
    void defaultOutputName() {
        assertEquals(Path.of("/d/run__spots.h5"), SpotsOptions.defaultOutput(Path.of("/d/run__mccd.h5")));
        assertEquals(Path.of("/d/x__spots.h5"), SpotsOptions.defaultOutput(Path.of("/d/x.h5")));
    }

    /** The ranks read exactly the record the CLI resolved: every key, doubles to the last bit, relative paths. */
    @Test
    void optionsFileReadsBackAsTheSameRecord() throws Exception {
        SpotsOptions o = SpotTestData.options(
                dir.resolve("in__mccd.h5"),
                "sync=blocks",
                "cutoff=2.7182818284590455",
                "alpha=0.012345678901234567",
                "method=kruskal",
                "structure=2,1",
                "compression=lzf",
                "n_percent=0",
                "erosions=0",
                "dilations=5",
                "min_angles=3",
                "output=" + dir.resolve("sub/out.h5"));
        Path file = dir.resolve("o.ini");
        o.write(file);
        assertEquals(o, SpotsOptions.read(file));
        assertEquals(
                SpotsOptions.Key.values().length,
                Files.readAllLines(file).stream().filter(l -> l.contains(" = ")).count());
        // a user's config: relative paths are relative to the config's folder, the rest from the defaults
        Files.createDirectories(dir.resolve("cfg"));
        Files.writeString(dir.resolve("cfg/spots.ini"), "[spots]\ninput = ../in__mccd.h5\nsync = pairs\n");
        SpotsOptions u = SpotsOptions.read(dir.resolve("cfg/spots.ini"));
        assertEquals(dir.resolve("in__mccd.h5").toAbsolutePath(), u.input());
        assertEquals(dir.resolve("in__spots.h5").toAbsolutePath(), u.output());
        assertEquals(SpotsOptions.Sync.PAIRS, u.sync());
        assertEquals(SpotsOptions.Method.N_REMOVED, u.method());
        assertEquals(org.diffract.core.io.H5Writer.Compression.GZIP, u.compression());
        assertEquals(25, u.nPercent());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        UserError u = assertThrows(UserError.class, e);
        assertTrue(u.getMessage().contains(part), u.getMessage());
        assertFalse(u.getMessage().contains("\n"), u.getMessage());
    }
}
