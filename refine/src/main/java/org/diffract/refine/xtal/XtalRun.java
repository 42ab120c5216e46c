package org.diffract.refine.xtal;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;

/**
 * One merge or post-refinement run on one rank of many, as a sequence of steps: lay out the unique
 * reflections, read the reference (and the CCiso one), resolve indexing ambiguities, merge (mark0), then
 * in postrefine mode post-refine and re-merge; finally statistics, outputs and the per-crystal table
 * (rank 0 writes).
 */
public final class XtalRun {
    private static final Logger LOG = LogManager.getLogger(XtalRun.class);

    /** The outcome: the reduced sums, statistics, counts, CCiso reference and mean wavelength. */
    public record Result(
            HklIndex index,
            MergeSums sums,
            List<MergeStatistics.Shell> shells,
            Tally tally,
            double[] reference,
            double wavelength) {
        public MergeStatistics.Shell overall() {
            return shells.get(shells.size() - 1);
        }
    }

    private final XtalSettings settings;
    private final Communicator comm;
    private final int threads;
    private final HklIndex index;

    public XtalRun(XtalSettings settings, Communicator comm, int threads) {
        this.settings = settings;
        this.comm = comm;
        this.threads = Math.max(1, threads);
        Filters m = settings.merge();
        this.index = new HklIndex(
                new Asu(settings.spaceGroup()),
                settings.targetCell(),
                m.dMin(),
                m.dMax(),
                settings.target().anomalous());
        if (index.size() == 0) {
            throw new UserError(settings.configFile().getFileName() + ": no reflections between d_min " + m.dMin()
                    + " and d_max " + m.dMax() + " A for the target cell; widen the range");
        }
    }

    public HklIndex index() {
        return index;
    }

    public Result run() {
        long t0 = System.nanoTime();
        LOG.info(
                "{} of {}: {} unique reflections {}-{} A in {}{}, {} ranks x {} threads",
                settings.mode().word(),
                settings.data().getFileName(),
                index.size(),
                settings.merge().dMax(),
                settings.merge().dMin(),
                settings.spaceGroup(),
                settings.target().anomalous() ? " (anomalous)" : "",
                comm.size(),
                threads);
        XtalSettings.Input in = settings.input();
        double[] model = in.model() == null
                ? null
                : ReferenceIntensities.load(in.model(), index, settings.spaceGroup(), comm, threads);
        double[] iso = in.isoReference() == null
                ? model
                : ReferenceIntensities.load(in.isoReference(), index, settings.spaceGroup(), comm, threads);
        IndexingAmbiguity ambiguity = new IndexingAmbiguity(settings.spaceGroup());
        int[] settingOf = resolveAmbiguity(ambiguity);
        MergeStep merge = new MergeStep(settings, index, comm, settingOf, ambiguity);
        CrystalTable table = new CrystalTable();
        MergeStep.Merged result;
        if (settings.mode() == Mode.MERGE) {
            result = merge.run(model, table);
        } else {
            MergeStep.Merged start = merge.run(model, null);
            result = new PostrefineStep(settings, index, comm, threads, merge).run(start, model, iso, table);
        }
        Result r = finish(result, iso, table);
        LOG.info(
                "{} done in {} s",
                settings.mode().word(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) * 1e-9));
        return r;
    }

    /** Each crystal's indexing setting by stream index, or null when the group has no ambiguity (or it is off). */
    private int[] resolveAmbiguity(IndexingAmbiguity ambiguity) {
        if (ambiguity.size() == 1 || settings.ambiguity().mode() == XtalSettings.AmbiguityMode.NONE) {
            return null;
        }
        int total = CrystfelStream.read(settings.data(), i -> false, c -> {});
        AmbiguityResolver resolver = new AmbiguityResolver(settings, ambiguity, comm);
        Path refFile = settings.ambiguity().reference() != null
                ? settings.ambiguity().reference()
                : settings.input().model();
        double[] ref = refFile == null
                ? null
                : ReferenceIntensities.load(refFile, resolver.index(), settings.spaceGroup(), comm, threads);
        return resolver.resolve(ref, total);
    }

    private Result finish(MergeStep.Merged merged, double[] iso, CrystalTable table) {
        List<MergeStatistics.Shell> shells = MergeStatistics.compute(
                index, merged.sums(), iso, settings.output().nBins());
        Tally t = merged.tally();
        XtalSettings.Scaling sc = settings.scaling();
        String header = String.format(
                Locale.ROOT,
                "# %s: %d crystals, %d merged, %d rejected by unit cell (uc_tolerance %.2f %%%s), %d by correlation "
                        + "(frame_accept_min_cc %.2f), %d by B (b_max %.0f), %d by scale drift (factor %.1f), %d with too "
                        + "few reflections; %d observations%n",
                settings.data().getFileName(),
                t.crystals(),
                t.merged(),
                t.count(Verdict.CELL),
                settings.merge().ucTolerance(),
                Double.isFinite(settings.target().ucToleranceDeg())
                        ? String.format(
                                Locale.ROOT,
                                ", angles %.2f deg",
                                settings.target().ucToleranceDeg())
                        : "",
                t.count(Verdict.LOW_CC),
                sc.frameAcceptMinCc(),
                t.count(Verdict.B_BOUNDS),
                sc.bMax(),
                t.count(Verdict.SCALE_DRIFT),
                sc.scaleDriftMax(),
                t.count(Verdict.TOO_FEW),
                t.observations());
        List<CrystalRecord> rows = table.gather(comm);
        if (comm.rank() == 0) {
            LOG.info("crystals: {} of {} ({})", t.merged(), t.crystals(), t.summary());
            LOG.info("statistics:\n{}", MergeStatistics.table(shells));
            int dropped = MergeOutputs.write(settings, index, merged.sums(), shells, merged.wavelength(), header);
            if (dropped > 0) {
                LOG.info(
                        "{} merged intensities <= 0 left out of {} (kept in the .hkl files; include_negatives = True "
                                + "keeps them)",
                        dropped,
                        settings.output(".mtz").getFileName());
            }
            CrystalTable.write(settings, rows);
            LOG.info(
                    "wrote {} and {}",
                    settings.output("_crystals.h5").getFileName(),
                    settings.output("_crystals.txt").getFileName());
        }
        return new Result(index, merged.sums(), shells, t, iso, merged.wavelength());
    }
}
