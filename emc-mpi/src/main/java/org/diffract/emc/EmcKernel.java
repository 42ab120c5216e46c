package org.diffract.emc;

/**
 * The innermost EMC sum: for one frame and a block of {@link #BLOCK} rotations,
 * {@code acc[k] = sum over the frame's photons of count * logW_k[pixel]}. The log-slices of the block
 * are interleaved as {@code lw[pixel * BLOCK + k]} so each photon touches one 64-byte cache line that
 * serves all rotations of the block; the photon lists are read once per block instead of once per
 * rotation, which is what makes the maximize step memory-friendly.
 */
public abstract class LikelihoodKernel {
    /** Rotations per block: 8 doubles = one cache line. */
    public static final int BLOCK = 8;

    public abstract void frameSums(double[] lw, int[] ones, int o0, int o1, int[] multi, double[] count, int m0,
                                   int m1, double[] acc);

    /** The Vector API kernel where the JVM has jdk.incubator.vector and 256-bit vectors, else scalar. */
    public static LikelihoodKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                if (VectorLikelihoodKernel.usable()) {
                    return new VectorLikelihoodKernel();
                }
            } catch (LinkageError e) {
                // incubator module present but not resolvable from this class loader: fall back below
            }
        }
        return new ScalarLikelihoodKernel();
    }

    public abstract String name();
}
