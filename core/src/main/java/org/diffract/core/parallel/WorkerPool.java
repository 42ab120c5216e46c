package org.diffract.core.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A fixed pool of worker threads for one rank's share of a stage, with the three shapes of parallel
 * work the stages use: every worker runs a body, work items handed out one at a time, and contiguous
 * index ranges. A worker's exception is rethrown in the caller as it was (a UserError stays one).
 */
public final class WorkerPool implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;

    public WorkerPool(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        this.threads = threads;
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body(worker)} once on each worker, worker = 0 .. threads-1, and waits for all. */
    public void onEachWorker(IntConsumer body) {
        List<Callable<Void>> tasks = new ArrayList<>(threads);
        for (int w = 0; w < threads; w++) {
            int id = w;
            tasks.add(() -> {
                body.accept(id);
                return null;
            });
        }
        invokeAll(tasks);
    }

    /** Per-worker state for {@link #forEachItem}, made once per worker. */
    public interface ItemTask<W> {
        void run(W workerState, int item);
    }

    /**
     * Hands items [from, to) out one at a time (good balance when items differ in cost); each worker
     * makes its own state once with {@code state}.
     */
    public <W> void forEachItem(int from, int to, Supplier<W> state, ItemTask<W> task) {
        AtomicInteger next = new AtomicInteger(from);
        onEachWorker(w -> {
            W s = state.get();
            for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
                task.run(s, i);
            }
        });
    }

    /** A contiguous range [from, to) of indices. */
    public interface RangeTask {
        void run(int from, int to);
    }

    /**
     * Splits [0, total) into one contiguous range per worker (fewer if total is small): for loops whose
     * cost is even and whose results must not depend on scheduling.
     */
    public void forRanges(int total, RangeTask task) {
        int parts = Math.max(1, Math.min(threads, total));
        List<Callable<Void>> tasks = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) p * total / parts);
            int to = (int) ((long) (p + 1) * total / parts);
            tasks.add(() -> {
                task.run(from, to);
                return null;
            });
        }
        invokeAll(tasks);
    }

    private void invokeAll(List<Callable<Void>> tasks) {
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
