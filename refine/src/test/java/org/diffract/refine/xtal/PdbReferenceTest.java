package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reference computed from atoms (model = file.pdb): |F|^2 against gemmi's structure-factor calculation
 * (its own International Tables coefficients, symmetry and B handling) on small structures written here,
 * and a merge scaled against it.
 */
class PdbReferenceTest {
    @TempDir
    Path dir;

    private void matchesGemmi(String group, UnitCell cell) throws Exception {
        Path file = dir.resolve("model.pdb");
        Files.writeString(
                file, SmallStructure.pdb(group, cell.a(), cell.b(), cell.c(), cell.alpha(), cell.beta(), cell.gamma()));
        PdbModel model = PdbModel.read(file);
        assertEquals(10, model.size());
        assertEquals("ZN", model.element()[9]);
        assertEquals("S", model.element()[5]);
        assertEquals(0.65, model.occupancy()[5], 0);
        assertEquals(25.0, model.bIso()[5], 0);
        SpaceGroup sg = SpaceGroups.find(group);
        HklIndex index = new HklIndex(new Asu(sg), cell, 2.0, 30);
        double[] ours = StructureFactors.intensities(PdbModel.read(file), index, new LocalCommunicator(), 2);
        StringBuilder hkl = new StringBuilder();
        for (int u = 0; u < index.size(); u++) {
            hkl.append(index.h(u))
                    .append(' ')
                    .append(index.k(u))
                    .append(' ')
                    .append(index.l(u))
                    .append('\n');
        }
        Path list = dir.resolve("hkl.txt");
        Files.writeString(list, hkl.toString());
        String out = Python.require("gemmi").run("""
                import sys, gemmi
                st = gemmi.read_structure(sys.argv[1])
                st.setup_cell_images()
                calc = gemmi.StructureFactorCalculatorX(st.cell)
                for line in open(sys.argv[2]):
                    h = [int(x) for x in line.split()]
                    print(repr(abs(calc.calculate_sf_from_model(st[0], h)) ** 2))
                """, file.toString(), list.toString());
        String[] v = out.split("\n");
        assertEquals(index.size(), v.length);
        double worst = 0, mean = 0;
        for (int u = 0; u < v.length; u++) {
            mean += ours[u] / v.length;
        }
        for (int u = 0; u < v.length; u++) {
            double g = Double.parseDouble(v[u]);
            worst = Math.max(worst, Math.abs(ours[u] - g) / mean);
        }
        assertTrue(worst < 1e-5, group + ": largest |F|^2 difference " + worst + " of the mean");
        // the same on two ranks sharing the reflections
        double[] two = ThreadCommunicator.run(
                        2, comm -> StructureFactors.intensities(PdbModel.read(file), index, comm, 1))
                .get(1);
        for (int u = 0; u < v.length; u++) {
            assertEquals(ours[u], two[u], 1e-9 * mean);
        }
    }

    @Test
    void orthorhombicP212121MatchesGemmi() throws Exception {
        matchesGemmi("P 21 21 21", new UnitCell(21, 25, 29, 90, 90, 90));
    }

    @Test
    void centredMonoclinicC2MatchesGemmi() throws Exception {
        matchesGemmi("C 1 2 1", new UnitCell(31, 22, 25, 90, 104.5, 90));
    }

    @Test
    void trigonalP3121MatchesGemmi() throws Exception {
        matchesGemmi("P 31 2 1", new UnitCell(24, 24, 33, 90, 90, 120));
    }

    @Test
    void mergeAgainstAPdbModel() throws Exception {
        UnitCell cell = new UnitCell(21, 25, 29, 90, 90, 90);
        Path file = dir.resolve("ref.pdb");
        Files.writeString(file, SmallStructure.pdb("P 21 21 21", 21, 25, 29, 90, 90, 90));
        StreamSimulator sim = new StreamSimulator();
        sim.spaceGroup = "P 21 21 21";
        sim.cell = cell;
        sim.dMin = 2.5;
        sim.full = true;
        sim.crystals = 30;
        sim.seed = 61;
        // the truth the stills are made from: gemmi's |F|^2 of the model (so the merge must find it)
        HklIndex truthIndex = sim.truthIndexFor();
        StringBuilder hkl = new StringBuilder();
        for (int u = 0; u < truthIndex.size(); u++) {
            hkl.append(truthIndex.h(u))
                    .append(' ')
                    .append(truthIndex.k(u))
                    .append(' ')
                    .append(truthIndex.l(u))
                    .append('\n');
        }
        Path list = dir.resolve("truth-hkl.txt");
        Files.writeString(list, hkl.toString());
        String out = Python.require("gemmi").run("""
                import sys, gemmi
                st = gemmi.read_structure(sys.argv[1])
                st.setup_cell_images()
                calc = gemmi.StructureFactorCalculatorX(st.cell)
                for line in open(sys.argv[2]):
                    print(repr(abs(calc.calculate_sf_from_model(st[0], [int(x) for x in line.split()])) ** 2))
                """, file.toString(), list.toString());
        String[] v = out.split("\n");
        sim.presetTruth = new double[v.length];
        for (int u = 0; u < v.length; u++) {
            // scaled to the simulator's photon counts
            sim.presetTruth[u] = 20 * Double.parseDouble(v[u]) + 1;
        }
        Path stream = sim.write(dir.resolve("pdb.stream"));
        XtalSettings s =
                XtalSettings.read(XtalTestData.config(dir, "pdb", sim, stream, file.toString(), ""), Mode.MERGE);
        XtalRun.Result r = new XtalRun(s, new LocalCommunicator(), 1).run();
        assertTrue(
                r.overall().ccIso() > 0.99,
                "CCiso against the PDB model " + r.overall().ccIso());
        assertEquals(30, r.tally().merged());

        // a model in another space group is refused in one line
        Path other = dir.resolve("other.pdb");
        Files.writeString(other, SmallStructure.pdb("P 1 21 1", 21, 25, 29, 90, 90, 90));
        XtalSettings bad =
                XtalSettings.read(XtalTestData.config(dir, "bad", sim, stream, other.toString(), ""), Mode.MERGE);
        UserError e = assertThrows(UserError.class, () -> new XtalRun(bad, new LocalCommunicator(), 1).run());
        assertTrue(
                e.getMessage().startsWith("other.pdb: CRYST1 space group P 1 21 1 (No. 4) is not the target"),
                e.getMessage());
    }
}
