package org.diffract.correlate;

import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.WorkerPool;

/**
 * The correlate steps on one rank, as RingData's SACLA workflow: {@link CenterStep}, {@link PolarStep},
 * {@link PairsStep} and {@link DiffCorrStep}, alone or all in a row. Threads come from one
 * {@link WorkerPool} of {@code threads} workers per rank.
 */
public final class CorrelateRun implements AutoCloseable {
    private final CorrelateSettings s;
    private final Communicator comm;
    private final WorkerPool pool;

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
            case PAIRS -> pairs(PairsStep.readTags(s));
            case DIFFCORR -> {
                PolarData p = readPolar(s.polarFile());
                correlate(p, pairs(p.tags()));
            }
            case RUN -> {
                double[] c = s.geometry().hasCenter() ? CenterStep.centre(s) : fitToCentre(center());
                PolarData p = polar(c);
                correlate(p, pairs(p.tags()));
            }
        }
    }

    private static double[] fitToCentre(RingFit f) {
        return new double[] {f.xCenter(), f.yCenter()};
    }

    public RingFit center() {
        return new CenterStep(s, comm).run();
    }

    public PolarData polar(double[] centre) {
        return new PolarStep(s, comm).run(centre);
    }

    public TagPairs pairs(long[] tags) {
        return new PairsStep(s, comm).run(tags);
    }

    public CorrelationSums correlate(PolarData p, TagPairs pairs) {
        return new DiffCorrStep(s, comm, pool).run(p, pairs);
    }

    /** Reads what the polar step wrote. */
    public static PolarData readPolar(java.nio.file.Path file) {
        return PolarStep.readPolar(file);
    }

    /** Sums pairs [from, to) with the pool's workers, each with its own correlator (the bench's entry). */
    public static CorrelationSums sumPairs(PolarData p, TagPairs pairs, int from, int to, WorkerPool pool, int q1,
                                           int q2) {
        return DiffCorrStep.sumPairs(p, pairs, from, to, pool, q1, q2, false, false);
    }

    @Override
    public void close() {
        pool.close();
    }
}
