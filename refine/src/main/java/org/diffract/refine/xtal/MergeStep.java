package org.diffract.refine.xtal;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;

/**
 * cxi.merge "mark0" merging on one rank of many: each rank takes the crystals whose stream index is
 * rank mod size, rejects those whose cell is off the target, reindexes each by its resolved setting,
 * scales it against the reference (G, optionally a bounded B) and drops those correlating below
 * frame_accept_min_cc, then adds inverse-variance weighted corrected intensities into per-reflection sums
 * that are reduced across ranks. Without a reference the first pass scales every crystal by its mean
 * intensity over the [scale] filters (to the Wilson mean of n_residues, as prime's mean-intensity scaling)
 * and the second pass scales against that first merge.
 */
final class MergeStep {
    private static final Logger LOG = LogManager.getLogger(MergeStep.class);
    /** Sum of Z^2 per amino-acid residue (5 C, 1.35 N, 1.5 O, 0.04 S, 8 H): the Wilson mean per residue. */
    static final double SIGMA_Z2_PER_RESIDUE = 360;

    /** Reduced sums of one pass, its tally (crystals per verdict, observations) and the crystals' mean wavelength. */
    record Merged(MergeSums sums, Tally tally, double wavelength) {}

    private final XtalSettings settings;
    private final HklIndex index;
    private final Communicator comm;
    private final int[] settingOf;
    private final IndexingAmbiguity ambiguity;
    private final Polarisation polarisation;

    /** settingOf: each crystal's indexing setting by stream index (null: all as indexed). */
    MergeStep(XtalSettings settings, HklIndex index, Communicator comm, int[] settingOf, IndexingAmbiguity ambiguity) {
        this.settings = settings;
        this.index = index;
        this.comm = comm;
        this.settingOf = settingOf;
        this.ambiguity = ambiguity;
        this.polarisation = settings.scaling().polarisation()
                ? new Polarisation(settings.scaling().polarisationFraction())
                : null;
    }

    Polarisation polarisation() {
        return polarisation;
    }

    /** The reindexing operator of a crystal (null = identity) and its label for the table. */
    int[] reindexOf(Crystal c, CrystalRecord r) {
        int a = settingOf == null ? 0 : settingOf[c.index()];
        if (r != null) {
            r.reindex = ambiguity.label(a);
        }
        return a == 0 ? null : ambiguity.op(a);
    }

    /** Checks a crystal has the wavelength polarisation correction and partiality need. */
    void requireWavelength(Crystal c, String what) {
        if (!Double.isFinite(c.wavelength())) {
            throw new UserError(settings.data().getFileName() + ": crystal " + c.index() + " (" + c.image()
                    + ") has no photon_energy_eV in its chunk; " + what + " needs the wavelength");
        }
    }

    /** A mark0 merge against the model, or mean-scaled then self-scaled without one; the last pass fills table. */
    Merged run(double[] model, CrystalTable table) {
        double[] reference = model;
        if (reference == null) {
            Merged first = pass(null, null);
            LOG.info(
                    "mean-scaled first pass: {} of {} crystals",
                    first.tally().merged(),
                    first.tally().crystals());
            reference = first.sums().intensities();
        }
        return pass(reference, table);
    }

    /** One pass over this rank's crystals against reference (null: mean scaling), reduced over ranks. */
    Merged pass(double[] reference, CrystalTable table) {
        MergeSums sums = new MergeSums(index.size());
        Observations obs = new Observations();
        double[] ref = new double[256];
        Tally tally = new Tally();
        double[] wl = new double[2];
        XtalSettings.Scaling sc = settings.scaling();
        CrystalScaler.Bounds bounds = sc.bFactor() ? new CrystalScaler.Bounds(sc.bMax(), sc.scaleDriftMax()) : null;
        double expectedMean = Math.max(
                1,
                settings.target().nResidues()
                        * SIGMA_Z2_PER_RESIDUE
                        * settings.spaceGroup().allOps().size());
        Filters meanScale = settings.meanScale();
        int rank = comm.rank(), size = comm.size();
        int total = CrystfelStream.read(settings.data(), i -> i % size == rank, c -> {
            CrystalRecord r = table != null ? new CrystalRecord(c) : null;
            if (r != null) {
                table.add(r);
            }
            if (Double.isFinite(c.wavelength())) {
                wl[0] += c.wavelength();
                wl[1]++;
            }
            int[] op = reindexOf(c, r);
            if (!settings.cellWithin(c.cell(), settings.merge().ucTolerance())) {
                tally.add(Verdict.CELL, r);
                return;
            }
            if (polarisation != null) {
                requireWavelength(c, "polarisation correction (flag_LP_correction)");
            }
            obs.fill(c, index, op, settings.merge().sigmaMin(), polarisation);
            if (r != null) {
                r.observations = obs.n;
            }
            double g, b = 0;
            if (reference == null) {
                double mean = 0;
                int m = 0;
                for (int i = 0; i < obs.n; i++) {
                    if (meanScale.accepts(index.d(obs.unique[i]), obs.intensity[i] / obs.sigma[i])) {
                        mean += obs.intensity[i];
                        m++;
                    }
                }
                mean /= Math.max(1, m);
                if (m < 3 || !(mean > 0)) {
                    tally.add(Verdict.TOO_FEW, r);
                    return;
                }
                g = mean / expectedMean;
            } else {
                double[] rr = ref.length >= obs.n ? ref : new double[obs.unique.length];
                obs.referenceOf(reference, rr);
                CrystalScaler.Fit fit = CrystalScaler.fit(obs.intensity, rr, obs.s2, obs.n, bounds);
                if (r != null) {
                    r.g = fit.g();
                    r.b = bounds != null ? fit.b() : Double.NaN;
                    r.ccBefore = fit.cc();
                }
                Verdict v = fit.verdict(sc.frameAcceptMinCc());
                if (v != Verdict.ACCEPTED) {
                    tally.add(v, r);
                    return;
                }
                g = fit.g();
                b = fit.b();
            }
            tally.add(Verdict.ACCEPTED, r);
            int half = c.index() % 2;
            for (int i = 0; i < obs.n; i++) {
                double scale = g * Math.exp(-2 * b * obs.s2[i]);
                sums.add(obs.unique[i], obs.intensity[i] / scale, obs.sigma[i] / scale, half);
            }
            tally.observations += obs.n;
            if (rank == 0 && tally.crystals() % 500 == 0) {
                LOG.info("rank 0: {} crystals read", tally.crystals());
            }
        });
        sums.allreduce(comm);
        tally.allreduce(comm);
        comm.allreduceSum(wl);
        if (total == 0) {
            throw new UserError(settings.data() + ": the stream holds no indexed crystals ('--- Begin crystal'); "
                    + "check indexamajig's output");
        }
        if (tally.merged() == 0) {
            throw new UserError(settings.data().getFileName() + ": none of " + tally.crystals() + " crystals was "
                    + "merged (" + tally.summary() + "); check target_unit_cell, target_space_group, uc_tolerance and "
                    + "the reference");
        }
        return new Merged(sums, tally, wl[1] > 0 ? wl[0] / wl[1] : Double.NaN);
    }
}
