package org.diffract.core.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Headless setup and atomic PNG writing for the plot classes: a reader (or a web page refreshing the
 * plot) never sees a half-written file. To be replaced by core.io.AtomicFiles when that exists.
 */
final class PlotPng {
    private PlotPng() {
    }

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

    static void write(BufferedImage img, Path png) {
        Path abs = png.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + abs + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }
}
