package org.diffract.correlate;

import org.diffract.core.UserError;

/**
 * Resamples detector images onto polar rings around the beam centre, as RingData's InterpSimple: ring k
 * at radius {@code rmin + k} pixels, k = 0..nq-1, and nphi angles phi_j = 2 pi j / nphi measured from
 * the +x (column) axis towards +y (row), without the repeated end point so each ring is periodic for the
 * FFT. The lookup (source pixels and weights) is built once; resampling a shot is then a gather.
 * A polar sample is good (mask 1) only when every detector pixel it draws on is inside the image and good.
 */
public final class PolarGrid {
    public enum Interpolation {
        NEAREST,
        BILINEAR
    }

    private final int nq;
    private final int nphi;
    private final double[] radii;
    private final int taps;
    private final int[] source;
    private final double[] weight;
    private final byte[] mask;

    /**
     * @param detMask detector mask {@code [y * nx + x]}, 1 = good, or null for all good
     */
    public PolarGrid(
            int nx,
            int ny,
            byte[] detMask,
            double xCenter,
            double yCenter,
            double rmin,
            int nq,
            int nphi,
            Interpolation interp) {
        if (nq < 1 || nphi < 2) {
            throw new UserError("polar grid needs at least 1 ring and 2 angles (got nq " + nq + ", nphi " + nphi
                    + "); widen [polar] qmin..qmax or raise nphi");
        }
        this.nq = nq;
        this.nphi = nphi;
        this.radii = new double[nq];
        this.taps = interp == Interpolation.NEAREST ? 1 : 4;
        int ns = nq * nphi;
        this.source = new int[ns * taps];
        this.weight = new double[ns * taps];
        this.mask = new byte[ns];
        double[] cos = new double[nphi];
        double[] sin = new double[nphi];
        for (int j = 0; j < nphi; j++) {
            double phi = 2 * Math.PI * j / nphi;
            cos[j] = Math.cos(phi);
            sin[j] = Math.sin(phi);
        }
        for (int k = 0; k < nq; k++) {
            double r = rmin + k;
            radii[k] = r;
            for (int j = 0; j < nphi; j++) {
                int s = k * nphi + j;
                double x = xCenter + r * cos[j];
                double y = yCenter + r * sin[j];
                mask[s] = interp == Interpolation.NEAREST
                        ? nearest(s, x, y, nx, ny, detMask)
                        : bilinear(s, x, y, nx, ny, detMask);
            }
        }
    }

    private byte nearest(int s, double x, double y, int nx, int ny, byte[] detMask) {
        int ix = (int) Math.round(x);
        int iy = (int) Math.round(y);
        if (ix < 0 || iy < 0 || ix >= nx || iy >= ny) {
            return 0;
        }
        int t = iy * nx + ix;
        source[s] = t;
        weight[s] = 1;
        return (byte) (detMask == null || detMask[t] == 1 ? 1 : 0);
    }

    private byte bilinear(int s, double x, double y, int nx, int ny, byte[] detMask) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double[] w = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
        int[] dx = {0, 1, 0, 1};
        int[] dy = {0, 0, 1, 1};
        boolean good = true;
        for (int a = 0; a < 4; a++) {
            int xi = x0 + dx[a];
            int yi = y0 + dy[a];
            int o = s * 4 + a;
            if (w[a] == 0) {
                continue;
            }
            if (xi < 0 || yi < 0 || xi >= nx || yi >= ny) {
                good = false;
                continue;
            }
            int t = yi * nx + xi;
            source[o] = t;
            weight[o] = w[a];
            if (detMask != null && detMask[t] != 1) {
                good = false;
            }
        }
        if (!good) {
            for (int a = 0; a < 4; a++) {
                weight[s * 4 + a] = 0;
            }
        }
        return (byte) (good ? 1 : 0);
    }

    /** Resamples one image into {@code out[k * nphi + j]}; masked samples are 0. */
    public void resample(double[] image, double[] out, int offset) {
        int ns = nq * nphi;
        if (taps == 1) {
            for (int s = 0; s < ns; s++) {
                out[offset + s] = mask[s] == 1 ? image[source[s]] : 0;
            }
        } else {
            for (int s = 0; s < ns; s++) {
                int o = s * 4;
                out[offset + s] = weight[o] * image[source[o]]
                        + weight[o + 1] * image[source[o + 1]]
                        + weight[o + 2] * image[source[o + 2]]
                        + weight[o + 3] * image[source[o + 3]];
            }
        }
    }

    public int nq() {
        return nq;
    }

    public int nphi() {
        return nphi;
    }

    /** Ring radii in pixels. */
    public double[] radii() {
        return radii.clone();
    }

    /** The polar mask {@code [k * nphi + j]}, 1 = good. */
    public byte[] mask() {
        return mask.clone();
    }

    /**
     * Normalises each ring of {@code polar[offset ...]} in place by its mean over good samples, as RingData
     * does before differencing, so shot-to-shot intensity changes cancel; masked samples stay 0 and a ring
     * with no good sample or zero mean becomes all 0.
     */
    public static void normalizeRings(double[] polar, int offset, byte[] mask, int nq, int nphi) {
        for (int k = 0; k < nq; k++) {
            int base = offset + k * nphi;
            double sum = 0;
            int n = 0;
            for (int j = 0; j < nphi; j++) {
                if (mask[k * nphi + j] == 1) {
                    sum += polar[base + j];
                    n++;
                }
            }
            double mean = n > 0 ? sum / n : 0;
            double inv = mean != 0 ? 1 / mean : 0;
            for (int j = 0; j < nphi; j++) {
                polar[base + j] = mask[k * nphi + j] == 1 ? polar[base + j] * inv : 0;
            }
        }
    }
}
