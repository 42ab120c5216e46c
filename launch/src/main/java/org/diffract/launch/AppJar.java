package org.diffract.launch;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The diffract.jar this code runs from: the classpath handed to every MPJ rank. */
final class AppJar {
    private AppJar() {}

    /** The jar, or null when running from a classes folder (IDE or unit tests). */
    static Path path() {
        try {
            var src = AppJar.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            Path p = Path.of(src.getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
