package org.diffract.launch;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.io.H5Writer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Project files and status without MPJ: a hand-made checkpoint and EMC log with known numbers. */
class ProjectStatusTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        System.setProperty("diffract.home", dir.resolve("home").toString());
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        System.clearProperty("diffract.home");
    }

    private int diffract(String... args) {
        out.reset();
        err.reset();
        return Diffract.execute(args);
    }

    private Path project() {
        Path data = dir.resolve("frames.h5");
        new H5Writer()
                .put("entry/patterns", new int[3 * 4 * 5], 3, 4, 5)
                .put("flat", new int[20], 4, 5)
                .write(data);
        assertEquals(
                0,
                diffract("project", "new", data.toString(), "--inh5", "/entry/patterns", "--dir", dir.toString()),
                err.toString());
        return dir.resolve("frames");
    }

    @Test
    void newProjectTakesItsDetectorSizeFromThePatterns() throws Exception {
        Path p = project();
        String ini = Files.readString(p.resolve("emc.ini"));
        assertTrue(ini.contains("detsize = 4 5"), ini);
        assertTrue(ini.contains("in_patterns_dataset = /entry/patterns"), ini);
        assertEquals(p.toString(), ProjectHome.current().toString());

        assertEquals(
                2,
                diffract(
                        "project",
                        "new",
                        dir.resolve("frames.h5").toString(),
                        "--inh5",
                        "/entry/patterns",
                        "--dir",
                        dir.toString()));
        assertTrue(err.toString().contains("already exists"), err.toString());
        assertEquals(
                2,
                diffract(
                        "project",
                        "new",
                        dir.resolve("frames.h5").toString(),
                        "--inh5",
                        "/flat",
                        "--name",
                        "flat",
                        "--dir",
                        dir.toString()));
        assertTrue(err.toString().contains("has 2 dimensions"), err.toString());
        assertFalse(Files.exists(dir.resolve("flat")), "no half-made project");
        try (var files = Files.list(dir)) {
            assertTrue(
                    files.noneMatch(f -> f.getFileName().toString().startsWith(".flat")), "no temporary folder left");
        }
    }

    @Test
    void statusEstimatesTheFinishFromTheLastIterations() throws Exception {
        Path p = project();
        assertEquals(0, diffract("project", "config", "emc|num_iter=6"), err.toString());
        Path o = p.resolve("output");
        new H5Writer().put("iteration", 2).put("model", new double[8], 2, 2, 2).write(o.resolve("checkpoint.h5"));
        Files.writeString(o.resolve("EMC.log"), "# iter  seconds  rms_change\n1\t3.000\t1e-3\n2\t5.000\t1e-4\n");
        Files.writeString(p.resolve("logs/emc.log"), "line one\nline two\nline three\n");

        assertEquals(0, diffract("status", "--lines", "2"), err.toString());
        String s = out.toString();
        assertTrue(s.contains("emc: not running"), s);
        assertTrue(s.contains("iteration: 2 of 6"), s);
        assertTrue(s.contains("time per iteration: 4.00 s (mean of the last 2)"), s);
        assertTrue(s.contains("estimated finish: ") && s.contains("(16 s of work left, once running)"), s);
        assertTrue(s.contains("    line two\n    line three\n") && !s.contains("line one"), s);

        // a live pid file makes it "running"; a dead one does not
        PidFile.write(p.resolve("run/emc.pid"), ProcessHandle.current());
        diffract("status");
        assertTrue(
                out.toString()
                        .contains("emc: running (pid " + ProcessHandle.current().pid() + ")"),
                out.toString());
        Files.writeString(p.resolve("run/emc.pid"), "999999999 0\n");
        diffract("status");
        assertTrue(out.toString().contains("emc: not running"), out.toString());
    }

    /** All iterations checkpointed while the launcher still runs: running, never "finished" beside it. */
    @Test
    void aRunWritingItsLastOutputsIsRunningNotFinished() throws Exception {
        Path p = project();
        assertEquals(0, diffract("project", "config", "emc|num_iter=2"), err.toString());
        Path o = p.resolve("output");
        new H5Writer().put("iteration", 2).put("model", new double[8], 2, 2, 2).write(o.resolve("checkpoint.h5"));
        Files.writeString(o.resolve("EMC.log"), "# iter  seconds  rms_change\n1\t3.000\t1e-3\n2\t5.000\t1e-4\n");
        PidFile.write(p.resolve("run/emc.pid"), ProcessHandle.current());
        assertEquals(0, diffract("status", "emc"), err.toString());
        String s = out.toString();
        assertTrue(s.contains("emc: running (pid " + ProcessHandle.current().pid() + ")"), s);
        assertTrue(s.contains("iteration: 2 of 2") && s.contains("writing the final outputs"), s);
        assertFalse(s.contains("finished"), s);

        Files.delete(p.resolve("run/emc.pid"));
        assertEquals(0, diffract("status", "emc"), err.toString());
        s = out.toString();
        assertTrue(s.contains("emc: not running") && s.contains("finished: all 2 iterations done"), s);
        assertFalse(s.contains("running (pid"), s);
    }
}
