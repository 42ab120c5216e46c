package org.diffract.spots;

import java.util.List;
import java.util.function.Predicate;

import org.diffract.core.config.IniConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** spots writes beside the frames: a failed run may touch only the files named after its output. */
class SpotsStageTest {
    @Test
    void aRunsFilesAreThoseNamedAfterItsOutput() {
        IniConfig c = IniConfig.parse("[spots]\ninput = run__mccd.h5\noutput = run__spots.h5\n", null);
        Predicate<String> mine = new SpotsStage().runFiles(c);
        for (String f : List.of(
                "run__spots.h5",
                "run__spots.log",
                "run__spots.run.ini",
                "run__spots_avg.png",
                "run__spots_masks.png",
                "run__spots.h5.tmp-123-4")) {
            assertTrue(mine.test(f), f);
        }
        for (String f : List.of("run__mccd.h5", "other__spots.h5", "run__spots2.h5", "notes.txt")) {
            assertFalse(mine.test(f), f);
        }
    }
}
