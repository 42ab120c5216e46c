package org.diffract.emc;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.bench.PeakMemory;

/**
 * The resident memory and CPU time of this process as the OS reports them: what a user sees in top, and
 * what a cluster scheduler kills a job for. With MPJ's multicore device all ranks share this process.
 */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Peak resident set size (VmHWM) in bytes, or -1 where /proc is not available. */
    public static long peakRss() {
        return PeakMemory.peakRssBytes();
    }

    /** Current resident set size (VmRSS) in bytes, or -1. */
    public static long rss() {
        return statusField("VmRSS:");
    }

    /** CPU time of the whole process (all threads) in nanoseconds, or -1. */
    public static long cpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    private static long statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return 1024 * Long.parseLong(line.substring(name.length()).replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }
}
