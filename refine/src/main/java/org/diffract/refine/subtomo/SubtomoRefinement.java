package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.PausePoint;
import org.diffract.core.parallel.WorkerPool;

/**
 * Multi-reference subtomogram refinement (e2spt_refinemulti), run phase by phase: each rank reads and
 * normalises its own particles ({@link LocalParticles}), the references are given or generated
 * ({@link InitialReferences}), then every iteration aligns each rank's particles to every reference
 * ({@link ParticleAligner}), assigns each to its best ({@link ClassAssignment}), averages the classes across
 * the ranks ({@link ClassAverages}), checkpoints it ({@link SubtomoCheckpoint}) and writes the iteration
 * ({@link SubtomoOutput}); it stops early once no particle changes class. {@link #resume()} continues from the
 * checkpoint of the last complete iteration. Threads come from one {@link WorkerPool} of --threads workers.
 */
public final class SubtomoRefinement {
    private static final Logger LOG = LogManager.getLogger(SubtomoRefinement.class);
    /** Doubles per (particle, reference) alignment in the cross-rank table: score, R (9), t (3). */
    private static final int ROW = 13;

    /** The outcome: class per particle, its best alignment, all alignments, averages, iterations run. */
    public record Result(
            int[] membership,
            Hit[] best,
            Hit[][] all,
            double[][] averages,
            int iterations,
            boolean converged,
            boolean[] kept) {}

    private final SubtomoOptions o;
    private final ParticleSource source;
    private final Communicator comm;
    private final int threads;
    private final SubtomoOutput output;
    private ParticleAligner aligner;
    private boolean resume;

    /** output may be null (no files: tests, benchmarks). */
    public SubtomoRefinement(
            SubtomoOptions o, ParticleSource source, Communicator comm, int threads, SubtomoOutput output) {
        o.validate();
        this.o = o;
        this.source = source;
        this.comm = comm;
        this.threads = threads;
        this.output = output;
    }

    public Result run() {
        return run(null);
    }

    /**
     * Continues from the checkpoint in the output folder (refused in one line when it was made from other particles
     * or options): that iteration's outputs are written again, then the next iterations run; the result is what an
     * uninterrupted run gives. Without a checkpoint it runs from the beginning.
     */
    public Result resume() {
        if (output == null) {
            throw new IllegalStateException("resuming needs the output folder");
        }
        resume = true;
        return run(null);
    }

    /** The aligner of the last run (the benchmark reads its FFT counts). */
    public ParticleAligner aligner() {
        return aligner;
    }

    /** Runs from the given references (edge n, any count), or from --ref / --refgenmethod when null. */
    public Result run(double[][] startReferences) {
        org.jtransforms.utils.CommonUtils.setThreadsBeginN_3D(Integer.MAX_VALUE); // we thread above the FFTs
        int n = source.n();
        o.setHeaderApix(source.apix());
        if (o.apix <= 0 && source.apix() <= 0 && comm.rank() == 0) {
            LOG.warn("--input {} has no voxel size in its header: writing 1.0 A/voxel; give --apix A", source.name());
        }
        if (comm.rank() == 0 && source.count() > 0 && source.xform(0) != null) {
            LOG.info(
                    "--input {} carries xform.align3d: read but not used as a start (the coarse search is global)",
                    source.name());
        }
        double[] maskVol = o.maskfile == null ? null : readMask(n);
        Processor norm = normalizer(o, n, maskVol);
        LocalParticles local = LocalParticles.load(o, source, comm, norm);
        try (WorkerPool pool = new WorkerPool(threads, "subtomo")) {
            aligner = new ParticleAligner(o, n, maskVol, pool);
            LOG.info(
                    "{} particles of {}^3 ({} A/voxel) on {} ranks x {} threads; this rank holds {}..{}; coarse {}^3 over {} "
                            + "orientations (delta {}, dphi {}, sym {}), fine {}^3 over {} local rotations",
                    local.count,
                    n,
                    o.voxelSize(),
                    comm.size(),
                    threads,
                    local.lo,
                    local.hi - 1,
                    aligner.coarseSize(),
                    aligner.orientations().size(),
                    o.coarseDelta(),
                    o.coarseDphi(),
                    o.sym,
                    aligner.fineSize(),
                    aligner.localGridSize());
            // every rank computes it (a collective) and reads the checkpoint itself, so all refuse a wrong one alike
            long[] fingerprint = output != null ? SubtomoCheckpoint.fingerprint(local, comm) : null;
            SubtomoCheckpoint.State resumed = resume ? resumeState(fingerprint) : null;
            if (output != null && comm.rank() == 0) {
                // after the checks: a refused --resume leaves the folder's record of the run as it was
                output.writeParameters();
            }
            double[][] refs = resumed != null
                    ? resumed.references()
                    : startReferences != null
                            ? startReferences.clone()
                            : InitialReferences.make(o, aligner, local, comm, norm);
            List<double[]> forAlignment = new ArrayList<>();
            for (int i = 0; i < local.volumes.length; i++) {
                forAlignment.add(local.forAlignment(i));
            }
            List<Target>[] mine = aligner.targets(forAlignment);
            if (output != null && o.savepreproc) {
                output.writePreprocessed(comm, local, aligner, forAlignment);
            }
            return iterate(local, refs, mine, fingerprint, resumed);
        }
    }

