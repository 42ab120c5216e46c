package org.diffract.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs small Python scripts with h5py and numpy to prove that files we write are read by the reference
 * tools. Skips the calling test (JUnit assumption) when no python3 with h5py is found; a pyenv shim may
 * shadow the system python3 that has h5py, so both are tried.
 */
public final class PythonH5 {
    private static final String[] CANDIDATES = {"python3", "/usr/bin/python3"};
    private static String found;
    private static boolean probed;

    private PythonH5() {
    }

    private static synchronized String python() {
        if (!probed) {
            probed = true;
            for (String c : CANDIDATES) {
                try {
                    Process p = new ProcessBuilder(c, "-c", "import h5py, numpy").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        found = c;
                        break;
                    }
                } catch (IOException | InterruptedException e) {
                    // try the next candidate
                }
            }
        }
        Assumptions.assumeTrue(found != null, "python3 with h5py and numpy not available");
        return found;
    }

    /** Runs {@code script} with the given arguments (sys.argv[1:]) and returns its stdout, trimmed. */
    public static String run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python(), "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), "python failed:\n" + out);
        return out.trim();
    }
}
