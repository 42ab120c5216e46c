package org.diffract.correlate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.diffract.core.UserError;
import org.diffract.core.config.IniConfig;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.LocalCommunicator;
import org.diffract.core.plot.ColorScale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11.6: the ring fit on the right shots (after the dark ones, or a list of tags) and a picture whose
 * colours are not squashed by hot pixels.
 */
class CenterStepTest {
    @TempDir
    Path dir;

    /** 8 shots of SyntheticShots.small, the first 3 replaced by dark frames (flat, one hot pixel). */
    private Path darkThenRing() {
        SyntheticShots shots = SyntheticShots.small(8, 3);
        double[] all = new double[8 * 64 * 72];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(shots.images[i], 0, all, i * 64 * 72, 64 * 72);
            if (i < 3) {
                Arrays.fill(all, i * 64 * 72, (i + 1) * 64 * 72, 2.0);
                all[i * 64 * 72 + 10 * 72 + 50] = 1e6;
            }
        }
        Path data = dir.resolve("dark.h5");
        new H5Writer().put("shots", all, 8, 64, 72).write(data);
        return data;
    }

    private IniConfig config(Path data, String out) {
        return IniConfig.empty(dir.resolve("c.ini"))
                .set("input", "data_file", data.toString())
                .set("input", "dataset", "shots")
                .set("geometry", "wavelen", "1.0")
                .set("geometry", "pixsize", "0.0001")
                .set("geometry", "detdist", "0.05")
                .set("center", "guess_x", "37")
                .set("center", "guess_y", "29")
                .set("center", "guess_r", "21.5")
                .set("center", "ring_width", "8")
                .set("center", "drop_brightest", "3")
                .set("center", "num_shots", "3")
                .set("polar", "qmin", "0.5")
                .set("polar", "qmax", "1")
                .set("pairs", "skip_dark", "3")
                .set("output", "output_folder", dir.resolve(out).toString());
    }

    private RingFit fit(IniConfig c) {
        try (CorrelateRun run = new CorrelateRun(CorrelateSettings.from(c), new LocalCommunicator(), 1)) {
            return run.center();
        }
    }

    private long[] shotTags(String out) {
        try (H5Reader r = H5Reader.open(dir.resolve(out).resolve("center.h5"))) {
            return r.integers("shot_tags");
        }
    }

    @Test
    void theFitSkipsTheDarkShotsByDefault() {
        Path data = darkThenRing();
        RingFit f = fit(config(data, "a"));
        assertEquals(35.3, f.xCenter(), 0.1);
        assertEquals(30.6, f.yCenter(), 0.1);
        assertArrayEquals(new long[] {3, 4, 5}, shotTags("a"));
        // the same three dark shots without skipping: there is no ring to fit
        IniConfig dark = config(data, "b").set("center", "skip_dark", "0");
        boolean failed;
        try {
            RingFit g = fit(dark);
            failed = Math.hypot(g.xCenter() - 35.3, g.yCenter() - 30.6) > 1;
        } catch (UserError e) {
            failed = true;
        }
        assertTrue(failed, "a fit on dark shots should not find the ring");
    }

    @Test
    void listedTagsAreTheShotsFitted() {
        Path data = darkThenRing();
        RingFit f = fit(config(data, "c").set("pairs", "skip_dark", "0").set("center", "tags", "tag_6, 7"));
        assertEquals(35.3, f.xCenter(), 0.1);
        assertArrayEquals(new long[] {6, 7}, shotTags("c"));
        UserError e = assertThrows(UserError.class, () -> fit(config(data, "d").set("center", "tags", "tag_6 tag_99")));
        assertTrue(e.getMessage().contains("tag_99") && e.getMessage().contains("[center] tags"), e.getMessage());
        e = assertThrows(
                UserError.class, () -> CorrelateSettings.from(config(data, "e").set("center", "tags", "x1")));
        assertTrue(e.getMessage().contains("x1"), e.getMessage());
        e = assertThrows(UserError.class, () -> fit(config(data, "f").set("center", "skip_dark", "8")));
        assertTrue(e.getMessage().contains("skip_dark"), e.getMessage());
    }

    @Test
    void thePictureIsScaledOnPercentilesOfGoodPixels() throws Exception {
        SyntheticShots shots = SyntheticShots.small(1, 1);
        double[] img = shots.images[0].clone();
        byte[] mask = new byte[img.length];
        Arrays.fill(mask, (byte) 1);
        for (int t = 0; t < 40; t++) {
            img[t] = 1e9; // hot pixels along the top edge, masked
            mask[t] = 0;
        }
        img[63 * 72 + 71] = 5e8; // and one that is not masked
        RingFit fit = new RingFit(35.3, 30.6, 20, 20, 20, 0.1, 100, false);
        double[] drawn = CorrelatePlots.ringFitImage(img, mask, 72, 64, fit);
        ColorScale scale = ColorScale.of(drawn, false);
        int ring = 31 * 72 + 15; // (x 15, y 31): on the ring, 20 px left of the centre
        int background = 2 * 72 + 2;
        int centre = 31 * 72 + 35;
        assertTrue(scale.fraction(drawn[ring]) > 0.4, "ring at " + scale.fraction(drawn[ring]));
        assertTrue(scale.fraction(drawn[background]) < 0.1, "background at " + scale.fraction(drawn[background]));
        assertEquals(scale.fraction(drawn[background]), scale.fraction(drawn[5]), 0.05, "masked hot pixel");
        assertEquals(1.0, scale.fraction(drawn[centre]), 1e-12, "the centre mark");
        Path png = dir.resolve("fit.png");
        CorrelatePlots.ringFit(png, img, mask, 72, 64, fit);
        assertTrue(Files.size(png) > 0);
    }
}