    /** The checkpoint to continue from, or null (none: the run starts from the beginning). */
    private SubtomoCheckpoint.State resumeState(long[] fingerprint) {
        Path dir = output.dir();
        SubtomoCheckpoint.State s = SubtomoCheckpoint.read(dir, o, source.n(), fingerprint);
        if (comm.rank() == 0) {
            int removed = output.removeUnfinished();
            if (removed > 0) {
                LOG.info("removed {} temporary files the interrupted run left unfinished in {}", removed, dir);
            }
            if (s == null) {
                LOG.info("no checkpoint in {}: starting from the beginning", dir);
            } else {
                LOG.info(
                        "resuming from {} after iteration {}{}",
                        SubtomoCheckpoint.path(dir),
                        s.iteration(),
                        s.converged() ? " (classes had stopped changing)" : "");
            }
        }
        return s;
    }

    private Result iterate(
            LocalParticles local,
            double[][] refs,
            List<Target>[] mine,
            long[] fingerprint,
            SubtomoCheckpoint.State resumed) {
        int np = local.count, nref = refs.length, n = local.n;
        ClassAverages averager = new ClassAverages(o, comm, n);
        Processor post = Processor.parse("--postprocess", o.postprocess);
        int[] previous = null;
        Result result = null;
        List<int[]> memberships = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        int first = 1;
        if (resumed != null) {
            // the checkpoint is written before its iteration's files: write them again (the same), then go on
            int k = resumed.iteration();
            memberships.addAll(resumed.memberships());
            for (double s : resumed.seconds()) {
                seconds.add(s);
            }
            ClassAssignment a = ClassAssignment.of(resumed.alignments(), o);
            boolean last = k == o.iter || resumed.converged();
            int[] before = k > 1 ? memberships.get(k - 2) : null;
            if (output != null && comm.rank() == 0) {
                output.restoreHistory(memberships.subList(0, k - 1));
            }
            result = finish(k, local, a, resumed.alignments(), refs, before, last, resumed.converged(), post);
            if (last) {
                LOG.info(
                        "the checkpoint holds the finished run (iteration {}): its outputs are written again, nothing "
                                + "is left to compute",
                        k);
                return result;
            }
            previous = a.membership();
            first = k + 1;
        }
        for (int it = first; it <= o.iter; it++) {
            long t0 = System.nanoTime();
            Hit[][] all = gather(alignLocal(local, refs, mine, it), local.lo, np, nref, it);
            ClassAssignment a = ClassAssignment.of(all, o);
            int[] sizes = a.sizes(nref);
            for (int k = 0; k < nref; k++) {
                if (sizes[k] == 0) {
                    LOG.warn(
                            "iteration {}: class {} is empty; its average is zero and will attract no particles",
                            it,
                            k);
                }
            }
            double[][] averages = averager.compute(local, a, nref, it);
            int moved = a.moved(previous);
            boolean converged = previous != null && moved == 0;
            boolean last = it == o.iter || converged;
            double secs = (System.nanoTime() - t0) / 1e9;
            LOG.info(
                    "iteration {}: {} s; class sizes {}; {} moved; mean score {}",
                    it,
                    String.format("%.1f", secs),
                    Arrays.toString(sizes),
                    previous == null ? "-" : Integer.toString(moved),
                    String.format("%.4f", meanScore(a.best())));
            if (o.verbose > 0) {
                for (int i = 0; i < np; i++) {
                    LOG.info(
                            "particle {} -> class {} score {}",
                            i,
                            a.membership()[i],
                            String.format("%.4f", a.best()[i].score()));
                }
            }
            memberships.add(a.membership());
            seconds.add(secs);
            if (output != null && comm.rank() == 0) {
                SubtomoCheckpoint.write(
                        output.dir(),
                        o,
                        n,
                        fingerprint,
                        new SubtomoCheckpoint.State(
                                it,
                                converged,
                                averages,
                                all,
                                memberships,
                                seconds.stream()
                                        .mapToDouble(Double::doubleValue)
                                        .toArray()));
            }
            result = finish(it, local, a, all, averages, previous, last, converged, post);
            previous = a.membership();
            refs = averages;
            if (converged) {
                LOG.info("no particle changed class: stopping after iteration {}", it);
                break;
            }
        }
        return result;
    }

