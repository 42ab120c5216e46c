package org.diffract.spots;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.parallel.ThreadCommunicator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpotFinderTest {
    /** 10 angles x 4 frames of 48 x 48, background N(100, 5^2) counts, 3 spots of peak 300 per angle. */
    static SyntheticLaue plain() {
        return SyntheticLaue.builder().seed(5).build();
    }

    /** The same with frames alternating laser off/on; one spot per angle only in the on frames. */
    static SyntheticLaue laser() {
        return SyntheticLaue.builder().laser(true).spots(3, 1, 300).seed(6).build();
    }

    static SpotsResult run(FrameSource d, String... kv) {
        return new SpotFinder(SpotTestData.options(null, kv), new LocalCommunicator(), 2).run(d);
    }

    /** Index of the spot of frame f whose most intense pixel is (row, col), or -1. */
    static int spotAt(SpotsResult r, int f, int row, int col) {
        for (int s = r.firstSpot(f); s < r.endSpot(f); s++) {
            if (r.x(s) == row && r.y(s) == col) {
                return s;
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
                int s = spotAt(r, f, p.row(), p.col());
                assertTrue(s >= 0, "planted spot at frame " + f + " (" + p.row() + ", " + p.col() + ") not found");
                assertEquals(f, r.frame(s));
                // box holds the spot, intensity is its pixels' sum, background-subtracted about the planted sum
                int[] box = r.box(s);
                assertTrue(box[0] <= p.row() && p.row() <= box[2] && box[1] <= p.col() && p.col() <= box[3]);
                double planted = 0;
                for (int dy = -3; dy <= 3; dy++) {
                    for (int dx = -3; dx <= 3; dx++) {
                        planted += Math.rint(p.peak() * Math.exp(-(dy * dy + dx * dx) / 2.0));
                    }
                }
                double sum = 0;
                double sumBg = 0;
                int[] pixels = r.pixels(s);
                float[] image = d.frame(f);
                for (int q : pixels) {
                    sum += image[q];
                    sumBg += image[q] - r.stats().avg(q);
                }
                assertEquals(sum, r.intensity(s), 1e-6);
                assertEquals(sumBg, r.intensityBg(s), 1e-6);
                // above the true background (100 per pixel) the mask holds nearly all the planted counts
                double above = r.intensity(s) - 100.0 * pixels.length;
                assertTrue(
                        above > 0.9 * planted && above < 1.05 * planted, "I - bg " + above + " vs planted " + planted);
                expected++;
            }
        }
        // stated rate: no spot other than the planted ones in 40 frames of 48 x 48 (cutoff 3, 1 erosion)
        assertEquals(expected, r.numSpots(), "spurious spots");
        int total = 0;
        for (int m = 0; m < r.numMasks(); m++) {
            total += r.count(m);
        }
        assertEquals(40, r.numMasks());
        assertEquals(expected, total);
        assertEquals(10L, r.nRemoved());
    }

    /**
     * X is the row and Y the column (LaueUtil's I[i, X, Y]), on a frame twice as wide as high with one spot
     * placed by hand: a swap of the two, or of box corners, cannot pass.
     */
    @Test
    void xyAndBoxAreRowThenColumnOnAWideFrame() {
        int h = 12;
        int w = 30;
        float[][] frames = new float[12][h * w];
        double[] angle = new double[12];
        for (int f = 0; f < 12; f++) {
            angle[f] = f;
            for (int p = 0; p < h * w; p++) {
                frames[f][p] = 10 + (p * 7 + f * 3) % 5; // background 10..14
            }
        }
        // frame 4: a 3 x 5 block at rows 6..8, columns 20..24, brightest at row 7, column 23
        for (int x = 6; x <= 8; x++) {
            for (int y = 20; y <= 24; y++) {
                frames[4][x * w + y] = 500;
            }
        }
        frames[4][7 * w + 23] = 900;
        FrameSource src = new MemorySource(new LaueSeries(12, h, w, angle, new long[12], 0, null), frames);
        SpotsResult r = run(src, "erosions=0", "dilations=0", "min_angles=2");
        assertEquals(1, r.numSpots());
        assertEquals(4, r.frame(0));
        assertEquals(7, r.x(0));
        assertEquals(23, r.y(0));
        assertArrayEquals(new int[] {6, 20, 8, 24}, r.box(0));
        assertEquals(6 * w + 20, r.pixels(0)[0]);
        assertEquals(1, r.labelAt(r.mask(0), 7, 23));
        assertTrue(r.filtered(4, 8, 24));
    }

    /** For -S none, pairs and blocks: labels[mask[k]] at XY[k] is label[k] for every spot k. */
    @Test
    void everySpotIsFoundAtItsLabelInItsMask() {
        SyntheticLaue d = laser();
        for (String sync : new String[] {"none", "pairs", "blocks"}) {
            SpotsResult r = run(d, "sync=" + sync);
            assertEquals(sync.equals("none") ? 40 : sync.equals("pairs") ? 20 : 10, r.numMasks(), sync);
            assertTrue(r.numSpots() > 30, sync);
            for (int s = 0; s < r.numSpots(); s++) {
                assertEquals(r.label(s), r.labelAt(r.mask(s), r.x(s), r.y(s)), sync + " spot " + s);
                assertEquals(r.maskOfFrame(r.frame(s)), r.mask(s));
                for (int q : r.pixels(s)) {
                    assertEquals(r.label(s), r.labelAt(r.mask(s), q / 48, q % 48));
                }
            }
            for (int f = 0; f < 40; f++) {
                assertEquals(r.count(r.maskOfFrame(f)), r.endSpot(f) - r.firstSpot(f), sync + " frame " + f);
            }
        }
    }

    @Test
    void pairsSyncGivesOffFramesTheLaserSpot() {
        SyntheticLaue d = laser();
        SpotsResult r = run(d, "sync=pairs");
        assertEquals(20, r.numMasks());
        for (int f = 0; f < 40; f += 2) {
            assertEquals(f / 2, r.maskOfFrame(f));
            assertEquals(f / 2, r.maskOfFrame(f + 1));
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    boolean union = r.filtered(f, y, x) || r.filtered(f + 1, y, x);
                    assertEquals(union, r.syncedMask(f / 2, y, x));
                    assertEquals(union, r.labelAt(f / 2, y, x) != 0);
                }
            }
        }
        for (SyntheticLaue.Planted p : d.planted()) {
            if (!p.laserOnly()) {
                continue;
            }
            for (int on : p.frames()) {
                int off = on - 1;
                assertFalse(r.filtered(off, p.row(), p.col()), "laser spot visible in an off frame");
                assertTrue(r.syncedMask(on / 2, p.row(), p.col()));
                int sOn = spotAt(r, on, p.row(), p.col());
                assertTrue(sOn >= 0);
                // the off frame carries the same label, so on - off is the laser-induced intensity
                int lab = r.label(sOn);
                int sOff = -1;
                for (int s = r.firstSpot(off); s < r.endSpot(off); s++) {
                    if (r.label(s) == lab) {
                        sOff = s;
                    }
                }
                assertTrue(sOff >= 0, "off frame lacks the synced spot");
                assertEquals(on / 2, r.mask(sOn));
                assertEquals(on / 2, r.mask(sOff));
                assertArrayEquals(r.pixels(sOn), r.pixels(sOff));
                assertTrue(r.intensity(sOn) - r.intensity(sOff) > 1000);
            }
        }
    }

    @Test
    void blocksSyncUnitesAllFramesOfAnAngle() {
        SyntheticLaue d = laser();
        SpotsResult r = run(d, "sync=blocks");
        assertEquals(10, r.numMasks());
        for (int a = 0; a < 10; a++) {
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    boolean union = false;
                    for (int i = 0; i < 4; i++) {
                        union |= r.filtered(4 * a + i, y, x);
                    }
                    assertEquals(union, r.syncedMask(a, y, x));
                    assertEquals(union, r.labelAt(a, y, x) != 0);
                }
            }
            assertEquals(3, r.count(a));
        }
        // every frame of an angle lists the angle's three spots
        for (int f = 0; f < 40; f++) {
            assertEquals(3, r.endSpot(f) - r.firstSpot(f));
            assertEquals(f / 4, r.mask(r.firstSpot(f)));
        }
    }

    @Test
    void kruskalOnLaserDataKeepsBackgroundStatistics() {
        // 10 frames per angle (5 off, 5 on) so that KW can reject at alpha 0.05
        SyntheticLaue d = SyntheticLaue.builder()
                .size(32, 32)
                .angles(10, 10)
                .laser(true)
                .spots(2, 1, 300)
                .seed(8)
                .build();
        SpotsResult r = run(d, "method=kruskal", "sync=pairs");
        for (SyntheticLaue.Planted p : d.planted()) {
            int q = p.row() * 32 + p.col();
            // Kruskal-Wallis removes only what differs between laser groups: a static spot stays in the
            // statistics (and raises std), so only the laser-induced spots are expected here
            if (p.laserOnly()) {
                for (int f : p.frames()) {
                    assertTrue(spotAt(r, f, p.row(), p.col()) >= 0, "laser spot at frame " + f + " not found");
                }
                // the laser spot's 5 on-frame values at its centre are removed: avg is background
                assertTrue(r.stats().removed(q) >= 3, "removed " + r.stats().removed(q));
                assertTrue(
                        Math.abs(r.stats().avg(q) - 100) < 40,
                        "avg " + r.stats().avg(q));
            } else {
                // its 10 bright values (of 100) stay: avg ~ 100 + 10 * 300 / 100 = 130, vs 100 if removed
                assertTrue(
                        r.stats().avg(q) > 120,
                        "static spot pixel avg " + r.stats().avg(q));
            }
        }
        assertTrue(r.nRemoved() > 0);
    }

    @Test
    void ranksSplitGivesTheSameResult() throws Exception {
        SyntheticLaue d = laser();
        for (String sync : new String[] {"none", "pairs", "blocks"}) {
            SpotsOptions o = SpotTestData.options(null, "sync=" + sync);
            SpotsResult one = new SpotFinder(o, new LocalCommunicator(), 1).run(d);
            List<SpotsResult> three = ThreadCommunicator.run(3, c -> new SpotFinder(o, c, 1).run(d));
            SpotsResult r = three.get(0);
            assertNull(three.get(1));
            assertArrayEquals(one.stats.avg, r.stats.avg);
            assertArrayEquals(one.stats.std, r.stats.std);
            assertArrayEquals(one.stats.arg, r.stats.arg);
            assertArrayEquals(one.intensity, r.intensity);
            assertArrayEquals(one.xy, r.xy);
            assertArrayEquals(one.box, r.box);
            assertArrayEquals(one.pixelList, r.pixelList);
            assertArrayEquals(one.pixelListBE, r.pixelListBE);
            assertArrayEquals(one.frame2spotsBE, r.frame2spotsBE);
            assertArrayEquals(one.counts, r.counts);
            assertArrayEquals(one.mask, r.mask);
            assertTrue(Arrays.deepEquals(one.labels, r.labels));
            assertTrue(Arrays.deepEquals(one.masksRaw, r.masksRaw));
            assertTrue(Arrays.deepEquals(one.masksFiltered, r.masksFiltered));
            assertTrue(Arrays.deepEquals(one.masksSynced, r.masksSynced));
        }
    }

    @Test
    void structureAndMorphologyOptionsAreUsed() {
        SyntheticLaue d = plain();
        SpotsResult none = run(d, "erosions=0", "dilations=0", "structure=2,1");
        SpotsResult dflt = run(d);
        // without erosion single noisy pixels survive as spots
        assertTrue(none.numSpots() > dflt.numSpots());
        assertTrue(Arrays.deepEquals(none.masksRaw, none.masksFiltered));
    }

    /** --threads 1: every frame the workers read is read on one and the same worker thread. */
    @Test
    void oneThreadMeansOneWorker() {
        SyntheticLaue d = plain();
        Set<Thread> readers = ConcurrentHashMap.newKeySet();
        FrameSource watched = new FrameSource() {
            @Override
            public LaueSeries series() {
                return d.series();
            }

            @Override
            public void read(int f0, int nf, int y0, int rows, float[] out) {
                if (Thread.currentThread() != caller) {
                    readers.add(Thread.currentThread());
                }
                d.read(f0, nf, y0, rows, out);
            }

            final Thread caller = Thread.currentThread();
        };
        SpotsResult one = new SpotFinder(SpotTestData.options(null), new LocalCommunicator(), 1).run(watched);
        assertEquals(1, readers.size(), readers.toString());
        readers.clear();
        SpotsResult two = new SpotFinder(SpotTestData.options(null), new LocalCommunicator(), 2).run(watched);
        assertTrue(readers.size() <= 2, readers.toString());
        assertArrayEquals(one.intensity, two.intensity);
    }

    /** Frames held in memory, for layouts made by hand. */
    record MemorySource(LaueSeries series, float[][] frames) implements FrameSource {
        @Override
        public void read(int f0, int nf, int y0, int rows, float[] out) {
            int w = series.width();
            for (int f = 0; f < nf; f++) {
                System.arraycopy(frames[f0 + f], y0 * w, out, f * rows * w, rows * w);
            }
        }
    }
}
