package org.diffract.refine.xtal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * prime-style post-refinement on one rank of many, after the start merge: each rank keeps its crystals
 * (stream index mod ranks) whose cell is within uc_tolerance, with G (and a bounded B) fitted to p(h) I_h
 * under the stream's orientation and profile radius over the [postref_scale] observations, and merges
 * them with partiality. Then n_postref_cycle times: refine every crystal against I_h ({@link Postrefiner};
 * threads share the crystals), and re-merge with inverse-variance weights of the partiality-corrected
 * intensities, dropping observations with p below [merge] partiality_min. I_h is the model when one is
 * given, else the start merge, then each cycle's merge. Writes prefix_postref.txt (CC1/2 and CCiso per
 * cycle) and, with save_cycles, prime's mean_scaled_merge.mtz and postref_cycle_N_merge.mtz.
 */
final class PostrefineStep {
    private static final Logger LOG = LogManager.getLogger(PostrefineStep.class);
    /** Reflecting-range radius (1/A) for crystals whose stream gives no profile_radius. */
    static final double DEFAULT_RS = 0.003;

    private final XtalSettings settings;
    private final HklIndex index;
    private final Communicator comm;
    private final int threads;
    private final MergeStep merge;

    PostrefineStep(XtalSettings settings, HklIndex index, Communicator comm, int threads, MergeStep merge) {
        this.settings = settings;
        this.index = index;
        this.comm = comm;
        this.threads = Math.max(1, threads);
        this.merge = merge;
    }

    /** Post-refines from the start merge; the crystals' rows go into table. Returns the final merge. */
    MergeStep.Merged run(MergeStep.Merged start, double[] model, double[] iso, CrystalTable table) {
        if (settings.output().saveCycles() && comm.rank() == 0) {
            MergeOutputs.writeMtz(
                    settings, settings.outputFile("mean_scaled_merge.mtz"), index, start.sums(), start.wavelength());
        }
        double[] iH = model != null ? model : start.sums().intensities();
        List<CrystalModel> crystals = load(iH, table);
        Postrefiner refiner = new Postrefiner(settings);
        centreB(crystals);
        for (CrystalModel m : crystals) {
            m.startScale = Postrefiner.overallScale(m, iH);
        }
        bound(crystals, refiner, iH);
        StringBuilder cycles = new StringBuilder(
                String.format(Locale.ROOT, "%6s %9s %10s %8s %8s%n", "cycle", "crystals", "observ.", "CC1/2", "CCiso"));
        MergeSums sums = new MergeSums(index.size());
        double[] tally = mergeAll(crystals, sums);
        cycleLine(cycles, 0, sums, tally, iso);
        try (WorkerPool pool = new WorkerPool(threads, "postref")) {
            for (int cycle = 1; cycle <= settings.postref().cycles(); cycle++) {
                // as prime: a given reference starts the refinement, then each cycle refines against the last merge
                double[] current = sums.intensities();
                pool.forEachItem(0, crystals.size(), () -> null, (none, i) -> refiner.refine(crystals.get(i), current));
                centreB(crystals);
                bound(crystals, refiner, current);
                tally = mergeAll(crystals, sums);
                cycleLine(cycles, cycle, sums, tally, iso);
                if (settings.output().saveCycles() && comm.rank() == 0) {
                    MergeOutputs.writeMtz(
                            settings,
                            settings.outputFile("postref_cycle_" + cycle + "_merge.mtz"),
                            index,
                            sums,
                            start.wavelength());
                }
            }
        }
        Tally verdicts = new Tally();
        for (CrystalModel m : crystals) {
            m.report();
            verdicts.add(m.record.verdict, null);
        }
        // crystals refused when loading were counted into the table already; count them too
        for (Verdict v : loadRejected) {
            verdicts.add(v, null);
        }
        verdicts.allreduce(comm);
        verdicts.observations = (long) tally[1];
        if (comm.rank() == 0) {
            AtomicFiles.writeString(settings.output("_postref.txt"), cycles.toString());
        }
        return new MergeStep.Merged(sums, verdicts, start.wavelength());
    }

    private final List<Verdict> loadRejected = new ArrayList<>();

    /**
     * Shifts every merged crystal's B so that their median is 0. Each cycle refines B against the last merge,
     * which the previous B's corrected: without this, a B shared by all crystals (a resolution-dependent
     * partiality error that B absorbs) feeds back and grows from cycle to cycle, and b_max would judge that
     * shared part instead of the crystal's own. A common B changes only the falloff of the merged data,
     * never a crystal's weight relative to the others.
     */
    private void centreB(List<CrystalModel> crystals) {
        if (!settings.scaling().bFactor()) {
            return;
        }
        double[] mine = new double[crystals.size()];
        int n = 0;
        for (CrystalModel m : crystals) {
            if (m.accepted()) {
                mine[n++] = m.params[CrystalModel.B];
            }
        }
        double centre = median(Arrays.copyOf(mine, n));
        if (!Double.isFinite(centre)) {
            return;
        }
        for (CrystalModel m : crystals) {
            m.params[CrystalModel.B] -= centre;
        }
        LOG.info("median B of the merged crystals {} A^2 set to 0", String.format(Locale.ROOT, "%.2f", centre));
    }

