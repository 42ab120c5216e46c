package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;

/**
 * Multi-reference subtomogram refinement (e2spt_refinemulti): each iteration aligns every particle to
 * every reference, assigns it to its best, averages each class (keep, keepsig, weighbyscore; wedge-aware;
 * symmetrised), and stops early once no particle changes class. Ranks split the particles; alignments and
 * Fourier sums are summed across ranks, so every rank holds the same references.
 */
public final class SubtomoRefinement {
    private static final Logger LOG = LogManager.getLogger(SubtomoRefinement.class);
    /** Doubles per (particle, reference) alignment in the cross-rank table: score, R (9), t (3). */
    private static final int ROW = 13;

    /** The outcome: class per particle, its best alignment, all alignments, averages, iterations run. */
    public record Result(int[] membership, Hit[] best, Hit[][] all, double[][] averages, int iterations,
            boolean converged, boolean[] kept) {
    }

    private final SubtomoOptions o;
    private final VolumeStack stack;
    private final Communicator comm;
    private final int threads;
    private final SubtomoOutput output;

    /** output may be null (no files: tests, benchmarks). */
    public SubtomoRefinement(SubtomoOptions o, VolumeStack stack, Communicator comm, int threads, SubtomoOutput output) {
        o.validate();
        this.o = o;
        this.stack = stack;
        this.comm = comm;
        this.threads = threads;
        this.output = output;
    }

    public Result run() {
        return run(null);
    }

    /** Runs from the given references (edge n, any count), or from --ref / --refgenmethod when null. */
    public Result run(double[][] startReferences) {
        org.jtransforms.utils.CommonUtils.setThreadsBeginN_3D(Integer.MAX_VALUE); // we thread above the FFTs
        int n = stack.n();
        int np = stack.count();
        int rank = comm.rank(), size = comm.size();
        int lo = (int) ((long) rank * np / size), hi = (int) ((long) (rank + 1) * np / size);
        double[] maskVol = o.maskfile == null ? null : readMask(n);
        Processor norm = normalizer(n, maskVol);
        List<double[]> particles = new ArrayList<>();
        for (double[] v : stack.volumes()) {
            double[] c = v.clone();
            Processor.applyAll(c, n, 1, norm);
            particles.add(c);
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            ParticleAligner aligner = new ParticleAligner(o, n, maskVol, pool);
            SymmetryGroup sym = SymmetryGroup.parse(o.sym);
            LOG.info("{} particles of {}^3 on {} ranks x {} threads; coarse {}^3 over {} orientations (delta {}, dphi {}, "
                    + "sym {}), fine {}^3 over {} local rotations", np, n, size, threads, aligner.coarseSize(),
                    aligner.orientations().size(), o.coarseDelta(), o.coarseDphi(), sym.name(), aligner.fineSize(),
                    aligner.localGridSize());
            double[][] refs = startReferences != null ? startReferences.clone() : initialReferences(aligner, particles, n);
            int nref = refs.length;
            List<Target>[] mine = aligner.targets(particles.subList(lo, hi));
            int[] previous = null;
            Result result = null;
            for (int it = 1; it <= o.iter; it++) {
                long t0 = System.nanoTime();
                final int iteration = it;
                int total = aligner.orientations().size();
                Hit[][] local = aligner.align(mine[0], mine[1], refs, done -> {
                    if (done % Math.max(1, total / 10) == 0 || done == total) {
                        LOG.info("iteration {}: coarse search {}%", iteration, 100L * done / total);
                    }
                });
                Hit[][] all = gather(local, lo, np, nref);
                int[] membership = new int[np];
                Hit[] best = new Hit[np];
                for (int i = 0; i < np; i++) {
                    int k = 0;
                    for (int j = 1; j < nref; j++) {
                        if (all[i][j].score() > all[i][k].score()) {
                            k = j;
                        }
                    }
                    membership[i] = k;
                    best[i] = all[i][k];
                }
                boolean[] kept = keep(membership, best, nref);
                int[] sizes = classSizes(membership, nref);
                for (int k = 0; k < nref; k++) {
                    if (sizes[k] == 0) {
                        LOG.warn("iteration {}: class {} is empty; its average is zero and will attract no particles", it, k);
                    }
                }
                double[][] averages = average(particles, membership, best, kept, lo, hi, nref, n, sym);
                int moved = 0;
                if (previous != null) {
                    for (int i = 0; i < np; i++) {
                        if (previous[i] != membership[i]) {
                            moved++;
                        }
                    }
                }
                boolean converged = previous != null && moved == 0;
                result = new Result(membership, best, all, averages, it, converged, kept);
                LOG.info("iteration {}: {} s; class sizes {}; {} moved; mean score {}", it,
                        String.format("%.1f", (System.nanoTime() - t0) / 1e9), Arrays.toString(classSizes(membership, nref)),
                        previous == null ? "-" : Integer.toString(moved), String.format("%.4f", meanScore(best)));
                if (o.verbose > 0) {
                    for (int i = 0; i < np; i++) {
                        LOG.info("particle {} -> class {} score {}", i, membership[i], String.format("%.4f", best[i].score()));
                    }
                }
                if (output != null) {
                    if (o.saveali && (it == o.iter || converged)) {
                        double[][] aligned = gatherAligned(particles, best, lo, hi, n);
                        if (comm.rank() == 0) {
                            output.writeAligned(it, aligned);
                        }
                    }
                    if (comm.rank() == 0) {
                        output.writeIteration(it, result, previous, it == o.iter || converged);
                    }
                }
                previous = membership;
                refs = averages;
                if (converged) {
                    LOG.info("no particle changed class: stopping after iteration {}", it);
                    break;
                }
            }
            return result;
        } finally {
            pool.shutdown();
        }
    }

