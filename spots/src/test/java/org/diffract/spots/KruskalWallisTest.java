package org.diffract.spots;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against scipy.stats.kruskal 1.10 (Debian bookworm), values in the comments. */
class KruskalWallisTest {
    private static long[] keys(float[][] groups) {
        int n = 0;
        for (float[] g : groups) {
            n += g.length;
        }
        long[] k = new long[n];
        int i = 0;
        for (int g = 0; g < groups.length; g++) {
            for (float v : groups[g]) {
                k[i++] = KruskalWallis.key(v, g);
            }
        }
        Arrays.sort(k);
        return k;
    }

    @Test
    void noTies() {
        // kruskal([1,2,3],[4,5,6]) -> H 3.857142857142854, p 0.049534613435626915
        long[] k = keys(new float[][] {{1, 2, 3}, {4, 5, 6}});
        KruskalWallis kw = new KruskalWallis(2, 0.05);
        double h = kw.statistic(k, k.length);
        assertEquals(3.857142857142854, h, 1e-12);
        assertEquals(0.049534613435626915, KruskalWallis.pValue(h, 2), 1e-9);
        assertTrue(kw.rejects(k, k.length));
        assertFalse(new KruskalWallis(2, 0.04).rejects(k, k.length));
    }

    @Test
    void tiesThreeGroups() {
        // kruskal([1,1,2],[2,3,3],[3,4,5,5]) -> H 7.28164556962025, p 0.026230752819494437
        long[] k = keys(new float[][] {{1, 1, 2}, {2, 3, 3}, {3, 4, 5, 5}});
        KruskalWallis kw = new KruskalWallis(3, 0.05);
        double h = kw.statistic(k, k.length);
        assertEquals(7.28164556962025, h, 1e-10);
        assertEquals(3, kw.groups());
        assertEquals(0.026230752819494437, KruskalWallis.pValue(h, 3), 1e-9);
    }

    @Test
    void fractionalValuesNotRejected() {
        // kruskal([2.5,3.1,2.5,4.0,1.0],[5.0,6.0,5.0,7.5],[0.5,2.5,9.0]) -> H 4.3947805456702245, p 0.111
        long[] k = keys(new float[][] {{2.5f, 3.1f, 2.5f, 4.0f, 1.0f}, {5.0f, 6.0f, 5.0f, 7.5f}, {0.5f, 2.5f, 9.0f}});
        KruskalWallis kw = new KruskalWallis(3, 0.05);
        assertEquals(4.3947805456702245, kw.statistic(k, k.length), 1e-6);
        assertFalse(kw.rejects(k, k.length));
    }

    @Test
    void keysSortLikeValuesIncludingNegatives() {
        float[] v = {-3.5f, 0f, -0f, 2f, -1e-3f, 1e6f};
        long[] k = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            k[i] = KruskalWallis.key(v[i], i);
        }
        Arrays.sort(k);
        float prev = Float.NEGATIVE_INFINITY;
        for (long key : k) {
            float x = KruskalWallis.valueOf(key);
            assertTrue(x >= prev);
            assertEquals(v[KruskalWallis.groupOf(key)], x, 0);
            prev = x;
        }
    }
}
