package org.diffract.refine.xtal;

import java.util.Arrays;

import org.diffract.core.UserError;

/**
 * Every symmetry-unique, not systematically absent reflection of the target cell and space group with
 * d in [dMin, dMax], numbered 0..n-1 in order of decreasing d. All ranks build the same list, so
 * per-reflection sums are plain arrays that reduce element-wise across ranks; it is also the set of
 * possible reflections that completeness counts against. Anomalous: an acentric reflection has two
 * numbers, its I(+) and right after it its Bijvoet mate I(-), both named by the ASU representative.
 */
public final class HklIndex {
    private final Asu asu;
    private final UnitCell cell;
    private final boolean anomalous;
    private final int[] h, k, l;
    private final double[] d;
    /** anomalous: whether number i is an I(-) and the number of its Friedel partner (-1: centric, or not anomalous) */
    private final boolean[] minus;

    private final int[] mate;
    private final LongIntMap lookup;
    private final int[] scratch = new int[3];

    public HklIndex(Asu asu, UnitCell cell, double dMin, double dMax) {
        this(asu, cell, dMin, dMax, false);
    }

    public HklIndex(Asu asu, UnitCell cell, double dMin, double dMax, boolean anomalous) {
        if (!(dMin > 0) || !(dMax > dMin)) {
            throw new UserError(
                    "resolution range d_min " + dMin + " .. d_max " + dMax + " A is empty; need 0 < d_min < d_max");
        }
        this.asu = asu;
        this.cell = cell;
        this.anomalous = anomalous;
        int hm = (int) Math.floor(cell.a() / dMin), km = (int) Math.floor(cell.b() / dMin);
        int lm = (int) Math.floor(cell.c() / dMin);
        long total = (2L * hm + 1) * (2L * km + 1) * (2L * lm + 1);
        if (total > 400_000_000L) {
            throw new UserError(
                    "target cell " + cell + " with d_min " + dMin + " A needs " + total + " indices: raise d_min");
        }
        double sMin = 1 / (dMax * dMax), sMax = 1 / (dMin * dMin);
        int n = 0;
        int[] th = new int[1024], tk = new int[1024], tl = new int[1024];
        double[] td = new double[1024];
        int[] rep = new int[3];
        SpaceGroup g = asu.group();
        for (int a = -hm; a <= hm; a++) {
            for (int b = -km; b <= km; b++) {
                for (int c = -lm; c <= lm; c++) {
                    double s = cell.invDSquared(a, b, c);
                    if (s < sMin || s > sMax || (a == 0 && b == 0 && c == 0)) {
                        continue;
                    }
                    asu.map(a, b, c, rep);
                    if (rep[0] != a || rep[1] != b || rep[2] != c || g.isAbsent(a, b, c)) {
                        continue;
                    }
                    if (n == th.length) {
                        th = Arrays.copyOf(th, 2 * n);
                        tk = Arrays.copyOf(tk, 2 * n);
                        tl = Arrays.copyOf(tl, 2 * n);
                        td = Arrays.copyOf(td, 2 * n);
                    }
                    th[n] = a;
                    tk[n] = b;
                    tl[n] = c;
                    td[n] = 1 / Math.sqrt(s);
                    n++;
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        final double[] dd = td;
        final int[] hh = th, kk = tk, ll = tl;
        Arrays.sort(order, (x, y) -> {
            int c = Double.compare(dd[y], dd[x]);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(hh[x], hh[y]);
            return c != 0 ? c : (kk[x] != kk[y] ? Integer.compare(kk[x], kk[y]) : Integer.compare(ll[x], ll[y]));
        });
        int slots = n;
        boolean[] centric = new boolean[n];
        for (int i = 0; i < n; i++) {
            centric[i] = !anomalous || asu.isCentric(th[i], tk[i], tl[i]);
            slots += centric[i] ? 0 : 1;
        }
        h = new int[slots];
        k = new int[slots];
        l = new int[slots];
        d = new double[slots];
        minus = new boolean[slots];
        mate = new int[slots];
        lookup = new LongIntMap(n);
        for (int i = 0, u = 0; i < n; i++) {
            int o = order[i];
            lookup.put(Asu.pack(th[o], tk[o], tl[o]), u);
            int copies = centric[o] ? 1 : 2;
            for (int c = 0; c < copies; c++, u++) {
                h[u] = th[o];
                k[u] = tk[o];
                l[u] = tl[o];
                d[u] = td[o];
                minus[u] = c == 1;
                mate[u] = copies == 2 ? (c == 0 ? u + 1 : u - 1) : -1;
            }
        }
    }

    public int size() {
        return h.length;
    }

    public int h(int i) {
        return h[i];
    }

    public int k(int i) {
        return k[i];
    }

    public int l(int i) {
        return l[i];
    }

    public double d(int i) {
        return d[i];
    }

    public Asu asu() {
        return asu;
    }

    public UnitCell cell() {
        return cell;
    }

    public boolean anomalous() {
        return anomalous;
    }

    /** Whether number i holds the I(-) of its representative (the Bijvoet mate, -h -k -l). */
    public boolean isMinus(int i) {
        return minus[i];
    }

    /** The number of i's Friedel partner (I(+) <-> I(-)), or -1 when there is none. */
    public int mate(int i) {
        return mate[i];
    }

    /**
     * The number of the unique reflection equivalent to (h, k, l), or -1 when it is outside the
     * resolution range or systematically absent. Not thread-safe (uses a scratch array).
     */
    public int find(int hh, int kk, int ll) {
        return find(hh, kk, ll, scratch);
    }

    /** Like {@link #find} but thread-safe with the caller's scratch array of 3 ints. */
    public int find(int hh, int kk, int ll, int[] scratch3) {
        boolean isMinus = asu.map(hh, kk, ll, scratch3);
        int u = lookup.get(Asu.pack(scratch3[0], scratch3[1], scratch3[2]));
        return u >= 0 && isMinus && mate[u] >= 0 ? mate[u] : u;
    }
}
