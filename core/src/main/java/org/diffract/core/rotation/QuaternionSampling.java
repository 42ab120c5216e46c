package org.diffract.core.rotation;

import java.util.HashMap;
import java.util.Map;

/**
 * Dragonfly's orientation sampling for EMC: the 600-cell refined at level {@code numDiv}.
 *
 * <p>Every tetrahedral cell of the 600-cell is divided into the lattice of points with barycentric
 * coordinates k/n (k non-negative integers summing to n). Each lattice point lies in the interior of
 * exactly one vertex, edge, face or cell of the 600-cell and is generated once, from the first cell
 * containing that simplex. Points are projected radially to the unit sphere, and of each pair q, -q
 * (one rotation) only the one whose first non-zero component is positive is kept (w > 0; for w == 0
 * the sign of x, then y, then z decides; the test is exact, see {@link Cell600}). This gives
 * 10 (n + 5 n^3) rotations, the same set as Dragonfly's (Dragonfly may store a rotation as -q).
 *
 * <p>Weights are the sphere area (solid angle in S^3) each point stands for. In the flat complex all
 * lattice points own equal volume, except that the complex is not flat at vertices and edges: 20
 * tetrahedra fill only 20 * (3 acos(1/3) - pi) of the 4 pi solid angle around a vertex, and 5 fill
 * 5 acos(1/3) of the 2 pi around an edge, so those points own that fraction. Radial projection from
 * the cell's hyperplane (unit normal c, distance c.p) onto S^3 scales volume by (c.p) / |p|^4, its
 * Jacobian. Dragonfly uses the same Jacobian with empirical factors 5/6 and 35/36 for vertices and
 * edges; the factors here (0.878 and 0.980) are the exact angle fractions. Weights sum to 1.
 *
 * <p>Instances are immutable; nothing is cached statically (MPJ multicore ranks build their own).
 */
public final class QuaternionSampling {
    /** Fraction of the full solid angle around a vertex that its 20 tetrahedra fill. */
    private static final double VERTEX_FRACTION = 20 * (3 * Math.acos(1.0 / 3) - Math.PI) / (4 * Math.PI);
    /** Fraction of the full dihedral angle around an edge that its 5 tetrahedra fill. */
    private static final double EDGE_FRACTION = 5 * Math.acos(1.0 / 3) / (2 * Math.PI);

    private final int numDiv;
    private final double[] quats;
    private final double[] weights;

    private QuaternionSampling(int numDiv, double[] quats, double[] weights) {
        this.numDiv = numDiv;
        this.quats = quats;
        this.weights = weights;
    }

    /** Number of rotations 10 (n + 5 n^3) of the full sampling at level n. */
    public static long expectedCount(int numDiv) {
        long n = numDiv;
        return 10 * (n + 5 * n * n * n);
    }

    public static QuaternionSampling of(int numDiv) {
        if (numDiv < 1) {
            throw new IllegalArgumentException("num_div must be >= 1, got " + numDiv);
        }
        long expected = expectedCount(numDiv);
        if (expected > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("num_div " + numDiv + " gives too many rotations");
        }
        final int n = numDiv;
        final int count = (int) expected;
        Cell600 c600 = new Cell600();
        int[][] cells = c600.cells();
        double[] quats = new double[4 * count];
        double[] weights = new double[count];
        // Exact coordinates of the current point (2 n q_k = pa[k] + pb[k] tau), and its barycentric k.
        int[] pa = new int[4], pb = new int[4], k = new int[4];
        double[] centre = new double[4];
        Map<Long, Integer> owner = new HashMap<>();
        int out = 0;
        // Vertices, then edge, face and cell interiors (dimension d has d + 1 non-zero barycentrics).
        for (int d = 0; d < 4; d++) {
            double fraction = d == 0 ? VERTEX_FRACTION : d == 1 ? EDGE_FRACTION : 1.0;
            for (int ci = 0; ci < cells.length; ci++) {
                int[] cell = cells[ci];
                cellNormal(c600.v, cell, centre);
                for (k[0] = 0; k[0] <= n; k[0]++) {
                    for (k[1] = 0; k[1] <= n - k[0]; k[1]++) {
                        for (k[2] = 0; k[2] <= n - k[0] - k[1]; k[2]++) {
                            k[3] = n - k[0] - k[1] - k[2];
                            long key = 0;
                            int support = 0;
                            for (int j = 0; j < 4; j++) {
                                if (k[j] > 0) {
                                    // cells are ascending, so the key names the simplex uniquely
                                    key = (key << 8) | (cell[j] + 1);
                                    support++;
                                }
                            }
                            if (support != d + 1) {
                                continue;
                            }
                            Integer first = owner.putIfAbsent(key, ci);
                            if (first != null && first != ci) {
                                continue;
                            }
                            for (int c = 0; c < 4; c++) {
                                int sa = 0, sb = 0;
                                for (int j = 0; j < 4; j++) {
                                    sa += k[j] * c600.a[4 * cell[j] + c];
                                    sb += k[j] * c600.b[4 * cell[j] + c];
                                }
                                pa[c] = sa;
                                pb[c] = sb;
                            }
                            if (!Cell600.isRepresentative(pa, pb, 0)) {
                                continue;
                            }
                            if (out == count) {
                                throw new IllegalStateException("600-cell refinement overflows " + count);
                            }
                            double norm2 = 0, dot = 0;
                            for (int c = 0; c < 4; c++) {
                                double p = (pa[c] + pb[c] * Cell600.TAU) / (2.0 * n);
                                quats[4 * out + c] = p;
                                norm2 += p * p;
                                dot += p * centre[c];
                            }
                            double norm = Math.sqrt(norm2);
                            for (int c = 0; c < 4; c++) {
                                quats[4 * out + c] /= norm;
                            }
                            weights[out] = fraction * dot / (norm2 * norm2);
                            out++;
                        }
                    }
                }
            }
        }
        if (out != count) {
            throw new IllegalStateException("600-cell refinement gave " + out + " rotations, expected " + count);
        }
        normalise(weights);
        return new QuaternionSampling(numDiv, quats, weights);
    }

