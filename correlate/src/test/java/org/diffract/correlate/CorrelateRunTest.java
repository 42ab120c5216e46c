package org.diffract.correlate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.diffract.core.parallel.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole workflow on a small SACLA-layout run with known centre, radius and 6-fold symmetry. */
class CorrelateRunTest {
    @TempDir
    Path dir;

    /** Geometry where the synthetic ring (r = 20 px) sits inside qmin..qmax. */
    private IniConfig config(Path data, String dataset, String out) {
        IniConfig c = IniConfig.empty(dir.resolve("correlate.ini"));
        c.set("input", "data_file", data.toString())
                .set("input", "dataset", dataset)
                .set("geometry", "wavelen", "1.0")
                .set("geometry", "pixsize", "0.0001")
                .set("geometry", "detdist", "0.05")
                .set("center", "guess_x", "36.5")
                .set("center", "guess_y", "29.5")
                .set("center", "guess_r", "21")
                .set("center", "ring_width", "8")
                .set("center", "drop_brightest", "3")
                .set("polar", "qmin", String.valueOf(new QMapping(0.0001, 0.05, 1.0).pix2invang(12)))
                .set("polar", "qmax", String.valueOf(new QMapping(0.0001, 0.05, 1.0).pix2invang(26)))
                .set("polar", "nphi", "96")
                .set("pairs", "skip_dark", "2")
                .set("correlate", "cross_q1", "3")
                .set("correlate", "cross_q2", "5")
                .set("correlate", "legendre_lmax", "8")
                .set("correlate", "all_cross", "yes")
                .set("output", "output_folder", out);
        return c;
    }

