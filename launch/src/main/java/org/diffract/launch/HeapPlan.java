package org.diffract.launch;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import org.diffract.core.UserError;

/**
 * The heap a run's JVM gets, from the stage's estimate of one rank's needs: a run whose {@code --heap} is smaller
 * than the estimate is refused before anything starts (an OutOfMemoryError after an hour helps nobody); without
 * {@code --heap} the JVM gets the estimate plus a margin, within the machine's memory. With the multicore device
 * all ranks of this machine share one JVM, so its heap holds them all.
 */
final class HeapPlan {
    /** Room beyond the estimate: buffers, MPJ's message pool, the GC's headroom. */
    static final double MARGIN = 1.25;

    static final long FLOOR = 256L << 20;

    private HeapPlan() {}

    /**
     * The -Xmx value for a JVM running {@code ranksInJvm} ranks, or null to leave the JVM's default.
     *
     * @param heap the user's --heap (null: choose)
     * @param perRank the stage's estimate for one rank in bytes, or -1 for none
     */
    static String choose(String heap, long perRank, int ranksInJvm, String stage) {
        Long given = heap == null ? null : parse(heap);
        if (perRank <= 0) {
            return heap;
        }
        long need = perRank * ranksInJvm;
        // the user sees what the run is expected to hold before any rank starts
        System.out.println(String.format(Locale.ROOT, "%s: memory estimate %s per rank", stage, format(perRank)));
        if (given != null) {
            if (given < need) {
                throw new UserError(String.format(
                        Locale.ROOT,
                        "%s needs about %s of heap (%s per rank x %d rank%s "
                                + "in this JVM) but --heap is %s; give --heap %s, or spread the ranks over more nodes",
                        stage,
                        format(need),
                        format(perRank),
                        ranksInJvm,
                        ranksInJvm == 1 ? "" : "s",
                        heap,
                        format((long) (need * MARGIN))));
            }
            return heap;
        }
        long machine = physicalMemory();
        long want = Math.max(FLOOR, (long) (need * MARGIN));
        if (machine > 0 && need > machine * 0.9) {
            throw new UserError(String.format(
                    Locale.ROOT,
                    "%s needs about %s of heap (%s per rank x %d) but this "
                            + "machine has %s; run on more nodes, or with --heap if you know better",
                    stage,
                    format(need),
                    format(perRank),
                    ranksInJvm,
                    format(machine)));
        }
        if (machine > 0) {
            want = Math.min(want, (long) (machine * 0.9));
        }
        return (want >> 20) + "m";
    }

    /** 8g, 512m, 1024k or bytes, as the JVM's -Xmx takes them. */
    static long parse(String heap) {
        String s = heap.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("g")) {
            unit = 1L << 30;
        } else if (s.endsWith("m")) {
            unit = 1L << 20;
        } else if (s.endsWith("k")) {
            unit = 1L << 10;
        }
        String num = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            long v = Long.parseLong(num);
            if (v > 0) {
                return v * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError("--heap '" + heap + "' is not a size; give e.g. 8g or 512m");
    }

    static String format(long bytes) {
        return bytes >= (1L << 30)
                ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }
}
