package org.diffract.launch;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import org.diffract.core.Python;
import org.diffract.correlate.QMapping;
import org.diffract.correlate.SyntheticShots;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code diffract correlate} command on a small SACLA run with known centre, ring radius and
 * 6-fold angular symmetry: all steps on 2 MPJ ranks, the steps one by one with command-line overrides,
 * and one-line errors for bad input.
 */
class CorrelateIT {
    @TempDir
    static Path dir;

    static SyntheticShots shots;

    @BeforeAll
    static void data() throws Exception {
        shots = SyntheticShots.small(16, 21);
        shots.writeSacla(dir.resolve("run.h5"), 4242);
        QMapping qm = new QMapping(0.0001, 0.05, 1.0);
        Files.writeString(
                dir.resolve("correlate.ini"),
                String.join(
                        "\n",
                        "[input]",
                        "data_file = run.h5",
                        "[geometry]",
                        "wavelen = 1.0",
                        "pixsize = 0.0001",
                        "detdist = 0.05",
                        "[center]",
                        "guess_x = 37",
                        "guess_y = 29",
                        "guess_r = 21.5",
                        "ring_width = 8",
                        "drop_brightest = 3",
                        "[polar]",
                        "qmin = " + qm.pix2invang(14),
                        "qmax = " + qm.pix2invang(26),
                        "nphi = 120",
                        "[pairs]",
                        "skip_dark = 2",
                        "[correlate]",
                        "legendre_lmax = 4",
                        "[output]",
                        "output_folder = out",
                        ""));
    }

