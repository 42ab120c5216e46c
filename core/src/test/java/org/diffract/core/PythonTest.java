package org.diffract.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PythonTest {
    @TempDir
    Path dir;

    @Test
    void runPassesArgumentsAsTheyAreAndReturnsStdoutTrimmed() throws Exception {
        assertEquals("['a b', '', 'c']", Python.require().run("import sys\nprint(sys.argv[1:])\n\n", "a b", "", "c"));
    }

    @Test
    void debiansPythonComesBeforeTheOneOnPath() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3 here");
        assertEquals("/usr/bin/python3", Python.require().path());
    }

    @Test
    void runFileRunsTheScriptWithArguments() throws Exception {
        Path script = dir.resolve("s.py");
        Files.writeString(script, "import sys\nprint(sys.argv[0].endswith('s.py'), int(sys.argv[1]) * 2)\n");
        assertEquals("True 42", Python.require().runFile(script, "21"));
    }

    @Test
    void stderrIsKeptOutOfTheResult() throws Exception {
        assertEquals(
                "out",
                Python.require()
                        .run("import sys, warnings\nprint('out')\n"
                                + "warnings.warn('expected: PythonTest shows stderr')\n"
                                + "sys.stderr.write('expected: and keeps it out of the result\\n')"));
    }

    @Test
    void stdinIsClosedSoAScriptReadingItDoesNotWait() throws Exception {
        assertEquals("0", Python.require().run("import sys\nprint(len(sys.stdin.read()))"));
    }

    @Test
    void nonZeroExitFailsTheTestWithPythonsOutput() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> Python.require()
                        .run("import sys\nprint('before')\nraise ValueError('broken input ' + sys.argv[1])", "x.h5"));
        assertTrue(e.getMessage().contains("exited with 1"), e.getMessage());
        assertTrue(e.getMessage().contains("before"), e.getMessage());
        assertTrue(e.getMessage().contains("ValueError: broken input x.h5"), e.getMessage());
    }

    @Test
    void aFailureNamesTheScriptButNotAWholeArrayPassedAsArgument() {
        String array = "1.5,".repeat(5000);
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class, () -> Python.require().run("import sys\nsys.exit(3)", "x.h5", array));
        assertTrue(e.getMessage().startsWith("python -c 'import sys...' x.h5 1.5,1.5,"), e.getMessage());
        assertTrue(e.getMessage().contains("exited with 3"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void aScriptOverItsTimeIsKilledAndFails() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> Python.require().withTimeout(Duration.ofSeconds(1)).run("import time\ntime.sleep(120)"));
        assertTrue(e.getMessage().contains("did not finish in 1 s"), e.getMessage());
    }

    @Test
    void aMissingModuleSkipsNamingTheDebianPackage() {
        Python.require();
        String module = "diffract_no_such_module";
        assertFalse(Python.has(module));
        TestAbortedException e = assertThrows(TestAbortedException.class, () -> Python.require(module));
        assertTrue(
                e.getMessage().contains("python3-" + module + " is not installed (apt-get install python3-" + module),
                e.getMessage());
        String why = Python.missing("sys", module);
        assertTrue(why.contains("python3-" + module), why);
        assertFalse(why.contains("python3-sys"), "only what is missing is named: " + why);
        assertNull(Python.missing("sys", "json"));
        assertTrue(Python.has("sys", "json"));
    }

    @Test
    void eachInterpreterIsAskedAboutAModuleOncePerJvm() {
        Python.require();
        int before = Python.probes();
        assertFalse(Python.has("diffract_probed_once"));
        int asked = Python.probes() - before;
        // every interpreter on this machine was asked (none has it): /usr/bin/python3, python3 on PATH
        assertTrue(asked >= 1 && asked <= 2, asked + " probes");
        assertFalse(Python.has("diffract_probed_once"));
        assertThrows(TestAbortedException.class, () -> Python.require("diffract_probed_once"));
        assertTrue(Python.missing("diffract_probed_once").contains("python3-diffract_probed_once"));
        assertEquals(before + asked, Python.probes(), "asked again");
    }

    @Test
    void modulesMapToDebianPackages() {
        assertEquals("python3-h5py", Python.debianPackage("h5py"));
        assertEquals("python3-numpy", Python.debianPackage("numpy"));
        assertEquals("python3-scipy", Python.debianPackage("scipy"));
        assertEquals("python3-scipy", Python.debianPackage("scipy.ndimage"));
        assertEquals("python3-gemmi", Python.debianPackage("gemmi"));
    }
}
