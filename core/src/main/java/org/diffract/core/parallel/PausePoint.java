package org.diffract.core.parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test-only stop at a named moment of an iteration, so the kill tests (launch's SubtomoKillIT, EmcKillIT) can
 * SIGKILL a real run exactly there rather than at a guessed time: with
 * {@code DIFFRACT_TEST_PAUSE=POINT:ITERATION:RANK:FILE} in the environment, that rank creates FILE when it reaches
 * POINT of ITERATION and then waits to be killed. Each stage names its points where it calls {@link #at} (refine
 * subtomo: align, reduce, average, checkpoint, outputs; emc: likelihood, merge, reduce, checkpoint, outputs).
 * Without the variable, as in every real run, {@link #at} only compares one field with null: call it once per
 * phase or per block of work, never per element.
 */
public final class PausePoint {
    private static final String[] SPEC = parse(System.getenv("DIFFRACT_TEST_PAUSE"));

    private PausePoint() {}

    private static String[] parse(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String[] p = v.split(":", 4);
        if (p.length != 4) {
            throw new IllegalStateException("DIFFRACT_TEST_PAUSE '" + v + "' must be POINT:ITERATION:RANK:FILE");
        }
        return p;
    }

    /** Whether a pause is asked for at all (lets a caller skip building the arguments of {@link #at}). */
    public static boolean armed() {
        return SPEC != null;
    }

    public static void at(String point, int iteration, int rank) {
        if (SPEC == null
                || !SPEC[0].equals(point)
                || !SPEC[1].equals(Integer.toString(iteration))
                || !SPEC[2].equals(Integer.toString(rank))) {
            return;
        }
        try {
            Files.writeString(Path.of(SPEC[3]), point + " " + iteration + " " + rank + "\n");
            while (true) {
                Thread.sleep(1000);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("DIFFRACT_TEST_PAUSE: " + e, e);
        }
    }
}
