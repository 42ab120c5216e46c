package org.diffract.core.plot;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import org.diffract.core.io.AtomicFiles;

/**
 * Headless setup and atomic PNG writing for the plot classes: a reader (or a web page refreshing the
 * plot) never sees a half-written file.
 */
final class PlotPng {
    private PlotPng() {}

    /** Plots run on servers and cluster nodes without a display. */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static BufferedImage newImage(int width, int height) {
        headless();
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    /** Writes through AtomicFiles: a failure (full disk, no permission) is one line naming the file. */
    static void write(BufferedImage img, Path png) {
        AtomicFiles.write(png, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        });
    }
}
