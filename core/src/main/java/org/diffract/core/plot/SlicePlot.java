package org.diffract.core.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;

import org.diffract.core.UserError;

/**
 * PNG pictures of a cubic volume's three central planes, or of one 2D frame, in the viridis colour map
 * with a colour bar. A volume is C-ordered {@code v[(x * n + y) * n + z]} and its central planes are at
 * index n/2 (the q origin of the Slicer). In every panel the image row is the first remaining axis and
 * the column the second (x plane: rows y, columns z; y plane: rows x, columns z; z plane: rows x,
 * columns y), as numpy's imshow shows {@code v[c, :, :]}. A 2D image {@code image[i * ny + j]} is drawn
 * with row i, column j. All panels share one colour scale.
 */
public final class SlicePlot {
    /** Panels are enlarged by whole pixels to about this size; larger inputs are sampled down to it. */
    static final int TARGET_PANEL = 256;

    static final int MARGIN = 12;
    static final int TEXT = 14;
    static final int BAR_WIDTH = 16;
    static final int BACKGROUND = 0xffffff;
    static final int INK = 0x000000;

    private SlicePlot() {}

    /** Panel edge in image pixels for an input of n samples. */
    static int panelSize(int n) {
        return n <= TARGET_PANEL ? n * Math.max(1, Math.round(TARGET_PANEL / (float) n)) : TARGET_PANEL;
    }

    /** Writes the three central planes of {@code vol} side by side, with labels and a colour bar. */
    public static void writeCentralSlices(Path png, double[] vol, int n, String title, boolean logScale) {
        if (n <= 0 || vol == null || vol.length != (long) n * n * n) {
            throw new UserError("volume must have n^3 = " + ((long) n * n * n) + " values for n = " + n + ", got "
                    + (vol == null ? "none" : vol.length));
        }
        int c = n / 2;
        double[][] planes = new double[3][n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                planes[0][a * n + b] = vol[(c * n + a) * n + b];
                planes[1][a * n + b] = vol[(a * n + c) * n + b];
                planes[2][a * n + b] = vol[(a * n + b) * n + c];
            }
        }
        String[] labels = {
            "x = " + c + " (y down, z across)", "y = " + c + " (x down, z across)", "z = " + c + " (x down, y across)"
        };
        write(png, planes, labels, n, n, title, logScale);
    }

    /** Writes one 2D frame {@code image[i * ny + j]} (row i, column j) with a colour bar. */
    public static void writeImage(Path png, double[] image, int nx, int ny, String title, boolean logScale) {
        if (nx <= 0 || ny <= 0 || image == null || image.length != (long) nx * ny) {
            throw new UserError("image must have nx * ny = " + ((long) nx * ny) + " values, got "
                    + (image == null ? "none" : image.length));
        }
        write(png, new double[][] {image}, new String[] {nx + " x " + ny}, nx, ny, title, logScale);
    }

    private static void write(
            Path png, double[][] panels, String[] labels, int rows, int cols, String title, boolean logScale) {
        BufferedImage img = render(panels, labels, rows, cols, title, logScale);
        PlotPng.write(img, png);
    }

    /** The scale shared by all panels. */
    static ColorScale scaleOf(double[][] panels, boolean logScale) {
        int total = 0;
        for (double[] p : panels) {
            total += p.length;
        }
        double[] all = new double[total];
        int k = 0;
        for (double[] p : panels) {
            System.arraycopy(p, 0, all, k, p.length);
            k += p.length;
        }
        return ColorScale.of(all, logScale);
    }

    /** Top-left pixel of panel p's image area; layout shared by render and the tests. */
    static int panelLeft(int p, int panelW) {
        return MARGIN + p * (panelW + MARGIN);
    }

    static int panelTop() {
        return MARGIN + 2 * (TEXT + 4);
    }

    static BufferedImage render(
            double[][] panels, String[] labels, int rows, int cols, String title, boolean logScale) {
        ColorScale scale = scaleOf(panels, logScale);
        int ph = panelSize(rows), pw = panelSize(cols);
        String hiText = "max " + format(scale.highValue());
        String loText = "min " + format(scale.lowValue());
        String scaleText = logScale ? "log10 scale" : "linear scale";
        String titleText = title == null ? "" : title;
        // measure the labels first so the image is wide enough for them
        int labelRoom;
        int titleWidth;
        BufferedImage scratch = PlotPng.newImage(1, 1);
        Graphics2D g0 = scratch.createGraphics();
        try {
            TextPainter m = new TextPainter(scratch, g0, TEXT);
            labelRoom = Math.max(Math.max(m.width(hiText), m.width(loText)), m.width(scaleText));
            titleWidth = m.width(titleText);
        } finally {
            g0.dispose();
        }
        int width =
                Math.max(panelLeft(panels.length, pw) + BAR_WIDTH + 6 + labelRoom + MARGIN, titleWidth + 2 * MARGIN);
        int top = panelTop();
        int height = top + ph + MARGIN;

        BufferedImage img = PlotPng.newImage(width, height);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(new Color(BACKGROUND));
            g.fillRect(0, 0, width, height);
            TextPainter text = new TextPainter(img, g, TEXT);
            draw(
                    img,
                    text,
                    panels,
                    labels,
                    rows,
                    cols,
                    titleText,
                    scale,
                    Colormap.VIRIDIS,
                    ph,
                    pw,
                    top,
                    hiText,
                    loText,
                    scaleText);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void draw(
            BufferedImage img,
            TextPainter text,
            double[][] panels,
            String[] labels,
            int rows,
            int cols,
            String title,
            ColorScale scale,
            Colormap cmap,
            int ph,
            int pw,
            int top,
            String hiText,
            String loText,
            String scaleText) {
        text.draw(title, MARGIN, MARGIN / 2, INK);
        for (int p = 0; p < panels.length; p++) {
            int left = panelLeft(p, pw);
            text.draw(labels[p], left, top - TEXT - 4, INK);
            double[] v = panels[p];
            for (int py = 0; py < ph; py++) {
                // nearest sample: each output pixel shows the input sample it falls in
                int r = (int) ((long) py * rows / ph);
                for (int px = 0; px < pw; px++) {
                    int cIdx = (int) ((long) px * cols / pw);
                    img.setRGB(left + px, top + py, cmap.rgb(scale.fraction(v[r * cols + cIdx])));
                }
            }
        }
        int barLeft = panelLeft(panels.length, pw);
        for (int py = 0; py < ph; py++) {
            int rgb = cmap.rgb(1.0 - (double) py / Math.max(1, ph - 1));
            for (int px = 0; px < BAR_WIDTH; px++) {
                img.setRGB(barLeft + px, top + py, rgb);
            }
        }
        int labelX = barLeft + BAR_WIDTH + 6;
        text.draw(hiText, labelX, top, INK);
        text.draw(scaleText, labelX, top + ph / 2 - text.height() / 2, INK);
        text.draw(loText, labelX, top + ph - text.height(), INK);
    }

    static String format(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-2) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
