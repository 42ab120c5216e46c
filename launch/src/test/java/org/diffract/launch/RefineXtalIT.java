package org.diffract.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.Python;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.refine.xtal.CrystfelHkl;
import org.diffract.refine.xtal.HklIndex;
import org.diffract.refine.xtal.IndexingAmbiguity;
import org.diffract.refine.xtal.MtzFile;
import org.diffract.refine.xtal.PdbModel;
import org.diffract.refine.xtal.Reflections;
import org.diffract.refine.xtal.SmallStructure;
import org.diffract.refine.xtal.SpaceGroups;
import org.diffract.refine.xtal.StreamSimulator;
import org.diffract.refine.xtal.StructureFactors;
import org.diffract.refine.xtal.UnitCell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code diffract refine merge / postrefine} commands with 2 MPJ ranks on simulated streams of
 * partial stills with a known intensity list: outputs exist and agree with each other and with gemmi,
 * the merge correlates with the truth, post-refinement correlates better, and bad input gives one line;
 * and the user-facing parts of issue 13: bounded B, a prime params.phil, a PDB model, anomalous columns,
 * indexing ambiguity, the metric check, the per-crystal table.
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
        return config(name, data, sg, "40 40 60 90 90 90", "None", "b_factor = True\n");
    }

    private static Path config(String name, String data, String sg, String cell, String model, String extra)
            throws IOException {
        String text = """
                [main]
                data = %s
                model = %s
                target_unit_cell = %s
                target_space_group = %s
                n_residues = 100
                n_postref_cycle = 2
                n_processors = 2
                output_prefix = %s/out
                [merge]
                d_min = 3.0
                d_max = 30
                n_bins = 4
                %s
                """.formatted(data, model, cell, sg, name, extra);
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
        DiffractProcess.Result m = DiffractProcess.run(
                dir,
                "refine",
                "merge",
                "--config",
                config("merge", "sim.stream", "P 43 21 2").toString(),
                "--ranks",
                "2",
                "--threads",
                "1");
        assertEquals(0, m.exitCode(), m.stderr());
        Path out = dir.resolve("merge");
        for (String f : new String[] {
            "out.mtz",
            "out.hkl",
            "out.hkl1",
            "out.hkl2",
            "out_stats.txt",
            "out_stats.png",
            "out_crystals.h5",
            "out_crystals.txt",
            "out.run.ini",
            "out.log"
        }) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String stats = Files.readString(out.resolve("out_stats.txt"));
        assertTrue(stats.contains("42 crystals, 40 merged, 2 rejected by unit cell"), stats);
        // the ranks read the options the launcher checked, with the command's mode
        assertTrue(Files.readString(out.resolve("out.run.ini")).contains("mode = merge\n"));
        assertTrue(
                Files.readString(out.resolve("out.log")).contains("crystals: 40 of 42 (40 merged; rejected: 2 cell)"));
        double ccMerge = ccWithTruth(out.resolve("out.mtz"));
        assertTrue(ccMerge > 0.85, "merge CC with truth " + ccMerge);
        // the .hkl and the MTZ hold the same reflections
        Reflections hkl = CrystfelHkl.read(out.resolve("out.hkl"));
        assertEquals(
                hkl.size(), MtzFile.read(out.resolve("out.mtz")).reflections().size());
        gemmiAgrees(out.resolve("out.mtz"), hkl);

        DiffractProcess.Result p = DiffractProcess.run(
                dir,
                "refine",
                "postrefine",
                "--config",
                config("post", "sim.stream", "P 43 21 2").toString(),
                "--ranks",
                "2",
                "--threads",
                "1");
        assertEquals(0, p.exitCode(), p.stderr());
        double ccPost = ccWithTruth(dir.resolve("post/out.mtz"));
        assertTrue(ccPost > ccMerge, "post-refined CC " + ccPost + " <= merged " + ccMerge);
        assertEquals(4, Files.readAllLines(dir.resolve("post/out_postref.txt")).size());
    }

    private static void gemmiAgrees(Path mtz, Reflections hkl) throws Exception {
        String out = Python.require("gemmi", "numpy").run("""
                import sys, gemmi, numpy
                m = gemmi.read_mtz_file(sys.argv[1])
                a = numpy.array(m, copy=False)
                print(m.spacegroup.hm, len(a))
                print(' '.join('%d %d %d %.2f' % (r[0], r[1], r[2], r[3]) for r in a[:5]))
                """, mtz.toString());
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
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "merge",
                "--config",
                config("cut", "cut.stream", "P 43 21 2").toString(),
                "--ranks",
                "2",
                "--threads",
                "1");
        assertOneLineError(r, dir.resolve("cut"), "cut.stream", "truncated");
    }

    @Test
    void unknownSpaceGroupIsOneLineError() throws Exception {
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "postrefine",
                "--config",
                config("badsg", "sim.stream", "P 43 21 3").toString(),
                "--ranks",
                "2");
        assertOneLineError(r, dir.resolve("badsg"), "badsg.ini", "target_space_group", "P 43 21 3");
    }

    /** CC1/2 of the overall row of a _stats.txt. */
    private static double ccHalf(Path stats) throws IOException {
        List<String> lines = Files.readAllLines(stats);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("----")) {
                return Double.parseDouble(lines.get(i + 1).trim().split("\\s+")[7]);
            }
        }
        throw new AssertionError("no overall row in " + stats);
    }

    /** Issue 13.1: with b_factor on, one crystal with a pathological falloff is left out and CC1/2 stays. */
    @Test
    void boundedBKeepsAPlantedCrystalOut() throws Exception {
        StreamSimulator s = new StreamSimulator();
        s.crystals = 20;
        s.seed = 21;
        s.orientationErrorDeg = 0.02;
        s.gaussianProfile = true;
        s.write(dir.resolve("clean.stream"));
        s.crystals = 21;
        s.plantedCrystal = 20;
        s.plantedB = 300;
        s.write(dir.resolve("planted.stream"));
        for (String run : new String[] {"clean", "planted"}) {
            DiffractProcess.Result r = DiffractProcess.run(
                    dir,
                    "refine",
                    "postrefine",
                    "--config",
                    config("b-" + run, run + ".stream", "P 43 21 2").toString(),
                    "--ranks",
                    "2",
                    "--threads",
                    "1");
            assertEquals(0, r.exitCode(), r.stderr());
        }
        double clean = ccHalf(dir.resolve("b-clean/out_stats.txt")),
                planted = ccHalf(dir.resolve("b-planted/out_stats.txt"));
        assertTrue(Math.abs(clean - planted) <= 0.01, "CC1/2 " + clean + " -> " + planted);
        assertTrue(Files.readString(dir.resolve("b-planted/out_stats.txt")).contains(", 1 by B (b_max 100)"));
        assertTrue(Files.readString(dir.resolve("b-planted/out.log")).contains("rejected: 1 b_bounds"));
        List<String> rows = Files.readAllLines(dir.resolve("b-planted/out_crystals.txt"));
        assertTrue(rows.get(rows.size() - 1).trim().startsWith("20 b_bounds"), rows.get(rows.size() - 1));
    }

    /** Issue 13.2: a prime user's params.phil runs unchanged and writes prime's files; unsupported keys: one line. */
    @Test
    void primeParamsPhilRunsAndRefusesWhatItCannot() throws Exception {
        String phil = """
                data = sim.stream
                run_no = prime_run
                target_unit_cell = 40,40,60,90,90,90
                target_space_group = P43212
                n_residues = 100
                pixel_size_mm = 0.079346
                n_postref_cycle = 2
                n_processors = 2
                merge {
                  d_min = 3.0
                  d_max = 30
                }
                postref {
                  scale.d_min = 3.0
                  allparams {
                    flag_on = True
                  }
                }
                """;
        Files.writeString(dir.resolve("params.phil"), phil);
        DiffractProcess.Result r = DiffractProcess.run(
                dir, "refine", "postrefine", "--config", "params.phil", "--ranks", "2", "--threads", "1");
        assertEquals(0, r.exitCode(), r.stderr());
        Path run = dir.resolve("prime_run");
        for (String f : new String[] {
            "merged.mtz",
            "mean_scaled_merge.mtz",
            "postref_cycle_1_merge.mtz",
            "postref_cycle_2_merge.mtz",
            "merged_crystals.h5"
        }) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String labels = Python.require("gemmi")
                .run("""
                import sys, gemmi
                print(' '.join(c.label for c in gemmi.read_mtz_file(sys.argv[1]).columns))
                """, run.resolve("postref_cycle_2_merge.mtz").toString());
        assertEquals("H K L IOBS SIGIOBS", labels);
        Files.writeString(dir.resolve("bad.phil"), phil + "partiality_model = Voigt\nflag_monte_carlo = True\n");
        DiffractProcess.Result bad = DiffractProcess.run(dir, "refine", "postrefine", "--config", "bad.phil");
        assertOneLineError(
                bad, dir.resolve("prime_run_bad"), "bad.phil", "partiality_model = Voigt", "flag_monte_carlo = True");
    }

    /** Issue 13.5 and 13.4: a PDB model as the reference (no more "not a CrystFEL reflection list"); Iobs(+/-). */
    @Test
    void pdbModelAndAnomalousColumns() throws Exception {
        StreamSimulator s = new StreamSimulator();
        s.spaceGroup = "P 21 21 21";
        s.cell = new UnitCell(21, 25, 29, 90, 90, 90);
        s.dMin = 2.5;
        s.full = true;
        s.crystals = 24;
        s.seed = 61;
        Files.writeString(dir.resolve("ref.pdb"), SmallStructure.pdb("P 21 21 21", 21, 25, 29, 90, 90, 90));
        HklIndex truthIndex = s.truthIndexFor();
        double[] f2 = StructureFactors.intensities(
                PdbModel.read(dir.resolve("ref.pdb")), truthIndex, new LocalCommunicator(), 1);
        s.presetTruth = new double[f2.length];
        for (int u = 0; u < f2.length; u++) {
            s.presetTruth[u] = 20 * f2[u] + 1;
        }
        s.write(dir.resolve("pdb.stream"));
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "merge",
                "--config",
                config(
                                "pdb",
                                "pdb.stream",
                                "P 21 21 21",
                                "21 25 29 90 90 90",
                                "ref.pdb",
                                "[main]\nanomalous = True\nmtz_labels = Iobs\n[merge]\nd_min = 2.5")
                        .toString(),
                "--ranks",
                "2",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        String stats = Files.readString(dir.resolve("pdb/out_stats.txt"));
        List<String> rows = Files.readAllLines(dir.resolve("pdb/out_stats.txt"));
        double ccIso = Double.parseDouble(rows.get(rows.size() - 1).trim().split("\\s+")[9]);
        assertTrue(ccIso > 0.99, "CCiso against the PDB model " + ccIso + "\n" + stats);
        String labels =
                Python.require("gemmi").run("""
                import sys, gemmi
                print(' '.join(c.label + ':' + c.type for c in gemmi.read_mtz_file(sys.argv[1]).columns))
                """, dir.resolve("pdb/out.mtz").toString());
        assertEquals("H:H K:H L:H Iobs(+):K SIGIobs(+):M Iobs(-):K SIGIobs(-):M IMEAN:J SIGIMEAN:Q", labels);
        assertTrue(Files.readString(dir.resolve("pdb/out.hkl")).contains("Symmetry: 222\n"));
    }

    /** Issue 13.3: crystals an indexer put in the other setting of P 43 are found and reindexed (Brehm-Diederichs). */
    @Test
    void indexingAmbiguityResolvedThroughTheCommand() throws Exception {
        StreamSimulator s = new StreamSimulator();
        s.spaceGroup = "P 43";
        s.full = true;
        s.crystals = 24;
        s.seed = 41;
        s.overallB = 15;
        IndexingAmbiguity amb = new IndexingAmbiguity(SpaceGroups.find("P 43"));
        s.reindexOps = new int[24][];
        for (int i = 1; i < 24; i += 3) {
            s.reindexOps[i] = amb.op(1);
        }
        s.write(dir.resolve("twin.stream"));
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "merge",
                "--config",
                config("twin", "twin.stream", "P 43").toString(),
                "--ranks",
                "2",
                "--threads",
                "1");
        assertEquals(0, r.exitCode(), r.stderr());
        int reindexed = 0;
        for (String line : Files.readAllLines(dir.resolve("twin/out_crystals.txt"))) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            int i = Integer.parseInt(f[0]);
            assertEquals(i % 3 == 1 ? amb.label(1) : "h,k,l", f[16], line);
            reindexed += i % 3 == 1 ? 1 : 0;
        }
        assertEquals(8, reindexed);
        assertTrue(Files.readString(dir.resolve("twin/out.log")).contains("16 as h,k,l, 8 as " + amb.label(1)));
    }

    /** Issue 13.6: a target cell that breaks the group's metric is refused before any rank starts. */
    @Test
    void cellBreakingTheMetricIsOneLineError() throws Exception {
        DiffractProcess.Result r = DiffractProcess.run(
                dir,
                "refine",
                "merge",
                "--config",
                config("metric", "sim.stream", "P 43 21 2", "40 41 60 90 90 90", "None", "")
                        .toString());
        assertOneLineError(r, dir.resolve("metric"), "metric.ini", "target_unit_cell", "does not fit", "a = b");
    }
}