    private static String resource(String name) throws Exception {
        try (var in = CorrelateIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** correlations/mean of a file, flat, read by h5py. */
    private static double[] mean(Path correlations) throws Exception {
        String out = Python.require("h5py", "numpy")
                .run(
                        "import h5py, sys\n"
                                + "for v in h5py.File(sys.argv[1], 'r')['correlations/mean'][()].ravel(): print(repr(float(v)))\n",
                        correlations.toString());
        return Arrays.stream(out.split("\n"))
                .mapToDouble(v -> Double.parseDouble(v.replace("nan", "NaN")))
                .toArray();
    }

    /** numpy's FFT estimator on polar.h5's images for correlations.h5's tag_pairs agrees with ours. */
    private static void assertNumpyAgrees(Path out) throws Exception {
        String script;
        try (var in = org.diffract.correlate.CorrelateRun.class.getResourceAsStream("diffcorr_numpy.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] numpy = Python.require("h5py", "numpy")
                .run(
                        script,
                        "check",
                        out.resolve("correlations.h5").toString(),
                        out.resolve("polar.h5").toString())
                .split("\n");
        double[] ours = mean(out.resolve("correlations.h5"));
        assertEquals(ours.length, numpy.length);
        for (int i = 0; i < ours.length; i++) {
            double v = Double.parseDouble(numpy[i].replace("nan", "NaN"));
            assertEquals(Double.isNaN(v), Double.isNaN(ours[i]), "defined at " + i);
            if (!Double.isNaN(v)) {
                assertEquals(v, ours[i], 1e-9 * (1 + Math.abs(v)), "element " + i);
            }
        }
    }

    /** A config for the ring of ringdata.py (and SyntheticShots.small): centre (35.3, 30.6), r = 20 px. */
    private static void writeConfig(Path file, String data, String out, String... extra) throws Exception {
        QMapping qm = new QMapping(0.0001, 0.05, 1.0);
        List<String> lines = new ArrayList<>(List.of(
                "[input]",
                "data_file = " + data,
                "[geometry]",
                "wavelen = 1.0",
                "pixsize = 0.0001",
                "detdist = 0.05",
                "[center]",
                "guess_x = 37",
                "guess_y = 29",
                "guess_r = 21.5",
                "ring_width = 8",
                "drop_brightest = 3",
                "[polar]",
                "qmin = " + qm.pix2invang(14),
                "qmax = " + qm.pix2invang(26),
                "nphi = 120",
                "[output]",
                "output_folder = " + out));
        lines.addAll(List.of(extra));
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    /** rd.h5 (13 shots, the first 3 dark, a masked hot pixel; rd_mask.npy) and rd_pairs.json, made once by h5py. */
    private static synchronized String ringData() throws Exception {
        String rd = resource("/correlate/ringdata.py");
        if (!Files.exists(dir.resolve("rd_pairs.json"))) {
            Python.require("h5py", "numpy")
                    .run(
                            rd,
                            "make",
                            dir.resolve("rd.h5").toString(),
                            dir.resolve("rd_pairs.json").toString(),
                            "13",
                            "3");
        }
        return rd;
    }

    /**
     * Issue 11.6: the ring is fitted after the dark shots by default ([pairs] skip_dark), or on listed tags;
     * center_fit.png keeps the ring visible although a masked hot pixel is 1e5 times brighter.
     */
    @Test
    void centerFitSkipsDarkShotsOrUsesListedTags() throws Exception {
        ringData();
        writeConfig(dir.resolve("rdc.ini"), "rd.h5", "rd_center", "[pairs]", "skip_dark = 3");
        String[] common = {
            "correlate",
            "center",
            "--config",
            "rdc.ini",
            "--set",
            "input.mask_file=rd_mask.npy",
            "--set",
            "center.num_shots=3"
        };
        DiffractProcess.Result r = DiffractProcess.run(dir, common);
        assertEquals(0, r.exitCode(), r.stderr());
        String fit = "import h5py, sys\n"
                + "f = h5py.File(sys.argv[1], 'r')\n"
                + "print('%.2f %.2f' % (f['x_center'][()], f['y_center'][()]), list(f['shot_tags'][()]))\n";
        String[] v = Python.require("h5py", "numpy")
                .run(fit, dir.resolve("rd_center/center.h5").toString())
                .split(" ", 3);
        assertEquals(35.3, Double.parseDouble(v[0]), 0.1);
        assertEquals(30.6, Double.parseDouble(v[1]), 0.1);
        assertEquals("[166762146, 166762148, 166762150]", v[2]);
        // center_fit.png: the 72 x 64 image is drawn 4x at (12, 48) (SlicePlot's layout); count its colours
        BufferedImage png = ImageIO.read(dir.resolve("rd_center/center_fit.png").toFile());
        Set<Integer> colours = new HashSet<>();
        for (int y = 48; y < 48 + 256; y++) {
            for (int x = 12; x < 12 + 288; x++) {
                colours.add(png.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, colours.size() + " colours: the ring is squashed into the bottom colour");
        // listed tags instead
        DiffractProcess.Result t = DiffractProcess.run(
                dir, concat(common, new String[] {"--set", "center.tags=tag_166762160, 166762162"}));
        assertEquals(0, t.exitCode(), t.stderr());
        v = Python.require("h5py", "numpy")
                .run(fit, dir.resolve("rd_center/center.h5").toString())
                .split(" ", 3);
        assertEquals(35.3, Double.parseDouble(v[0]), 0.1);
        assertEquals("[166762160, 166762162]", v[2]);
        assertOneLineError(
                DiffractProcess.run(dir, concat(common, new String[] {"--set", "center.tags=tag_5"})),
                "tag_5",
                "[center] tags");
    }

    /**
     * Issue 11.8: per_pair = yes writes every pair's correlation (RingData's dif_cors), both when run
     * correlates pairs as the shots stream past (2 ranks x 2 threads, pairs across both boundaries) and when
     * diffcorr reads a pairs file's shots back from polar.h5; checked row by row against RingData's
     * DiffCorr.autocorr in numpy, and their mean against correlations/mean.
     */
    @Test
    void perPairCorrelations() throws Exception {
        String rd = ringData();
        writeConfig(
                dir.resolve("rdp.ini"),
                "rd.h5",
                "rd_pairs_out",
                "[pairs]",
                "mode = overlapping",
                "skip_dark = 3",
                "[correlate]",
                "per_pair = yes");
        DiffractProcess.Result r =
                DiffractProcess.run(dir, "correlate", "run", "--config", "rdp.ini", "--ranks", "2", "--threads", "2");
        assertEquals(0, r.exitCode(), r.stderr());
        Path out = dir.resolve("rd_pairs_out");
        assertEquals(
                "rows 9 pairs same values ok mean ok",
                Python.require("h5py", "numpy").run(rd, "check-perpair", out.toString()));
        Files.writeString(
                dir.resolve("few_pairs.json"),
                "[[\"tag_166762164\", \"tag_166762146\"], "
                        + "[\"tag_166762150\", \"tag_166762152\"], [\"tag_166762148\", \"tag_9\"]]");
        DiffractProcess.Result d = DiffractProcess.run(
                dir,
                "correlate",
                "diffcorr",
                "--config",
                "rdp.ini",
                "--set",
                "pairs.mode=non_overlapping",
                "--set",
                "pairs.pairs_file=few_pairs.json",
                "--ranks",
                "2");
        assertEquals(0, d.exitCode(), d.stderr());
        assertEquals(
                "rows 2 pairs same values ok mean ok",
                Python.require("h5py", "numpy").run(rd, "check-perpair", out.toString()));
    }

    /** What the command told the user: its output and the run's log. */
    private static String told(DiffractProcess.Result r, Path out) throws Exception {
        Path log = out.resolve("diffract.log");
        return r.stdout() + r.stderr() + (Files.exists(log) ? Files.readString(log) : "");
    }

    /**
     * Issue 11.9: diffcorr alone uses the pairs.json the pairs step wrote (even edited by hand) while the
     * [input]/[pairs] settings are those it was made from; when they changed, it makes the pairs again from
     * the config and the log says which setting changed.
     */
    @Test
    void diffcorrUsesThePairsStepsFileUnlessTheConfigChanged() throws Exception {
        ringData();
        writeConfig(
                dir.resolve("rdn.ini"),
                "rd.h5",
                "rd_nine",
                "[pairs]",
                "skip_dark = 3",
                "[geometry]",
                "x_center = 35.3",
                "y_center = 30.6");
        String[] base = {"--config", "rdn.ini", "--ranks", "2"};
        assertEquals(
                0,
                DiffractProcess.run(dir, concat(new String[] {"correlate", "polar"}, base))
                        .exitCode());
        DiffractProcess.Result p = DiffractProcess.run(
                dir, concat(new String[] {"correlate", "pairs"}, base, "--set", "pairs.mode=overlapping"));
        assertEquals(0, p.exitCode(), p.stderr());
        Path out = dir.resolve("rd_nine");
        Path json = out.resolve("pairs.json");
        String pairs = Files.readString(json);
        assertTrue(pairs.startsWith("[[\"tag_166762146\", \"tag_166762148\"], [\"tag_166762148\", "), pairs);
        // same settings: the file is used as the pairs step left it, here trimmed by hand to 3 pairs
        String trimmed = "[[\"tag_166762146\", \"tag_166762148\"], [\"tag_166762148\", \"tag_166762150\"], "
                + "[\"tag_166762160\", \"tag_166762162\"]]";
        Files.writeString(json, trimmed);
        Files.deleteIfExists(out.resolve("diffract.log"));
        DiffractProcess.Result same = DiffractProcess.run(
                dir, concat(new String[] {"correlate", "diffcorr"}, base, "--set", "pairs.mode=overlapping"));
        assertEquals(0, same.exitCode(), same.stderr());
        assertEquals(trimmed, Files.readString(json));
        assertTrue(
                told(same, out).contains("3 pairs from " + json.toAbsolutePath() + " as the pairs step wrote it"),
                told(same, out));
        String count = "import h5py, sys\nprint(int(h5py.File(sys.argv[1], 'r')['correlations/num_pairs'][()]))\n";
        assertEquals(
                "3",
                Python.require("h5py", "numpy")
                        .run(count, out.resolve("correlations.h5").toString()));
        // the config no longer asks for overlapping pairs: made again, and said so
        Files.deleteIfExists(out.resolve("diffract.log"));
        DiffractProcess.Result changed = DiffractProcess.run(dir, concat(new String[] {"correlate", "diffcorr"}, base));
        assertEquals(0, changed.exitCode(), changed.stderr());
        assertTrue(
                told(changed, out)
                        .contains("the settings changed since the pairs step wrote " + json.toAbsolutePath()
                                + " ([pairs] mode overlapping -> non_overlapping): making the pairs again"),
                told(changed, out));
        assertEquals(
                "5",
                Python.require("h5py", "numpy")
                        .run(count, out.resolve("correlations.h5").toString()));
        assertTrue(Files.readString(json).startsWith("[[\"tag_166762146\", \"tag_166762148\"], [\"tag_166762150\", "));
    }

    /**
     * Issue 11.5: a SACLA run written by h5py; overlapping pairs as RingData's example makes them, on 2 ranks
     * of 2 threads (so pairs cross a rank and a thread boundary); pairs.json and the tag map beside polar.h5
     * exactly as RingData's json.dump writes them; and RingData's own pairs file read back.
     */
    @Test
    void ringDataPairsAndTagMap() throws Exception {
        String rd = ringData();
        writeConfig(dir.resolve("rd.ini"), "rd.h5", "rd_out", "[pairs]", "mode = overlapping", "skip_dark = 3");
        DiffractProcess.Result r =
                DiffractProcess.run(dir, "correlate", "run", "--config", "rd.ini", "--ranks", "2", "--threads", "2");
        assertEquals(0, r.exitCode(), r.stderr());
        Path out = dir.resolve("rd_out");
        assertEquals(
                "pairs same tagmap same tag_pairs same 9",
                Python.require("h5py", "numpy")
                        .run(
                                rd,
                                "check-ringdata",
                                dir.resolve("rd.h5").toString(),
                                dir.resolve("rd_pairs.json").toString(),
                                out.toString()));
        assertNumpyAgrees(out);
        double[] streamed = mean(out.resolve("correlations.h5"));
        // RingData's own pairs file, read back from polar.h5 by the diffcorr step, gives the same correlations
        DiffractProcess.Result d = DiffractProcess.run(
                dir,
                "correlate",
                "diffcorr",
                "--config",
                "rd.ini",
                "--set",
                "pairs.mode=non_overlapping",
                "--set",
                "pairs.pairs_file=rd_pairs.json",
                "--ranks",
                "2");
        assertEquals(0, d.exitCode(), d.stderr());
        double[] fromFile = mean(out.resolve("correlations.h5"));
        assertEquals(streamed.length, fromFile.length);
        for (int i = 0; i < streamed.length; i++) {
            assertEquals(streamed[i], fromFile[i], 1e-12 * (1 + Math.abs(streamed[i])), "element " + i);
        }
        // issue 11.7: each rank and thread wrote its own shots' rows of polar.h5 in place; scipy agrees on all
        Assumptions.assumeTrue(
                Python.has("h5py", "numpy", "scipy"),
                () -> Python.missing("h5py", "numpy", "scipy") + ": polar.h5 not checked");
        assertEquals(
                "shots 13 tags same values ok",
                Python.require("h5py", "numpy", "scipy")
                        .run(rd, "check-polar", dir.resolve("rd.h5").toString(), out.toString()));
    }

    @Test
    void runOnTwoRanksFindsCentreAndSymmetry() throws Exception {
        DiffractProcess.Result r = DiffractProcess.run(
                dir, "correlate", "run", "--config", "correlate.ini", "--ranks", "2", "--threads", "1");
        assertEquals(0, r.exitCode(), r.stderr());
        Path out = dir.resolve("out");
        for (String f : List.of("center_fit.png", "polar.png", "correlation.png", "pairs.json")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        // h5py: centre within 0.1 px, 7 pairs after 2 dark shots, and the 6-fold peaks of ring r = 20 px (k = 6)
        String res = Python.require("h5py", "numpy")
                .run(
                        "import h5py, numpy as np, sys\n"
                                + "f = h5py.File(sys.argv[1], 'r')\n"
                                + "m = f['correlations/mean'][()]\n"
                                + "ring = m[6, 1:]\n"
                                + "peaks = [d + 1 for d in range(1, len(ring) - 1) if ring[d] > ring[d - 1] and ring[d] > ring[d + 1]]\n"
                                + "p = h5py.File(sys.argv[2], 'r')\n"
                                + "print('%.2f %.2f %d %d %s %s' % (f['x_center'][()], f['y_center'][()], len(f['tag_pairs']),\n"
                                + "      int(f['correlations/num_pairs'][()]), peaks, p['polar_data'].shape))\n",
                        out.resolve("correlations.h5").toString(),
                        out.resolve("polar.h5").toString());
        String[] v = res.split(" ", 5);
        assertEquals(shots.xCenter, Double.parseDouble(v[0]), 0.1, res);
        assertEquals(shots.yCenter, Double.parseDouble(v[1]), 0.1, res);
        assertEquals("7", v[2]);
        assertEquals("7", v[3]);
        assertTrue(v[4].startsWith("[20, 40, 60, 80, 100] (16, 13, 120)"), res);
    }

    @Test
    void stepsOneByOneWithOverridesAndAPairsFile() throws Exception {
        String[] common = {"--config", "correlate.ini", "--set", "output.output_folder=steps", "--threads", "1"};
        DiffractProcess.Result c = DiffractProcess.run(dir, concat(new String[] {"correlate", "center"}, common));
        assertEquals(0, c.exitCode(), c.stderr());
        DiffractProcess.Result p = DiffractProcess.run(
                dir,
                concat(
                        new String[] {"correlate", "polar"},
                        common,
                        "--set",
                        "polar.interpolation=nearest",
                        "--ranks",
                        "2"));
        assertEquals(0, p.exitCode(), p.stderr());
        long t = shots.tags[0];
        Files.writeString(
                dir.resolve("pairs.json"),
                "[[" + t + ", " + (t + 2) + "], [" + (t + 4) + ", 999999], [" + (t + 6) + ", " + (t + 8) + "]]");
        DiffractProcess.Result d = DiffractProcess.run(
                dir,
                concat(
                        new String[] {"correlate", "diffcorr"},
                        common,
                        "--set",
                        "pairs.pairs_file=pairs.json",
                        "--set",
                        "correlate.cross_q1=2",
                        "--set",
                        "correlate.cross_q2=6"));
        assertEquals(0, d.exitCode(), d.stderr());
        String res = Python.require("h5py", "numpy")
                .run(
                        "import h5py, sys\n"
                                + "f = h5py.File(sys.argv[1], 'r')\n"
                                + "print(len(f['tag_pairs']), int(f['correlations/skipped_pairs'][()]), f['correlations/cross_mean'].shape)\n",
                        dir.resolve("steps/correlations.h5").toString());
        assertEquals("2 1 (120,)", res);
    }

    @Test
    void badInputIsOneLine() throws Exception {
        assertOneLineError(
                DiffractProcess.run(
                        dir,
                        "correlate",
                        "run",
                        "--config",
                        "correlate.ini",
                        "--set",
                        "input.data_file=gone.h5",
                        "--set",
                        "output.output_folder=bad1"),
                "gone.h5");
        assertFalse(Files.exists(dir.resolve("bad1/correlations.h5")));
        assertOneLineError(
                DiffractProcess.run(dir, "correlate", "polar", "--config", "correlate.ini", "--set", "polar.nphii=3"),
                "nphii",
                "nphi");
        assertOneLineError(
                DiffractProcess.run(
                        dir,
                        "correlate",
                        "polar",
                        "--config",
                        "correlate.ini",
                        "--set",
                        "input.run=7",
                        "--set",
                        "output.output_folder=bad2",
                        "--set",
                        "geometry.x_center=35",
                        "--set",
                        "geometry.y_center=30",
                        "--ranks",
                        "2"),
                "run_7",
                "[input] run");
        assertFalse(Files.exists(dir.resolve("bad2/polar.h5")));
        // a NaN in a shot that the second rank streams: one line naming it, and no polar.h5 or correlations.h5
        Python.require("h5py", "numpy")
                .run(
                        resource("/correlate/ringdata.py"),
                        "make",
                        dir.resolve("rd_nan.h5").toString(),
                        dir.resolve("rd_nan_pairs.json").toString(),
                        "13",
                        "3",
                        "9");
        assertOneLineError(
                DiffractProcess.run(
                        dir,
                        "correlate",
                        "run",
                        "--config",
                        "correlate.ini",
                        "--set",
                        "input.data_file=rd_nan.h5",
                        "--set",
                        "geometry.x_center=35.3",
                        "--set",
                        "geometry.y_center=30.6",
                        "--set",
                        "output.output_folder=bad3",
                        "--ranks",
                        "2"),
                "tag_166762158",
                "non-finite");
        assertFalse(Files.exists(dir.resolve("bad3/polar.h5")));
        assertFalse(Files.exists(dir.resolve("bad3/correlations.h5")));
    }

    /**
     * Issue 11.7 through the real command: one rank's live heap while streaming 200 and 4000 shots (20 times
     * the polar stacks the run used to hold in memory, 240 MiB more here) stays the same.
     */
    @Test
    void benchShowsMemoryFlatInTheNumberOfShots() throws Exception {
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "correlate",
                "bench",
                "--pairs",
                "50",
                "--nq",
                "32",
                "--nphi",
                "128",
                "--detector",
                "96",
                "--shots",
                "200,4000");
        assertEquals(0, r.exitCode(), r.stderr());
        Matcher m =
                Pattern.compile("(\\d+) shots: live heap max +([0-9.]+) MiB").matcher(r.stdout());
        List<Double> heap = new ArrayList<>();
        while (m.find()) {
            heap.add(Double.parseDouble(m.group(2)));
        }
        assertEquals(2, heap.size(), r.stdout());
        assertTrue(Math.abs(heap.get(1) - heap.get(0)) < 8, r.stdout());
        assertTrue(r.stdout().contains("in-memory polar stacks this replaced:    250.0 MiB"), r.stdout());
    }

    private static void assertOneLineError(DiffractProcess.Result r, String... mustContain) {
        assertNotEquals(0, r.exitCode(), "exit code; stderr: " + r.stderr());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), "exactly one error line, got:\n" + r.stderr());
        String line = lines.get(0);
        assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace: " + line);
        for (String s : mustContain) {
            assertTrue(line.contains(s), "'" + s + "' missing from: " + line);
        }
    }

    private static String[] concat(String[] a, String[] b, String... c) {
        String[] out = new String[a.length + b.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
