package org.diffract.emc;

/**
 * EMC's innermost loops over one frame's photons and one block of {@link #BLOCK} rotations.
 *
 * <p>The block's values per pixel are interleaved as {@code table[pixel * BLOCK + k]}, so each photon
 * touches one 32-byte half cache line that serves all rotations of the block, and a frame's photon list is
 * read once per block instead of once per rotation; that is what makes both the likelihood and the merge
 * memory-friendly. The tables are float: a 150 x 150 detector's table is 720 KB and stays in a core's L2
 * cache, where a double table (1.4 MB) spills to L3 and makes the merge's read-modify-write about ten
 * times slower. Sums over a frame's photons are accumulated in double; a merge table accumulates a few
 * hundred photons per pixel (relative error about 1e-6), and is turned into double per rotation.
 * The Vector API implementation is used where the JVM has jdk.incubator.vector and 256-bit vectors; the
 * scalar one is the fallback and the reference in tests.
 */
public abstract class EmcKernel {
    /** Rotations per block: 8 doubles = one cache line. */
    public static final int BLOCK = RotationShare.BLOCK;

    /**
     * Likelihood sums: {@code acc[k] = sum over the frame's photons of count * lw[pixel * BLOCK + k]}, for
     * single photons {@code ones[o0..o1)} and multi-photon pixels {@code multi[m0..m1)} with counts.
     */
    public abstract void frameSums(
            float[] lw, int[] ones, int o0, int o1, int[] multi, int[] count, int m0, int m1, double[] acc);

    /**
     * Merge sums: adds {@code count * weight[k]} to {@code view[pixel * BLOCK + k]} for every photon of the
     * frame, all lanes at once ({@code weight} has BLOCK lanes, zero where a rotation is not kept).
     */
    public abstract void mergeAdd(
            float[] view, int[] ones, int o0, int o1, int[] multi, int[] count, int m0, int m1, float[] weight);

    /**
     * {@link EmcSlicer#merge}: the adjoint of a trilinear slice into interleaved (sum, weight) pairs. The two
     * z-neighbour corners of a voxel row are 4 adjacent doubles, one vector add each.
     */
    public void mergeSlice(
            double[] view,
            double scale,
            double[] r,
            double[] qx,
            double[] qy,
            double[] qz,
            boolean[] use,
            double[] pairs,
            int n) {
        EmcSlicer.merge(view, scale, r, qx, qy, qz, use, pairs, n);
    }

    /** {@code v[i] = log(max(v[i], floor))} for i in [0, n). */
    public abstract void logFloor(double[] v, int n, double floor);

    /** The Vector API kernel where the JVM has jdk.incubator.vector and 256-bit vectors, else scalar. */
    public static EmcKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                if (VectorEmcKernel.usable()) {
                    return new VectorEmcKernel();
                }
            } catch (LinkageError e) {
                // incubator module present but not resolvable from this class loader: fall back below
            }
        }
        return new ScalarEmcKernel();
    }

    public abstract String name();
}
