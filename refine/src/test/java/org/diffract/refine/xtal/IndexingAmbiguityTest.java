package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Merohedral indexing ambiguities: the settings each group has, and crystals planted in an alternative
 * setting recovered against a reference and, without one, by Brehm-Diederichs.
 */
class IndexingAmbiguityTest {
    @TempDir
    Path dir;

    @Test
    void settingsPerGroupAreTheTextbookTwinLaws() {
        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("P 43", 2),
                Map.entry("I 4", 2),
                Map.entry("P 4 2 2", 1),
                Map.entry("P 43 21 2", 1),
                Map.entry("P 31", 4),
                Map.entry("P -3", 4),
                Map.entry("P 31 2 1", 2),
                Map.entry("P 31 1 2", 2),
                Map.entry("P 3 m 1", 2),
                Map.entry("R 3", 2),
                Map.entry("R 3 2", 1),
                Map.entry("P 61", 2),
                Map.entry("P 61 2 2", 1),
                Map.entry("P 2 3", 2),
                Map.entry("I 21 3", 2),
                Map.entry("P 43 3 2", 1),
                Map.entry("P 21 21 21", 1),
                Map.entry("C 1 2 1", 1),
                Map.entry("P 1", 1));
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            assertEquals(e.getValue(), new IndexingAmbiguity(SpaceGroups.find(e.getKey())).size(), e.getKey());
        }
        IndexingAmbiguity p4 = new IndexingAmbiguity(SpaceGroups.find("P 43"));
        assertEquals("h,k,l", p4.label(0));
        // the alternative of P4: (h,k,l) -> (k,h,-l), up to the Laue group 4/m
        int[] rep = new int[3], alt = new int[3];
        Asu asu = new Asu(SpaceGroups.find("P 43"));
        int[] m = p4.op(1);
        asu.map(1 * m[0] + 2 * m[3] + 3 * m[6], 1 * m[1] + 2 * m[4] + 3 * m[7], 1 * m[2] + 2 * m[5] + 3 * m[8], rep);
        asu.map(2, 1, -3, alt);
        assertEquals(Arrays.toString(alt), Arrays.toString(rep));
        IndexingAmbiguity p31 = new IndexingAmbiguity(SpaceGroups.find("P 31"));
        for (int a = 0; a < 4; a++) {
            assertEquals(0, p31.compose(a, p31.inverse(a)));
        }
    }

    /** Simulated stills of spaceGroup with every third crystal in an alternative setting (cycling). */
    private StreamSimulator simulate(String spaceGroup, UnitCell cell, IndexingAmbiguity amb, Path stream)
            throws Exception {
        StreamSimulator sim = new StreamSimulator();
        sim.spaceGroup = spaceGroup;
        sim.cell = cell;
        sim.crystals = 36;
        sim.seed = 41;
        // full reflections: the merge is clean enough that unresolved crystals show; partiality is not tested here
        sim.full = true;
        sim.overallB = 15;
        sim.reindexOps = new int[sim.crystals][];
        for (int i = 0; i < sim.crystals; i++) {
            if (i % 3 == 1) {
                sim.reindexOps[i] = amb.op(1 + (i / 3) % (amb.size() - 1));
            }
        }
        sim.write(stream);
        return sim;
    }

    /** The setting each crystal should get: the one undoing the planted operator. */
    private static String expectedLabel(StreamSimulator sim, IndexingAmbiguity amb, int i) {
        int[] op = sim.reindexOps[i];
        return op == null ? "h,k,l" : amb.label(amb.inverse(amb.cosetOf(op)));
    }

    private void checkRecovered(StreamSimulator sim, IndexingAmbiguity amb, XtalSettings s) throws Exception {
        List<String> lines = Files.readAllLines(s.output("_crystals.txt"));
        int planted = 0;
        for (String line : lines) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            int i = Integer.parseInt(f[0]);
            assertEquals(expectedLabel(sim, amb, i), f[16], "crystal " + i + ": " + line);
            planted += sim.reindexOps[i] != null ? 1 : 0;
        }
        assertEquals(12, planted);
    }

    private void resolves(String group, UnitCell cell) throws Exception {
        IndexingAmbiguity amb = new IndexingAmbiguity(SpaceGroups.find(group));
        Path stream = dir.resolve("twinned.stream");
        StreamSimulator sim = simulate(group, cell, amb, stream);
        Path truth = XtalTestData.truthHkl(dir.resolve("truth.hkl"), sim);
        // against the reference
        XtalSettings ref =
                XtalSettings.read(XtalTestData.config(dir, "ref", sim, stream, truth.toString(), ""), Mode.MERGE);
        double ccRef = XtalTestData.ccWithTruth(new XtalRun(ref, new LocalCommunicator(), 1).run(), sim);
        checkRecovered(sim, amb, ref);
        // without one: Brehm-Diederichs, on two ranks to show the selection and the result do not depend on them
        XtalSettings bd = XtalSettings.read(XtalTestData.config(dir, "bd", sim, stream, "None", ""), Mode.MERGE);
        List<Double> cc =
                ThreadCommunicator.run(2, comm -> XtalTestData.ccWithTruth(new XtalRun(bd, comm, 1).run(), sim));
        checkRecovered(sim, amb, bd);
        // and left alone, the planted crystals spoil the merge
        XtalSettings off = XtalSettings.read(
                XtalTestData.config(dir, "off", sim, stream, "None", "[indexing_ambiguity]\nmode = none"), Mode.MERGE);
        double ccOff = XtalTestData.ccWithTruth(new XtalRun(off, new LocalCommunicator(), 1).run(), sim);
        System.out.printf(
                "%s: CC with truth %.4f against the reference, %.4f by Brehm-Diederichs, %.4f unresolved%n",
                group, ccRef, cc.get(0), ccOff);
        assertTrue(cc.get(0) > ccOff + 0.05, group + ": resolved " + cc.get(0) + " vs unresolved " + ccOff);
    }

    @Test
    void tetragonalP43PlantedCrystalsAreRecovered() throws Exception {
        resolves("P 43", new UnitCell(40, 40, 60, 90, 90, 90));
    }

    @Test
    void trigonalP31WithFourSettingsIsRecovered() throws Exception {
        resolves("P 31", new UnitCell(45, 45, 60, 90, 90, 120));
    }
}
