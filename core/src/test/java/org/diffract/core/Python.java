package org.diffract.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one way tests run Python: the reference scripts that prove the tools our users have (Debian's python3 with
 * h5py, numpy, scipy, gemmi) read what we write and recompute our results. Python is never used at run time.
 *
 * <p>{@link #require} finds an interpreter with the modules a script imports, or skips the calling test (a JUnit
 * assumption) with a message naming the Debian packages to install; {@link #run} and {@link #runFile} run a script
 * and return its stdout, failing the test with Python's stdout and stderr when it exits non-zero. stderr is kept
 * apart so that a warning never changes the text a test compares. Each interpreter is asked about each module once
 * per JVM.
 */
public final class Python {
    /**
     * Debian's python3 first: a pyenv shim named python3 may come first on PATH and lacks Debian's modules (as on
     * our build machine); python3 on PATH is the fallback for machines without /usr/bin/python3.
     */
    private static final List<String> CANDIDATES = List.of("/usr/bin/python3", "python3");
    /** Generous: the longest reference scripts recompute a whole output file on a loaded machine. */
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** Importing scipy or gemmi on a loaded machine takes seconds, never minutes. */
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);
    /** Prints the importable ones of the modules named in argv, one a line. */
    private static final String PROBE = String.join(
            "\n",
            "import importlib, sys",
            "for m in sys.argv[1:]:",
            "    try:",
            "        importlib.import_module(m)",
            "        print(m)",
            "    except Exception:",
            "        pass",
            "");

    /** Per interpreter, the modules asked about so far and whether they import; absent interpreters map to null. */
    private static final Map<String, Map<String, Boolean>> KNOWN = new HashMap<>();

    private static int probes;

    private final String path;
    private final Duration timeout;

    private Python(String path, Duration timeout) {
        this.path = path;
        this.timeout = timeout;
    }

    /**
     * An interpreter that imports all {@code modules} (none: any python3), or the calling test is skipped with a
     * message naming the Debian packages that are missing.
     */
    public static Python require(String... modules) {
        String path = find(modules);
        Assumptions.assumeTrue(path != null, () -> missing(modules));
        return new Python(path, TIMEOUT);
    }

    /** Whether an interpreter imports all {@code modules}, for tests that check something extra when it does. */
    public static boolean has(String... modules) {
        return find(modules) != null;
    }

    /**
     * Why {@code modules} cannot be used, in one line naming the Debian packages to install, or null when an
     * interpreter has them all: for tests that skip part of their work with their own words.
     */
    public static String missing(String... modules) {
        if (find(modules) != null) {
            return null;
        }
        // name what the best interpreter lacks: the first one with the fewest missing modules
        Set<String> lacking = null;
        synchronized (Python.class) {
            for (String c : CANDIDATES) {
                Map<String, Boolean> known = KNOWN.get(c);
                if (known != null) {
                    Set<String> l = new LinkedHashSet<>();
                    for (String m : modules) {
                        if (!known.get(m)) {
                            l.add(debianPackage(m));
                        }
                    }
                    if (lacking == null || l.size() < lacking.size()) {
                        lacking = l;
                    }
                }
            }
        }
        if (lacking == null) {
            lacking = new LinkedHashSet<>(List.of("python3"));
            for (String m : modules) {
                lacking.add(debianPackage(m));
            }
        }
        String names = String.join(" ", lacking);
        return String.join(", ", lacking) + (lacking.size() == 1 ? " is" : " are") + " not installed (apt-get install "
                + names + "; tests use " + CANDIDATES.get(0) + ", else python3 on PATH)";
    }

    /** Debian packages a module as python3-NAME (python3-h5py, python3-numpy, python3-scipy, python3-gemmi). */
    static String debianPackage(String module) {
        int dot = module.indexOf('.');
        return "python3-" + (dot < 0 ? module : module.substring(0, dot)).toLowerCase(Locale.ROOT);
    }

    /** The interpreter's path, for the few tests that start Python themselves: a process that runs beside the test. */
    public String path() {
        return path;
    }

    /** Runs {@code script} as {@code python3 -c script args...} (args are sys.argv[1:]) and returns its stdout, trimmed. */
    public String run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(path, "-c", script));
        cmd.addAll(List.of(args));
        return execute(cmd, "python -c '" + firstLine(script) + "...'", args);
    }

    /** Runs the script file with {@code args} (sys.argv[1:]) and returns its stdout, trimmed. */
    public String runFile(Path script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(path, script.toString()));
        cmd.addAll(List.of(args));
        return execute(cmd, "python " + script.getFileName(), args);
    }

    /** The same interpreter with another time limit per script (tests of this class). */
    Python withTimeout(Duration t) {
        return new Python(path, t);
    }

    /** How many probe processes this JVM has started (tests of this class). */
    static synchronized int probes() {
        return probes;
    }

    private String execute(List<String> cmd, String what, String... args) throws IOException, InterruptedException {
        String title = (what + " " + String.join(" ", args)).strip();
        if (title.length() > 300) {
            title = title.substring(0, 300) + "..."; // some arguments are whole arrays: name the script, not the data
        }
        Output o = exec(cmd, timeout);
        if (o == null) {
            return fail(title + " did not finish in " + timeout.toSeconds() + " s");
        }
        if (o.exit() != 0) {
            return fail(title + " exited with " + o.exit() + ":\n" + o.stdout() + o.stderr());
        }
        if (!o.stderr().isBlank()) {
            // warnings: shown in the test's log, kept out of the text the test compares
            System.err.print(title + " wrote to stderr:\n" + o.stderr());
        }
        return o.stdout().trim();
    }

    private static String firstLine(String script) {
        String s = script.strip();
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 60 ? line.substring(0, 60) : line;
    }

    /** The first candidate that imports every module, or null. */
    private static synchronized String find(String... modules) {
        for (String c : CANDIDATES) {
            boolean seen = KNOWN.containsKey(c);
            Map<String, Boolean> known = KNOWN.get(c);
            if (seen && known == null) {
                continue; // not installed
            }
            Set<String> ask = new LinkedHashSet<>();
            for (String m : modules) {
                if (known == null || !known.containsKey(m)) {
                    ask.add(m);
                }
            }
            // the first time, an interpreter is started even when no module is asked for: does it exist?
            if (!seen || !ask.isEmpty()) {
                Set<String> present = probe(c, ask);
                if (present == null) {
                    KNOWN.put(c, null);
                    continue;
                }
                known = KNOWN.computeIfAbsent(c, k -> new HashMap<>());
                for (String m : ask) {
                    known.put(m, present.contains(m));
                }
            }
            boolean all = true;
            for (String m : modules) {
                all &= known.get(m);
            }
            if (all) {
                return c;
            }
        }
        return null;
    }

    /** The modules of {@code ask} that {@code python} imports, or null when it cannot be run. */
    private static Set<String> probe(String python, Set<String> ask) {
        probes++;
        List<String> cmd = new ArrayList<>(List.of(python, "-c", PROBE));
        cmd.addAll(ask);
        Output o;
        try {
            o = exec(cmd, PROBE_TIMEOUT);
        } catch (NotStarted e) {
            return null; // not installed
        } catch (IOException e) {
            throw new UncheckedIOException("cannot ask " + python + " for " + ask, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + python + " for " + ask, e);
        }
        if (o == null) {
            return fail(python + " did not import " + ask + " in " + PROBE_TIMEOUT.toSeconds() + " s");
        }
        if (o.exit() != 0) {
            return null; // e.g. a pyenv shim whose selected version has no python3: not an interpreter we can use
        }
        return Set.copyOf(o.stdout().lines().map(String::strip).toList());
    }

    private record Output(int exit, String stdout, String stderr) {}

    /** The interpreter could not be started (not installed), told apart from other I/O trouble such as a full /tmp. */
    private static final class NotStarted extends IOException {
        NotStarted(IOException cause) {
            super(cause);
        }
    }

    /**
     * Runs {@code cmd} with stdout and stderr in temporary files (no pipe to fill, so the time limit holds even
     * for a script that prints a lot) and stdin closed; null when it did not finish in time (then it is killed).
     */
    private static Output exec(List<String> cmd, Duration limit) throws IOException, InterruptedException {
        Path out = Files.createTempFile("python", ".stdout");
        Path err = Files.createTempFile("python", ".stderr");
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
            } catch (IOException e) {
                throw new NotStarted(e);
            }
            p.getOutputStream().close();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return null;
            }
            return new Output(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
