package org.diffract.core.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Ranks as threads of one JVM, for tests of rank-splitting logic without starting MPJ. Reductions sum
 * in rank order, so results are deterministic. Real MPJ runs are tested through the launcher.
 */
public final class ThreadCommunicator implements Communicator {
    private final Shared shared;
    private final int rank;

    private static final class Shared {
        final int size;
        final CyclicBarrier barrier;
        final double[][] slots;
        final byte[][] byteSlots;
        double[] result = new double[0];

        Shared(int size) {
            this.size = size;
            this.barrier = new CyclicBarrier(size);
            this.slots = new double[size][];
            this.byteSlots = new byte[size][];
        }
    }

    private ThreadCommunicator(Shared shared, int rank) {
        this.shared = shared;
        this.rank = rank;
    }

    /** Runs {@code body} on {@code size} rank threads and returns each rank's result, in rank order. */
    public static <T> List<T> run(int size, Function<Communicator, T> body) throws Exception {
        Shared shared = new Shared(size);
        ExecutorService pool = Executors.newFixedThreadPool(size);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                ThreadCommunicator c = new ThreadCommunicator(shared, r);
                futures.add(pool.submit(() -> body.apply(c)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return shared.size;
    }

    @Override
    public void allreduceSum(double[] data, int length) {
        reduce(data, length, false);
    }

    @Override
    public void allreduceMax(double[] data, int length) {
        reduce(data, length, true);
    }

    private void reduce(double[] data, int length, boolean max) {
        shared.slots[rank] = data;
        await();
        if (rank == 0) {
            double[] res = new double[length];
            System.arraycopy(shared.slots[0], 0, res, 0, length);
            for (int r = 1; r < shared.size; r++) {
                double[] s = shared.slots[r];
                for (int i = 0; i < length; i++) {
                    res[i] = max ? Math.max(res[i], s[i]) : res[i] + s[i];
                }
            }
            shared.result = res;
        }
        await();
        System.arraycopy(shared.result, 0, data, 0, length);
        await();
    }

    @Override
    public void broadcast(double[] data, int length, int root) {
        shared.slots[rank] = data;
        await();
        if (rank != root) {
            System.arraycopy(shared.slots[root], 0, data, 0, length);
        }
        await();
    }

    @Override
    public byte[] gatherBytes(byte[] mine, int root) {
        shared.byteSlots[rank] = mine.clone();
        await();
        byte[] out = null;
        if (rank == root) {
            int total = 0;
            for (byte[] b : shared.byteSlots) {
                total += b.length;
            }
            out = new byte[total];
            int at = 0;
            for (byte[] b : shared.byteSlots) {
                System.arraycopy(b, 0, out, at, b.length);
                at += b.length;
            }
        }
        await();
        return out;
    }

    @Override
    public void barrier() {
        await();
    }

    private void await() {
        try {
            shared.barrier.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new IllegalStateException("rank thread interrupted", e);
        }
    }
}
