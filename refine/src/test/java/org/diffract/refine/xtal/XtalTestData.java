package org.diffract.refine.xtal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Config files for merge tests around a simulated stream. */
final class XtalTestData {
    private XtalTestData() {}

    static Path config(Path dir, String name, StreamSimulator sim, Path stream, String model, String extra)
            throws IOException {
        UnitCell c = sim.cell;
        String text = """
                [main]
                mode = merge
                data = %s
                model = %s
                pixel_size_mm = 0.11
                target_unit_cell = %s %s %s %s %s %s
                target_space_group = %s
                n_residues = 100
                n_postref_cycle = 3
                output_prefix = out-%s/merged
                [merge]
                d_min = %s
                d_max = 30
                uc_tolerance = 5
                partiality_min = 0.1
                n_bins = 5
                %s
                """.formatted(
                        stream.toAbsolutePath(),
                        model,
                        c.a(),
                        c.b(),
                        c.c(),
                        c.alpha(),
                        c.beta(),
                        c.gamma(),
                        sim.spaceGroup,
                        name,
                        sim.dMin,
                        extra);
        Path f = dir.resolve(name + ".ini");
        Files.writeString(f, text);
        return f;
    }

    /** The simulation's true intensities as a CrystFEL .hkl (sigma 1), a reference as a user would give one. */
    static Path truthHkl(Path file, StreamSimulator sim) {
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
        CrystfelHkl.write(
                file, SpaceGroups.find(sim.spaceGroup).crystfelLaue(), new Reflections(h, k, l, sim.truth, sig, nm));
        return file;
    }

    /** Pearson correlation of merged intensities with the truth over reflections both have. */
    static double ccWithTruth(XtalRun.Result r, StreamSimulator sim) {
        int n = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int u = 0; u < r.index().size(); u++) {
            double m = r.sums().intensity(u);
            int t = sim.truthIndex.find(
                    r.index().h(u), r.index().k(u), r.index().l(u));
            if (!Double.isFinite(m) || t < 0) {
                continue;
            }
            double y = sim.truth[t];
            n++;
            sx += m;
            sy += y;
            sxx += m * m;
            syy += y * y;
            sxy += m * y;
        }
        return MergeStatistics.pearson(n, sx, sy, sxx, syy, sxy);
    }
}
