package org.diffract.core.volume;

import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.rotation.IcosahedralGroup;

/**
 * In-place symmetrisation of a C-ordered cube {@code v[(x * n + y) * n + z]} about the centre voxel
 * (n/2, n/2, n/2), the q origin of {@link Slicer}. The work is split over x-planes on the caller's
 * {@link WorkerPool}, so it uses the threads the user gave (--threads) and no others.
 */
public final class Symmetry {
    private Symmetry() {}

    /**
     * Friedel symmetry: v(x) and v(-x) both become their average. For even n the voxels on the low
     * faces (index 0) have their mirror outside the cube and are left unchanged.
     */
    public static void friedel(double[] vol, int n, WorkerPool pool) {
        checkSize(vol, n);
        final int c2 = 2 * (n / 2);
        // Each pair is handled by the thread of its lower x-plane (for the centre plane, of its lower
        // flat index), so no two threads touch the same voxel.
        pool.forRanges(n, (x0, x1) -> {
            for (int x = x0; x < x1; x++) {
                friedelPlane(vol, n, c2, x);
            }
        });
    }

    private static void friedelPlane(double[] vol, int n, int c2, int x) {
        int mx = c2 - x;
        if (mx < x || mx >= n) {
            return;
        }
        for (int y = 0; y < n; y++) {
            int my = c2 - y;
            if (my >= n) {
                continue;
            }
            for (int z = 0; z < n; z++) {
                int mz = c2 - z;
                if (mz >= n) {
                    continue;
                }
                int i = (x * n + y) * n + z;
                int j = (mx * n + my) * n + mz;
                if (j > i) {
                    double avg = 0.5 * (vol[i] + vol[j]);
                    vol[i] = avg;
                    vol[j] = avg;
                }
            }
        }
    }

    /**
     * Icosahedral symmetry ({@link IcosahedralGroup}'s orientation): each voxel becomes the mean of the
     * volume at its 60 images g x, read by trilinear interpolation; images outside the cube are left
     * out of the mean (a voxel with none keeps its value). The group is closed under inversion, so
     * using g or g^T gives the same set of images.
     */
    public static void icosahedral(double[] vol, int n, WorkerPool pool) {
        checkSize(vol, n);
        final double[][] group = IcosahedralGroup.matrices();
        final double[] out = new double[vol.length];
        final int c = n / 2;
        pool.forRanges(n, (x0, x1) -> {
            for (int x = x0; x < x1; x++) {
                icosahedralPlane(vol, n, c, group, out, x);
            }
        });
        System.arraycopy(out, 0, vol, 0, vol.length);
    }

    private static void icosahedralPlane(double[] vol, int n, int c, double[][] group, double[] out, int x) {
        double px = x - c;
        for (int y = 0; y < n; y++) {
            double py = y - c;
            for (int z = 0; z < n; z++) {
                double pz = z - c;
                double sum = 0;
                int inside = 0;
                for (double[] g : group) {
                    double v = Trilinear.sample(
                            vol,
                            n,
                            g[0] * px + g[1] * py + g[2] * pz + c,
                            g[3] * px + g[4] * py + g[5] * pz + c,
                            g[6] * px + g[7] * py + g[8] * pz + c);
                    if (!Double.isNaN(v)) {
                        sum += v;
                        inside++;
                    }
                }
                int i = (x * n + y) * n + z;
                out[i] = inside > 0 ? sum / inside : vol[i];
            }
        }
    }

    static void checkSize(double[] vol, int n) {
        if (n < 1 || vol.length != (long) n * n * n) {
            throw new IllegalArgumentException("volume of length " + vol.length + " is not a cube of edge " + n);
        }
    }
}
