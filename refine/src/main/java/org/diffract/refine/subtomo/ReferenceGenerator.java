package org.diffract.refine.subtomo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.LocalCommunicator;

/**
 * Initial references from the particles themselves (e2spt_refinemulti's --refgenmethod over
 * --subset4ref particles): random (plain averages of random disjoint subsets), bt (each subset aligned
 * and averaged pairwise up a binary tree) or hac (average-linkage agglomerative clustering of the
 * pairwise alignment scores into nref clusters, each then averaged as bt does). Every rank runs it
 * with the same seed, so all reach the same references; hac splits its pair alignments over the ranks.
 */
public final class ReferenceGenerator {
    private static final Logger LOG = LogManager.getLogger(ReferenceGenerator.class);

    private final ParticleAligner aligner;
    private final int n;
    private final Communicator comm;

    public ReferenceGenerator(ParticleAligner aligner, int n) {
        this(aligner, n, new LocalCommunicator());
    }

    /** With several ranks, hac's pairwise alignments are split over them (rows of the score matrix). */
    public ReferenceGenerator(ParticleAligner aligner, int n, Communicator comm) {
        this.aligner = aligner;
        this.n = n;
        this.comm = comm;
    }

    public double[][] generate(String method, List<double[]> particles, int nref, int subset, long seed) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < particles.size(); i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(seed));
        int s = subset > 0 ? Math.min(subset, idx.size()) : idx.size();
        idx = new ArrayList<>(idx.subList(0, s));
        if (s < nref) {
            throw new org.diffract.core.UserError("--subset4ref " + s + " particles cannot make " + nref
                    + " references; give at least --nref particles");
        }
        List<List<Integer>> groups = method.equals("hac") ? hac(particles, idx, nref) : split(idx, nref);
        double[][] refs = new double[nref][];
        for (int k = 0; k < nref; k++) {
            List<double[]> members = new ArrayList<>();
            for (int i : groups.get(k)) {
                members.add(particles.get(i));
            }
            refs[k] = method.equals("random") ? mean(members) : binaryTree(members);
            LOG.info("initial reference {} from {} particles ({})", k, members.size(), method);
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

    private double[] mean(List<double[]> vols) {
        double[] m = new double[vols.get(0).length];
        for (double[] v : vols) {
            for (int i = 0; i < m.length; i++) {
                m[i] += v[i] / vols.size();
            }
        }
        return m;
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
        return aligner.align(t[0], t[1], new double[][] {ref}, d -> { })[0][0];
    }

    /** Average-linkage clustering on pairwise alignment scores (all pairs of the subset). */
    private List<List<Integer>> hac(List<double[]> particles, List<Integer> idx, int nref) {
        int s = idx.size();
        double[][] sim = new double[s][s];
        List<double[]> vols = new ArrayList<>();
        for (int i : idx) {
            vols.add(particles.get(i));
        }
        List<Target>[] t = aligner.targets(vols);
        double[] flat = new double[s * s];
        for (int i = comm.rank(); i < s - 1; i += comm.size()) {
            // one reference against all later particles in one pass over the orientations
            Hit[][] h = aligner.align(t[0].subList(i + 1, s), t[1].subList(i + 1, s), new double[][] {vols.get(i)}, d -> { },
                    false);
            for (int j = i + 1; j < s; j++) {
                flat[i * s + j] = h[j - i - 1][0].score();
            }
            LOG.info("hac: pairwise alignments of particle {} of {} done", i + 1, s);
        }
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
                    double link = sum / (clusters.get(a).size() * clusters.get(b).size());
                    if (link > best) {
                        best = link;
                        ba = a;
                        bb = b;
                    }
                }
            }
            clusters.get(ba).addAll(clusters.remove(bb));
        }
        List<List<Integer>> out = new ArrayList<>();
        for (List<Integer> c : clusters) {
            List<Integer> g = new ArrayList<>();
            for (int i : c) {
                g.add(idx.get(i));
            }
            out.add(g);
        }
        return out;
    }
}
