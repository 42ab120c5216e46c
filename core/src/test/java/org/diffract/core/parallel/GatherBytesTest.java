package org.diffract.core.parallel;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** gatherBytes: rank-order concatenation on the root, null elsewhere, empty parts allowed. */
class GatherBytesTest {
    @Test
    void localReturnsACopy() {
        byte[] mine = {1, 2, 3};
        byte[] got = new LocalCommunicator().gatherBytes(mine, 0);
        assertArrayEquals(mine, got);
        mine[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, got);
    }

    @Test
    void threeRanksConcatenateInRankOrder() throws Exception {
        List<byte[]> out = ThreadCommunicator.run(3, c -> {
            byte[] mine = new byte[c.rank()]; // rank 0 sends nothing
            Arrays.fill(mine, (byte) (10 + c.rank()));
            return c.gatherBytes(mine, 1);
        });
        assertNull(out.get(0));
        assertArrayEquals(new byte[] {11, 12, 12}, out.get(1));
        assertNull(out.get(2));
    }
}
