package org.diffract.core.stats;

/**
 * Pearson correlation of two C-ordered cubes {@code v[(x * n + y) * n + z]} over radial shells about
 * the centre voxel (n/2, n/2, n/2), as used to compare reconstructions resolution by resolution.
 * Radii are in voxels. Means are taken per shell first (two passes) so that large offsets do not cost
 * precision.
 */
public final class ShellCorrelation {
    private ShellCorrelation() {}

    /**
     * Correlation in each of {@code numShells} shells of equal width rMax / numShells covering
     * [0, rMax] (shell s holds s w <= r < (s+1) w; r == rMax goes in the last shell). Voxels beyond rMax
     * are ignored. A shell with fewer than 2 voxels, or with no variance in a or b, gives NaN.
     */
    public static double[] compute(double[] a, double[] b, int n, int numShells, double rMax) {
        check(a, b, n);
        if (numShells < 1 || !(rMax > 0)) {
            throw new IllegalArgumentException("need numShells >= 1 and rMax > 0");
        }
        final int c = n / 2;
        final double width = rMax / numShells;
        long[] count = new long[numShells];
        double[] sa = new double[numShells], sb = new double[numShells];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    int s = shell(x - c, y - c, z - c, width, rMax, numShells);
                    if (s >= 0) {
                        int i = (x * n + y) * n + z;
                        count[s]++;
                        sa[s] += a[i];
                        sb[s] += b[i];
                    }
                }
            }
        }
        double[] ma = new double[numShells], mb = new double[numShells];
        for (int s = 0; s < numShells; s++) {
            ma[s] = sa[s] / count[s];
            mb[s] = sb[s] / count[s];
        }
        double[] ab = new double[numShells], aa = new double[numShells], bb = new double[numShells];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    int s = shell(x - c, y - c, z - c, width, rMax, numShells);
                    if (s >= 0) {
                        int i = (x * n + y) * n + z;
                        double da = a[i] - ma[s], db = b[i] - mb[s];
                        ab[s] += da * db;
                        aa[s] += da * da;
                        bb[s] += db * db;
                    }
                }
            }
        }
        double[] out = new double[numShells];
        for (int s = 0; s < numShells; s++) {
            out[s] = count[s] < 2 ? Double.NaN : pearson(ab[s], aa[s], bb[s]);
        }
        return out;
    }

    /** Correlation over all voxels with rMin <= r <= rMax; NaN if fewer than 2 voxels or no variance. */
    public static double overall(double[] a, double[] b, int n, double rMin, double rMax) {
        check(a, b, n);
        final int c = n / 2;
        final double lo2 = rMin * rMin, hi2 = rMax * rMax;
        long count = 0;
        double sa = 0, sb = 0;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double r2 = r2(x - c, y - c, z - c);
                    if (r2 >= lo2 && r2 <= hi2) {
                        int i = (x * n + y) * n + z;
                        count++;
                        sa += a[i];
                        sb += b[i];
                    }
                }
            }
        }
        if (count < 2) {
            return Double.NaN;
        }
        double ma = sa / count, mb = sb / count;
        double ab = 0, aa = 0, bb = 0;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double r2 = r2(x - c, y - c, z - c);
                    if (r2 >= lo2 && r2 <= hi2) {
                        int i = (x * n + y) * n + z;
                        double da = a[i] - ma, db = b[i] - mb;
                        ab += da * db;
                        aa += da * da;
                        bb += db * db;
                    }
                }
            }
        }
        return pearson(ab, aa, bb);
    }

    private static double pearson(double ab, double aa, double bb) {
        return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : Double.NaN;
    }

    private static double r2(int x, int y, int z) {
        return (double) x * x + (double) y * y + (double) z * z;
    }

    private static int shell(int x, int y, int z, double width, double rMax, int numShells) {
        double r = Math.sqrt(r2(x, y, z));
        if (r > rMax) {
            return -1;
        }
        return Math.min((int) (r / width), numShells - 1);
    }

    private static void check(double[] a, double[] b, int n) {
        long size = (long) n * n * n;
        if (n < 1 || a.length != size || b.length != size) {
            throw new IllegalArgumentException("volumes must be cubes of edge " + n);
        }
    }
}
