package org.diffract.refine.xtal;

import java.util.List;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;

/**
 * cxi.merge "mark0" merging on one rank of many: each rank takes the crystals whose stream index is
 * rank mod size, rejects those whose cell is off the target, scales each against the reference
 * (G, optionally B) and drops those correlating below min_corr, then adds inverse-variance weighted
 * corrected intensities into per-reflection sums that are reduced across ranks. Without a reference
 * the first pass scales every crystal by its mean intensity (to the Wilson mean of n_residues) and the
 * second pass scales against that first merge.
 */
public final class MergeRun {
    private static final Logger LOG = LogManager.getLogger(MergeRun.class);
    /** Sum of Z^2 per amino-acid residue (5 C, 1.35 N, 1.5 O, 0.04 S, 8 H): the Wilson mean per residue. */
    static final double SIGMA_Z2_PER_RESIDUE = 360;

    /** Counts of one pass, summed over ranks. */
    public record Counts(int crystals, int accepted, int rejectedCell, int rejectedCorrelation, long observations) {
    }

    /** The outcome of a merge: the reduced sums, statistics and counts. */
    public record Result(HklIndex index, MergeSums sums, List<MergeStatistics.Shell> shells, Counts counts,
                         double[] reference, double wavelength) {
        public MergeStatistics.Shell overall() {
            return shells.get(shells.size() - 1);
        }
    }

    private final XtalSettings settings;
    private final Communicator comm;
    private final HklIndex index;

    public MergeRun(XtalSettings settings, Communicator comm) {
        this.settings = settings;
        this.comm = comm;
        this.index = new HklIndex(new Asu(settings.spaceGroup()), settings.targetCell(), settings.dMin(),
                settings.dMax());
        if (index.size() == 0) {
            throw new UserError(settings.configFile().getFileName() + ": no reflections between d_min "
                    + settings.dMin() + " and d_max " + settings.dMax() + " A for the target cell; widen the range");
        }
    }

    public HklIndex index() {
        return index;
    }

    /** The reference from [main] model laid out on the index, or null without one. */
    public double[] readModel() {
        if (settings.model() == null) {
            return null;
        }
        String n = settings.model().getFileName().toString().toLowerCase(Locale.ROOT);
        Reflections r = n.endsWith(".mtz") ? MtzFile.read(settings.model()).reflections()
                : CrystfelHkl.read(settings.model());
        double[] ref = r.onto(index);
        int have = 0;
        for (double v : ref) {
            have += Double.isFinite(v) ? 1 : 0;
        }
        if (have < 3) {
            throw new UserError(settings.model() + ": the reference has " + have + " reflections in the resolution range "
                    + "of the target cell; check its cell and d_min/d_max");
        }
        return ref;
    }

