package org.diffract.spots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.io.PythonH5;
import org.diffract.core.parallel.LocalCommunicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            assertEquals(40L * 48 * 48, h.integers("masks/masks_synced").length);
            long[] be = h.integers("frame2spotsBE");
            assertEquals(0, be[0]);
            assertEquals(r.numSpots(), be[be.length - 1]);
            long[] pbe = h.integers("spots/pixel_list_BE");
            assertEquals(h.integers("spots/pixel_list").length, pbe[pbe.length - 1]);
        }
        String py = PythonH5.run(String.join("\n",
                "import sys, h5py, numpy as np",
                "f = h5py.File(sys.argv[1], 'r')",
                "n = f['spots/I'].shape[0]",
                "assert f['masks/masks_raw'].shape == (40, 48, 48) and f['masks/masks_raw'].dtype == np.int8 or f['masks/masks_raw'].dtype == np.uint8",
                "assert f['stats/avg'].shape == (48, 48)",
                "be = f['frame2spotsBE'][:]",
                "assert be.shape == (40, 2) and (be[1:, 0] == be[:-1, 1]).all()",
                "pl, pbe = f['spots/pixel_list'][:], f['spots/pixel_list_BE'][:]",
                "lab = f['masks/labels']",
                "fr, la = f['spots/frame'][:], f['spots/label'][:]",
                "ok = all((lab[fr[i]].ravel()[pl[pbe[i,0]:pbe[i,1]]] == la[i]).all() for i in range(n))",
                "print(n, int(f['info'].attrs['n_removed']), f['info'].attrs['sync'].decode() if isinstance(f['info'].attrs['sync'], bytes) else f['info'].attrs['sync'], ok, f['stats/avg'].compression)"),
                out.toString());
        assertEquals(r.numSpots() + " 10 pairs True gzip", py);
    }

    @Test
    void floatFramesWithoutCompression() throws Exception {
        SyntheticLaue d = SyntheticLaue.generate(40, 40, 10, 2, false, 50, 3, 1, 0, 200, false, 3);
        Path in = dir.resolve("f.h5");
        d.write(in, false);
        SpotsResult r = runFile(in, "compression=none", "n_percent=0", "erosions=1", "dilations=1", "structure=2,1");
        assertEquals(20, r.numSpots());
        assertTrue(Files.isRegularFile(dir.resolve("f__spots.h5")));
        String py = PythonH5.run("import sys, h5py; f = h5py.File(sys.argv[1], 'r'); "
                + "print(f['spots/I'].compression, f['info'].attrs['n_percent'], list(f['info'].attrs['structure']))",
                dir.resolve("f__spots.h5").toString());
        assertEquals("None 25 [2, 1]", py);
    }

    @Test
    void badInputGivesOneLineErrorAndNoOutput() {
        SyntheticLaue d = SpotFinderTest.laser();
        Path good = dir.resolve("good__mccd.h5");
        d.write(good, true);
        assertMessage(() -> runFile(dir.resolve("missing__mccd.h5")), "no such file");
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
        new H5Writer().put("frames", new int[2][3][3]).put("lauecollect/angle", new double[] {1}).write(shortAngle);
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
        new H5Writer().put("frames", new float[11][3][3]).put("lauecollect/angle", new double[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5})
                .write(odd);
        assertMessage(() -> runFile(odd, "sync=pairs", "min_angles=2"), "11 frames (odd)");
        for (String name : new String[] {"missing", "plain", "noframes", "flat", "noangle", "short", "nan", "odd", "good"}) {
            assertFalse(Files.exists(dir.resolve(name + "__spots.h5")), name + ": output written despite the error");
        }
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertMessage(() -> SpotTestData.options(null, "n_percent=100"), "n_percent (-n) = 100 is not valid");
        assertMessage(() -> SpotTestData.options(null, "method=median"), "one of n_removed, kruskal");
        assertMessage(() -> SpotTestData.options(null, "structure=3,1"), "rank 3 is not supported");
        assertMessage(() -> SpotTestData.options(null, "alpha=1.5"), "alpha (-A)");
        assertMessage(() -> SpotTestData.options(null, "sync=all"), "one of none, pairs, blocks");
        assertMessage(() -> SpotTestData.options(null, "compression=lzf"), "one of gzip, none");
        assertMessage(() -> SpotsOptions.resolve(null, Map.of("cutof", "3", "input", "x.h5")), "unknown spots option 'cutof'");
        assertMessage(() -> SpotsOptions.resolve(null, Map.of()), "no input file");
    }

    @Test
    void defaultOutputName() {
        assertEquals(Path.of("/d/run__spots.h5"), SpotsOptions.defaultOutput(Path.of("/d/run__mccd.h5")));
        assertEquals(Path.of("/d/x__spots.h5"), SpotsOptions.defaultOutput(Path.of("/d/x.h5")));
        SpotsOptions o = SpotTestData.options(null, "sync=blocks", "cutoff=2.5");
        assertEquals(o, SpotsOptions.resolve(null, SpotsOptions.parseSetArgs(o.asArgs())));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        UserError u = assertThrows(UserError.class, e);
        assertTrue(u.getMessage().contains(part), u.getMessage());
        assertFalse(u.getMessage().contains("\n"), u.getMessage());
    }
}
