package org.diffract.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a child process's output and drops the lines the JVM writes when it loads the vector module
 * ("WARNING: Using incubator modules: jdk.incubator.vector"): every rank JVM writes one, and the MPJ
 * starter and daemons relay it. Everything else passes byte for byte as it comes, carriage returns of
 * progress bars included; only the first bytes of a line wait until they cannot be the notice.
 */
final class IncubatorNoticeFilter {
    static final String NOTICE = "WARNING: Using incubator modules";
    private static final byte[] PREFIX = NOTICE.getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private boolean lineStart = true;
    private boolean dropping;
    private int matched;

    IncubatorNoticeFilter(OutputStream out) {
        this.out = out;
    }

    void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (dropping) {
                if (c == '\n') {
                    dropping = false;
                    lineStart = true;
                }
                continue;
            }
            if (lineStart) {
                if (c == PREFIX[matched]) {
                    if (++matched == PREFIX.length) {
                        dropping = true;
                        lineStart = false;
                        matched = 0;
                    }
                    continue;
                }
                out.write(PREFIX, 0, matched);
                matched = 0;
            }
            out.write(c);
            lineStart = c == '\n';
        }
        out.flush();
    }

    /** At the end of the stream: a line that began like the notice but ended early is written as it was. */
    void finish() throws IOException {
        out.write(PREFIX, 0, matched);
        matched = 0;
        out.flush();
    }

    /** A daemon thread copying {@code in} to {@code out} through the filter until the stream ends. */
    static Thread relay(InputStream in, OutputStream out) {
        Thread t = new Thread(
                () -> {
                    IncubatorNoticeFilter f = new IncubatorNoticeFilter(out);
                    byte[] buf = new byte[8192];
                    try (in) {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            f.write(buf, 0, n);
                        }
                        f.finish();
                    } catch (IOException ignored) {
                        // the process ended or the console went away
                    }
                },
                "output-relay");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
