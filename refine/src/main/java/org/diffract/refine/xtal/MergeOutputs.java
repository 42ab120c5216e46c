package org.diffract.refine.xtal;

import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.plot.LinePlot;

/**
 * Writes a merge's results beside the output prefix: prefix.mtz (H K L IMEAN SIGIMEAN), prefix.hkl with
 * the half sets prefix.hkl1 / prefix.hkl2, prefix_stats.txt (the shell table) and prefix_stats.png
 * (CC1/2, CCiso and Rsplit against resolution). Every file is written atomically.
 */
public final class MergeOutputs {
    private static final Logger LOG = LogManager.getLogger(MergeOutputs.class);

    private MergeOutputs() {
    }

    public static void write(XtalSettings s, HklIndex index, MergeSums sums, List<MergeStatistics.Shell> shells,
                             double wavelength, String header) {
        String laue = s.spaceGroup().crystfelLaue();
        CrystfelHkl.write(s.output(".hkl"), laue, sums.reflections(index, -1));
        CrystfelHkl.write(s.output(".hkl1"), laue, sums.reflections(index, 0));
        CrystfelHkl.write(s.output(".hkl2"), laue, sums.reflections(index, 1));
        MtzFile.write(s.output(".mtz"), sums.reflections(index, -1), s.targetCell(), s.spaceGroup(), wavelength);
        AtomicFiles.writeString(s.output("_stats.txt"), header + MergeStatistics.table(shells));
        plot(s, shells);
        LOG.info("wrote {}.mtz, .hkl, .hkl1, .hkl2, _stats.txt, _stats.png", s.outputPrefix());
    }

    private static void plot(XtalSettings s, List<MergeStatistics.Shell> shells) {
        int nb = shells.size() - 1;
        double[] x = new double[nb], cc = new double[nb], iso = new double[nb], rs = new double[nb];
        boolean haveIso = false;
        for (int b = 0; b < nb; b++) {
            MergeStatistics.Shell sh = shells.get(b);
            // shell centre in 1/d^2, shown as 1/d so the axis reads like a resolution axis
            x[b] = Math.sqrt(0.5 * (1 / (sh.dMax() * sh.dMax()) + 1 / (sh.dMin() * sh.dMin())));
            cc[b] = sh.cc12();
            iso[b] = sh.ccIso();
            rs[b] = 100 * sh.rsplit();
            haveIso |= Double.isFinite(sh.ccIso());
        }
        List<LinePlot.Series> ccSeries = new ArrayList<>();
        ccSeries.add(new LinePlot.Series("CC1/2", x, cc));
        if (haveIso) {
            ccSeries.add(new LinePlot.Series("CCiso", x, iso));
        }
        LinePlot.write(s.output("_stats.png"), "merging statistics: " + s.outputPrefix().getFileName(),
                "resolution 1/d (1/A)", List.of(new LinePlot.Panel("CC", false, ccSeries),
                        new LinePlot.Panel("Rsplit (%)", false, List.of(new LinePlot.Series("Rsplit", x, rs)))));
    }
}
