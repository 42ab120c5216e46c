package org.diffract.launch;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import org.diffract.core.UserError;
import org.diffract.emc.EmcMemory;
import org.diffract.emc.EmcSettings;

/**
 * The -Xmx of EMC's rank JVM on this machine: from --heap when given (refused, with one line, when the
 * memory estimate does not fit in it), else from the estimate and the machine's memory. MPJ's multicore
 * device runs all ranks in that one JVM.
 */
final class EmcHeap {
    private EmcHeap() {
    }

    /** The -Xmx value (e.g. "3072m"); throws UserError before anything is started or written. */
    static String choose(EmcSettings settings, int ranks, int threads, String heap) {
        EmcMemory.Estimate e = EmcMemory.estimate(settings, ranks, threads);
        System.out.println("EMC memory estimate per rank: " + e.describe());
        if (heap != null) {
            EmcMemory.checkHeap(e, ranks, parse(heap), "--heap " + heap);
            return heap;
        }
        long bytes = EmcMemory.defaultHeap(e, ranks, machineMemory());
        return (bytes >> 20) + "m";
    }

    private static long machineMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    /** A JVM heap size: a number with an optional k, m, g or t suffix (as -Xmx takes it). */
    static long parse(String heap) {
        String h = heap.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = h.isEmpty() ? ' ' : h.charAt(h.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            case 't' -> unit = 1L << 40;
            default -> unit = 1;
        }
        String digits = unit == 1 ? h : h.substring(0, h.length() - 1);
        try {
            long v = Long.parseLong(digits);
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return v * unit;
        } catch (NumberFormatException ex) {
            throw new UserError("--heap '" + heap + "' is not a heap size; give e.g. 4g or 3500m");
        }
    }
}
