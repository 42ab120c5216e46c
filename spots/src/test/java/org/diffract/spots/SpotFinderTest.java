package org.diffract.spots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.junit.jupiter.api.Test;

class SpotFinderTest {
    /** 10 angles x 4 frames of 48 x 48, background N(100, 5^2) counts, 3 spots of peak 300 per angle. */
    static SyntheticLaue plain() {
        return SyntheticLaue.generate(48, 48, 10, 4, false, 100, 5, 3, 0, 300, true, 5);
    }

    /** The same with frames alternating laser off/on; one spot per angle only in the on frames. */
    static SyntheticLaue laser() {
        return SyntheticLaue.generate(48, 48, 10, 4, true, 100, 5, 3, 1, 300, true, 6);
    }

    static SpotsResult run(SyntheticLaue d, String... kv) {
        return new SpotFinder(SpotTestData.options(null, kv), new LocalCommunicator(), 2).run(d);
    }

    /** Index of the spot of frame f whose most intense pixel is (y, x), or -1. */
    static int spotAt(SpotsResult r, int f, int y, int x) {
        for (long s = r.frame2spotsBE[f][0]; s < r.frame2spotsBE[f][1]; s++) {
            int i = (int) s;
            if (r.xy[i][0] == x && r.xy[i][1] == y) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void everyPlantedSpotFoundAndNoSpuriousSpot() {
        SyntheticLaue d = plain();
        SpotsResult r = run(d);
        int expected = 0;
        for (SyntheticLaue.Planted p : d.planted()) {
            for (int f : p.frames()) {
                int s = spotAt(r, f, p.y(), p.x());
                assertTrue(s >= 0, "planted spot at frame " + f + " (" + p.y() + ", " + p.x() + ") not found");
                assertEquals(f, r.frame[s]);
                // box holds the spot, intensity is its pixels' sum, background-subtracted about the planted sum
                assertTrue(r.box[s][0] <= p.x() && p.x() <= r.box[s][2] && r.box[s][1] <= p.y() && p.y() <= r.box[s][3]);
                double planted = 0;
                for (int dy = -3; dy <= 3; dy++) {
                    for (int dx = -3; dx <= 3; dx++) {
                        planted += Math.rint(p.peak() * Math.exp(-(dy * dy + dx * dx) / 2.0));
                    }
                }
                double sum = 0;
                double sumBg = 0;
                long npix = r.pixelListBE[s][1] - r.pixelListBE[s][0];
                for (long k = r.pixelListBE[s][0]; k < r.pixelListBE[s][1]; k++) {
                    int q = r.pixelList[(int) k];
                    sum += d.frame(f)[q];
                    sumBg += d.frame(f)[q] - r.stats.avg[q];
                }
                assertEquals(sum, r.intensity[s], 1e-6);
                assertEquals(sumBg, r.intensityBg[s], 1e-6);
                // above the true background (100 per pixel) the mask holds nearly all the planted counts
                double above = r.intensity[s] - 100.0 * npix;
                assertTrue(above > 0.9 * planted && above < 1.05 * planted, "I - bg " + above + " vs planted " + planted);
                expected++;
            }
        }
        // stated rate: no spot other than the planted ones in 40 frames of 48 x 48 (cutoff 3, 1 erosion)
        assertEquals(expected, r.numSpots(), "spurious spots");
        int total = 0;
        for (int c : r.counts) {
            total += c;
        }
        assertEquals(expected, total);
        assertEquals(10L, r.nRemoved);
    }

    @Test
    void pairsSyncGivesOffFramesTheLaserSpot() {
        SyntheticLaue d = laser();
        SpotsResult r = run(d, "sync=pairs");
        assertEquals(20, r.numMasks);
        for (int f = 0; f < 40; f += 2) {
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    byte union = (byte) (r.masksFiltered[f][y][x] | r.masksFiltered[f + 1][y][x]);
                    assertEquals(union, r.masksSynced[f][y][x]);
                    assertEquals(union, r.masksSynced[f + 1][y][x]);
                }
            }
        }
        for (SyntheticLaue.Planted p : d.planted()) {
            if (!p.laserOnly()) {
                continue;
            }
            for (int on : p.frames()) {
                int off = on - 1;
                assertEquals(0, r.masksFiltered[off][p.y()][p.x()], "laser spot visible in an off frame");
                assertEquals(1, r.masksSynced[off][p.y()][p.x()]);
                int sOn = spotAt(r, on, p.y(), p.x());
                assertTrue(sOn >= 0);
                // the off frame carries the same label, so on - off is the laser-induced intensity
                int lab = r.label[sOn];
                int sOff = -1;
                for (long s = r.frame2spotsBE[off][0]; s < r.frame2spotsBE[off][1]; s++) {
                    if (r.label[(int) s] == lab) {
                        sOff = (int) s;
                    }
                }
                assertTrue(sOff >= 0, "off frame lacks the synced spot");
                assertEquals(on / 2, r.mask[sOn]);
                assertEquals(on / 2, r.mask[sOff]);
                assertEquals(r.pixelListBE[sOn][1] - r.pixelListBE[sOn][0], r.pixelListBE[sOff][1] - r.pixelListBE[sOff][0]);
                assertTrue(r.intensity[sOn] - r.intensity[sOff] > 1000);
            }
        }
    }

