package org.diffract.core.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotTest {
    @TempDir
    Path dir;

    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                seen.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return seen.size();
    }

    @Test
    void colormapEndsAndClamping() {
        assertEquals(0x440154, Colormap.VIRIDIS.rgb(0));
        assertEquals(0xfde725, Colormap.VIRIDIS.rgb(1));
        assertEquals(0x440154, Colormap.VIRIDIS.rgb(-3));
        assertEquals(0x440154, Colormap.VIRIDIS.rgb(Double.NaN));
        assertEquals(0xfde725, Colormap.VIRIDIS.rgb(7));
        assertEquals(0x000000, Colormap.GRAY.rgb(0));
        assertEquals(0xffffff, Colormap.GRAY.rgb(1));
        // 0.5 * 255 + 0.5 = 128: entry 128 of 256, which is 128/255 of the way to white: grey 128 = 0x80
        assertEquals(0x808080, Colormap.GRAY.rgb(0.5));
        // the middle anchor of viridis is at entry 127.5; entries 127 and 128 lie within 1 of it
        int mid = Colormap.VIRIDIS.rgb(127.0 / 255);
        assertTrue(Math.abs((mid >> 16 & 0xff) - 0x26) <= 1 && Math.abs((mid >> 8 & 0xff) - 0x82) <= 1);
    }

    @Test
    void logScaleMapsDecadesLinearly() {
        ColorScale s = ColorScale.of(new double[] {0.01, 1, 100, 0, -5, Double.NaN}, true);
        assertEquals(-2, s.min(), 1e-15);
        assertEquals(2, s.max(), 1e-15);
        assertEquals(0.0, s.fraction(0.01), 1e-15);
        assertEquals(0.5, s.fraction(1), 1e-15);
        assertEquals(0.75, s.fraction(10), 1e-15);
        assertEquals(1.0, s.fraction(100), 1e-15);
        // log10(0.1) = -1 -> (-1 + 2) / 4
        assertEquals(0.25, s.fraction(0.1), 1e-15);
        assertEquals(0.0, s.fraction(0), 0);
        assertEquals(0.0, s.fraction(-5), 0);
        assertEquals(0.01, s.lowValue(), 1e-15);
        assertEquals(100, s.highValue(), 1e-12);
        ColorScale lin = ColorScale.of(new double[] {-1, 3}, false);
        assertEquals(0.5, lin.fraction(1), 1e-15);
    }

    @Test
    void centralSlicesShowABrightVoxelWhereExpected() throws IOException {
        int n = 16, c = n / 2;
        double[] vol = new double[n * n * n];
        for (int i = 0; i < vol.length; i++) {
            vol[i] = 1;
        }
        // bright voxel in the central x plane at (y, z) = (3, 12): row 3, column 12 of panel 0
        vol[(c * n + 3) * n + 12] = 1000;
        Path png = dir.resolve("slices.png");
        SlicePlot.writeCentralSlices(png, vol, n, "test volume", true);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        int ps = SlicePlot.panelSize(n);
        assertEquals(256, ps);
        assertTrue(img.getWidth() >= 3 * ps + 4 * SlicePlot.MARGIN + SlicePlot.BAR_WIDTH);
        assertEquals(SlicePlot.panelTop() + ps + SlicePlot.MARGIN, img.getHeight());
        assertTrue(colours(img) > 10);
        int k = ps / n;
        int top = SlicePlot.panelTop();
        int left0 = SlicePlot.panelLeft(0, ps);
        // centre of the magnified voxel: the maximum, top colour of the map
        assertEquals(Colormap.VIRIDIS.rgb(1), img.getRGB(left0 + 12 * k + k / 2, top + 3 * k + k / 2) & 0xffffff);
        // a neighbour has the minimum value, 1, -> minimum colour
        assertEquals(Colormap.VIRIDIS.rgb(0), img.getRGB(left0 + 11 * k + k / 2, top + 3 * k + k / 2) & 0xffffff);
        // the voxel is not in the y = c or z = c planes (y = 3, z = 12), which are uniform
        int left1 = SlicePlot.panelLeft(1, ps);
        assertEquals(Colormap.VIRIDIS.rgb(0), img.getRGB(left1 + 12 * k + k / 2, top + 3 * k + k / 2) & 0xffffff);
        // no temporary files left behind by the atomic write
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void logScaleColourOfAnIntermediateValue() throws IOException {
        // image 2 x 4: values 0.01, 1, 10, 100 in row 0, non-positive in row 1
        double[] image = {0.01, 1, 10, 100, 0, -1, 0.01, 0.01};
        Path png = dir.resolve("img.png");
        SlicePlot.writeImage(png, image, 2, 4, "frame", true);
        BufferedImage img = ImageIO.read(png.toFile());
        int ph = SlicePlot.panelSize(2), pw = SlicePlot.panelSize(4);
        assertEquals(256, ph);
        assertEquals(256, pw);
        int kx = pw / 4, ky = ph / 2, top = SlicePlot.panelTop(), left = SlicePlot.panelLeft(0, pw);
        // log10 spans [-2, 2]: 1 -> 0.5, 10 -> 0.75
        assertEquals(Colormap.VIRIDIS.rgb(0.5), img.getRGB(left + kx + kx / 2, top + ky / 2) & 0xffffff);
        assertEquals(Colormap.VIRIDIS.rgb(0.75), img.getRGB(left + 2 * kx + kx / 2, top + ky / 2) & 0xffffff);
        assertEquals(Colormap.VIRIDIS.rgb(0), img.getRGB(left + kx + kx / 2, top + ky + ky / 2) & 0xffffff);
        assertEquals(Colormap.VIRIDIS.rgb(1), img.getRGB(left + 3 * kx + kx / 2, top + ky / 2) & 0xffffff);
    }

    @Test
    void largeImagesAreSampledDown() throws IOException {
        int nx = 600, ny = 300;
        double[] image = new double[nx * ny];
        for (int i = 0; i < image.length; i++) {
            image[i] = i % 7;
        }
        Path png = dir.resolve("big.png");
        SlicePlot.writeImage(png, image, nx, ny, "big", false);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(SlicePlot.panelTop() + 256 + SlicePlot.MARGIN, img.getHeight());
    }

    @Test
    void wrongShapesAreUserErrors() {
        assertThrows(
                UserError.class, () -> SlicePlot.writeCentralSlices(dir.resolve("a.png"), new double[7], 2, "", false));
        assertThrows(UserError.class, () -> SlicePlot.writeImage(dir.resolve("a.png"), new double[7], 2, 3, "", false));
        assertThrows(UserError.class, () -> LinePlot.write(dir.resolve("a.png"), "", "", List.of()));
        assertThrows(
                UserError.class,
                () -> LinePlot.write(
                        dir.resolve("a.png"),
                        "",
                        "",
                        List.of(new LinePlot.Panel(
                                "y", false, List.of(new LinePlot.Series("s", new double[2], new double[3]))))));
    }

    @Test
    void linePlotWithGapsAndLogAxis() throws IOException {
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        double[] ll = {-9e5, -7e5, Double.NaN, -5e5, -4.5e5, -4.2e5, -4.1e5, -4.05e5};
        double[] beta = {0.001, 0.001, 0.002, 0.002, 0.004, 0.004, 0.008, 0.008};
        double[] change = {1, 0.3, 0.1, 0.03, 0, 0.003, 0.001, 3e-4};
        Path png = dir.resolve("lines.png");
        LinePlot.write(
                png,
                "EMC progress",
                "iteration",
                List.of(
                        new LinePlot.Panel("log-likelihood", false, List.of(new LinePlot.Series("LL", x, ll))),
                        new LinePlot.Panel(
                                "rms change",
                                true,
                                List.of(
                                        new LinePlot.Series("change", x, change),
                                        new LinePlot.Series("beta", x, beta)))));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(LinePlot.WIDTH, img.getWidth());
        assertEquals(LinePlot.panelTop(2) - LinePlot.GAP + LinePlot.BOTTOM, img.getHeight());
        assertTrue(colours(img) > 5);
        // the first series' colour appears inside the first panel
        boolean found = false;
        for (int y = LinePlot.panelTop(0); y < LinePlot.panelTop(0) + LinePlot.PANEL_HEIGHT && !found; y++) {
            for (int xx = LinePlot.LEFT; xx < LinePlot.WIDTH - LinePlot.RIGHT; xx++) {
                if ((img.getRGB(xx, y) & 0xffffff) == 0x1f77b4) {
                    found = true;
                    break;
                }
            }
        }
        assertTrue(found);
    }

    @Test
    void axisTicksAreNiceAndLabelled() {
        LinePlot.Axis a = new LinePlot.Axis(0, 10, false);
        assertEquals(2, a.step(), 0);
        assertEquals(6, a.ticks().length);
        assertEquals("4", a.label(4));
        LinePlot.Axis b = new LinePlot.Axis(0, 0.5, false);
        assertEquals(0.1, b.step(), 1e-15);
        assertEquals("0.3", b.label(0.30000000000000004));
        LinePlot.Axis log = new LinePlot.Axis(-3, 1, true);
        assertEquals(1, log.step(), 0);
        assertEquals("0.01", log.label(-2));
        assertEquals("10", log.label(1));
    }

    @Test
    void bitmapFontDrawsText() {
        BufferedImage img = new BufferedImage(60, 12, BufferedImage.TYPE_INT_RGB);
        BitmapFont.draw(img, "1.5e-3", 0, 0, 0xffffff, 1);
        int lit = 0;
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 60; x++) {
                lit += (img.getRGB(x, y) & 0xffffff) != 0 ? 1 : 0;
            }
        }
        assertTrue(lit > 20);
        assertEquals(35, BitmapFont.width("1.5e-3", 1));
        // '1' column 2 is lit in every glyph row except the top spacing row
        assertFalse((img.getRGB(2, 0) & 0xffffff) != 0);
        assertTrue((img.getRGB(2, 1) & 0xffffff) != 0);
    }

    @Test
    void plotsWorkWithTheBitmapFontToo() throws IOException {
        String old = System.getProperty("diffract.plot.bitmapFont");
        System.setProperty("diffract.plot.bitmapFont", "true");
        try {
            assertTrue(TextPainter.useBitmap());
            Path png = dir.resolve("bitmap.png");
            SlicePlot.writeImage(png, new double[] {1, 2, 3, 4}, 2, 2, "bitmap font", false);
            assertTrue(colours(ImageIO.read(png.toFile())) > 3);
        } finally {
            if (old == null) {
                System.clearProperty("diffract.plot.bitmapFont");
            } else {
                System.setProperty("diffract.plot.bitmapFont", old);
            }
        }
    }
}
