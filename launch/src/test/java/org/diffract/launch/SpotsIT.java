package org.diffract.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.diffract.core.io.H5Reader;
import org.diffract.spots.SyntheticLaue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diffract spots} through the real command on laser pump-probe frames with planted spots (one per
 * angle only in laser-on frames): every planted spot found where it was planted, none spurious, off
 * frames given the laser spot by -S pairs, the same result on 1 and 2 MPJ ranks, config plus overrides,
 * and one-line errors without output for bad input.
 */
class SpotsIT {
    @TempDir
    static Path dir;
    static SyntheticLaue data;

    @BeforeAll
    static void writeInput() {
        data = SyntheticLaue.generate(48, 48, 10, 4, true, 100, 5, 3, 1, 300, true, 21);
        data.write(dir.resolve("run__mccd.h5"), true);
    }

    @Test
    void twoRanksFindEveryPlantedSpotAndMatchOneRank() throws Exception {
        DiffractProcess.Result r2 = DiffractProcess.run(dir, "spots", "run__mccd.h5", "-S", "pairs", "--ranks", "2",
                "--threads", "1");
        assertEquals(0, r2.exitCode(), r2.stderr());
        DiffractProcess.Result r1 = DiffractProcess.run(dir, "spots", "run__mccd.h5", "-S", "pairs", "-o", "one.h5",
                "--threads", "1");
        assertEquals(0, r1.exitCode(), r1.stderr());
        Path out = dir.resolve("run__spots.h5");
        for (String png : List.of("avg", "std", "masks")) {
            assertTrue(Files.size(dir.resolve("run__spots_" + png + ".png")) > 100, png);
        }
        try (H5Reader h = H5Reader.open(out); H5Reader one = H5Reader.open(dir.resolve("one.h5"))) {
            long[] frame = h.integers("spots/frame");
            long[] xy = h.integers("spots/XY");
            int expected = 0;
            for (SyntheticLaue.Planted p : data.planted()) {
                // with -S pairs a laser spot is listed in its off frames too: 4 frames per spot either way
                int first = p.angle() * 4;
                for (int f = first; f < first + 4; f++) {
                    boolean found = false;
                    for (int s = 0; s < frame.length; s++) {
                        found |= frame[s] == f && xy[2 * s] == p.x() && xy[2 * s + 1] == p.y();
                    }
                    if (!p.laserOnly() || (f % 2 == 1)) {
                        assertTrue(found, "planted spot (" + p.y() + ", " + p.x() + ") not found in frame " + f);
                    }
                    expected++;
                }
            }
            assertEquals(expected, frame.length, "spurious or missing spots");
            assertArrayEquals(one.doubles("spots/I"), h.doubles("spots/I"));
            assertArrayEquals(one.integers("spots/pixel_list"), h.integers("spots/pixel_list"));
            assertArrayEquals(one.doubles("stats/std"), h.doubles("stats/std"));
            assertArrayEquals(one.integers("masks/masks_synced"), h.integers("masks/masks_synced"));
        }
        String py = DiffractProcess.pythonWithH5py();
        Assumptions.assumeTrue(py != null, "python3 with h5py not installed");
        Process p = new ProcessBuilder(py, "-c", String.join("\n",
                "import sys, h5py",
                "f = h5py.File(sys.argv[1], 'r')",
                "g = lambda k: sorted(f[k].keys())",
                "print(g('stats'), g('masks'), g('spots'), f['frame2spotsBE'].shape, f['info'].attrs['n_removed'])"),
                out.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("['arg', 'avg', 'iqr', 'max', 'std'] ['counts', 'labels', 'masks_filtered', 'masks_raw', "
                + "'masks_synced'] ['I', 'I_bg', 'XY', 'box', 'frame', 'label', 'mask', 'pixel_list', 'pixel_list_BE'] "
                + "(40, 2) 10", text);
    }

    @Test
    void configWithCommandLineOverrides() throws Exception {
        Files.writeString(dir.resolve("spots.ini"), "[spots]\ninput = run__mccd.h5\noutput = cfg__spots.h5\n"
                + "sync = blocks\ncutoff = 3.0\ncompression = none\n");
        DiffractProcess.Result r = DiffractProcess.run(dir, "spots", "--config", "spots.ini", "-o", "override.h5",
                "-e", "1", "-d", "1", "-s", "2,1", "--threads", "1");
        assertEquals(0, r.exitCode(), r.stderr());
        assertFalse(Files.exists(dir.resolve("cfg__spots.h5")));
        try (H5Reader h = H5Reader.open(dir.resolve("override.h5"))) {
            assertTrue(h.has("masks/masks_synced"));
            assertEquals(10, h.integers("spots/mask")[h.integers("spots/mask").length - 1] + 1);
        }
        String py = DiffractProcess.pythonWithH5py();
        Assumptions.assumeTrue(py != null, "python3 with h5py not installed");
        Process p = new ProcessBuilder(py, "-c", "import sys, h5py; a = h5py.File(sys.argv[1], 'r')['info'].attrs; "
                + "print(a['sync'].decode() if isinstance(a['sync'], bytes) else a['sync'], a['dilations'], "
                + "list(a['structure']), a['compression'].decode() if isinstance(a['compression'], bytes) else a['compression'])",
                dir.resolve("override.h5").toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("blocks 1 [2, 1] none", text);
    }

    @Test
    void badInputIsOneLineWithoutOutput() throws Exception {
        SyntheticLaue plain = SyntheticLaue.generate(32, 32, 10, 2, false, 100, 5, 1, 0, 300, true, 2);
        plain.write(dir.resolve("plain__mccd.h5"), true);
        assertOneLine(DiffractProcess.run(dir, "spots", "plain__mccd.h5", "-m", "kruskal", "--ranks", "2",
                "--threads", "1"), "needs laser data");
        assertFalse(Files.exists(dir.resolve("plain__spots.h5")));
        assertOneLine(DiffractProcess.run(dir, "spots", "plain__mccd.h5", "-a", "12"), "fewer than -a 12");
        assertOneLine(DiffractProcess.run(dir, "spots", "missing__mccd.h5"), "no such input file");
        assertOneLine(DiffractProcess.run(dir, "spots", "plain__mccd.h5", "-S", "sometimes"), "one of none, pairs, blocks");
        assertFalse(Files.exists(dir.resolve("plain__spots.h5")));
    }

    private static void assertOneLine(DiffractProcess.Result r, String part) {
        assertNotEquals(0, r.exitCode(), r.stderr());
        List<String> lines = r.errorLines().stream().filter(l -> !l.startsWith("MPJ Express")).toList();
        assertEquals(1, lines.size(), r.stderr());
        assertTrue(lines.get(0).contains(part), lines.get(0));
    }
}
