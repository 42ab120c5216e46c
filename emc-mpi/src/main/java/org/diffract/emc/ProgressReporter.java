package org.diffract.emc;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.Logger;

/**
 * Logs the progress of a long step at most every few seconds (rank 0 only), so a user watching the log
 * of a 10-minute iteration sees it move; quiet for steps shorter than that.
 */
final class ProgressReporter {
    private static final long INTERVAL_NS = 5_000_000_000L;
    private final Logger log;
    private final String what;
    private final int total;
    private final boolean active;
    private final AtomicInteger done = new AtomicInteger();
    private final long start = System.nanoTime();
    private volatile long lastReport = System.nanoTime();

    ProgressReporter(Logger log, String what, int total, boolean active) {
        this.log = log;
        this.what = what;
        this.total = total;
        this.active = active;
    }

    void step() {
        int k = done.incrementAndGet();
        if (!active) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastReport >= INTERVAL_NS) {
            synchronized (this) {
                if (now - lastReport >= INTERVAL_NS) {
                    lastReport = now;
                    double secs = (now - start) / 1e9;
                    double eta = k == 0 ? 0 : secs * (total - k) / k;
                    log.info(String.format(
                            "  %s %3.0f%% (%d/%d blocks, %.0f s, about %.0f s left)",
                            what, 100.0 * k / total, k, total, secs, eta));
                }
            }
        }
    }
}
