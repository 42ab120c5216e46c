package org.diffract.core.parallel;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WorkerPoolTest {
    @Test
    void everyItemRunsExactlyOnce() {
        AtomicIntegerArray hits = new AtomicIntegerArray(1000);
        try (WorkerPool pool = new WorkerPool(3, "t")) {
            pool.forEachItem(10, 1000, () -> new int[1], (state, i) -> {
                state[0]++;
                hits.incrementAndGet(i);
            });
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i < 10 ? 0 : 1, hits.get(i), "item " + i);
        }
    }

    @Test
    void rangesAreContiguousAndCoverEverything() {
        int[] owner = new int[10];
        try (WorkerPool pool = new WorkerPool(4, "t")) {
            pool.forRanges(10, (from, to) -> {
                for (int i = from; i < to; i++) {
                    owner[i] = from * 100 + to;
                }
            });
            // 10 over 4 parts: [0,2) [2,5) [5,7) [7,10)
            assertArrayEquals(new int[] {2, 2, 205, 205, 205, 507, 507, 710, 710, 710}, owner);
            int[] small = new int[2];
            pool.forRanges(2, (from, to) -> small[from] = to - from);
            assertArrayEquals(new int[] {1, 1}, small);
        }
    }

    @Test
    void eachWorkerRunsOnceWithItsIndex() {
        AtomicIntegerArray seen = new AtomicIntegerArray(3);
        try (WorkerPool pool = new WorkerPool(3, "t")) {
            pool.onEachWorker(seen::incrementAndGet);
        }
        for (int w = 0; w < 3; w++) {
            assertEquals(1, seen.get(w));
        }
    }

    @Test
    void aWorkersUserErrorReachesTheCallerUnchanged() {
        try (WorkerPool pool = new WorkerPool(2, "t")) {
            UserError e = assertThrows(
                    UserError.class,
                    () -> pool.forRanges(4, (a, b) -> {
                        throw new UserError("bad frame");
                    }));
            assertEquals("bad frame", e.getMessage());
        }
    }
}
