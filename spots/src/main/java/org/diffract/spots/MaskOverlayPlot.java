package org.diffract.spots;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import org.diffract.core.io.AtomicFiles;

/**
 * One frame in grey (scaled between the frame's mean and its maximum) with its masks on top, so a
 * scientist sees at a glance what the cutoff and the morphology kept: tinted red = raw mask only,
 * yellow = filtered mask, cyan = added by the sync union. Small frames are enlarged by whole pixels.
 */
public final class MaskOverlayPlot {
    static final int RED = 0xe03030;
    static final int YELLOW = 0xf0e020;
    static final int CYAN = 0x20d0f0;

    private MaskOverlayPlot() {}

    public static void write(Path png, SpotsResult r, int frame, float[] image) {
        BufferedImage img = render(r, frame, image);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            System.setProperty("java.awt.headless", "true");
            ImageIO.write(img, "png", bos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeBytes(png, bos.toByteArray());
    }

    static BufferedImage render(SpotsResult r, int frame, float[] image) {
        int h = r.series.height();
        int w = r.series.width();
        int scale = Math.max(1, 512 / Math.max(h, w));
        // grey from the frame's mean (black) to its maximum (white): background detail is noise here
        double lo = 0;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : image) {
            lo += v;
            hi = Math.max(hi, v);
        }
        lo /= image.length;
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                int g = hi > lo ? (int) Math.round(255 * Math.min(1, Math.max(0, (image[p] - lo) / (hi - lo)))) : 0;
                int tint = -1;
                if (r.masksFiltered[frame][y][x] != 0) {
                    tint = YELLOW;
                } else if (r.masksSynced != null && r.masksSynced[r.maskOfFrame[frame]][y][x] != 0) {
                    tint = CYAN;
                } else if (r.masksRaw[frame][y][x] != 0) {
                    tint = RED;
                }
                int rgb = tint < 0 ? g << 16 | g << 8 | g : blend(tint, g);
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return img;
    }

    /** Half mask colour, half image grey, so the spot's shape stays visible under its mask. */
    private static int blend(int rgb, int grey) {
        int r = ((rgb >> 16 & 0xff) + grey) / 2;
        int g = ((rgb >> 8 & 0xff) + grey) / 2;
        int b = ((rgb & 0xff) + grey) / 2;
        return r << 16 | g << 8 | b;
    }
}
