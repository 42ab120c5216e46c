package org.diffract.core.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.diffract.core.UserError;

/**
 * Line plots as PNG: panels stacked vertically that share one x axis (for example log-likelihood,
 * mutual information and beta against iteration). Points with a NaN or infinite coordinate, and
 * non-positive y on a log axis, are skipped and break the line there.
 */
public final class LinePlot {
    /** One line: y[k] against x[k]. */
    public record Series(String name, double[] x, double[] y) {}

    /** One stacked panel with its own y axis. */
    public record Panel(String yLabel, boolean logY, List<Series> series) {}

    static final int WIDTH = 800;
    static final int PANEL_HEIGHT = 220;
    static final int LEFT = 90;
    static final int RIGHT = 20;
    static final int TOP = 34;
    static final int GAP = 34;
    static final int BOTTOM = 56;
    static final int TEXT = 13;
    private static final int[] PALETTE = {
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf
    };

    private LinePlot() {}

    public static void write(Path png, String title, String xLabel, List<Panel> panels) {
        validate(panels);
        PlotPng.write(render(title, xLabel, panels), png);
    }

    private static void validate(List<Panel> panels) {
        if (panels == null || panels.isEmpty()) {
            throw new UserError("a line plot needs at least one panel");
        }
        for (Panel p : panels) {
            for (Series s : p.series()) {
                if (s.x() == null || s.y() == null || s.x().length != s.y().length) {
                    throw new UserError("series '" + s.name() + "' must have as many x as y values");
                }
            }
        }
    }

    /** Top pixel row of panel p's plotting area. */
    static int panelTop(int p) {
        return TOP + p * (PANEL_HEIGHT + GAP);
    }