    /**
     * The result of iteration {@code it} from its alignments and averages, and its output files (rank 0; with
     * --saveali in the last iteration all ranks send their particles): --postprocess applies to the last averages.
     */
    private Result finish(
            int it,
            LocalParticles local,
            ClassAssignment a,
            Hit[][] all,
            double[][] averages,
            int[] previous,
            boolean last,
            boolean converged,
            Processor post) {
        int nref = averages.length, n = local.n;
        double[][] reported = averages;
        if (last && post != null) {
            reported = new double[nref][];
            for (int k = 0; k < nref; k++) {
                reported[k] = averages[k].clone();
                post.apply(reported[k], n, 1);
            }
        }
        Result result = new Result(a.membership(), a.best(), all, reported, it, converged, a.kept());
        if (output != null) {
            if (comm.rank() == 0) {
                output.writeIteration(it, result, previous, last);
            }
            if (o.saveali && last) {
                output.writeAligned(comm, local, a);
            }
        }
        return result;
    }

    /** This rank's particles against every reference, as alignments of the particles themselves. */
    private Hit[][] alignLocal(LocalParticles local, double[][] refs, List<Target>[] mine, int iteration) {
        int total = aligner.orientations().size();
        Hit[][] hits = aligner.align(mine[0], mine[1], refs, done -> {
            if (done % Math.max(1, total / 10) == 0 || done == total) {
                LOG.info("iteration {}: coarse search {}%", iteration, 100L * done / total);
            }
            if (done == Math.max(1, total / 2)) {
                PausePoint.at("align", iteration, comm.rank());
            }
        });
        for (int i = 0; i < hits.length; i++) {
            for (int k = 0; k < refs.length; k++) {
                hits[i][k] = local.untwist(i, hits[i][k]);
            }
        }
        return hits;
    }

    /** --normproc; normalize.mask takes its region from --mask (applied to ones) times --maskfile, as e2spt does. */
    static Processor normalizer(SubtomoOptions o, int n, double[] maskVol) {
        Processor norm = Processor.parse("--normproc", o.normproc);
        if (norm == null || !norm.needsRegion()) {
            return norm;
        }
        double[] region = new double[n * n * n];
        Arrays.fill(region, 1);
        Processor.applyAll(region, n, 1, Processor.parse("--mask", o.mask));
        if (maskVol != null) {
            for (int i = 0; i < region.length; i++) {
                region[i] *= maskVol[i];
            }
        }
        return norm.withRegion(region);
    }

    private double[] readMask(int n) {
        VolumeStack m = VolumeStack.read(o.maskfile, "--maskfile");
        if (m.n() != n || m.count() != 1) {
            throw new UserError("--maskfile " + o.maskfile + ": needs one volume of " + n + "^3 like the particles");
        }
        return m.volumes()[0];
    }

    /** Every rank's alignments of its particles to every rank: one summed table. */
    private Hit[][] gather(Hit[][] local, int lo, int np, int nref, int iteration) {
        double[] t = new double[np * nref * ROW];
        for (int i = 0; i < local.length; i++) {
            for (int k = 0; k < nref; k++) {
                Hit h = local[i][k];
                int off = ((lo + i) * nref + k) * ROW;
                t[off] = h.score();
                System.arraycopy(h.rotation(), 0, t, off + 1, 9);
                System.arraycopy(h.shift(), 0, t, off + 10, 3);
            }
        }
        PausePoint.at("reduce", iteration, comm.rank());
        comm.allreduceSum(t);
        Hit[][] all = new Hit[np][nref];
        for (int i = 0; i < np; i++) {
            for (int k = 0; k < nref; k++) {
                int off = (i * nref + k) * ROW;
                all[i][k] = new Hit(
                        t[off], Arrays.copyOfRange(t, off + 1, off + 10), Arrays.copyOfRange(t, off + 10, off + 13));
            }
        }
        return all;
    }

    private static double meanScore(Hit[] best) {
        double s = 0;
        for (Hit h : best) {
            s += h.score();
        }
        return s / best.length;
    }

    /** The default output folder: spt_refinemulti_NN with the next free number in {@code parent}. */
    public static Path nextFreePath(Path parent) {
        for (int i = 1; i < 100000; i++) {
            Path p = parent.resolve(String.format("spt_refinemulti_%02d", i));
            if (!Files.exists(p)) {
                return p;
            }
        }
        throw new UserError("no free spt_refinemulti_NN folder name in " + parent + "; give --path");
    }
}