    @Test
    void saclaRunEndToEnd() throws Exception {
        SyntheticShots shots = SyntheticShots.small(22, 5);
        Path data = dir.resolve("run.h5");
        shots.writeSacla(data, 77);
        try (ShotFile f = ShotFile.open(data, "auto", "auto")) {
            assertEquals(22, f.count());
            assertEquals(64, f.height());
            assertEquals(72, f.width());
            assertArrayEquals(shots.tags, f.tags());
            double[] img = f.read(3, new double[64 * 72]);
            assertEquals((float) shots.images[3][100], img[100], 0);
        }
        CorrelateSettings s = CorrelateSettings.from(config(data, "auto", "out"));
        new CorrelateRun(s, new LocalCommunicator(), 2).step("run");
        Path out = dir.resolve("out");
        for (String f : List.of(
                "center.h5",
                "center_fit.png",
                "polar.h5",
                "polar.png",
                "pairs.json",
                "correlations.h5",
                "correlation.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        try (H5Reader r = H5Reader.open(out.resolve("correlations.h5"))) {
            assertEquals(shots.xCenter, r.scalar("x_center", 0), 0.1);
            assertEquals(shots.yCenter, r.scalar("y_center", 0), 0.1);
            assertEquals(10, r.integers("tag_pairs").length / 2);
            assertEquals(shots.tags[2], r.integers("tag_pairs")[0]);
            assertEquals(96, r.scalar("num_phi", 0));
            double[] mean = r.doubles("correlations/mean");
            int nq = r.dataset("polar_mask").getDimensions()[0];
            assertEquals(15, nq);
            // ring 8 (r = 20 px, on the ring): peaks at multiples of 2 pi / 6 = 16 lags
            int k = 8;
            for (int d = 1; d < 96; d++) {
                double v = mean[k * 96 + d];
                boolean isMax = v > mean[k * 96 + (d + 1) % 96] && v > mean[k * 96 + d - 1];
                assertEquals(d % 16 == 0, isMax, "maximum at lag " + d);
            }
            assertEquals(shots.expectedPeak(2), mean[k * 96 + 16], 0.05 * shots.expectedPeak(2));
            assertEquals(5, r.doubles("legendre/l").length);
            assertArrayEquals(new int[] {5, 15, 15}, r.dataset("legendre/B_l").getDimensions());
            assertArrayEquals(
                    new int[] {15, 15, 96},
                    r.dataset("correlations/all_cross_mean").getDimensions());
            // the diagonal of the all-pairs expansion is the ring-by-ring one
            double[] bl = r.doubles("legendre/B_l");
            double[] diag = r.doubles("legendre/B_l_diagonal");
            assertEquals(diag[k * 5 + 1], bl[(15 + k) * 15 + k], 1e-9);
        }
        try (H5Reader r = H5Reader.open(out.resolve("center.h5"))) {
            assertEquals(shots.radius, r.scalar("radius", 0), 0.1);
        }
        String py = Python.require("h5py", "numpy")
                .run(
                        "import h5py, sys\n"
                                + "f = h5py.File(sys.argv[1], 'r')\n"
                                + "p = h5py.File(sys.argv[2], 'r')\n"
                                + "meta = ['polar_mask', 'x_center', 'y_center', 'q_ring', 'num_phi', 'wavelen', 'pixsize', 'detdist',\n"
                                + "        'q_mapping', 'tag_map']\n"
                                + "names = meta + ['tag_pairs', 'correlations/mean', 'correlations/variance', 'correlations/count']\n"
                                + "assert all(n in f for n in names), [n for n in names if n not in f]\n"
                                + "names = meta + ['polar_data', 'normalized_polar_data']\n"
                                + "assert all(n in p for n in names), [n for n in names if n not in p]\n"
                                + "print(p['polar_data'].shape, f['polar_mask'].dtype, f['q_mapping'].shape, int(f['num_phi'][()]))\n",
                        out.resolve("correlations.h5").toString(),
                        out.resolve("polar.h5").toString());
        assertEquals("(22, 15, 96) uint8 (15, 2) 96", py);
        // numpy's FFT on the same file, an independent implementation of the estimator, agrees
        String script;
        try (var in = CorrelateRun.class.getResourceAsStream("diffcorr_numpy.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] numpy = Python.require("h5py", "numpy")
                .run(
                        script,
                        "check",
                        out.resolve("correlations.h5").toString(),
                        out.resolve("polar.h5").toString())
                .split("\n");
        double[] java;
        try (H5Reader r = H5Reader.open(out.resolve("correlations.h5"))) {
            java = r.doubles("correlations/mean");
        }
        assertEquals(java.length, numpy.length);
        for (int i = 0; i < java.length; i++) {
            double v = Double.parseDouble(numpy[i].replace("nan", "NaN"));
            assertEquals(Double.isNaN(v), Double.isNaN(java[i]), "defined at " + i);
            if (!Double.isNaN(v)) {
                assertEquals(v, java[i], 1e-9 * (1 + Math.abs(v)), "element " + i);
            }
        }
    }

    /** Mean and all-ring-pair correlations of one run, side by side. */
    private static double[] result(CorrelationSums s) {
        double[] m = s.mean();
        double[] all = s.allCrossMean();
        double[] both = Arrays.copyOf(m, m.length + all.length);
        System.arraycopy(all, 0, both, m.length, all.length);
        return both;
    }

    private static double[] runOn(CorrelateSettings s, Communicator comm, int threads, boolean stream) {
        try (CorrelateRun run = new CorrelateRun(s, comm, threads)) {
            if (stream) {
                return result(run.run());
            }
            run.polar(new double[] {35.3, 30.6});
            return result(run.diffcorr());
        }
    }

    @Test
    void ranksThreadsAndStreamingGiveTheSameCorrelations() throws Exception {
        // 11 shots, 2 dark: pairs (2,3) (4,5) (6,7) (8,9); 2 ranks split the shots 0-4 | 5-10, so the pair (4,5)
        // crosses the rank boundary, and 3 threads split a rank's shots again
        SyntheticShots shots = SyntheticShots.small(11, 9);
        Path data = dir.resolve("stack.h5");
        shots.writeStack(data, "/data/shots");
        IniConfig c = config(data, "/data/shots", "one")
                .set("geometry", "x_center", "35.3")
                .set("geometry", "y_center", "30.6")
                .set("polar", "interpolation", "nearest");
        double[] reference = runOn(CorrelateSettings.from(c), new LocalCommunicator(), 1, false);
        assertArrayEquals(reference, runOn(CorrelateSettings.from(c), new LocalCommunicator(), 3, true), 1e-12);
        for (int ranks : new int[] {2, 3}) {
            for (boolean stream : new boolean[] {false, true}) {
                IniConfig cr = config(data, "/data/shots", "r" + ranks + stream)
                        .set("geometry", "x_center", "35.3")
                        .set("geometry", "y_center", "30.6")
                        .set("polar", "interpolation", "nearest");
                List<double[]> got =
                        ThreadCommunicator.run(ranks, comm -> runOn(CorrelateSettings.from(cr), comm, 2, stream));
                for (double[] m : got) {
                    assertArrayEquals(reference, m, 1e-12, ranks + " ranks, streaming " + stream);
                }
                try (PolarFile p = PolarFile.open(dir.resolve("r" + ranks + stream + "/polar.h5"))) {
                    assertEquals(11, p.meta().shots());
                }
            }
        }
    }

    /** --threads T: the polar step and the pair sums run on the pool's T workers: T = 1 never uses a second thread. */
    @Test
    void theThreadsAreThePoolsWorkers() throws Exception {
        SyntheticShots shots = SyntheticShots.small(12, 2);
        Path data = dir.resolve("t.h5");
        shots.writeStack(data, "/s");
        CorrelateSettings s = CorrelateSettings.from(
                config(data, "/s", "t").set("geometry", "x_center", "35.3").set("geometry", "y_center", "30.6"));
        for (int threads : new int[] {1, 3}) {
            Set<Thread> polar = ConcurrentHashMap.newKeySet();
            Set<Thread> pairs = ConcurrentHashMap.newKeySet();
            try (WorkerPool pool = new WorkerPool(threads, "t");
                    ShotFile f = s.openShots()) {
                PolarStep step = new PolarStep(s, new LocalCommunicator(), pool, f);
                step.run(
                        step.layout(new double[] {35.3, 30.6}),
                        (w, a, b) -> (i, norm) -> polar.add(Thread.currentThread()),
                        false);
                PolarData p = CorrelateBench.randomPolarData(4, 16, 12);
                DiffCorrStep.sumPairs(
                        p,
                        p.meta(),
                        TagPairs.consecutive(p.tags(), 0),
                        0,
                        6,
                        pool,
                        new CorrelateSettings.Correlation(-1, -1, false, 0, true),
                        (pair, c) -> pairs.add(Thread.currentThread()),
                        false);
            }
            // a fast worker may take another's share, so T workers show up as 1..T threads, all the pool's
            for (Set<Thread> seen : List.of(polar, pairs)) {
                assertTrue(seen.size() >= 1 && seen.size() <= threads, seen + " with " + threads + " threads");
                assertTrue(seen.stream().allMatch(t -> t.getName().startsWith("t-")), seen.toString());
            }
        }
    }

    @Test
    void badInputIsOneLineUserError() throws Exception {
        Path data = dir.resolve("run.h5");
        SyntheticShots.small(4, 1).writeSacla(data, 5);
        // missing file
        UserError e = assertThrows(UserError.class, () -> ShotFile.open(dir.resolve("nope.h5"), "auto", "auto"));
        assertTrue(e.getMessage().contains("nope.h5"), e.getMessage());
        // wrong run number
        e = assertThrows(UserError.class, () -> ShotFile.open(data, "auto", "6"));
        assertTrue(e.getMessage().contains("run_6") && e.getMessage().contains("[input] run"), e.getMessage());
        // not a SACLA file, and a dataset of the wrong shape
        Path flat = dir.resolve("flat.h5");
        new H5Writer().put("img", new double[12], 3, 4).write(flat);
        e = assertThrows(UserError.class, () -> ShotFile.open(flat, "auto", "auto"));
        assertTrue(e.getMessage().contains("run_N"), e.getMessage());
        e = assertThrows(UserError.class, () -> ShotFile.open(flat, "img", "auto"));
        assertTrue(e.getMessage().contains("(N, H, W)"), e.getMessage());
        // NaN in a shot
        Path nan = dir.resolve("nan.h5");
        double[] v = new double[2 * 3 * 4];
        v[5] = Double.NaN;
        new H5Writer().put("s", v, 2, 3, 4).write(nan);
        try (ShotFile f = ShotFile.open(nan, "s", "auto")) {
            e = assertThrows(UserError.class, () -> f.read(0, new double[12]));
            assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        }
        // unknown config key, and a mask with Dragonfly's value 2
        IniConfig c = config(data, "auto", "o").set("polar", "nphii", "3");
        e = assertThrows(UserError.class, () -> CorrelateSettings.from(c));
        assertTrue(e.getMessage().contains("nphi"), e.getMessage());
        Path mask = dir.resolve("mask.byt");
        byte[] m = new byte[72 * 64];
        m[0] = 2;
        Files.write(mask, m);
        e = assertThrows(UserError.class, () -> DetectorMask.read(mask, 64, 72));
        assertTrue(e.getMessage().contains("1 = good"), e.getMessage());
        // q range off the detector: nothing written
        IniConfig far =
                config(data, "auto", "far").set("geometry", "x_center", "500").set("geometry", "y_center", "500");
        CorrelateRun run = new CorrelateRun(CorrelateSettings.from(far), new LocalCommunicator(), 1);
        e = assertThrows(UserError.class, () -> run.step("polar"));
        assertTrue(e.getMessage().contains("qmin/qmax"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("far/polar.h5")));
    }
}