    static BufferedImage render(String title, String xLabel, List<Panel> panels) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        for (Panel p : panels) {
            for (Series s : p.series()) {
                for (int k = 0; k < s.x().length; k++) {
                    if (usable(s.x()[k], s.y()[k], p.logY())) {
                        xMin = Math.min(xMin, s.x()[k]);
                        xMax = Math.max(xMax, s.x()[k]);
                    }
                }
            }
        }
        Axis xAxis = Axis.linear(xMin, xMax, false);
        int height = panelTop(panels.size()) - GAP + BOTTOM;
        int plotW = WIDTH - LEFT - RIGHT;
        BufferedImage img = PlotPng.newImage(WIDTH, height);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            TextPainter text = new TextPainter(img, g, TEXT);
            String t = title == null ? "" : title;
            text.draw(t, LEFT + plotW / 2 - text.width(t) / 2, 4, 0x000000);
            for (int p = 0; p < panels.size(); p++) {
                Panel panel = panels.get(p);
                int top = panelTop(p);
                Axis yAxis = yAxisOf(panel);
                drawFrame(g, text, xAxis, yAxis, top, plotW, p == panels.size() - 1);
                text.draw(panel.yLabel() == null ? "" : panel.yLabel(), 6, top - TEXT - 6, 0x000000);
                drawSeries(g, panel, xAxis, yAxis, top, plotW);
                drawLegend(g, text, panel, top, plotW);
            }
            String xl = xLabel == null ? "" : xLabel;
            text.draw(xl, LEFT + plotW / 2 - text.width(xl) / 2, height - text.height() - 4, 0x000000);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static boolean usable(double x, double y, boolean logY) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
    }

    private static Axis yAxisOf(Panel panel) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series()) {
            for (int k = 0; k < s.y().length; k++) {
                if (usable(s.x()[k], s.y()[k], panel.logY())) {
                    double v = panel.logY() ? Math.log10(s.y()[k]) : s.y()[k];
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return Axis.linear(lo, hi, panel.logY());
    }

    private static void drawFrame(
            Graphics2D g, TextPainter text, Axis x, Axis y, int top, int plotW, boolean xTickLabels) {
        g.setStroke(new BasicStroke(1f));
        for (double t : y.ticks()) {
            int py = top + y.toPixel(t, PANEL_HEIGHT, true);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, py, LEFT + plotW, py);
            g.setColor(Color.BLACK);
            g.drawLine(LEFT - 4, py, LEFT, py);
            String s = y.label(t);
            text.draw(s, LEFT - 8 - text.width(s), py - text.height() / 2, 0x000000);
        }
        for (double t : x.ticks()) {
            int px = LEFT + x.toPixel(t, plotW, false);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(px, top, px, top + PANEL_HEIGHT);
            g.setColor(Color.BLACK);
            g.drawLine(px, top + PANEL_HEIGHT, px, top + PANEL_HEIGHT + 4);
            if (xTickLabels) {
                String s = x.label(t);
                text.draw(s, px - text.width(s) / 2, top + PANEL_HEIGHT + 6, 0x000000);
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, top, plotW, PANEL_HEIGHT);
    }

    private static void drawSeries(Graphics2D g, Panel panel, Axis x, Axis y, int top, int plotW) {
        g.setClip(LEFT, top, plotW + 1, PANEL_HEIGHT + 1);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        List<Series> series = panel.series();
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            g.setColor(new Color(PALETTE[s % PALETTE.length]));
            int prevX = 0, prevY = 0;
            boolean havePrev = false;
            int run = 0;
            for (int k = 0; k < ser.x().length; k++) {
                if (!usable(ser.x()[k], ser.y()[k], panel.logY())) {
                    // a gap: do not join the points on either side
                    havePrev = false;
                    continue;
                }
                double yv = panel.logY() ? Math.log10(ser.y()[k]) : ser.y()[k];
                int px = LEFT + x.toPixel(ser.x()[k], plotW, false);
                int py = top + y.toPixel(yv, PANEL_HEIGHT, true);
                if (havePrev) {
                    g.drawLine(prevX, prevY, px, py);
                } else {
                    // isolated points would be invisible without a mark
                    g.fillOval(px - 2, py - 2, 5, 5);
                }
                prevX = px;
                prevY = py;
                havePrev = true;
                run++;
            }
            if (run == 1) {
                g.fillOval(prevX - 3, prevY - 3, 7, 7);
            }
        }
        g.setClip(null);
    }

    private static void drawLegend(Graphics2D g, TextPainter text, Panel panel, int top, int plotW) {
        List<Series> series = panel.series();
        int w = 0;
        for (Series s : series) {
            w = Math.max(w, text.width(s.name() == null ? "" : s.name()));
        }
        int boxW = w + 40, boxH = series.size() * (text.height() + 2) + 6;
        int bx = LEFT + plotW - boxW - 6, by = top + 6;
        g.setColor(Color.WHITE);
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(Color.GRAY);
        g.drawRect(bx, by, boxW, boxH);
        for (int s = 0; s < series.size(); s++) {
            int ly = by + 4 + s * (text.height() + 2);
            g.setColor(new Color(PALETTE[s % PALETTE.length]));
            g.setStroke(new BasicStroke(2f));
            g.drawLine(bx + 6, ly + text.height() / 2, bx + 28, ly + text.height() / 2);
            text.draw(series.get(s).name() == null ? "" : series.get(s).name(), bx + 34, ly, 0x000000);
        }
    }

    /**
     * A linear axis over [lo, hi] (of log10 values when log) with "nice" tick positions: steps of 1, 2 or
     * 5 times a power of ten, about five ticks; a log axis with at least one decade ticks whole decades.
     */
    record Axis(double lo, double hi, boolean log) {
        static Axis linear(double lo, double hi, boolean log) {
            if (!(lo <= hi)) {
                // nothing to plot: an arbitrary unit range keeps the frame drawable
                return new Axis(0, 1, log);
            }
            if (lo == hi) {
                double d = log ? 0.5 : (lo == 0 ? 1 : Math.abs(lo) * 0.1);
                return new Axis(lo - d, hi + d, log);
            }
            double pad = 0.04 * (hi - lo);
            return new Axis(lo - pad, hi + pad, log);
        }

        /** Pixel offset of v from the axis start; y axes grow upwards. */
        int toPixel(double v, int length, boolean upwards) {
            double f = (v - lo) / (hi - lo);
            int p = (int) Math.round(f * length);
            return upwards ? length - p : p;
        }

        double step() {
            if (log && hi - lo >= 1) {
                return Math.max(1, niceStep((hi - lo) / 5));
            }
            return niceStep((hi - lo) / 5);
        }

        static double niceStep(double raw) {
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            double m = raw / p;
            double nice = m < 1.5 ? 1 : (m < 3.5 ? 2 : (m < 7.5 ? 5 : 10));
            return nice * p;
        }

        double[] ticks() {
            double step = step();
            long first = (long) Math.ceil(lo / step);
            long last = (long) Math.floor(hi / step);
            int count = (int) Math.max(0, Math.min(50, last - first + 1));
            double[] t = new double[count];
            for (int k = 0; k < count; k++) {
                t[k] = (first + k) * step;
            }
            return t;
        }

        String label(double t) {
            if (log) {
                double v = Math.pow(10, t);
                if (Math.abs(t) >= 4) {
                    return String.format(Locale.ROOT, "%.2g", v);
                }
                // 3 significant digits without trailing zeros: 0.01, 0.0316, 100
                return new BigDecimal(v)
                        .round(new MathContext(3))
                        .stripTrailingZeros()
                        .toPlainString();
            }
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step()) + 1e-9));
            return formatValue(t, decimals);
        }

        static String formatValue(double v, int decimals) {
            double a = Math.abs(v);
            if (a != 0 && (a >= 1e5 || a < 1e-3)) {
                return String.format(Locale.ROOT, "%.2g", v);
            }
            if (Math.abs(v) < 1e-12) {
                return "0";
            }
            return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
        }
    }
}
