package org.diffract.emc;

import org.diffract.core.rotation.QuaternionSampling;
import org.diffract.core.rotation.Quaternions;

/**
 * One rank's contiguous share of the rotation sampling, cut at multiples of {@link #BLOCK} rotations so
 * that every block of rotations (and so every probability record) is the same whatever the number of
 * ranks: 1, 2 or 4 ranks then compute bit-identical likelihoods.
 */
final class RotationShare {
    /** Rotations per block: 8 doubles = one cache line per pixel in the interleaved log-slices. */
    static final int BLOCK = 8;

    final int numRot;
    final int rotStart;
    final int numLocal;
    /** The whole sampling's quaternions (4 per rotation), global indices. */
    final double[] quaternions;
    /** Row-major rotation matrices of the local rotations, 9 each. */
    final double[] matrices;
    /** log of each local rotation's sampling weight (the prior w_r). */
    final double[] logPrior;

    RotationShare(QuaternionSampling sampling, int rank, int size) {
        this.numRot = sampling.count();
        this.quaternions = sampling.quaternions();
        long blocks = (numRot + BLOCK - 1) / BLOCK;
        int b0 = (int) (rank * blocks / size);
        int b1 = (int) ((rank + 1) * blocks / size);
        this.rotStart = Math.min(numRot, b0 * BLOCK);
        this.numLocal = Math.min(numRot, b1 * BLOCK) - rotStart;
        this.matrices = new double[9 * numLocal];
        this.logPrior = new double[numLocal];
        double[] r9 = new double[9];
        double[] w = sampling.weights();
        for (int r = 0; r < numLocal; r++) {
            Quaternions.toMatrix(quaternions, 4 * (rotStart + r), r9);
            System.arraycopy(r9, 0, matrices, 9 * r, 9);
            logPrior[r] = Math.log(w[rotStart + r]);
        }
    }

    int numBlocks() {
        return (numLocal + BLOCK - 1) / BLOCK;
    }

    /** Rotations in local block b (BLOCK except maybe the last). */
    int blockSize(int b) {
        return Math.min(BLOCK, numLocal - b * BLOCK);
    }
}
