package org.diffract.correlate;

import java.util.Arrays;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * The correlate steps on one rank, as RingData's SACLA workflow: {@link CenterStep}, {@link PolarStep},
 * {@link PairsStep} and {@link DiffCorrStep}, alone or all in a row. {@code run} with consecutive pairs
 * correlates them while the polar step streams the shots ({@link ConsecutivePairs}); other pairs are read
 * back from polar.h5. Threads come from one {@link WorkerPool} of {@code threads} workers per rank.
 */
public final class CorrelateRun implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(CorrelateRun.class);

    private final CorrelateSettings s;
    private final Communicator comm;
    private final WorkerPool pool;
    private ShotFile shots;

    public CorrelateRun(CorrelateSettings settings, Communicator comm, int threads) {
        this.s = settings;
        this.comm = comm;
        this.pool = new WorkerPool(Math.max(1, threads), "correlate");
    }

    /** Runs a named step: center, polar, pairs, diffcorr or run (all of them). */
    public void step(String name) {
        step(CorrelateStep.parse(name));
    }

    public void step(CorrelateStep step) {
        switch (step) {
            case CENTER -> center();
            case POLAR -> polar(CenterStep.centre(s));
            case PAIRS -> pairs(tags());
            case DIFFCORR -> diffcorr();
            case RUN -> run();
        }
    }

    /** The shots, opened once (a SACLA index costs a pass over the file). */
    private ShotFile shots() {
        if (shots == null) {
            shots = s.openShots();
        }
        return shots;
    }

    private long[] tags() {
        return Arrays.copyOf(shots().tags(), s.usable(shots().count()));
    }

    public RingFit center() {
        return new CenterStep(s, comm, shots()).run();
    }

    /** The polar step alone: polar.h5 and polar.png. */
    public PolarMeta polar(double[] centre) {
        PolarStep step = new PolarStep(s, comm, pool, shots());
        return step.run(step.layout(centre), null, true);
    }

    public TagPairs pairs(long[] tags) {
        return new PairsStep(s, comm).run(tags);
    }

    /**
     * The diffcorr step alone: the pairs step's pairs.json (made again, and said so, when the pair settings
     * changed since), the shots read back from polar.h5.
     */
    public CorrelationSums diffcorr() {
        try (PolarFile polar = PolarFile.open(s.polarFile())) {
            TagPairs pairs = new PairsStep(s, comm).forDiffcorr(polar.meta().tags());
            return correlate(polar.meta(), polar, pairs);
        }
    }

    private CorrelationSums correlate(PolarMeta meta, PolarImages images, TagPairs pairs) {
        DiffCorrStep step = new DiffCorrStep(s, comm, pool);
        step.checkRings(meta);
        PairOutput perPair = s.correlation().perPair() ? PairOutput.open(s, comm, meta, pairs) : null;
        try {
            CorrelationSums sums = step.correlate(meta, images, pairs, perPair);
            return finish(step, meta, pairs, sums, perPair);
        } finally {
            if (perPair != null) {
                perPair.close();
            }
        }
    }

    private CorrelationSums finish(
            DiffCorrStep step, PolarMeta meta, TagPairs pairs, CorrelationSums sums, PairOutput perPair) {
        if (perPair != null) {
            perPair.finish();
        }
        sums.reduce(comm);
        if (comm.rank() == 0) {
            step.write(meta, pairs, sums);
        }
        return sums;
    }

    /** All steps: the centre (fitted unless the config gives it), then polar, pairs and diffcorr. */
    public CorrelationSums run() {
        double[] centre = s.geometry().hasCenter() ? CenterStep.centre(s) : fitToCentre(center());
        TagPairs pairs = pairs(tags());
        if (!ConsecutivePairs.applies(pairs)) {
            PolarMeta meta = polar(centre);
            try (PolarFile polar = PolarFile.open(s.polarFile())) {
                return correlate(meta, polar, pairs);
            }
        }
        PolarStep polar = new PolarStep(s, comm, pool, shots());
        PolarStep.Layout layout = polar.layout(centre);
        DiffCorrStep diffcorr = new DiffCorrStep(s, comm, pool);
        diffcorr.checkRings(layout.meta());
        if (comm.rank() == 0) {
            LOG.info("run: the {} consecutive pairs are correlated as the polar step streams the shots", pairs.size());
        }
        PairOutput perPair = s.correlation().perPair() ? PairOutput.open(s, comm, layout.meta(), pairs) : null;
        try {
            ConsecutivePairs stream =
                    new ConsecutivePairs(layout.meta(), pairs, s.correlation(), perPair, pool.threads());
            PolarMeta meta = polar.run(layout, stream, true);
            int n = meta.shots();
            CorrelationSums sums = stream.finish(
                    comm, Blocks.start(n, comm.size(), comm.rank()), Blocks.end(n, comm.size(), comm.rank()));
            return finish(diffcorr, meta, pairs, sums, perPair);
        } finally {
            if (perPair != null) {
                perPair.close();
            }
        }
    }

    private static double[] fitToCentre(RingFit f) {
        return new double[] {f.xCenter(), f.yCenter()};
    }

    /** Sums pairs [from, to) of in-memory images with the pool's workers (the bench's entry). */
    public static CorrelationSums sumPairs(
            PolarData p, TagPairs pairs, int from, int to, WorkerPool pool, int q1, int q2) {
        return DiffCorrStep.sumPairs(
                p,
                p.meta(),
                pairs,
                from,
                to,
                pool,
                new CorrelateSettings.Correlation(q1, q2, false, 0, false),
                null,
                false);
    }

    @Override
    public void close() {
        try {
            if (shots != null) {
                shots.close();
            }
        } finally {
            pool.close();
        }
    }
}
