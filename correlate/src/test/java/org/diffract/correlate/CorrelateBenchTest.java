package org.diffract.correlate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11.7: a rank's live heap while streaming does not grow with the number of shots. 20x more shots
 * would have needed about 240 MiB more for the polar stacks the run used to hold; the streaming run may differ
 * by the few bytes per shot of its tag lists.
 */
class CorrelateBenchTest {
    @Test
    void liveHeapDoesNotGrowWithTheNumberOfShots() {
        CorrelateBench.Streaming small = CorrelateBench.streaming(200, 96, 32, 128, 2);
        CorrelateBench.Streaming large = CorrelateBench.streaming(4000, 96, 32, 128, 2);
        assertEquals(100, small.pairs());
        assertEquals(2000, large.pairs());
        assertTrue(large.stackBytes() - small.stackBytes() > 200L << 20);
        long growth = large.liveHeapMax() - small.liveHeapMax();
        assertTrue(growth < 8L << 20, "live heap grew by " + (growth >> 10) + " KiB from 200 to 4000 shots");
    }
}
