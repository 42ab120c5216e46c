package org.diffract.refine.subtomo;

import java.util.Arrays;

/**
 * The score of the refinement: normalised cross-correlation in Fourier space over the voxels where both
 * volumes have power (so a missing wedge neither adds nor dilutes), within a frequency band, at every
 * shift at once through one inverse FFT. Holds per-thread scratch; not thread-safe.
 */
final class WedgeCorrelator {
    final int m;
    final int m3;
    final Fourier fft;
    private final boolean[] band;
    private final double[] prod;
    /** The cross spectrum kept for the exact sub-voxel score (fine search only). */
    private final double[] cross;

    private final double[] ramp;
    /** fsc.tomo: shell of every Fourier voxel, and per-shell scratch (cross, |P|^2, |F|^2); null for ccc.tomo. */
    private final int[] shell;

    private final double[] shellSums;

    WedgeCorrelator(int m, boolean[] band, boolean exact) {
        this(m, band, exact, false);
    }

    /**
     * exact: the score is recomputed at the sub-voxel peak from the cross spectrum (fine search); fsc: the
     * score is the mean over shells of the wedge-masked Fourier shell correlation at the peak (fsc.tomo).
     */
    WedgeCorrelator(int m, boolean[] band, boolean exact, boolean fsc) {
        this.m = m;
        this.m3 = m * m * m;
        this.fft = new Fourier(m);
        this.band = band;
        this.prod = new double[2 * m3];
        this.cross = exact || fsc ? new double[2 * m3] : null;
        this.ramp = new double[6 * m];
        if (fsc) {
            shell = new int[m3];
            int shells = 0;
            for (int z = 0; z < m; z++) {
                int fz = Fourier.freq(z, m);
                for (int y = 0; y < m; y++) {
                    int fy = Fourier.freq(y, m);
                    for (int x = 0; x < m; x++) {
                        int fx = Fourier.freq(x, m);
                        int sh = (int) Math.round(Math.sqrt(fx * fx + fy * fy + fz * fz));
                        shell[(z * m + y) * m + x] = sh;
                        shells = Math.max(shells, sh + 1);
                    }
                }
            }
            shellSums = new double[3 * shells];
        } else {
            shell = null;
            shellSums = null;
        }
    }

    /**
     * Best score for shifts within {@code radius} (per axis) of (cx, cy, cz) voxels; out = {score, sx, sy,
     * sz} with sub-voxel shifts from a parabola through the peak and its neighbours. A pair with no
     * common measured voxel scores -1.
     */
    void correlate(
            Target p, double[] refSpec, boolean[] refMask, double cx, double cy, double cz, int radius, double[] out) {
        double[] ps = p.spectrum();
        boolean[] pm = p.mask();
        double sp = 0, sf = 0;
        for (int i = 0; i < m3; i++) {
            if (band[i] && pm[i] && refMask[i]) {
                double pr = ps[2 * i], pi = ps[2 * i + 1], fr = refSpec[2 * i], fi = refSpec[2 * i + 1];
                prod[2 * i] = pr * fr + pi * fi;
                prod[2 * i + 1] = pi * fr - pr * fi;
                sp += pr * pr + pi * pi;
                sf += fr * fr + fi * fi;
            } else {
                prod[2 * i] = 0;
                prod[2 * i + 1] = 0;
            }
        }
        if (sp == 0 || sf == 0) {
            out[0] = -1;
            out[1] = cx;
            out[2] = cy;
            out[3] = cz;
            return;
        }
        if (cross != null) {
            System.arraycopy(prod, 0, cross, 0, prod.length);
        }
        fft.inverse(prod);
        double norm = m3 / Math.sqrt(sp * sf);
        int ix = (int) Math.round(cx), iy = (int) Math.round(cy), iz = (int) Math.round(cz);
        int r = Math.min(radius, (m - 1) / 2);
        double best = Double.NEGATIVE_INFINITY;
        int bx = ix, by = iy, bz = iz;
        for (int dz = iz - r; dz <= iz + r; dz++) {
            int oz = Math.floorMod(dz, m) * m;
            for (int dy = iy - r; dy <= iy + r; dy++) {
                int oy = (oz + Math.floorMod(dy, m)) * m;
                for (int dx = ix - r; dx <= ix + r; dx++) {
                    double v = prod[2 * (oy + Math.floorMod(dx, m))];
                    if (v > best) {
                        best = v;
                        bx = dx;
                        by = dy;
                        bz = dz;
                    }
                }
            }
        }
        double[] ax = {at(bx - 1, by, bz), at(bx + 1, by, bz)};
        double[] ay = {at(bx, by - 1, bz), at(bx, by + 1, bz)};
        double[] az = {at(bx, by, bz - 1), at(bx, by, bz + 1)};
        out[1] = bx + vertex(ax[0], best, ax[1]);
        out[2] = by + vertex(ay[0], best, ay[1]);
        out[3] = bz + vertex(az[0], best, az[1]);
        if (shell != null) {
            out[0] = fscAt(ps, pm, refSpec, refMask, out[1], out[2], out[3]);
        } else if (cross != null) {
            out[0] = exactAt(out[1], out[2], out[3]) * norm;
        } else {
            // the peak between grid shifts: an integer-only score would favour rotations that happen to
            // move the particle onto whole voxels
            out[0] = (best + gain(ax[0], best, ax[1]) + gain(ay[0], best, ay[1]) + gain(az[0], best, az[1])) * norm;
        }
    }