    /** The median over all ranks' values (NaN when there are none): gathered on rank 0, broadcast back. */
    private double median(double[] values) {
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length);
        for (double v : values) {
            buf.putDouble(v);
        }
        byte[] all = comm.gatherBytes(buf.array(), 0);
        double[] result = {Double.NaN};
        if (all != null && all.length > 0) {
            ByteBuffer in = ByteBuffer.wrap(all);
            double[] v = new double[all.length / 8];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.getDouble();
            }
            Arrays.sort(v);
            result[0] = v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
        }
        comm.broadcast(result, 0);
        return result[0];
    }

    /** Rejects crystals whose centred B is beyond b_max or whose overall scale drifted (see Postrefiner). */
    private void bound(List<CrystalModel> crystals, Postrefiner refiner, double[] iH) {
        for (CrystalModel m : crystals) {
            if (m.accepted()) {
                Verdict v = refiner.scaleVerdict(m, iH);
                if (v != Verdict.ACCEPTED) {
                    m.record.reject(v);
                }
            }
        }
    }

    private void cycleLine(StringBuilder sb, int cycle, MergeSums sums, double[] tally, double[] iso) {
        List<MergeStatistics.Shell> shells = MergeStatistics.compute(index, sums, iso, 1);
        MergeStatistics.Shell all = shells.get(shells.size() - 1);
        String line = String.format(
                Locale.ROOT,
                "%6d %9d %10d %8.4f %8.4f",
                cycle,
                (int) tally[0],
                (long) tally[1],
                all.cc12(),
                all.ccIso());
        sb.append(line).append('\n');
        LOG.info(
                "cycle {}: {} crystals, CC1/2 {}{}",
                cycle,
                (int) tally[0],
                String.format(Locale.ROOT, "%.4f", all.cc12()),
                iso != null ? String.format(Locale.ROOT, ", CCiso %.4f", all.ccIso()) : "");
    }

    /** This rank's crystals within the cell tolerance, with starting G (and B) fitted to p(h) I_h. */
    private List<CrystalModel> load(double[] iH, CrystalTable table) {
        List<CrystalModel> out = new ArrayList<>();
        Observations obs = new Observations();
        int rank = comm.rank(), size = comm.size();
        String system = settings.spaceGroup().crystalSystem();
        boolean[] warned = {false};
        XtalSettings.Scaling sc = settings.scaling();
        CrystalScaler.Bounds bounds =
                sc.bFactor() ? new CrystalScaler.Bounds(Double.MAX_VALUE, Double.MAX_VALUE) : null;
        Filters scaleFilter = settings.scale();
        CrystfelStream.read(settings.data(), i -> i % size == rank, c -> {
            CrystalRecord r = new CrystalRecord(c);
            table.add(r);
            int[] op = merge.reindexOf(c, r);
            if (!settings.cellWithin(c.cell(), settings.merge().ucTolerance())
                    || !settings.cellWithin(c.cell(), scaleFilter.ucTolerance())) {
                reject(r, Verdict.CELL);
                return;
            }
            merge.requireWavelength(c, "post-refinement");
            obs.fill(c, index, op, settings.merge().sigmaMin(), merge.polarisation());
            r.observations = obs.n;
            if (obs.n < 3) {
                reject(r, Verdict.TOO_FEW);
                return;
            }
            double rs = c.profileRadius();
            if (!(rs > 0)) {
                rs = DEFAULT_RS;
                if (!warned[0]) {
                    warned[0] = true;
                    LOG.warn(
                            "{}: crystals without profile_radius start with rs = {} 1/A",
                            settings.data().getFileName(),
                            DEFAULT_RS);
                }
            }
            CrystalModel m = new CrystalModel(c, obs, system, 1, 0, rs, r);
            // starting scale: fit I_obs = G exp(-2 B s^2) (p I_h) with the stream's geometry over [postref_scale]
            double[] a = new double[9], part = new double[m.n], corr = new double[m.n], ref = new double[m.n];
            m.predict(m.params, a, part, corr);
            for (int j = 0; j < m.n; j++) {
                ref[j] = scaleFilter.accepts(m.dObs[j], m.iObs[j] / m.sigObs[j], part[j])
                        ? part[j] * iH[m.unique[j]]
                        : Double.NaN;
            }
            // B is bounded once the start B's are centred (bound()), so the fit here is unbounded
            CrystalScaler.Fit fit = CrystalScaler.fit(m.iObs, ref, obs.s2, m.n, bounds);
            r.ccBefore = fit.cc();
            r.g = fit.g();
            r.b = fit.b();
            // no correlation cut yet: as prime's mean-scaled start (cc_thres 0), each crystal's CC is judged
            // after its refinement; a negative scale cannot start a model, though
            Verdict v = fit.verdict(-1);
            if (v != Verdict.ACCEPTED) {
                reject(r, v);
                return;
            }
            m.params[CrystalModel.G] = fit.g();
            m.params[CrystalModel.B] = fit.b();
            out.add(m);
        });
        return out;
    }

    private void reject(CrystalRecord r, Verdict v) {
        r.reject(v);
        loadRejected.add(v);
    }

    /** Merges the accepted crystals with partiality into sums (reduced over ranks); returns {crystals, observations}. */
    private double[] mergeAll(List<CrystalModel> crystals, MergeSums sums) {
        sums.clear();
        double[] tally = new double[2];
        double[] a = new double[9];
        double[] part = new double[0], corr = new double[0];
        for (CrystalModel m : crystals) {
            if (!m.accepted()) {
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
                if (m.outlier[j] || part[j] < settings.merge().partialityMin() || !(corr[j] > 0)) {
                    continue;
                }
                sums.add(m.unique[j], m.iObs[j] / corr[j], m.sigObs[j] / corr[j], half);
                used++;
            }
            tally[0]++;
            tally[1] += used;
        }
        sums.allreduce(comm);
        comm.allreduceSum(tally);
        if (tally[0] == 0) {
            throw new UserError(settings.data().getFileName() + ": no crystal survived "
                    + "post-refinement; check target_unit_cell, uc_tolerance and frame_accept_min_cc");
        }
        return tally;
    }
}
