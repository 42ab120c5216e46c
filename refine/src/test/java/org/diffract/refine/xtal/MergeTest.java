package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergeTest {
    @TempDir
    static Path dir;

    static StreamSimulator sim;
    static Path stream;

    /** Full (non-partial) stills, 100 crystals (multiplicity about 40) plus 3 of a wrong cell. */
    @BeforeAll
    static void simulate() throws Exception {
        sim = new StreamSimulator();
        sim.full = true;
        sim.crystals = 100;
        sim.wrongCellCrystals = 3;
        stream = sim.write(dir.resolve("full.stream"));
    }

    @Test
    void meanScaledMergeCorrelatesWithTruthAndRejectsWrongCells() throws Exception {
        XtalSettings s = XtalSettings.read(XtalTestData.config(dir, "noref", sim, stream, "None", ""));
        XtalRun.Result r = new XtalRun(s, new LocalCommunicator(), 1).run();
        double cc = XtalTestData.ccWithTruth(r, sim);
        assertTrue(cc >= 0.99, "CC with truth " + cc);
        assertEquals(103, r.tally().crystals());
        assertEquals(3, r.tally().count(Verdict.CELL));
        assertEquals(100, r.tally().merged());
        MergeStatistics.Shell all = r.overall();
        assertTrue(all.multiplicity() > 30, "multiplicity " + all.multiplicity());
        assertTrue(all.completeness() > 0.99, "completeness " + all.completeness());
        assertTrue(all.cc12() > 0.99, "CC1/2 " + all.cc12());
        assertTrue(Double.isNaN(all.ccIso()), "no reference, no CCiso");
        for (String suffix : new String[] {".mtz", ".hkl", ".hkl1", ".hkl2", "_stats.txt", "_stats.png"}) {
            assertTrue(Files.size(s.output(suffix)) > 0, suffix);
        }
        // the .hkl holds what was merged
        Reflections hkl = CrystfelHkl.read(s.output(".hkl"));
        assertEquals(all.observed(), hkl.size());
    }

    @Test
    void referenceScaledMergeWithBFactorGivesCcIso() throws Exception {
        Path ref = dir.resolve("truth.hkl");
        int n = sim.truth.length;
        int[] h = new int[n], k = new int[n], l = new int[n], nm = new int[n];
        double[] sig = new double[n];
        for (int u = 0; u < n; u++) {
            h[u] = sim.truthIndex.h(u);
            k[u] = sim.truthIndex.k(u);
            l[u] = sim.truthIndex.l(u);
            sig[u] = 1;
            nm[u] = 1;
        }
        CrystfelHkl.write(ref, "4/mmm", new Reflections(h, k, l, sim.truth, sig, nm));
        XtalSettings s =
                XtalSettings.read(XtalTestData.config(dir, "ref", sim, stream, ref.toString(), "b_factor = True"));
        XtalRun.Result r = new XtalRun(s, new LocalCommunicator(), 1).run();
        assertTrue(r.overall().ccIso() >= 0.99, "CCiso " + r.overall().ccIso());
        assertEquals(r.overall().ccIso(), XtalTestData.ccWithTruth(r, sim), 1e-9);
        String table = Files.readString(s.output("_stats.txt"));
        assertTrue(table.contains("CC1/2") && table.contains("CCiso"), table);
    }

    @Test
    void mtzReferenceWorksLikeTheHklOne() throws Exception {
        Path ref = dir.resolve("truth.mtz");
        int n = sim.truth.length;
        int[] h = new int[n], k = new int[n], l = new int[n], nm = new int[n];
        double[] sig = new double[n];
        for (int u = 0; u < n; u++) {
            h[u] = sim.truthIndex.h(u);
            k[u] = sim.truthIndex.k(u);
            l[u] = sim.truthIndex.l(u);
            sig[u] = 1;
        }
        MtzFile.write(
                ref, new Reflections(h, k, l, sim.truth, sig, nm), sim.cell, SpaceGroups.find(sim.spaceGroup), 1.3);
        XtalSettings s = XtalSettings.read(XtalTestData.config(dir, "mtzref", sim, stream, ref.toString(), ""));
        XtalRun.Result r = new XtalRun(s, new LocalCommunicator(), 1).run();
        assertTrue(r.overall().ccIso() >= 0.99, "CCiso " + r.overall().ccIso());
    }

    @Test
    void unknownConfigKeyIsRefusedWithASuggestion() throws Exception {
        Path cfg = XtalTestData.config(dir, "typo", sim, stream, "None", "uc_tolerence = 3");
        UserError e = assertThrows(UserError.class, () -> XtalSettings.read(cfg));
        assertTrue(
                e.getMessage().contains("uc_tolerence") && e.getMessage().contains("did you mean 'uc_tolerance'"),
                e.getMessage());
    }

    @Test
    void twoRanksGiveTheSameMergeAsOne() throws Exception {
        XtalSettings s = XtalSettings.read(XtalTestData.config(dir, "ranks", sim, stream, "None", ""));
        XtalRun.Result one = new XtalRun(s, new LocalCommunicator(), 1).run();
        List<double[]> two = ThreadCommunicator.run(
                2, comm -> new XtalRun(s, comm, 1).run().sums().intensities());
        assertArrayEquals(one.sums().intensities(), two.get(0), 1e-6 * 2000);
        assertArrayEquals(two.get(0), two.get(1), 0);
    }

    @Test
    void unknownSpaceGroupIsOneLineConfigError() throws Exception {
        Path cfg = XtalTestData.config(dir, "badsg", sim, stream, "None", "");
        Files.writeString(
                cfg, Files.readString(cfg).replace("target_space_group = P 43 21 2", "target_space_group = P 43 21 3"));
        UserError e = assertThrows(UserError.class, () -> XtalSettings.read(cfg));
        assertTrue(
                e.getMessage().startsWith("badsg.ini: [main] target_space_group: unknown space group 'P 43 21 3'"),
                e.getMessage());
    }
}
