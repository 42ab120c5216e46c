package org.diffract.core.parallel;

/**
 * The collective operations a stage needs across ranks. Implemented on MPJ Express for real runs and
 * by {@link LocalCommunicator} for one rank without MPJ, so every algorithm is testable without it.
 */
public interface Communicator extends AutoCloseable {
    int rank();

    int size();

    /** Element-wise sum of {@code data[0..length)} over all ranks, result on every rank, in place. */
    void allreduceSum(double[] data, int length);

    /** Element-wise max of {@code data[0..length)} over all ranks, result on every rank, in place. */
    void allreduceMax(double[] data, int length);

    /** Copies rank {@code root}'s {@code data[0..length)} to every rank, in place. */
    void broadcast(double[] data, int length, int root);

    void barrier();

    /**
     * Collects every rank's bytes on {@code root}: there the result is all ranks' arrays concatenated in
     * rank order, elsewhere null. For results that only rank 0 writes (masks, spot tables).
     */
    byte[] gatherBytes(byte[] mine, int root);

    /**
     * Passes data one rank up: rank r's {@code send[0..length)} arrives in rank r+1's {@code receive}; rank 0's
     * {@code receive} is left as it is, and the last rank's {@code send} goes nowhere. For streams split into
     * contiguous blocks, where the item across a block boundary needs its neighbour's last element. This
     * default does it with one broadcast per rank; a real communicator sends point to point.
     */
    default void shiftUp(double[] send, double[] receive, int length) {
        double[] buf = new double[length];
        for (int r = 0; r + 1 < size(); r++) {
            if (rank() == r) {
                System.arraycopy(send, 0, buf, 0, length);
            }
            broadcast(buf, length, r);
            if (rank() == r + 1) {
                System.arraycopy(buf, 0, receive, 0, length);
            }
        }
    }

    default void allreduceSum(double[] data) {
        allreduceSum(data, data.length);
    }

    default void allreduceMax(double[] data) {
        allreduceMax(data, data.length);
    }

    default void broadcast(double[] data, int root) {
        broadcast(data, data.length, root);
    }

    @Override
    default void close() {}
}
