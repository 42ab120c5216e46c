package org.diffract.emc;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compact record store: what is written is read back, and the kept-entry rule drops what it should. */
class ProbabilityStoreTest {
    private record Rec(int frame, int mask, double base, int[] offsets) {}

    private static List<Rec> randomRecords(SplittableRandom rng, int frames) {
        List<Rec> recs = new ArrayList<>();
        int frame = -1;
        while (true) {
            // gaps from 1 to a few hundred thousand exercise one- to three-byte varints
            int gap = rng.nextInt(16) == 0 ? 1 + rng.nextInt(300_000) : 1 + rng.nextInt(3);
            frame += gap;
            if (frame >= frames) {
                return recs;
            }
            int mask = 1 + rng.nextInt(255);
            int[] off = new int[8];
            for (int k = 0; k < 8; k++) {
                off[k] = rng.nextInt(ProbabilityStore.MAX_OFFSET + 1);
            }
            recs.add(new Rec(frame, mask, -50 * rng.nextDouble(), off));
        }
    }

    @Test
    void recordsComeBackAsWrittenAcrossChunks() {
        SplittableRandom rng = new SplittableRandom(3);
        ProbabilityStore store = new ProbabilityStore(3);
        List<List<Rec>> written = new ArrayList<>();
        ProbabilityStore.Writer w = store.new Writer();
        for (int b = 0; b < 3; b++) {
            List<Rec> recs = randomRecords(rng, 5_000_000);
            written.add(recs);
            w.begin(store.stream(b));
            for (Rec r : recs) {
                w.put(r.frame, r.mask, r.base, r.offsets);
            }
            w.end();
        }
        assertTrue(store.stream(0).chunkCount() > 2, "several chunks per stream");
        ProbabilityStore.Reader in = store.new Reader();
        for (int b = 0; b < 3; b++) {
            in.begin(store.stream(b), false);
            for (Rec r : written.get(b)) {
                assertTrue(in.next());
                assertEquals(r.frame, in.frame);
                assertEquals(r.mask, in.mask);
                assertEquals(r.base, in.base, 0.0);
                for (int k = 0; k < 8; k++) {
                    if ((r.mask & (1 << k)) != 0) {
                        assertEquals(r.offsets[k], in.offsets[k], "lane " + k);
                    }
                }
            }
            assertFalse(in.next());
            in.end();
        }
        // rewriting a stream frees its old chunks for reuse: the store does not grow
        long before = store.allocatedBytes();
        for (int rep = 0; rep < 3; rep++) {
            w.begin(store.stream(1));
            for (Rec r : written.get(1)) {
                w.put(r.frame, r.mask, r.base, r.offsets);
            }
            w.end();
        }
        assertEquals(before, store.allocatedBytes());
    }

    @Test
    void finishKeepsExactlyTheEntriesAtLeastProbMinOfTheirFrame() {
        ProbabilityStore store = new ProbabilityStore(1);
        ProbabilityStore.Writer w = store.new Writer();
        double logMin = Math.log(1e-6);
        // frame 3: base -1 (log-weight), normaliser log 2 -> log P of offset o = -1 - log 2 - o * STEP
        double[] logNorm = new double[10];
        logNorm[3] = Math.log(2);
        logNorm[7] = 0;
        int[] off = new int[8];
        int cut = (int) Math.floor((-1 - Math.log(2) - logMin) / ProbabilityStore.STEP);
        off[0] = 0;
        off[1] = cut; // just kept
        off[2] = cut + 1; // just dropped
        off[5] = 100;
        w.begin(store.stream(0));
        w.put(3, 0b100111, -1, off);
        int[] none = new int[8];
        none[4] = 50_000; // log P = -12.2 - 20 for frame 7 after its normaliser below: dropped, record removed
        w.put(7, 0b10000, -20, none);
        w.end();
        int[] kept = new int[10];
        store.finish(0, logNorm, logMin, kept, store.new Reader(), store.new Writer());
        assertEquals(3, kept[3]);
        assertEquals(0, kept[7]);
        ProbabilityStore.Reader in = store.new Reader();
        in.begin(store.stream(0), false);
        assertTrue(in.next());
        assertEquals(3, in.frame);
        assertEquals(0b100011, in.mask);
        assertEquals(-1 - Math.log(2), in.base, 1e-15);
        assertEquals(cut, in.offsets[1]);
        assertEquals(100, in.offsets[5]);
        assertEquals(
                0.5 / Math.E * ProbabilityStore.expMinus(100),
                Math.exp(in.base) * ProbabilityStore.expMinus(100),
                1e-15);
        assertFalse(in.next());
        in.end();
    }
}
