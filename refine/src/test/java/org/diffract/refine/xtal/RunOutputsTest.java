package org.diffract.refine.xtal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.Python;
import org.diffract.core.UserError;
import org.diffract.core.parallel.LocalCommunicator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a run checks and leaves behind besides the merged data: the target cell's metric, the per-crystal
 * table (HDF5 read by h5py, and text), prime's per-cycle MTZ files, and the polarisation correction.
 */
class RunOutputsTest {
    @TempDir
    static Path dir;

    static StreamSimulator sim;
    static Path stream;

    @BeforeAll
    static void simulate() throws Exception {
        sim = new StreamSimulator();
        sim.crystals = 30;
        sim.wrongCellCrystals = 2;
        sim.seed = 71;
        sim.orientationErrorDeg = 0.03;
        sim.rsReported = 0.004;
        stream = sim.write(dir.resolve("run.stream"));
    }

    @Test
    void targetCellMustFitTheSpaceGroupsMetric() throws Exception {
        String[][] bad = {
            {"40 41 60 90 90 120", "P 31 2 1", "a = b, alpha = beta = 90, gamma = 120"},
            {"40 40 60 90 90 90", "P 31 2 1", "gamma = 120"},
            {"40 41 60 90 90 90", "P 43 21 2", "a = b"},
            {"40 40 41 90 90 90", "P 21 3", "a = b = c"},
            {"40 50 60 92 90 90", "P 21 21 21", "all angles 90"},
            {"40 50 60 90 100 95", "C 1 2 1", "alpha = gamma = 90"}
        };
        for (String[] b : bad) {
            Path cfg = XtalTestData.config(dir, "metric", sim, stream, "None", "");
            Files.writeString(
                    cfg,
                    Files.readString(cfg)
                            .replaceFirst("target_unit_cell = .*", "target_unit_cell = " + b[0])
                            .replaceFirst("target_space_group = .*", "target_space_group = " + b[1]));
            UserError e = assertThrows(UserError.class, () -> XtalSettings.read(cfg), b[0] + " " + b[1]);
            assertTrue(
                    e.getMessage().startsWith("metric.ini: [main] target_unit_cell ")
                            && e.getMessage().contains(b[2])
                            && !e.getMessage().contains("\n"),
                    e.getMessage());
        }
        // within cctbx's tolerance (1 %, 1 degree) and in the right system: accepted
        assertNull(new UnitCell(40, 40.3, 60, 90, 90, 120.5).metricProblem(SpaceGroups.find("P 31 2 1")));
        assertNull(new UnitCell(40, 50, 60, 90, 100, 90).metricProblem(SpaceGroups.find("C 1 2 1")));
        assertNull(new UnitCell(40, 50, 60, 80, 100, 95).metricProblem(SpaceGroups.find("P 1")));
    }

