package org.diffract.launch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.diffract.core.io.H5Writer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every class of bad input to the real command gives one line on stderr that names the file (or key)
 * and the fix, a non-zero exit, no stack trace, and no output written.
 */
class BadInputIT {
    @TempDir
    static Path dir;

    static String goodConfig;

    @BeforeAll
    static void simulate() throws Exception {
        DiffractProcess.Result sim = DiffractProcess.run(
                dir,
                "simulate",
                "--out",
                "sim",
                "--frames",
                "40",
                "--detsize",
                "15",
                "--num-div",
                "1",
                "--iterations",
                "1");
        assertEquals(0, sim.exitCode(), sim.stderr());
        goodConfig = Files.readString(dir.resolve("sim/emc.ini"));
    }

    /** Writes a config in sim/ with one line replaced (or appended), runs emc, returns the result. */
    private static DiffractProcess.Result emcWith(String name, String from, String to) throws Exception {
        String text = goodConfig.replace("output_folder = output", "output_folder = out-" + name);
        if (from != null) {
            assertTrue(text.contains(from), "fixture config lacks " + from);
            text = text.replace(from, to);
        } else {
            text = text + "\n" + to + "\n";
        }
        Path cfg = dir.resolve("sim/" + name + ".ini");
        Files.writeString(cfg, text);
        DiffractProcess.Result r =
                DiffractProcess.run(dir, "emc", "--config", cfg.toString(), "--ranks", "2", "--threads", "1");
        Path out = dir.resolve("sim/out-" + name);
        if (Files.isDirectory(out)) {
            try (var s = Files.list(out)) {
                assertFalse(
                        s.anyMatch(p -> p.getFileName().toString().startsWith("intens_")),
                        name + ": output written despite bad input");
            }
        }
        return r;
    }

    private static void assertOneLineError(DiffractProcess.Result r, String... mustContain) {
        assertNotEquals(0, r.exitCode(), "exit code; stderr: " + r.stderr());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), "exactly one error line, got:\n" + r.stderr());
        String line = lines.get(0);
        assertTrue(line.contains("error"), line);
        assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace: " + line);
        for (String s : mustContain) {
            assertTrue(line.contains(s), "'" + s + "' missing from: " + line);
        }
    }

    @Test
    void missingConfigFile() throws Exception {
        assertOneLineError(DiffractProcess.run(dir, "emc", "--config", "nowhere.ini"), "nowhere.ini");
    }

    @Test
    void unknownConfigKeySuggestsTheRightOne() throws Exception {
        assertOneLineError(emcWith("typo", "num_div = 1", "nm_div = 1"), "nm_div", "num_div");
    }

    @Test
    void nonNumericConfigValue() throws Exception {
        assertOneLineError(emcWith("nan-key", "num_div = 1", "num_div = four"), "num_div", "four");
    }

    @Test
    void missingPhotonsFile() throws Exception {
        assertOneLineError(
                emcWith("nophotons", "in_photons_file = photons.emc", "in_photons_file = gone.emc"), "gone.emc");
    }

    @Test
    void truncatedPhotonsFile() throws Exception {
        byte[] all = Files.readAllBytes(dir.resolve("sim/photons.emc"));
        Files.write(dir.resolve("sim/short.emc"), Arrays.copyOf(all, all.length - 7));
        assertOneLineError(
                emcWith("truncated", "in_photons_file = photons.emc", "in_photons_file = short.emc"), "short.emc");
    }

    @Test
    void corruptDetectorFile() throws Exception {
        Files.write(dir.resolve("sim/broken.h5"), "this is not HDF5".getBytes());
        assertOneLineError(emcWith("baddet", "in_detector_file = det.h5", "in_detector_file = broken.h5"), "broken.h5");
    }

    @Test
    void floatPatternsAreRejected() throws Exception {
        new H5Writer().put("patterns", new float[3][15][15]).write(dir.resolve("sim/float.h5"));
        assertOneLineError(
                emcWith(
                        "floatpat",
                        "in_photons_file = photons.emc",
                        "in_patterns_file = float.h5\nin_patterns_dataset = /patterns"),
                "float.h5");
    }

    @Test
    void startModelWithNaN() throws Exception {
        Path bin = dir.resolve("sim/intensity.bin");
        byte[] b = Files.readAllBytes(bin);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putDouble(8 * 5, Double.NaN);
        Files.write(dir.resolve("sim/nan.bin"), b);
        assertOneLineError(emcWith("nanmodel", "start_model_file = None", "start_model_file = nan.bin"), "nan.bin");
    }

    @Test
    void maskOfTheWrongLength() throws Exception {
        Files.write(dir.resolve("sim/mask.byt"), new byte[100]);
        assertOneLineError(emcWith("badmask", null, "[make_detector]\nin_mask_file = mask.byt"), "mask.byt");
    }

    @Test
    void heapBelowTheMemoryEstimateIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path cfg = dir.resolve("sim/heap.ini");
        Files.writeString(cfg, goodConfig.replace("output_folder = output", "output_folder = out-heap"));
        DiffractProcess.Result r = DiffractProcess.run(
                dir, "emc", "--config", cfg.toString(), "--ranks", "2", "--threads", "1", "--heap", "20m");
        assertOneLineError(r, "--heap is 20m", "give --heap");
        assertFalse(Files.exists(dir.resolve("sim/out-heap")), "nothing may be written");
    }

    @Test
    void badCommandLineOption() throws Exception {
        assertOneLineError(DiffractProcess.run(dir, "emc", "--config", "sim/emc.ini", "--ranks", "zero"), "--ranks");
    }
}