    /** Runs the whole merge and (rank 0) writes the outputs. */
    public Result run() {
        long t0 = System.nanoTime();
        LOG.info("merging {} ({} unique reflections {}-{} A in {}, {} ranks)", settings.data().getFileName(),
                index.size(), settings.dMax(), settings.dMin(), settings.spaceGroup(), comm.size());
        double[] model = readModel();
        Merged m = merge(model);
        Result r = finish(m.sums(), m.counts(), model, m.wavelength());
        LOG.info("merged in {} s", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) * 1e-9));
        return r;
    }

    /** Reduced sums of a mark0 merge (no outputs): against the model, or mean-scaled then self-scaled. */
    public Merged merge(double[] model) {
        double[] reference = model;
        if (reference == null) {
            Merged first = pass(null);
            LOG.info("mean-scaled first pass: {} of {} crystals", first.counts.accepted(), first.counts.crystals());
            reference = first.sums.intensities();
        }
        return pass(reference);
    }

    /** Statistics, log and (rank 0) outputs for reduced sums. */
    public Result finish(MergeSums sums, Counts counts, double[] model, double wavelength) {
        List<MergeStatistics.Shell> shells = MergeStatistics.compute(index, sums, model, settings.nBins());
        String header = String.format(Locale.ROOT,
                "# %s: %d crystals, %d merged, %d rejected by unit cell (uc_tolerance %.2f), %d by correlation "
                        + "(min_corr %.2f), %d observations%n", settings.data().getFileName(), counts.crystals(),
                counts.accepted(), counts.rejectedCell(), settings.ucTolerance(), counts.rejectedCorrelation(),
                settings.minCorr(), counts.observations());
        if (comm.rank() == 0) {
            LOG.info("{}", header.trim());
            LOG.info("statistics:\n{}", MergeStatistics.table(shells));
            MergeOutputs.write(settings, index, sums, shells, wavelength, header);
        }
        return new Result(index, sums, shells, counts, model, wavelength);
    }

    /** Sums of one pass reduced over ranks, its counts and the mean wavelength of its crystals. */
    public record Merged(MergeSums sums, Counts counts, double wavelength) {
    }

    private Merged pass(double[] reference) {
        MergeSums sums = new MergeSums(index.size());
        Observations obs = new Observations();
        double[] ref = new double[256];
        double[] tally = new double[7]; // crystals, accepted, cell, corr, observations, sum wavelength, n wavelength
        double expectedMean = Math.max(1, settings.nResidues() * SIGMA_Z2_PER_RESIDUE
                * settings.spaceGroup().allOps().size());
        int rank = comm.rank(), size = comm.size();
        int total = CrystfelStream.read(settings.data(), i -> i % size == rank, c -> {
            tally[0]++;
            if (Double.isFinite(c.wavelength())) {
                tally[5] += c.wavelength();
                tally[6]++;
            }
            if (!c.cell().isWithin(settings.targetCell(), settings.ucTolerance())) {
                tally[2]++;
                return;
            }
            obs.fill(c, index, settings.sigmaMin());
            double g, b = 0;
            if (reference == null) {
                double mean = 0;
                for (int i = 0; i < obs.n; i++) {
                    mean += obs.intensity[i];
                }
                mean /= Math.max(1, obs.n);
                if (obs.n < 3 || !(mean > 0)) {
                    tally[3]++;
                    return;
                }
                g = mean / expectedMean;
            } else {
                double[] r = ref.length >= obs.n ? ref : new double[obs.unique.length];
                obs.referenceOf(reference, r);
                CrystalScaler.Fit fit = CrystalScaler.fit(obs.intensity, r, obs.s2, obs.n, settings.bFactor());
                if (!fit.usable(settings.minCorr())) {
                    tally[3]++;
                    return;
                }
                g = fit.g();
                b = fit.b();
            }
            tally[1]++;
            int half = c.index() % 2;
            for (int i = 0; i < obs.n; i++) {
                double scale = g * Math.exp(-2 * b * obs.s2[i]);
                sums.add(obs.unique[i], obs.intensity[i] / scale, obs.sigma[i] / scale, half);
            }
            tally[4] += obs.n;
            if (rank == 0 && (int) tally[0] % 500 == 0) {
                LOG.info("rank 0: {} crystals read", (int) tally[0]);
            }
        });
        sums.allreduce(comm);
        comm.allreduceSum(tally);
        if (total == 0) {
            throw new UserError(settings.data() + ": the stream holds no indexed crystals ('--- Begin crystal'); "
                    + "check indexamajig's output");
        }
        Counts counts = new Counts((int) tally[0], (int) tally[1], (int) tally[2], (int) tally[3], (long) tally[4]);
        if (counts.accepted() == 0) {
            throw new UserError(settings.data().getFileName() + ": none of " + counts.crystals() + " crystals was merged ("
                    + counts.rejectedCell() + " off the target cell by more than uc_tolerance "
                    + settings.ucTolerance() + ", " + counts.rejectedCorrelation() + " below min_corr); check "
                    + "target_unit_cell, target_space_group and the reference");
        }
        return new Merged(sums, counts, tally[6] > 0 ? tally[5] / tally[6] : Double.NaN);
    }
}
