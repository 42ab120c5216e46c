package org.diffract.refine.xtal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Runs Python scripts with gemmi (Debian python3-gemmi) to prove our MTZ files read in CCP4's own library; skips without it. */
final class PythonGemmi {
    private static String found;
    private static boolean probed;

    private PythonGemmi() {
    }

    private static synchronized String python() {
        if (!probed) {
            probed = true;
            for (String c : new String[] {"/usr/bin/python3", "python3"}) {
                try {
                    Process p = new ProcessBuilder(c, "-c", "import gemmi").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        found = c;
                        break;
                    }
                } catch (IOException | InterruptedException e) {
                    // next
                }
            }
        }
        Assumptions.assumeTrue(found != null, "python3 with gemmi not available (apt-get install python3-gemmi)");
        return found;
    }

    static String run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python(), "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), "python failed:\n" + out);
        return out.trim();
    }
}