    private double[][] initialReferences(ParticleAligner aligner, List<double[]> particles, int n) {
        int nref = o.nref > 0 ? o.nref : o.ref.size();
        double[][] refs;
        if (!o.ref.isEmpty()) {
            List<double[]> given = new ArrayList<>();
            for (String f : o.ref) {
                VolumeStack r = VolumeStack.read(f, "--ref");
                if (r.n() != n) {
                    throw new UserError("--ref " + f + ": volumes are " + r.n() + "^3 but the particles are " + n
                            + "^3; resample the reference to the particles' box");
                }
                given.addAll(Arrays.asList(r.volumes()));
            }
            // without --nref, every volume given is a reference (a stack file holds several)
            nref = o.nref > 0 ? o.nref : given.size();
            refs = new double[nref][];
            Processor norm = normalizer(n, o.maskfile == null ? null : readMask(n));
            for (int k = 0; k < nref; k++) {
                double[] v = given.get(Math.min(k, given.size() - 1)).clone();
                Processor.applyAll(v, n, 1, norm);
                // copies of one reference would stay identical: perturb all but the first beyond low resolution
                refs[k] = k >= given.size() ? randomizePhases(v, n, n / 8.0, o.seed + k) : v;
            }
            LOG.info("{} references from {}", nref, String.join(", ", o.ref));
            return refs;
        }
        refs = new double[nref][];
        double[] flat = new double[nref * n * n * n];
        // all ranks take part (hac splits its pairs); rank 0's result is broadcast so all hold the same bits
        double[][] g = new ReferenceGenerator(aligner, n, comm).generate(o.refGenMethod(), particles, nref, o.subset4ref,
                o.seed);
        if (comm.rank() == 0) {
            for (int k = 0; k < nref; k++) {
                System.arraycopy(g[k], 0, flat, k * n * n * n, n * n * n);
            }
        }
        comm.broadcast(flat, 0);
        for (int k = 0; k < nref; k++) {
            refs[k] = Arrays.copyOfRange(flat, k * n * n * n, (k + 1) * n * n * n);
        }
        return refs;
    }

    /** v with the phases of frequencies beyond radius r replaced by random ones (amplitudes kept). */
    static double[] randomizePhases(double[] v, int n, double r, long seed) {
        Fourier f = new Fourier(n);
        double[] s = f.forward(v);
        Random rng = new Random(seed);
        for (int x = 0; x < n; x++) {
            int fx = Fourier.freq(x, n);
            for (int y = 0; y < n; y++) {
                int fy = Fourier.freq(y, n);
                for (int z = 0; z < n; z++) {
                    int fz = Fourier.freq(z, n);
                    if (fx * fx + fy * fy + fz * fz > r * r) {
                        int i = (x * n + y) * n + z;
                        double a = Math.hypot(s[2 * i], s[2 * i + 1]), ph = 2 * Math.PI * rng.nextDouble();
                        s[2 * i] = a * Math.cos(ph);
                        s[2 * i + 1] = a * Math.sin(ph);
                    }
                }
            }
        }
        return f.inverseReal(s); // the real part: a real volume again
    }

