package org.diffract.refine.xtal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.plot.LinePlot;

/**
 * Writes a merge's results beside the output prefix: prefix.mtz, prefix.hkl with the half sets
 * prefix.hkl1 / prefix.hkl2, prefix_stats.txt (the shell table) and prefix_stats.png (CC1/2, CCiso and
 * Rsplit against resolution). Every file is written atomically.
 * <ul>
 * <li>MTZ: H K L and the intensity columns named by mtz_labels; anomalous data as Friedel pairs (K/M
 * columns, the representative's I(+) and its mate's I(-)) as cctbx writes them. Intensities <= 0 are left
 * out unless include_negatives, as cxi.merge and prime do; the count is logged.</li>
 * <li>.hkl: CrystFEL's reflection list with every merged value (negatives kept), symmetry named as
 * CrystFEL names it; anomalous lists hold each Bijvoet mate on its own line under the point group.</li>
 * </ul>
 */
public final class MergeOutputs {
    private static final Logger LOG = LogManager.getLogger(MergeOutputs.class);

    private MergeOutputs() {}

    /** Writes every output; returns the number of intensities <= 0 left out of the MTZ. */
    public static int write(
            XtalSettings s,
            HklIndex index,
            MergeSums sums,
            List<MergeStatistics.Shell> shells,
            double wavelength,
            String header) {
        String sym = index.anomalous()
                ? s.spaceGroup().crystfelPointGroup()
                : s.spaceGroup().crystfelLaue();
        CrystfelHkl.write(s.output(".hkl"), sym, hklList(index, sums.reflections(index, -1)));
        CrystfelHkl.write(s.output(".hkl1"), sym, hklList(index, sums.reflections(index, 0)));
        CrystfelHkl.write(s.output(".hkl2"), sym, hklList(index, sums.reflections(index, 1)));
        int dropped = writeMtz(s, s.output(".mtz"), index, sums, wavelength);
        AtomicFiles.writeString(s.output("_stats.txt"), header + MergeStatistics.table(shells));
        plot(s, shells);
        LOG.info("wrote {}.mtz, .hkl, .hkl1, .hkl2, _stats.txt, _stats.png", s.outputPrefix());
        return dropped;
    }

    /** The .hkl form: an I(-) is written under its own index -h -k -l. */
    static Reflections hklList(HklIndex index, Reflections r) {
        if (!index.anomalous()) {
            return r;
        }
        int[] h = r.h().clone(), k = r.k().clone(), l = r.l().clone();
        for (int u = 0; u < h.length; u++) {
            if (index.isMinus(u)) {
                h[u] = -h[u];
                k[u] = -k[u];
                l[u] = -l[u];
            }
        }
        return new Reflections(h, k, l, r.intensity(), r.sigma(), r.nmeas());
    }

    /** Writes one MTZ of the merged sums; returns how many intensities <= 0 were left out. */
    public static int writeMtz(XtalSettings s, Path file, HklIndex index, MergeSums sums, double wavelength) {
        boolean keepNegative = s.output().includeNegatives();
        MtzLabels labels = s.output().mtzLabels();
        int n = index.size();
        int[] h = new int[n], k = new int[n], l = new int[n];
        double[] ip = new double[n], sp = new double[n], im = new double[n], sm = new double[n];
        double[] mean = new double[n], meanSig = new double[n];
        int rows = 0, dropped = 0;
        for (int u = 0; u < n; u++) {
            if (index.isMinus(u)) {
                continue; // written with its I(+)
            }
            double a = sums.intensity(u), sa = sums.sigma(u);
            int m = index.anomalous() ? index.mate(u) : -1;
            double b = m >= 0 ? sums.intensity(m) : Double.NaN, sb = m >= 0 ? sums.sigma(m) : Double.NaN;
            if (!keepNegative && a <= 0) {
                a = Double.NaN;
                dropped++;
            }
            if (!keepNegative && b <= 0) {
                b = Double.NaN;
                dropped++;
            }
            if (Double.isNaN(a) && Double.isNaN(b)) {
                continue;
            }
            h[rows] = index.h(u);
            k[rows] = index.k(u);
            l[rows] = index.l(u);
            ip[rows] = a;
            sp[rows] = Double.isNaN(a) ? Double.NaN : sa;
            im[rows] = b;
            sm[rows] = Double.isNaN(b) ? Double.NaN : sb;
            // the Friedel mean of the members kept, inverse-variance weighted
            double w = 0, wi = 0;
            if (!Double.isNaN(a)) {
                w += 1 / (sa * sa);
                wi += a / (sa * sa);
            }
            if (!Double.isNaN(b)) {
                w += 1 / (sb * sb);
                wi += b / (sb * sb);
            }
            mean[rows] = wi / w;
            meanSig[rows] = 1 / Math.sqrt(w);
            rows++;
        }
        List<MtzFile.Column> cols = new ArrayList<>();
        if (index.anomalous()) {
            String root = labels.anomalousRoot();
            cols.add(new MtzFile.Column(root + "(+)", 'K', Arrays.copyOf(ip, rows)));
            cols.add(new MtzFile.Column("SIG" + root + "(+)", 'M', Arrays.copyOf(sp, rows)));
            cols.add(new MtzFile.Column(root + "(-)", 'K', Arrays.copyOf(im, rows)));
            cols.add(new MtzFile.Column("SIG" + root + "(-)", 'M', Arrays.copyOf(sm, rows)));
            if (labels.anomalousWithMean()) {
                cols.add(new MtzFile.Column("IMEAN", 'J', Arrays.copyOf(mean, rows)));
                cols.add(new MtzFile.Column("SIGIMEAN", 'Q', Arrays.copyOf(meanSig, rows)));
            }
        } else {
            cols.add(new MtzFile.Column(labels.meanLabel(), 'J', Arrays.copyOf(mean, rows)));
            cols.add(new MtzFile.Column(labels.meanSigmaLabel(), 'Q', Arrays.copyOf(meanSig, rows)));
            if (labels.alsoImean()) {
                cols.add(new MtzFile.Column("IMEAN", 'J', Arrays.copyOf(mean, rows)));
                cols.add(new MtzFile.Column("SIGIMEAN", 'Q', Arrays.copyOf(meanSig, rows)));
            }
        }
        MtzFile.write(
                file,
                Arrays.copyOf(h, rows),
                Arrays.copyOf(k, rows),
                Arrays.copyOf(l, rows),
                cols,
                s.targetCell(),
                s.spaceGroup(),
                wavelength);
        return dropped;
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
        LinePlot.write(
                s.output("_stats.png"),
                "merging statistics: " + s.outputPrefix().getFileName(),
                "resolution 1/d (1/A)",
                List.of(
                        new LinePlot.Panel("CC", false, ccSeries),
                        new LinePlot.Panel("Rsplit (%)", false, List.of(new LinePlot.Series("Rsplit", x, rs)))));
    }
}