    @Test
    void perCrystalTableAndCycleFiles() throws Exception {
        XtalSettings s = XtalSettings.read(
                XtalTestData.config(
                        dir, "table", sim, stream, "None", "[main]\nsave_cycles = True\nn_postref_cycle = 2"),
                Mode.POSTREFINE);
        XtalRun.Result r = new XtalRun(s, new LocalCommunicator(), 2).run();
        assertEquals(30, r.tally().merged());
        String out = Python.require("h5py", "numpy", "gemmi")
                .run(
                        """
                import sys, h5py, numpy, gemmi
                f = h5py.File(sys.argv[1], 'r')
                print(' '.join(sorted(f.keys())))
                v = [x.decode() if isinstance(x, bytes) else x for x in f['verdict'][:]]
                print(len(v), v.count('accepted'), v.count('cell'), f['cell'].shape, f['accepted'].dtype)
                ok = f['accepted'][:] == 1
                g = f['G'][:][ok]
                true_g = numpy.array([float(x) for x in sys.argv[2].split(',')])[f['index'][:][ok]]
                print('%.4f %.6f %.6f' % (numpy.corrcoef(g, true_g)[0, 1], numpy.median(f['rs'][:][ok]),
                      numpy.median(numpy.abs(f['cc_after'][:][ok]))))
                print(v[30], v[31], f['image'][30].decode() if isinstance(f['image'][30], bytes) else f['image'][30])
                for name in sys.argv[3:]:
                    print(name.split('/')[-1], gemmi.read_mtz_file(name).nreflections > 100)
                """,
                        s.output("_crystals.h5").toString(),
                        joined(sim.trueG),
                        s.outputFile("mean_scaled_merge.mtz").toString(),
                        s.outputFile("postref_cycle_1_merge.mtz").toString(),
                        s.outputFile("postref_cycle_2_merge.mtz").toString());
        String[] lines = out.split("\n");
        assertEquals(
                "B G accepted cc_after cc_before cell event image index n_observations reindex rot_x rot_y rs "
                        + "stream_cell verdict",
                lines[0]);
        assertEquals("32 30 2 (32, 6) uint8", lines[1]);
        String[] stats = lines[2].split(" ");
        assertTrue(Double.parseDouble(stats[0]) > 0.95, "refined G against the simulated scale: " + lines[2]);
        assertEquals(0.003, Double.parseDouble(stats[1]), 0.0003, "median refined rs: " + lines[2]);
        assertTrue(Double.parseDouble(stats[2]) > 0.9, "median CC after: " + lines[2]);
        assertEquals("cell cell sim/frame30.h5", lines[3]);
        assertEquals("mean_scaled_merge.mtz True", lines[4]);
        assertEquals("postref_cycle_1_merge.mtz True", lines[5]);
        assertEquals("postref_cycle_2_merge.mtz True", lines[6]);
        assertFalse(Files.exists(s.outputFile("postref_cycle_3_merge.mtz")));
        // the text table holds the same rows
        long rows = Files.readAllLines(s.output("_crystals.txt")).stream()
                .filter(l -> !l.startsWith("#"))
                .count();
        assertEquals(32, rows);
    }

    private static String joined(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }

    @Test
    void polarisationFactorAndItsCorrection() throws Exception {
        Polarisation horizontal = new Polarisation(1.0);
        double k = 1 / 1.3;
        // scattered through 90 degrees along x (the field's direction): nothing; along y: everything
        assertEquals(0, horizontal.factor(-k, 0, -k, k), 1e-12);
        assertEquals(1, horizontal.factor(0, -k, -k, k), 1e-12);
        // unpolarised beam: (1 + cos^2 2theta) / 2 at any azimuth, here 2theta = 90 degrees
        assertEquals(0.5, new Polarisation(0.5).factor(-k, 0, -k, k), 1e-12);
        // full reflections recorded polarised at a long wavelength (2 theta up to 52 degrees at 2.5 A): dividing
        // the factor out brings the merge closer to the truth
        StreamSimulator pol = new StreamSimulator();
        pol.full = true;
        pol.crystals = 40;
        pol.seed = 73;
        pol.wavelength = 2.2;
        pol.dMin = 2.5;
        Path polStream = pol.write(dir.resolve("pol.stream"));
        XtalSettings on = XtalSettings.read(XtalTestData.config(dir, "pol", pol, polStream, "None", ""), Mode.MERGE);
        XtalSettings off = XtalSettings.read(
                XtalTestData.config(dir, "nopol", pol, polStream, "None", "[main]\nflag_LP_correction = False"),
                Mode.MERGE);
        double ccOn = XtalTestData.ccWithTruth(new XtalRun(on, new LocalCommunicator(), 1).run(), pol);
        double ccOff = XtalTestData.ccWithTruth(new XtalRun(off, new LocalCommunicator(), 1).run(), pol);
        System.out.printf("polarisation: CC with truth corrected %.5f, uncorrected %.5f%n", ccOn, ccOff);
        assertTrue(ccOn > ccOff + 0.005 && ccOn > 0.99, "CC with truth corrected " + ccOn + ", uncorrected " + ccOff);
    }
}
