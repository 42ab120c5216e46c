package org.diffract.core.io;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our LZF encoder against jhdf's decoder (the Ning LZF library), on data of every kind a chunk can hold. */
class LzfFilterTest {
    private static byte[] roundTrip(byte[] in) {
        byte[] enc = new LzfFilter().encode(in, LzfFilter.clientData(in.length));
        assertTrue(enc.length != in.length || in.length == 0, "a stored chunk as long as the raw one reads as raw");
        byte[] dec = new LzfFilter().decode(enc, LzfFilter.clientData(in.length));
        assertArrayEquals(in, dec);
        return enc;
    }

    @Test
    void repetitiveDataShrinksAndComesBack() {
        byte[] zeros = new byte[100_000];
        // one literal, then back references of at most 264 bytes at 3 bytes each
        assertEquals(2 + 3 * (int) Math.ceil(99_999 / 264.0), roundTrip(zeros).length);
        byte[] pattern = new byte[50_000];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % 13 == 0 ? i / 13 : 7);
        }
        assertTrue(roundTrip(pattern).length < pattern.length / 2);
    }

    @Test
    void incompressibleDataIsLiteralRunsOnly() {
        byte[] random = new byte[10_000];
        new SplittableRandom(1).nextBytes(random);
        // one control byte per 32 literals, but for the odd 3-byte repeat found by chance
        int n = roundTrip(random).length;
        assertTrue(n > 10_250 && n <= 10_000 + 313, "" + n);
    }

    @Test
    void matchesAtTheLongestDistanceAndLength() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int gap : new int[] {8190, 8191, 8192, 8193, 9000}) {
            byte[] block = new byte[300];
            rnd.nextBytes(block);
            byte[] in = new byte[gap + block.length];
            rnd.nextBytes(in);
            System.arraycopy(block, 0, in, 0, block.length);
            System.arraycopy(block, 0, in, gap, block.length);
            byte[] enc = roundTrip(in);
            // within reach the 300 repeated bytes cost two back references, beyond it they stay literal
            assertEquals(gap <= 8192, enc.length < in.length, "gap " + gap);
        }
    }

    @Test
    void tinyAndOverlappingInputs() {
        roundTrip(new byte[0]);
        roundTrip(new byte[] {5});
        roundTrip(new byte[] {5, 6});
        roundTrip(new byte[] {5, 5, 5});
        roundTrip(new byte[] {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 9});
    }
}