    @Test
    void blocksSyncUnitesAllFramesOfAnAngle() {
        SyntheticLaue d = laser();
        SpotsResult r = run(d, "sync=blocks");
        assertEquals(10, r.numMasks);
        for (int a = 0; a < 10; a++) {
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    byte union = 0;
                    for (int i = 0; i < 4; i++) {
                        union |= r.masksFiltered[4 * a + i][y][x];
                    }
                    for (int i = 0; i < 4; i++) {
                        assertEquals(union, r.masksSynced[4 * a + i][y][x]);
                        assertEquals(union != 0, r.labels[4 * a + i][y][x] != 0);
                    }
                }
            }
        }
        // every frame of an angle lists the angle's three spots
        for (int f = 0; f < 40; f++) {
            assertEquals(3, r.counts[f]);
            assertEquals(f / 4, r.mask[(int) r.frame2spotsBE[f][0]]);
        }
    }

    @Test
    void kruskalOnLaserDataKeepsBackgroundStatistics() {
        // 10 frames per angle (5 off, 5 on) so that KW can reject at alpha 0.05
        SyntheticLaue d = SyntheticLaue.generate(32, 32, 10, 10, true, 100, 5, 2, 1, 300, true, 8);
        SpotsResult r = run(d, "method=kruskal", "sync=pairs");
        for (SyntheticLaue.Planted p : d.planted()) {
            // Kruskal-Wallis removes only what differs between laser groups: a static spot stays in the
            // statistics (and raises std), so only the laser-induced spots are expected here
            if (p.laserOnly()) {
                for (int f : p.frames()) {
                    assertTrue(spotAt(r, f, p.y(), p.x()) >= 0, "laser spot at frame " + f + " not found");
                }
                // the laser spot's 5 on-frame values at its centre are removed: avg is background
                int q = p.y() * 32 + p.x();
                assertTrue(r.stats.removed[q] >= 3, "removed " + r.stats.removed[q]);
                assertTrue(Math.abs(r.stats.avg[q] - 100) < 40, "avg " + r.stats.avg[q]);
            } else {
                // its 10 bright values (of 100) stay: avg ~ 100 + 10 * 300 / 100 = 130, vs 100 if removed
                double avg = r.stats.avg[p.y() * 32 + p.x()];
                assertTrue(avg > 120, "static spot pixel avg " + avg);
            }
        }
        assertTrue(r.nRemoved > 0);
    }

    @Test
    void ranksSplitGivesTheSameResult() throws Exception {
        SyntheticLaue d = laser();
        SpotsOptions o = SpotTestData.options(null, "sync=pairs");
        SpotsResult one = new SpotFinder(o, new LocalCommunicator(), 1).run(d);
        List<SpotsResult> three = ThreadCommunicator.run(3, c -> new SpotFinder(o, c, 1).run(d));
        SpotsResult r = three.get(0);
        assertEquals(null, three.get(1));
        assertArrayEquals(one.stats.avg, r.stats.avg);
        assertArrayEquals(one.stats.std, r.stats.std);
        assertArrayEquals(one.stats.arg, r.stats.arg);
        assertArrayEquals(one.intensity, r.intensity);
        assertArrayEquals(one.pixelList, r.pixelList);
        assertArrayEquals(one.frame2spotsBE, r.frame2spotsBE);
        assertArrayEquals(one.labels, r.labels);
        assertArrayEquals(one.masksSynced, r.masksSynced);
        assertArrayEquals(one.mask, r.mask);
    }

    @Test
    void structureAndMorphologyOptionsAreUsed() {
        SyntheticLaue d = plain();
        SpotsResult none = run(d, "erosions=0", "dilations=0", "structure=2,1");
        SpotsResult dflt = run(d);
        // without erosion single noisy pixels survive as spots
        assertTrue(none.numSpots() > dflt.numSpots());
        for (int f = 0; f < 40; f++) {
            assertArrayEquals(none.masksRaw[f], none.masksFiltered[f]);
        }
    }
}
