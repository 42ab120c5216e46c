package org.diffract.refine.subtomo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.LocalCommunicator;

/**
 * Initial references from the particles themselves (e2spt_refinemulti's --refgenmethod over --subset4ref
 * particles per reference): random (plain averages of random disjoint subsets), bt (each subset aligned and
 * averaged pairwise up a binary tree) or hac (average-linkage agglomerative clustering of the pairwise
 * alignment scores into nref clusters, each then averaged as bt does). Particles stay on the rank that read
 * them: random sums each rank's share; bt and hac copy only the chosen subset to every rank (at most
 * {@link SubtomoOptions#HAC_DEFAULT_PER_REF} or {@link #BT_DEFAULT_PER_REF} per reference unless
 * --subset4ref says otherwise), split the pair alignments (hac) and the references (bt) over the ranks, and
 * share the results, so every rank ends with the same references.
 */
public final class ReferenceGenerator {
    private static final Logger LOG = LogManager.getLogger(ReferenceGenerator.class);
    /** bt's default subset per reference (EMAN2's e2spt_binarytree takes at most 64 in all). */
    public static final int BT_DEFAULT_PER_REF = 32;

    private final ParticleAligner aligner;
    private final int n;
    private final Communicator comm;

    public ReferenceGenerator(ParticleAligner aligner, int n) {
        this(aligner, n, new LocalCommunicator());
    }

    public ReferenceGenerator(ParticleAligner aligner, int n, Communicator comm) {
        this.aligner = aligner;
        this.n = n;
        this.comm = comm;
    }

    /** All particles on this one process (tests): subset = particles per reference, 0 for the default. */
    public double[][] generate(String method, List<double[]> particles, int nref, int subset, long seed) {
        return generate(method, LocalParticles.of(particles, n), nref, subset, seed);
    }

