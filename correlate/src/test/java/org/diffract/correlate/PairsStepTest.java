package org.diffract.correlate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.config.IniConfig;
import org.diffract.core.io.H5Reader;
import org.diffract.core.parallel.LocalCommunicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11.9: diffcorr alone uses the pairs step's pairs.json unless the pair settings changed since. */
class PairsStepTest {
    @TempDir
    Path dir;

    private IniConfig config(Path data) {
        return IniConfig.empty(dir.resolve("c.ini"))
                .set("input", "data_file", data.toString())
                .set("input", "dataset", "shots")
                .set("geometry", "wavelen", "1.0")
                .set("geometry", "pixsize", "0.0001")
                .set("geometry", "detdist", "0.05")
                .set("geometry", "x_center", "35.3")
                .set("geometry", "y_center", "30.6")
                .set("polar", "qmin", String.valueOf(new QMapping(0.0001, 0.05, 1.0).pix2invang(14)))
                .set("polar", "qmax", String.valueOf(new QMapping(0.0001, 0.05, 1.0).pix2invang(26)))
                .set("polar", "nphi", "64")
                .set("pairs", "skip_dark", "2")
                .set("output", "output_folder", dir.resolve("out").toString());
    }

    private void step(IniConfig c, CorrelateStep step) {
        try (CorrelateRun run = new CorrelateRun(CorrelateSettings.from(c), new LocalCommunicator(), 1)) {
            run.step(step);
        }
    }

    private long[] correlatedPairs() {
        try (H5Reader r = H5Reader.open(dir.resolve("out/correlations.h5"))) {
            return r.integers("tag_pairs");
        }
    }

    @Test
    void diffcorrKeepsThePairsStepsFileUnlessTheSettingsChanged() throws Exception {
        Path data = dir.resolve("s.h5");
        SyntheticShots.small(10, 4).writeStack(data, "shots");
        IniConfig c = config(data);
        step(c, CorrelateStep.POLAR);
        step(c, CorrelateStep.PAIRS);
        Path json = dir.resolve("out/pairs.json");
        assertEquals(
                "[[\"tag_2\", \"tag_3\"], [\"tag_4\", \"tag_5\"], [\"tag_6\", \"tag_7\"], [\"tag_8\", \"tag_9\"]]",
                Files.readString(json));
        // the user keeps two pairs of the pairs step's file: diffcorr uses the file as it is and leaves it
        String edited = "[[\"tag_2\", \"tag_3\"], [\"tag_8\", \"tag_9\"]]";
        Files.writeString(json, edited);
        step(c, CorrelateStep.DIFFCORR);
        assertArrayEquals(new long[] {2, 3, 8, 9}, correlatedPairs());
        assertEquals(edited, Files.readString(json));
        // a pair setting changed since the pairs step: the pairs are made again from the config
        IniConfig overlapping = config(data).set("pairs", "mode", "overlapping").set("pairs", "skip_dark", "6");
        step(overlapping, CorrelateStep.DIFFCORR);
        assertArrayEquals(new long[] {6, 7, 7, 8, 8, 9}, correlatedPairs());
        assertEquals(
                "[[\"tag_6\", \"tag_7\"], [\"tag_7\", \"tag_8\"], [\"tag_8\", \"tag_9\"]]", Files.readString(json));
        assertEquals(
                List.of("[pairs] mode overlapping -> non_overlapping", "[pairs] skip_dark 6 -> 2"),
                PairsStep.changes(
                        IniConfig.read(dir.resolve("out/pairs-settings.ini")),
                        PairsStep.record(CorrelateSettings.from(c))));
        // the pairs file's content is part of the settings: editing it remakes the pairs
        Path mine = dir.resolve("mine.json");
        Files.writeString(mine, "[[2, 5]]");
        IniConfig fromFile = config(data).set("pairs", "pairs_file", mine.toString());
        step(fromFile, CorrelateStep.PAIRS);
        Files.writeString(mine, "[[3, 4], [5, 6]]");
        step(fromFile, CorrelateStep.DIFFCORR);
        assertArrayEquals(new long[] {3, 4, 5, 6}, correlatedPairs());
        List<String> changed = PairsStep.changes(
                PairsStep.record(CorrelateSettings.from(fromFile)), PairsStep.record(CorrelateSettings.from(c)));
        assertTrue(changed.contains("[pairs] pairs_file " + mine.toAbsolutePath() + " -> None"), changed.toString());
    }
}