    /** Correlation at a sub-voxel shift s from the kept cross spectrum: sum of Re(cross e^{2 pi i k.s / m}) / m^3. */
    private double exactAt(double sx, double sy, double sz) {
        double[] s = {sx, sy, sz};
        for (int a = 0; a < 3; a++) {
            for (int i = 0; i < m; i++) {
                double th = 2 * Math.PI * Fourier.freq(i, m) * s[a] / m;
                ramp[2 * (a * m + i)] = Math.cos(th);
                ramp[2 * (a * m + i) + 1] = Math.sin(th);
            }
        }
        double sum = 0;
        for (int z = 0; z < m; z++) {
            double zr = ramp[2 * (2 * m + z)], zi = ramp[2 * (2 * m + z) + 1];
            for (int y = 0; y < m; y++) {
                double yr = ramp[2 * (m + y)], yi = ramp[2 * (m + y) + 1];
                double zyr = zr * yr - zi * yi, zyi = zr * yi + zi * yr;
                int o = (z * m + y) * m;
                for (int x = 0; x < m; x++) {
                    double xr = ramp[2 * x], xi = ramp[2 * x + 1];
                    double er = zyr * xr - zyi * xi, ei = zyr * xi + zyi * xr;
                    int i = o + x;
                    sum += cross[2 * i] * er - cross[2 * i + 1] * ei;
                }
            }
        }
        return sum / m3;
    }

    /**
     * fsc.tomo at a sub-voxel shift: per shell, Re(sum cross e^{2 pi i k.s / m}) / sqrt(sum |P|^2 sum |F|^2) over
     * the voxels both measured within the band; the mean over the shells that have any.
     */
    private double fscAt(double[] ps, boolean[] pm, double[] fs, boolean[] fm, double sx, double sy, double sz) {
        double[] s = {sx, sy, sz};
        for (int a = 0; a < 3; a++) {
            for (int i = 0; i < m; i++) {
                double th = 2 * Math.PI * Fourier.freq(i, m) * s[a] / m;
                ramp[2 * (a * m + i)] = Math.cos(th);
                ramp[2 * (a * m + i) + 1] = Math.sin(th);
            }
        }
        Arrays.fill(shellSums, 0);
        int shells = shellSums.length / 3;
        for (int z = 0; z < m; z++) {
            double zr = ramp[2 * (2 * m + z)], zi = ramp[2 * (2 * m + z) + 1];
            for (int y = 0; y < m; y++) {
                double yr = ramp[2 * (m + y)], yi = ramp[2 * (m + y) + 1];
                double zyr = zr * yr - zi * yi, zyi = zr * yi + zi * yr;
                int o = (z * m + y) * m;
                for (int x = 0; x < m; x++) {
                    int i = o + x;
                    if (!(band[i] && pm[i] && fm[i])) {
                        continue;
                    }
                    double xr = ramp[2 * x], xi = ramp[2 * x + 1];
                    double er = zyr * xr - zyi * xi, ei = zyr * xi + zyi * xr;
                    int sh = shell[i];
                    shellSums[sh] += cross[2 * i] * er - cross[2 * i + 1] * ei;
                    shellSums[shells + sh] += ps[2 * i] * ps[2 * i] + ps[2 * i + 1] * ps[2 * i + 1];
                    shellSums[2 * shells + sh] += fs[2 * i] * fs[2 * i] + fs[2 * i + 1] * fs[2 * i + 1];
                }
            }
        }
        double sum = 0;
        int count = 0;
        for (int sh = 0; sh < shells; sh++) {
            double d = shellSums[shells + sh] * shellSums[2 * shells + sh];
            if (d > 0) {
                sum += shellSums[sh] / Math.sqrt(d);
                count++;
            }
        }
        return count == 0 ? -1 : sum / count;
    }

    /** Height of a parabola's vertex above its middle point b, through (-1, a), (0, b), (1, c). */
    private static double gain(double a, double b, double c) {
        double d = a - 2 * b + c;
        if (!(d < 0)) {
            return 0;
        }
        double v = Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / d));
        return -0.25 * (a - c) * v;
    }

    private double at(int x, int y, int z) {
        return prod[2 * ((Math.floorMod(z, m) * m + Math.floorMod(y, m)) * m + Math.floorMod(x, m))];
    }

    /** Offset of a parabola's vertex through (-1, a), (0, b), (1, c), limited to half a voxel. */
    private static double vertex(double a, double b, double c) {
        double d = a - 2 * b + c;
        if (!(d < 0)) {
            return 0;
        }
        return Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / d));
    }
}
