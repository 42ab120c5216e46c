package org.diffract.core.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The peak memory a benchmark reports: the process's peak resident set size (Linux's VmHWM), which is what a
 * cluster's memory limit counts, else the JVM heap in use.
 */
public final class PeakMemory {
    private PeakMemory() {}

    /** Peak resident set size in bytes, or -1 where /proc is not there. */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: the caller falls back to the heap
        }
        return -1;
    }

    /** For a benchmark's report line: "1.23 GiB RSS", or the heap in use where the RSS is unknown. */
    public static String describe() {
        long rss = peakRssBytes();
        if (rss >= 0) {
            return String.format(Locale.ROOT, "%.2f GiB RSS", rss / 1073741824.0);
        }
        Runtime rt = Runtime.getRuntime();
        return String.format(Locale.ROOT, "%.2f GiB heap", (rt.totalMemory() - rt.freeMemory()) / 1073741824.0);
    }
}
