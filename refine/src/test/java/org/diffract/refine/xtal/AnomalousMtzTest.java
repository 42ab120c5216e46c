package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.diffract.core.Python;
import org.diffract.core.parallel.LocalCommunicator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anomalous merging keeps Bijvoet mates apart and writes them as cctbx does (K/M columns) for gemmi to read;
 * the .hkl keeps CrystFEL's form; mtz_labels names the columns as prime or cxi.merge; intensities <= 0
 * are left out of the MTZ (kept in the .hkl) unless include_negatives.
 */
class AnomalousMtzTest {
    @TempDir
    static Path dir;

    static StreamSimulator sim;
    static Path stream;

    /** Full stills of P 43 21 2 whose Bijvoet mates differ by 30 % rms; weak enough for negative averages. */
    @BeforeAll
    static void simulate() throws Exception {
        sim = new StreamSimulator();
        sim.full = true;
        sim.crystals = 60;
        sim.seed = 51;
        sim.anomalousSignal = 0.3;
        sim.overallB = 60;
        sim.meanIntensity = 400;
        stream = sim.write(dir.resolve("anom.stream"));
    }

    private static XtalRun.Result run(String name, String extra) throws Exception {
        XtalSettings s = XtalSettings.read(XtalTestData.config(dir, name, sim, stream, "None", extra), Mode.MERGE);
        return new XtalRun(s, new LocalCommunicator(), 1).run();
    }

    @Test
    void bijvoetMatesMergeApartAndMatchTheirTruth() throws Exception {
        XtalRun.Result r = run("anom", "[main]\nanomalous = True\nmtz_labels = IMEAN");
        HklIndex index = r.index();
        assertTrue(index.anomalous());
        int n = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        int[] scratch = new int[3];
        for (int u = 0; u < index.size(); u++) {
            int m = index.mate(u);
            if (index.isMinus(u) || m < 0 || r.sums().count(u) == 0 || r.sums().count(m) == 0) {
                continue;
            }
            int tp = sim.truthIndex.find(index.h(u), index.k(u), index.l(u), scratch);
            int tm = sim.truthIndex.find(-index.h(u), -index.k(u), -index.l(u), scratch);
            assertTrue(sim.truthIndex.isMinus(tm) && !sim.truthIndex.isMinus(tp), "slots of " + index.h(u));
            double x = r.sums().intensity(u) - r.sums().intensity(m), y = sim.truth[tp] - sim.truth[tm];
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        double ccAno = MergeStatistics.pearson(n, sx, sy, sxx, syy, sxy);
        assertTrue(n > 500 && ccAno > 0.9, n + " pairs, anomalous-difference CC with the truth " + ccAno);

        Path mtz = dir.resolve("out-anom/merged.mtz");
        String out = Python.require("gemmi", "numpy").run("""
                import sys, gemmi, numpy
                m = gemmi.read_mtz_file(sys.argv[1])
                print(' '.join(c.label + ':' + c.type for c in m.columns))
                asu = gemmi.ReciprocalAsu(m.spacegroup)
                a = numpy.array(m, copy=False)
                print(len(a), sum(1 for r in a if not asu.is_in([int(r[0]), int(r[1]), int(r[2])])))
                for r in a[:300]:
                    print('%d %d %d %.6g %.6g %.6g %.6g' % (r[0], r[1], r[2], r[3], r[4], r[5], r[6]))
                """, mtz.toString());
        String[] lines = out.split("\n");
        assertEquals("H:H K:H L:H I(+):K SIGI(+):M I(-):K SIGI(-):M IMEAN:J SIGIMEAN:Q", lines[0]);
        assertEquals("0", lines[1].split(" ")[1], "rows outside the ASU: " + lines[1]);
        int checked = 0;
        for (int i = 2; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            int u = index.find(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
            assertEquals(
                    r.sums().intensity(u),
                    Double.parseDouble(f[3]),
                    1e-4 * Math.abs(r.sums().intensity(u)) + 1e-3);
            int m = index.mate(u);
            if (m >= 0 && r.sums().intensity(m) > 0) {
                assertEquals(
                        r.sums().intensity(m),
                        Double.parseDouble(f[5]),
                        1e-4 * r.sums().intensity(m) + 1e-3);
                checked++;
            } else if (m < 0) {
                assertEquals("nan", f[5], "centric " + lines[i]);
            }
        }
        assertTrue(checked > 50, checked + " I(-) checked");

        // .hkl: CrystFEL's form, symmetry the point group, each mate on its own line, no two lines equivalent
        Reflections hkl = CrystfelHkl.read(dir.resolve("out-anom/merged.hkl"));
        assertTrue(Files.readString(dir.resolve("out-anom/merged.hkl")).contains("Symmetry: 422\n"));
        Set<Integer> seen = new HashSet<>();
        int minus = 0;
        for (int i = 0; i < hkl.size(); i++) {
            int u = index.find(hkl.h()[i], hkl.k()[i], hkl.l()[i]);
            assertTrue(seen.add(u), "two lines for number " + u);
            assertEquals(r.sums().intensity(u), hkl.intensity()[i], 0.006);
            minus += index.isMinus(u) ? 1 : 0;
        }
        assertTrue(minus > 500, minus + " I(-) lines");
    }

    @Test
    void mtzLabelsAsPrimeAndCxiMerge() throws Exception {
        run("prime", "[main]\nanomalous = True\nmtz_labels = IOBS");
        run("cxi", "[main]\nmtz_labels = Iobs");
        run("primemean", "[main]\nmtz_labels = IOBS");
        String out = Python.require("gemmi")
                .run(
                        """
                import sys, gemmi
                for f in sys.argv[1:]:
                    print(' '.join(c.label + ':' + c.type for c in gemmi.read_mtz_file(f).columns))
                """,
                        dir.resolve("out-prime/merged.mtz").toString(),
                        dir.resolve("out-cxi/merged.mtz").toString(),
                        dir.resolve("out-primemean/merged.mtz").toString());
        String[] lines = out.split("\n");
        assertEquals("H:H K:H L:H IOBS(+):K SIGIOBS(+):M IOBS(-):K SIGIOBS(-):M", lines[0]);
        assertEquals("H:H K:H L:H Iobs:J SIGIobs:Q IMEAN:J SIGIMEAN:Q", lines[1]);
        assertEquals("H:H K:H L:H IOBS:J SIGIOBS:Q", lines[2]);
        // our reader takes a prime anomalous MTZ as a reference: both mates come back
        Reflections back = MtzFile.read(dir.resolve("out-prime/merged.mtz")).reflections();
        assertTrue(back.size() > 1000, back.size() + " reflections");
    }

    @Test
    void intensitiesAtOrBelowZeroLeaveTheMtzButStayInTheHkl() throws Exception {
        XtalRun.Result r = run("neg", "");
        int negative = 0, observed = 0;
        for (int u = 0; u < r.index().size(); u++) {
            if (r.sums().count(u) > 0) {
                observed++;
                negative += r.sums().intensity(u) <= 0 ? 1 : 0;
            }
        }
        assertTrue(negative >= 10, negative + " merged intensities <= 0 in the simulation");
        assertEquals(
                observed, CrystfelHkl.read(dir.resolve("out-neg/merged.hkl")).size());
        assertEquals(
                observed - negative,
                MtzFile.read(dir.resolve("out-neg/merged.mtz")).reflections().size());
        run("negkept", "[main]\ninclude_negatives = True");
        assertEquals(
                observed,
                MtzFile.read(dir.resolve("out-negkept/merged.mtz"))
                        .reflections()
                        .size());
    }
}