    double[][] generate(String method, LocalParticles local, int nref, int perRef, long seed) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < local.count; i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(seed));
        int cap = perRef > 0
                ? perRef * nref
                : switch (method) {
                    case "hac" -> SubtomoOptions.HAC_DEFAULT_PER_REF * nref;
                    case "bt" -> BT_DEFAULT_PER_REF * nref;
                    default -> idx.size();
                };
        int s = Math.min(cap, idx.size());
        if (s < nref) {
            throw new UserError("--nref " + nref + ": the input has " + s + " particle" + (s == 1 ? "" : "s")
                    + ", fewer than the references to make from them; give --nref " + s
                    + " or less, or more particles");
        }
        idx = new ArrayList<>(idx.subList(0, s));
        if (method.equals("random")) {
            return randomMeans(local, split(idx, nref));
        }
        List<double[]> vols = share(local, idx);
        List<List<Integer>> groups = method.equals("hac") ? hac(vols, nref) : split(range(s), nref);
        double[] flat = new double[nref * n * n * n];
        for (int k = comm.rank(); k < nref; k += comm.size()) {
            List<double[]> members = new ArrayList<>();
            for (int i : groups.get(k)) {
                members.add(vols.get(i));
            }
            System.arraycopy(binaryTree(members), 0, flat, k * n * n * n, n * n * n);
            LOG.info("initial reference {} from {} particles ({})", k, members.size(), method);
        }
        comm.allreduceSum(flat); // each reference was made by one rank, the others hold zeros there
        double[][] refs = new double[nref][];
        for (int k = 0; k < nref; k++) {
            refs[k] = Arrays.copyOfRange(flat, k * n * n * n, (k + 1) * n * n * n);
        }
        return refs;
    }

    private static List<Integer> range(int s) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            r.add(i);
        }
        return r;
    }

    /** The chosen particles on every rank, in the order of idx: each is broadcast once by its owner. */
    private List<double[]> share(LocalParticles local, List<Integer> idx) {
        List<double[]> out = new ArrayList<>();
        for (int g : idx) {
            int owner = LocalParticles.owner(local.count, g, comm.size());
            double[] buf = owner == comm.rank() ? local.volumes[g - local.lo].clone() : new double[n * n * n];
            comm.broadcast(buf, owner);
            out.add(buf);
        }
        return out;
    }

    private double[][] randomMeans(LocalParticles local, List<List<Integer>> groups) {
        int n3 = n * n * n, nref = groups.size();
        double[] sums = new double[nref * n3];
        for (int k = 0; k < nref; k++) {
            for (int g : groups.get(k)) {
                if (g >= local.lo && g < local.hi) {
                    double[] v = local.volumes[g - local.lo];
                    for (int i = 0; i < n3; i++) {
                        sums[k * n3 + i] += v[i] / groups.get(k).size();
                    }
                }
            }
        }
        comm.allreduceSum(sums);
        double[][] refs = new double[nref][];
        for (int k = 0; k < nref; k++) {
            refs[k] = Arrays.copyOfRange(sums, k * n3, (k + 1) * n3);
            LOG.info(
                    "initial reference {} from {} particles (random)",
                    k,
                    groups.get(k).size());
        }
        return refs;
    }

    private static List<List<Integer>> split(List<Integer> idx, int nref) {
        List<List<Integer>> g = new ArrayList<>();
        for (int k = 0; k < nref; k++) {
            g.add(new ArrayList<>());
        }
        for (int i = 0; i < idx.size(); i++) {
            g.get(i % nref).add(idx.get(i));
        }
        return g;
    }

    /** Aligns pairs and averages them (wedge-aware), level by level, until one volume is left. */
    double[] binaryTree(List<double[]> vols) {
        List<double[]> level = new ArrayList<>(vols);
        while (level.size() > 1) {
            List<double[]> next = new ArrayList<>();
            for (int i = 0; i + 1 < level.size(); i += 2) {
                double[] a = level.get(i), b = level.get(i + 1);
                Hit h = alignOne(a, b);
                WedgeAverager avg = new WedgeAverager(n);
                avg.add(a, new Hit(1, Rotations.identity(), new double[3]), 1);
                avg.add(b, h, 1);
                next.add(avg.average());
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level = next;
        }
        return level.get(0);
    }

    private Hit alignOne(double[] ref, double[] particle) {
        List<Target>[] t = aligner.targets(List.of(particle));
        return aligner.align(t[0], t[1], new double[][] {ref}, d -> {})[0][0];
    }

    /** Average-linkage clustering on pairwise alignment scores (all pairs of the subset; rows split over ranks). */
    private List<List<Integer>> hac(List<double[]> vols, int nref) {
        int s = vols.size();
        double[][] sim = new double[s][s];
        List<Target>[] t = aligner.targets(vols);
        double[] flat = new double[s * s];
        for (int i = comm.rank(); i < s - 1; i += comm.size()) {
            // one reference against all later particles in one pass over the orientations
            Hit[][] h = aligner.align(
                    t[0].subList(i + 1, s), t[1].subList(i + 1, s), new double[][] {vols.get(i)}, d -> {}, false);
            for (int j = i + 1; j < s; j++) {
                flat[i * s + j] = h[j - i - 1][0].score();
            }
        }
        LOG.info("hac: {} pairwise alignments done", s * (s - 1) / 2);
        comm.allreduceSum(flat);
        for (int i = 0; i < s; i++) {
            for (int j = i + 1; j < s; j++) {
                sim[i][j] = sim[j][i] = flat[i * s + j];
            }
        }
        List<List<Integer>> clusters = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            clusters.add(new ArrayList<>(List.of(i)));
        }
        while (clusters.size() > nref) {
            int ba = 0, bb = 1;
            double best = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < clusters.size(); a++) {
                for (int b = a + 1; b < clusters.size(); b++) {
                    double sum = 0;
                    for (int i : clusters.get(a)) {
                        for (int j : clusters.get(b)) {
                            sum += sim[i][j];
                        }
                    }
                    double link =
                            sum / (clusters.get(a).size() * clusters.get(b).size());
                    if (link > best) {
                        best = link;
                        ba = a;
                        bb = b;
                    }
                }
            }
            clusters.get(ba).addAll(clusters.remove(bb));
        }
        return clusters;
    }
}
