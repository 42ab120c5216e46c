package org.diffract.core.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Draws labels with AWT fonts when they work on this JVM, else with {@link BitmapFont}. A headless JDK
 * on a machine without fontconfig or any font throws (Error or RuntimeException) from the first Font
 * use, so the choice is made once by drawing a probe string; the system property
 * {@code diffract.plot.bitmapFont=true} forces the bitmap font.
 */
final class TextPainter {
    private static final boolean AWT_TEXT_WORKS = probe();

    private final BufferedImage img;
    private final Graphics2D g;
    private final boolean bitmap;
    private final int scale;
    private final Font font;
    private final FontMetrics metrics;

    /** Text about {@code pixelHeight} pixels tall (line height). */
    TextPainter(BufferedImage img, Graphics2D g, int pixelHeight) {
        this.img = img;
        this.g = g;
        this.bitmap = useBitmap();
        this.scale = Math.max(1, Math.round(pixelHeight / (float) BitmapFont.LINE));
        if (bitmap) {
            font = null;
            metrics = null;
        } else {
            // a font's line height is about 1.2 times its point size at 72 dpi
            font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(6, Math.round(pixelHeight / 1.2f)));
            metrics = g.getFontMetrics(font);
        }
    }

    static boolean useBitmap() {
        return Boolean.getBoolean("diffract.plot.bitmapFont") || !AWT_TEXT_WORKS;
    }

    int width(String s) {
        return bitmap ? BitmapFont.width(s, scale) : metrics.stringWidth(s);
    }

    int height() {
        return bitmap ? BitmapFont.height(scale) : metrics.getHeight();
    }

    /** Draws s with the top-left of its line box at (x, yTop). */
    void draw(String s, int x, int yTop, int rgb) {
        if (bitmap) {
            BitmapFont.draw(img, s, x, yTop, rgb, scale);
        } else {
            g.setFont(font);
            g.setColor(new Color(rgb));
            g.drawString(s, x, yTop + metrics.getAscent());
        }
    }

    private static boolean probe() {
        PlotPng.headless();
        try {
            BufferedImage im = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = im.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.setColor(Color.WHITE);
                g.drawString("08", 2, 15);
                if (g.getFontMetrics().stringWidth("08") <= 0) {
                    return false;
                }
            } finally {
                g.dispose();
            }
            // a font system that silently draws nothing is as bad as one that throws
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 40; x++) {
                    if ((im.getRGB(x, y) & 0xffffff) != 0) {
                        return true;
                    }
                }
            }
            return false;
        } catch (Throwable e) { // NOPMD: fonts fail with Errors (UnsatisfiedLinkError, InternalError) too
            return false;
        }
    }
}
