package org.diffract.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.diffract.refine.xtal.CrystfelHkl;
import org.diffract.refine.xtal.MtzFile;
import org.diffract.refine.xtal.Reflections;
import org.diffract.refine.xtal.StreamSimulator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code diffract refine merge / postrefine} commands with 2 MPJ ranks on a simulated stream of
 * partial stills with a known intensity list: outputs exist and agree with each other and with gemmi,
 * the merge correlates with the truth, post-refinement correlates better, and bad input gives one line.
 */
class RefineXtalIT {
    @TempDir
    static Path dir;
    static StreamSimulator sim;

    @BeforeAll
    static void simulate() throws Exception {
        sim = new StreamSimulator();
        sim.crystals = 40;
        sim.wrongCellCrystals = 2;
        sim.seed = 5;
        sim.orientationErrorDeg = 0.03;
        sim.rsReported = 0.004;
        sim.write(dir.resolve("sim.stream"));
    }

    private static Path config(String name, String data, String sg) throws IOException {
        String text = """
                [main]
                data = %s
                model = None
                target_unit_cell = 40 40 60 90 90 90
                target_space_group = %s
                n_residues = 100
                n_postref_cycle = 2
                n_processors = 2
                output_prefix = %s/out
                [merge]
                d_min = 3.0
                d_max = 30
                n_bins = 4
                b_factor = True
                """.formatted(data, sg, name);
        Path f = dir.resolve(name + ".ini");
        Files.writeString(f, text);
        return f;
    }

    private static double ccWithTruth(Path mtz) {
        Reflections r = MtzFile.read(mtz).reflections();
        int n = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < r.size(); i++) {
            int t = sim.truthIndex.find(r.h()[i], r.k()[i], r.l()[i]);
            if (t < 0) {
                continue;
            }
            double x = r.intensity()[i], y = sim.truth[t];
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        return (sxy - sx * sy / n) / Math.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
    }

    @Test
    void mergeThenPostrefineWithTwoRanks() throws Exception {
        DiffractProcess.Result m = DiffractProcess.run(dir, "refine", "merge", "--config",
                config("merge", "sim.stream", "P 43 21 2").toString(), "--ranks", "2", "--threads", "1");
        assertEquals(0, m.exitCode(), m.stderr());
        Path out = dir.resolve("merge");
        for (String f : new String[] {"out.mtz", "out.hkl", "out.hkl1", "out.hkl2", "out_stats.txt", "out_stats.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String stats = Files.readString(out.resolve("out_stats.txt"));
        assertTrue(stats.contains("42 crystals, 40 merged, 2 rejected by unit cell"), stats);
        double ccMerge = ccWithTruth(out.resolve("out.mtz"));
        assertTrue(ccMerge > 0.85, "merge CC with truth " + ccMerge);
        // the .hkl and the MTZ hold the same reflections
        Reflections hkl = CrystfelHkl.read(out.resolve("out.hkl"));
        assertEquals(hkl.size(), MtzFile.read(out.resolve("out.mtz")).reflections().size());
        gemmiAgrees(out.resolve("out.mtz"), hkl);

        DiffractProcess.Result p = DiffractProcess.run(dir, "refine", "postrefine", "--config",
                config("post", "sim.stream", "P 43 21 2").toString(), "--ranks", "2", "--threads", "1");
        assertEquals(0, p.exitCode(), p.stderr());
        double ccPost = ccWithTruth(dir.resolve("post/out.mtz"));
        assertTrue(ccPost > ccMerge, "post-refined CC " + ccPost + " <= merged " + ccMerge);
        assertEquals(4, Files.readAllLines(dir.resolve("post/out_postref.txt")).size());
    }

    private static void gemmiAgrees(Path mtz, Reflections hkl) throws Exception {
        String py = null;
        for (String c : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process t = new ProcessBuilder(c, "-c", "import gemmi").redirectErrorStream(true).start();
                t.getInputStream().readAllBytes();
                if (t.waitFor(60, TimeUnit.SECONDS) && t.exitValue() == 0) {
                    py = c;
                    break;
                }
            } catch (IOException e) {
                // next
            }
        }
        Assumptions.assumeTrue(py != null, "python3-gemmi not installed");
        Process g = new ProcessBuilder(py, "-c", """
                import sys, gemmi, numpy
                m = gemmi.read_mtz_file(sys.argv[1])
                a = numpy.array(m, copy=False)
                print(m.spacegroup.hm, len(a))
                print(' '.join('%d %d %d %.2f' % (r[0], r[1], r[2], r[3]) for r in a[:5]))
                """, mtz.toString()).redirectErrorStream(true).start();
        String out = new String(g.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(g.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, g.exitValue(), out);
        String[] lines = out.split("\n");
        assertEquals("P 43 21 2 " + hkl.size(), lines[0]);
        String[] v = lines[1].split(" ");
        for (int i = 0; i < 5; i++) {
            assertEquals(hkl.h()[i], Integer.parseInt(v[4 * i]));
            assertEquals(hkl.k()[i], Integer.parseInt(v[4 * i + 1]));
            assertEquals(hkl.l()[i], Integer.parseInt(v[4 * i + 2]));
            assertEquals(hkl.intensity()[i], Double.parseDouble(v[4 * i + 3]), 0.011);
        }
    }

    private static void assertOneLineError(DiffractProcess.Result r, Path outFolder, String... mustContain) {
        assertNotEquals(0, r.exitCode(), "exit code; stderr: " + r.stderr());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), "exactly one error line, got:\n" + r.stderr());
        String line = lines.get(0);
        assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace: " + line);
        for (String s : mustContain) {
            assertTrue(line.contains(s), "'" + s + "' missing from: " + line);
        }
        assertFalse(Files.exists(outFolder.resolve("out.mtz")), "output written despite bad input");
    }

    @Test
    void truncatedStreamIsOneLineError() throws Exception {
        String all = Files.readString(dir.resolve("sim.stream"));
        Files.writeString(dir.resolve("cut.stream"), all.substring(0, all.length() * 2 / 3));
        DiffractProcess.Result r = DiffractProcess.run(dir, "refine", "merge", "--config",
                config("cut", "cut.stream", "P 43 21 2").toString(), "--ranks", "2", "--threads", "1");
        assertOneLineError(r, dir.resolve("cut"), "cut.stream", "truncated");
    }

    @Test
    void unknownSpaceGroupIsOneLineError() throws Exception {
        DiffractProcess.Result r = DiffractProcess.run(dir, "refine", "postrefine", "--config",
                config("badsg", "sim.stream", "P 43 21 3").toString(), "--ranks", "2");
        assertOneLineError(r, dir.resolve("badsg"), "badsg.ini", "target_space_group", "P 43 21 3");
    }
}
