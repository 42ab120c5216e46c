package org.diffract.core.parallel;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** shiftUp: rank r's data arrives at rank r + 1; rank 0 keeps its receive buffer, the last rank's send is lost. */
class ShiftUpTest {
    @Test
    void fourRanksPassTheirDataUp() throws Exception {
        List<double[]> got = ThreadCommunicator.run(4, c -> {
            double[] send = {10 * c.rank(), 10 * c.rank() + 1, 10 * c.rank() + 2};
            double[] receive = {-1, -1, -1, -1};
            c.shiftUp(send, receive, 3);
            return receive;
        });
        assertArrayEquals(new double[] {-1, -1, -1, -1}, got.get(0));
        assertArrayEquals(new double[] {0, 1, 2, -1}, got.get(1));
        assertArrayEquals(new double[] {10, 11, 12, -1}, got.get(2));
        assertArrayEquals(new double[] {20, 21, 22, -1}, got.get(3));
    }

    @Test
    void oneRankChangesNothing() {
        double[] receive = {5};
        new LocalCommunicator().shiftUp(new double[] {7}, receive, 1);
        assertArrayEquals(new double[] {5}, receive);
    }
}
