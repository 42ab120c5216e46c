package org.diffract.refine.xtal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * prime-style post-refinement on one rank of many. Start: a mark0 merge (against [main] model, or
 * mean-scaled) gives I_h; each rank keeps its crystals (stream index mod ranks) whose cell is within
 * uc_tolerance, with G and B fitted to p(h) I_h under the stream's orientation and profile radius, and
 * merges them with partiality. Then n_postref_cycle times: refine every crystal against I_h (threads
 * share the crystals), and re-merge with inverse-variance weights of the partiality-corrected
 * intensities, dropping observations with p below partiality_min. Outputs as for merge, plus
 * prefix_postref.txt with CC1/2 (and CCiso) per cycle.
 */
public final class PostrefineRun {
    private static final Logger LOG = LogManager.getLogger(PostrefineRun.class);
    /** Reflecting-range radius (1/A) for crystals whose stream gives no profile_radius. */
    static final double DEFAULT_RS = 0.003;

    private final XtalSettings settings;
    private final Communicator comm;
    private final int threads;
    private final MergeRun merge;
    private final HklIndex index;

    public PostrefineRun(XtalSettings settings, Communicator comm, int threads) {
        this.settings = settings;
        this.comm = comm;
        this.threads = Math.max(1, threads);
        this.merge = new MergeRun(settings, comm);
        this.index = merge.index();
    }

    public MergeRun.Result run() {
        long t0 = System.nanoTime();
        LOG.info("post-refinement of {} ({} unique reflections, {} cycles, {} ranks x {} threads)",
                settings.data().getFileName(), index.size(), settings.nPostrefCycles(), comm.size(), threads);
        double[] model = merge.readModel();
        MergeRun.Merged start = merge.merge(model);
        double[] iH = model != null ? model : start.sums().intensities();
        List<CrystalModel> crystals = load(iH);
        Postrefiner refiner = new Postrefiner(settings);
        StringBuilder cycles = new StringBuilder(String.format(Locale.ROOT, "%6s %9s %10s %8s %8s%n", "cycle",
                "crystals", "observ.", "CC1/2", "CCiso"));
        MergeSums sums = new MergeSums(index.size());
        double[] tally = mergeAll(crystals, sums);
        cycleLine(cycles, 0, sums, tally, model);
        try (WorkerPool pool = new WorkerPool(threads, "postref")) {
            for (int cycle = 1; cycle <= settings.nPostrefCycles(); cycle++) {
                double[] current = sums.intensities();
                pool.forEachItem(0, crystals.size(), () -> null, (none, i) -> refiner.refine(crystals.get(i), current));
                tally = mergeAll(crystals, sums);
                cycleLine(cycles, cycle, sums, tally, model);
            }
        }
        MergeRun.Counts counts = new MergeRun.Counts(start.counts().crystals(), (int) tally[0],
                start.counts().rejectedCell(), start.counts().crystals() - start.counts().rejectedCell() - (int) tally[0],
                (long) tally[1]);
        MergeRun.Result r = merge.finish(sums, counts, model, start.wavelength());
        if (comm.rank() == 0) {
            AtomicFiles.writeString(settings.output("_postref.txt"), cycles.toString());
        }
        LOG.info("post-refinement done in {} s", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) * 1e-9));
        return r;
    }

    private void cycleLine(StringBuilder sb, int cycle, MergeSums sums, double[] tally, double[] model) {
        List<MergeStatistics.Shell> shells = MergeStatistics.compute(index, sums, model, 1);
        MergeStatistics.Shell all = shells.get(shells.size() - 1);
        String line = String.format(Locale.ROOT, "%6d %9d %10d %8.4f %8.4f", cycle, (int) tally[0], (long) tally[1],
                all.cc12(), all.ccIso());
        sb.append(line).append('\n');
        LOG.info("cycle {}: {} crystals, CC1/2 {}{}", cycle, (int) tally[0], String.format(Locale.ROOT, "%.4f", all.cc12()),
                model != null ? String.format(Locale.ROOT, ", CCiso %.4f", all.ccIso()) : "");
    }

    /** This rank's crystals within the cell tolerance, with starting G and B fitted to p(h) I_h. */
    private List<CrystalModel> load(double[] iH) {
        List<CrystalModel> out = new ArrayList<>();
        Observations obs = new Observations();
        int rank = comm.rank(), size = comm.size();
        String system = settings.spaceGroup().crystalSystem();
        boolean[] warned = {false};
        CrystfelStream.read(settings.data(), i -> i % size == rank, c -> {
            if (!c.cell().isWithin(settings.targetCell(), settings.ucTolerance())) {
                return;
            }
            if (!Double.isFinite(c.wavelength())) {
                throw new UserError(settings.data().getFileName() + ": crystal " + c.index() + " (" + c.image()
                        + ") has no photon_energy_eV in its chunk; post-refinement needs the wavelength");
            }
            obs.fill(c, index, settings.sigmaMin());
            if (obs.n < 3) {
                return;
            }
            double rs = c.profileRadius();
            if (!(rs > 0)) {
                rs = DEFAULT_RS;
                if (!warned[0]) {
                    warned[0] = true;
                    LOG.warn("{}: crystals without profile_radius start with rs = {} 1/A", settings.data().getFileName(),
                            DEFAULT_RS);
                }
            }
            CrystalModel m = new CrystalModel(c, obs, system, 1, 0, rs);
            // starting scale: fit I_obs = G exp(-2 B s^2) (p I_h) with the stream's geometry
            double[] a = new double[9], part = new double[m.n], corr = new double[m.n], ref = new double[m.n];
            m.predict(m.params, a, part, corr);
            for (int j = 0; j < m.n; j++) {
                ref[j] = part[j] * iH[m.unique[j]];
            }
            CrystalScaler.Fit fit = CrystalScaler.fit(obs.intensity, ref, obs.s2, obs.n, settings.bFactor());
            if (!fit.usable(settings.minCorr())) {
                return;
            }
            m.params[CrystalModel.G] = fit.g();
            m.params[CrystalModel.B] = fit.b();
            out.add(m);
        });
        return out;
    }

    /** Merges the accepted crystals with partiality into sums (reduced over ranks); returns {crystals, observations}. */
    private double[] mergeAll(List<CrystalModel> crystals, MergeSums sums) {
        sums.clear();
        double[] tally = new double[2];
        double[] a = new double[9];
        double[] part = new double[0], corr = new double[0];
        for (CrystalModel m : crystals) {
            if (!m.accepted) {
                continue;
            }
            if (part.length < m.n) {
                part = new double[m.n];
                corr = new double[m.n];
            }
            m.predict(m.params, a, part, corr);
            int half = m.crystal.index() % 2;
            int used = 0;
            for (int j = 0; j < m.n; j++) {
                if (m.outlier[j] || part[j] < settings.partialityMin() || !(corr[j] > 0)) {
                    continue;
                }
                int i = m.source[j];
                sums.add(m.unique[j], m.crystal.intensity()[i] / corr[j], m.crystal.sigma()[i] / corr[j], half);
                used++;
            }
            tally[0]++;
            tally[1] += used;
        }
        sums.allreduce(comm);
        comm.allreduceSum(tally);
        if (tally[0] == 0) {
            throw new UserError(settings.data().getFileName() + ": no crystal survived post-refinement; check "
                    + "target_unit_cell, uc_tolerance and min_corr");
        }
        return tally;
    }
}