    /** --normproc; normalize.mask takes its region from --mask (applied to ones) times --maskfile, as e2spt does. */
    Processor normalizer(int n, double[] maskVol) {
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
    private Hit[][] gather(Hit[][] local, int lo, int np, int nref) {
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
        comm.allreduceSum(t);
        Hit[][] all = new Hit[np][nref];
        for (int i = 0; i < np; i++) {
            for (int k = 0; k < nref; k++) {
                int off = (i * nref + k) * ROW;
                all[i][k] = new Hit(t[off], Arrays.copyOfRange(t, off + 1, off + 10), Arrays.copyOfRange(t, off + 10, off + 13));
            }
        }
        return all;
    }

    /** Which particles enter their class average: the best fraction --keep, or mean - keep sigma with --keepsig. */
    boolean[] keep(int[] membership, Hit[] best, int nref) {
        boolean[] kept = new boolean[membership.length];
        for (int k = 0; k < nref; k++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < membership.length; i++) {
                if (membership[i] == k) {
                    members.add(i);
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            if (o.keepsig) {
                double mean = 0, ss = 0;
                for (int i : members) {
                    mean += best[i].score() / members.size();
                }
                for (int i : members) {
                    ss += Math.pow(best[i].score() - mean, 2) / members.size();
                }
                double thr = mean - o.keep * Math.sqrt(ss);
                for (int i : members) {
                    kept[i] = best[i].score() >= thr;
                }
            } else {
                members.sort((a, b) -> Double.compare(best[b].score(), best[a].score()));
                int count = Math.max(1, (int) Math.ceil(o.keep * members.size() - 1e-9));
                for (int j = 0; j < count; j++) {
                    kept[members.get(j)] = true;
                }
            }
        }
        return kept;
    }

    private double[][] average(List<double[]> particles, int[] membership, Hit[] best, boolean[] kept, int lo, int hi,
            int nref, int n, SymmetryGroup sym) {
        double[][] out = new double[nref][];
        for (int k = 0; k < nref; k++) {
            WedgeAverager avg = new WedgeAverager(n);
            for (int i = lo; i < hi; i++) {
                if (membership[i] == k && kept[i]) {
                    avg.add(particles.get(i), best[i], o.weighbyscore ? Math.max(best[i].score(), 0) : 1);
                }
            }
            comm.allreduceSum(avg.accumulator());
            double[] a = avg.average();
            if (sym.order() > 1 && !o.breaksym) {
                a = sym.symmetrize(a, n);
            }
            if (o.autocenter != null && !o.autocenter.isBlank()) {
                a = centerOfMass(a, n);
            }
            out[k] = a;
        }
        return out;
    }

    /** Shifts a volume so the centre of mass of its positive density sits at the box centre. */
    static double[] centerOfMass(double[] v, int n) {
        double sx = 0, sy = 0, sz = 0, w = 0;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double d = Math.max(0, v[(x * n + y) * n + z]);
                    sx += d * x;
                    sy += d * y;
                    sz += d * z;
                    w += d;
                }
            }
        }
        if (w == 0) {
            return v;
        }
        double c = n / 2;
        double[] u = {sx / w - c, sy / w - c, sz / w - c};
        double[] out = new double[v.length];
        VolumeTransform.apply(v, n, Rotations.identity(), u, out);
        return out;
    }

    private double[][] gatherAligned(List<double[]> particles, Hit[] best, int lo, int hi, int n) {
        double[][] out = new double[particles.size()][];
        int size = comm.size();
        for (int i = 0; i < particles.size(); i++) {
            int owner = 0;
            while ((int) ((long) (owner + 1) * particles.size() / size) <= i) {
                owner++;
            }
            double[] buf = i >= lo && i < hi ? VolumeTransform.align(particles.get(i), n, best[i].rotation(), best[i].shift())
                    : new double[n * n * n];
            comm.broadcast(buf, owner);
            out[i] = buf;
        }
        return out;
    }

    private static int[] classSizes(int[] membership, int nref) {
        int[] c = new int[nref];
        for (int m : membership) {
            c[m]++;
        }
        return c;
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
            if (!java.nio.file.Files.exists(p)) {
                return p;
            }
        }
        throw new UserError("no free spt_refinemulti_NN folder name in " + parent + "; give --path");
    }
}
