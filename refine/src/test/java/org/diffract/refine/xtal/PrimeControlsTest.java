package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.diffract.core.UserError;
import org.diffract.core.parallel.LocalCommunicator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** prime's controls: frame_accept_min_cc, uc_tolerance in percent of all six parameters, the per-step filters. */
class PrimeControlsTest {
    @TempDir
    static Path dir;

    static StreamSimulator sim;
    static Path stream, truth;

    /** 40 stills of the truth and 4 of the same cell whose intensities are unrelated to it. */
    @BeforeAll
    static void simulate() throws Exception {
        sim = new StreamSimulator();
        sim.crystals = 40;
        sim.randomIntensityCrystals = 4;
        sim.overallB = 30;
        sim.seed = 31;
        sim.orientationErrorDeg = 0.02;
        sim.rsReported = 0.004;
        stream = sim.write(dir.resolve("mixed.stream"));
        truth = XtalTestData.truthHkl(dir.resolve("truth.hkl"), sim);
    }

    private static List<String> verdicts(XtalSettings s) throws Exception {
        List<String> v = new ArrayList<>();
        for (String line : Files.readAllLines(s.output("_crystals.txt"))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                v.add(line.trim().split("\\s+")[1]);
            }
        }
        return v;
    }

    @Test
    void frameAcceptMinCcRejectsUnrelatedCrystalsByDefault() throws Exception {
        XtalSettings s =
                XtalSettings.read(XtalTestData.config(dir, "cc", sim, stream, truth.toString(), ""), Mode.MERGE);
        assertEquals(0.25, s.scaling().frameAcceptMinCc(), 0);
        new XtalRun(s, new LocalCommunicator(), 1).run();
        List<String> v = verdicts(s);
        assertEquals(44, v.size());
        for (int i = 40; i < 44; i++) {
            assertEquals("low_cc", v.get(i), "unrelated crystal " + i);
        }
        long good = v.subList(0, 40).stream().filter("accepted"::equals).count();
        assertTrue(good >= 36, good + " of the 40 stills of the truth merged: " + v);
        // cxi.merge's min_corr is the same threshold under its own name; at its 0.1 unrelated crystals get in
        XtalSettings low = XtalSettings.read(
                XtalTestData.config(dir, "mincorr", sim, stream, truth.toString(), "min_corr = 0.1"), Mode.MERGE);
        assertEquals(0.1, low.scaling().frameAcceptMinCc(), 0);
        new XtalRun(low, new LocalCommunicator(), 1).run();
        long unrelatedIn = verdicts(low).subList(40, 44).stream()
                .filter("accepted"::equals)
                .count();
        System.out.println("min_corr 0.1 merged " + unrelatedIn + " of 4 unrelated crystals");
        assertTrue(unrelatedIn > 0, "at 0.1 no unrelated crystal got in, so the 0.25 default is not what rejects them");
        Path both = XtalTestData.config(dir, "both", sim, stream, "None", "min_corr = 0.1\nframe_accept_min_cc = 0.3");
        UserError e = assertThrows(UserError.class, () -> XtalSettings.read(both));
        assertTrue(e.getMessage().contains("keep one"), e.getMessage());
    }

    @Test
    void ucTolerancePercentAppliesToAnglesUnlessDegreesAreGiven() throws Exception {
        UnitCell target = new UnitCell(50, 60, 70, 90, 100, 90);
        // prime: 5 % of beta = 100 deg is 5 deg
        assertTrue(new UnitCell(52, 60, 70, 90, 104.9, 90).isWithin(target, 5, Double.NaN));
        assertFalse(new UnitCell(52, 60, 70, 90, 105.1, 90).isWithin(target, 5, Double.NaN));
        assertFalse(new UnitCell(52.6, 60, 70, 90, 100, 90).isWithin(target, 5, Double.NaN));
        // explicit degrees: angles within 2 deg, edges still by percent
        assertFalse(new UnitCell(52, 60, 70, 90, 104.9, 90).isWithin(target, 5, 2));
        assertTrue(new UnitCell(52, 60, 70, 90, 101.9, 90).isWithin(target, 5, 2));
        XtalSettings s =
                XtalSettings.read(XtalTestData.config(dir, "deg", sim, stream, "None", "uc_tolerance_deg = 2"));
        assertEquals(2, s.target().ucToleranceDeg(), 0);
        assertTrue(Double.isNaN(XtalSettings.read(XtalTestData.config(dir, "nodeg", sim, stream, "None", ""))
                .target()
                .ucToleranceDeg()));
    }

    @Test
    void perStepFiltersReachTheSettings() throws Exception {
        Path cfg = XtalTestData.config(dir, "steps", sim, stream, "None", """
                [scale]
                d_min = 4
                d_max = 20
                sigma_min = 2
                [postref_scale]
                d_min = 3.5
                d_max = 25
                sigma_min = 0.5
                partiality_min = 0.2
                uc_tolerance = 4
                [postref_allparams]
                d_min = 3.2
                d_max = 15
                sigma_min = 1.0
                partiality_min = 0.3
                uc_tolerance = 2
                """);
        XtalSettings s = XtalSettings.read(cfg, Mode.POSTREFINE);
        assertEquals(new Filters(4, 20, 2, 0, Double.NaN), s.meanScale());
        assertEquals(new Filters(3.5, 25, 0.5, 0.2, 4), s.scale());
        assertEquals(new Filters(3.2, 15, 1.0, 0.3, 2), s.allParams());
        assertEquals(new Filters(3.0, 30, -3.0, 0.1, 5), s.merge());
    }

    /** Which observations a step uses: its resolution, I/sigma and partiality cuts, checked one by one. */
    @Test
    void activeObservationsFollowTheStepFilters() throws Exception {
        XtalSettings s =
                XtalSettings.read(XtalTestData.config(dir, "active", sim, stream, "None", ""), Mode.POSTREFINE);
        HklIndex index = new HklIndex(new Asu(s.spaceGroup()), s.targetCell(), 3.0, 30);
        List<Crystal> crystals = new ArrayList<>();
        CrystfelStream.read(stream, i -> i == 0, crystals::add);
        Observations obs = new Observations().fill(crystals.get(0), index, Double.NEGATIVE_INFINITY);
        CrystalModel m = new CrystalModel(crystals.get(0), obs, "tetragonal", 1, 0, 0.004);
        double[] iH = new double[index.size()];
        Arrays.fill(iH, 1000);
        double[] a = new double[9], part = new double[m.n], corr = new double[m.n];
        m.predict(m.params, a, part, corr);
        Filters f = new Filters(3.5, 8, 1.5, 0.3, 5);
        int[] act = new Postrefiner(s).active(m, iH, f);
        List<Integer> expected = new ArrayList<>();
        for (int j = 0; j < m.n; j++) {
            if (m.dObs[j] >= 3.5 && m.dObs[j] <= 8 && m.iObs[j] / m.sigObs[j] >= 1.5 && part[j] >= 0.3) {
                expected.add(j);
            }
        }
        assertTrue(expected.size() > 5 && expected.size() < m.n / 2, expected.size() + " of " + m.n);
        assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), act);
    }

    /** A [postref_allparams] cell tolerance no refined cell can meet undoes every geometry step. */
    @Test
    void allParamsCellToleranceUndoesCellSteps() throws Exception {
        XtalSettings free = XtalSettings.read(
                XtalTestData.config(dir, "free", sim, stream, "None", "[main]\nn_postref_cycle = 1"), Mode.POSTREFINE);
        XtalSettings tight = XtalSettings.read(
                XtalTestData.config(
                        dir,
                        "tight",
                        sim,
                        stream,
                        "None",
                        "[main]\nn_postref_cycle = 1\n[postref_allparams]\nuc_tolerance = 0.0001"),
                Mode.POSTREFINE);
        new XtalRun(free, new LocalCommunicator(), 2).run();
        new XtalRun(tight, new LocalCommunicator(), 2).run();
        int moved = 0, kept = 0;
        List<String> a = Files.readAllLines(free.output("_crystals.txt")),
                b = Files.readAllLines(tight.output("_crystals.txt"));
        for (int i = 2; i < 42; i++) {
            String[] fa = a.get(i).trim().split("\\s+"), fb = b.get(i).trim().split("\\s+");
            // columns: index verdict G B rs rot_x rot_y cc_bef cc_aft n_obs a b c ...
            moved += Math.abs(Double.parseDouble(fa[10]) - 40) > 0.001 ? 1 : 0;
            kept += fb[1].equals("accepted") && Math.abs(Double.parseDouble(fb[5])) == 0 ? 1 : 0;
        }
        assertTrue(moved > 30, moved + " crystals' a refined with the default tolerance");
        assertTrue(kept > 30, kept + " crystals kept their stream orientation with uc_tolerance 0.0001 %");
    }
}