    /** Unit normal of the cell's hyperplane: the direction of its centroid. */
    private static void cellNormal(double[] v, int[] cell, double[] out) {
        double norm2 = 0;
        for (int c = 0; c < 4; c++) {
            double s = 0;
            for (int j = 0; j < 4; j++) {
                s += v[4 * cell[j] + c];
            }
            out[c] = s;
            norm2 += s * s;
        }
        double norm = Math.sqrt(norm2);
        for (int c = 0; c < 4; c++) {
            out[c] /= norm;
        }
    }

    private static void normalise(double[] w) {
        double sum = 0;
        for (double x : w) {
            sum += x;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
    }

    /**
     * The rotations of this sampling lying in the fundamental zone of the icosahedral group
     * {@link IcosahedralGroup}: q is kept iff no g q (g in the group, i.e. the same view of an
     * icosahedral object) is closer to the identity, |w(g q)| > |w(q)|. Ties (equal |w| within 1e-9)
     * go to the larger sign-normalised (x, y, z) in lexicographic order. The full sampling is invariant
     * under left multiplication by the group (its elements are 600-cell vertices, and multiplying by
     * one is a linear map permuting the cells), and the action is free, so exactly one rotation of each
     * orbit of 60 is kept: count() / 60 rotations. Weights are renormalised to sum 1.
     */
    public QuaternionSampling reduceIcosahedral() {
        double[][] group = IcosahedralGroup.quaternions();
        int[] keep = new int[count()];
        int kept = 0;
        double[] q = new double[4];
        double[] p = new double[4];
        for (int r = 0; r < count(); r++) {
            quaternion(r, q);
            signNormalise(q);
            boolean canonical = true;
            for (int g = 1; g < group.length && canonical; g++) {
                multiply(group[g], q, p);
                signNormalise(p);
                canonical = !closerToIdentity(p, q);
            }
            if (canonical) {
                keep[kept++] = r;
            }
        }
        double[] rq = new double[4 * kept];
        double[] rw = new double[kept];
        for (int i = 0; i < kept; i++) {
            System.arraycopy(quats, 4 * keep[i], rq, 4 * i, 4);
            rw[i] = weights[keep[i]];
        }
        normalise(rw);
        return new QuaternionSampling(numDiv, rq, rw);
    }

    private static final double TIE = 1e-9;

    /** Whether sign-normalised p beats q: larger w, then on ties larger x, y, z. */
    private static boolean closerToIdentity(double[] p, double[] q) {
        for (int c = 0; c < 4; c++) {
            if (p[c] > q[c] + TIE) {
                return true;
            }
            if (p[c] < q[c] - TIE) {
                return false;
            }
        }
        return false;
    }

    /** Makes the first component that is non-zero (beyond the tie tolerance) positive. */
    private static void signNormalise(double[] q) {
        for (int c = 0; c < 4; c++) {
            if (Math.abs(q[c]) > TIE) {
                if (q[c] < 0) {
                    for (int j = 0; j < 4; j++) {
                        q[j] = -q[j];
                    }
                }
                return;
            }
        }
    }

    /** Hamilton product a*b into out, without allocating (same formula as Quaternions.multiply). */
    static void multiply(double[] a, double[] b, double[] out) {
        double w = a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
        double x = a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2];
        double y = a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1];
        double z = a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0];
        out[0] = w;
        out[1] = x;
        out[2] = y;
        out[3] = z;
    }

    public int numDiv() {
        return numDiv;
    }

    public int count() {
        return weights.length;
    }

    /** A copy of all quaternions, 4 per rotation, w first. */
    public double[] quaternions() {
        return quats.clone();
    }

    /** A copy of the weights (sum 1). */
    public double[] weights() {
        return weights.clone();
    }

    public double weight(int r) {
        return weights[r];
    }

    public void quaternion(int r, double[] out4) {
        System.arraycopy(quats, 4 * r, out4, 0, 4);
    }
}
