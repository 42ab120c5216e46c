package org.diffract.refine.xtal;

import java.util.Arrays;

import org.diffract.core.UserError;

/**
 * Every symmetry-unique, not systematically absent reflection of the target cell and space group with
 * d in [dMin, dMax], numbered 0..n-1 in order of decreasing d. All ranks build the same list, so
 * per-reflection sums are plain arrays that reduce element-wise across ranks; it is also the set of
 * possible reflections that completeness counts against.
 */
public final class HklIndex {
    private final Asu asu;
    private final UnitCell cell;
    private final int[] h, k, l;
    private final double[] d;
    private final LongIntMap lookup;
    private final int[] scratch = new int[3];

    public HklIndex(Asu asu, UnitCell cell, double dMin, double dMax) {
        if (!(dMin > 0) || !(dMax > dMin)) {
            throw new UserError("resolution range d_min " + dMin + " .. d_max " + dMax + " A is empty; need 0 < d_min < d_max");
        }
        this.asu = asu;
        this.cell = cell;
        int hm = (int) Math.floor(cell.a() / dMin), km = (int) Math.floor(cell.b() / dMin);
        int lm = (int) Math.floor(cell.c() / dMin);
        long total = (2L * hm + 1) * (2L * km + 1) * (2L * lm + 1);
        if (total > 400_000_000L) {
            throw new UserError("target cell " + cell + " with d_min " + dMin + " A needs " + total
                    + " indices: raise d_min");
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
        h = new int[n];
        k = new int[n];
        l = new int[n];
        d = new double[n];
        lookup = new LongIntMap(n);
        for (int i = 0; i < n; i++) {
            int o = order[i];
            h[i] = th[o];
            k[i] = tk[o];
            l[i] = tl[o];
            d[i] = td[o];
            lookup.put(Asu.pack(h[i], k[i], l[i]), i);
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

    /**
     * The number of the unique reflection equivalent to (h, k, l), or -1 when it is outside the
     * resolution range or systematically absent. Not thread-safe (uses a scratch array).
     */
    public int find(int hh, int kk, int ll) {
        asu.map(hh, kk, ll, scratch);
        return lookup.get(Asu.pack(scratch[0], scratch[1], scratch[2]));
    }

    /** Like {@link #find} but thread-safe with the caller's scratch array of 3 ints. */
    public int find(int hh, int kk, int ll, int[] scratch3) {
        asu.map(hh, kk, ll, scratch3);
        return lookup.get(Asu.pack(scratch3[0], scratch3[1], scratch3[2]));
    }
}
