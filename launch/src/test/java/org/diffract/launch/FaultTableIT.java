package org.diffract.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.diffract.core.Python;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.refine.xtal.StreamSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15.5, the fault table: every stage's real command (emc, spots, correlate, refine subtomo, refine merge,
 * refine postrefine) with each bad input that applies to it: missing file, truncated HDF5 (the first 1 KiB; the
 * last 10 % cut off), truncated .emc, wrong dtype, wrong rank, empty (0 frames, shots, particles, crystals), NaN and
 * Inf values, unknown config key, unwritable output folder, full disk (a small tmpfs, as root), and for CrystFEL
 * streams their text equivalents. Each must give exactly one error line naming the file (or key, or folder) and
 * the fix ("WHAT: problem; what to do"), a non-zero exit, no stack trace and no other error, and leave its folder as
 * it was: no output left behind, and earlier output (where the case has some) byte for byte untouched.
 * <p>
 * Inputs are written by h5py/numpy as the users' tools lay them out ({@code faults/make_inputs.py}), CrystFEL
 * streams by the refine tests' simulator with the faults typed into the text. Every case runs in a folder of its own
 * (its inputs copied in), the cases two at a time; the table is one test per case.
 */
class FaultTableIT {
    private static final int PARALLEL = 2;
    private static final String[] RANKS = {"--ranks", "2", "--threads", "1"};
    private static final String SUBTOMO_SEARCH =
            "--iter 1 --shrink 2 --align rotate_translate_3d:delta=45:dphi=45 " + "--falign none --search 2";
    /** KiB left free on a "full" disk: the config copy and the first log lines fit, the results do not. */
    private static final int FREE_KIB = 12;

    @TempDir
    static Path dir;
    /** Why the stages whose inputs h5py writes are skipped, or null when Python has h5py. */
    static String noH5py;

    static final List<Case> CASES = new ArrayList<>();
    static final Map<Case, Outcome> OUTCOMES = new ConcurrentHashMap<>();
    static final List<Tmpfs> MOUNTS = new ArrayList<>();

    /** One row of the table: a stage's command, in its own folder, with one fault. */
    record Case(
            String stage, String fault, Path folder, List<String> args, List<String> names, Path disk, String skip) {
        String title() {
            return stage + " | " + fault;
        }
    }

    /** What the command did: exit code, output, and the folders (case, disk) before and after. */
    record Outcome(int exit, String stdout, String stderr, List<String> changes, Exception error) {}

    @BeforeAll
    static void runTheTable() throws Exception {
        String missing = Python.missing("h5py", "numpy");
        noH5py = missing == null ? null : missing + ": this stage's inputs are written with h5py";
        Path in = Files.createDirectories(dir.resolve("in"));
        Path good = Files.createDirectories(dir.resolve("good"));
        // the inputs of every stage, and one good run each: the earlier output some cases find in their folder
        List<String[]> goodRuns = new ArrayList<>();
        if (noH5py == null) {
            for (String stage : List.of("spots", "correlate", "subtomo")) {
                makeInputs(stage, Files.createDirectories(in.resolve(stage)));
            }
            DiffractProcess.Result sim = DiffractProcess.run(
                    in,
                    "simulate",
                    "--out",
                    "emc",
                    "--frames",
                    "40",
                    "--detsize",
                    "15",
                    "--num-div",
                    "1",
                    "--iterations",
                    "1");
            assertEquals(0, sim.exitCode(), sim.stderr());
            makeInputs("emc", in.resolve("emc"));
            goodRuns.add(new String[] {"spots", "spots good__mccd.h5"});
            goodRuns.add(new String[] {"correlate", "correlate run --config correlate.ini"});
            goodRuns.add(
                    new String[] {"subtomo", "refine subtomo --input good.h5 --nref 2 " + SUBTOMO_SEARCH + " --path out"
                    });
            goodRuns.add(new String[] {"emc", "emc --config emc.ini"});
        }
        StreamSimulator sim = new StreamSimulator();
        sim.crystals = 6;
        sim.seed = 5;
        sim.write(Files.createDirectories(in.resolve("xtal")).resolve("good.stream"));
        goodRuns.add(new String[] {"merge", "refine merge --config xtal.ini"});
        goodRuns.add(new String[] {"postrefine", "refine postrefine --config xtal.ini"});
        for (String[] g : goodRuns) {
            Path f = Files.createDirectories(good.resolve(g[0]));
            switch (g[0]) {
                case "spots" -> copy(in.resolve("spots/good__mccd.h5"), f);
                case "correlate" -> {
                    copy(in.resolve("correlate/good.h5"), f);
                    Files.writeString(f.resolve("correlate.ini"), correlateIni("good.h5", "out", ""));
                }
                case "subtomo" -> copy(in.resolve("subtomo/good.h5"), f);
                case "emc" -> {
                    copy(in.resolve("emc/photons.emc"), f);
                    copy(in.resolve("emc/det.h5"), f);
                    Files.writeString(f.resolve("emc.ini"), emcIni("out"));
                }
                default -> {
                    copy(in.resolve("xtal/good.stream"), f);
                    Files.writeString(f.resolve("xtal.ini"), xtalIni("good.stream", "None", "out/out", ""));
                }
            }
        }
        List<DiffractProcess.Result> goodResults = new ArrayList<>();
        for (int i = 0; i < goodRuns.size(); i++) {
            goodResults.add(null);
        }
        try (WorkerPool pool = new WorkerPool(PARALLEL, "good-runs")) {
            pool.forEachItem(0, goodRuns.size(), () -> null, (s, i) -> {
                String[] g = goodRuns.get(i);
                try {
                    goodResults.set(
                            i,
                            DiffractProcess.run(
                                    good.resolve(g[0]), withRanks(g[1]).toArray(new String[0])));
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        for (int i = 0; i < goodRuns.size(); i++) {
            assertEquals(
                    0,
                    goodResults.get(i).exitCode(),
                    "good run " + goodRuns.get(i)[1] + ": " + goodResults.get(i).stderr());
        }
        spots(in.resolve("spots"), good.resolve("spots"));
        correlate(in.resolve("correlate"), good.resolve("correlate"));
        subtomo(in.resolve("subtomo"), good.resolve("subtomo"));
        emc(in.resolve("emc"), good.resolve("emc"));
        xtal("merge", in.resolve("xtal"), good.resolve("merge"));
        xtal("postrefine", in.resolve("xtal"), good.resolve("postrefine"));
        try (WorkerPool pool = new WorkerPool(PARALLEL, "faults")) {
            pool.forEachItem(0, CASES.size(), () -> null, (s, i) -> {
                Outcome o = run(CASES.get(i));
                if (o != null) {
                    OUTCOMES.put(CASES.get(i), o);
                }
            });
        }
    }

    @AfterAll
    static void unmountAndPrintTheTable() throws Exception {
        for (Tmpfs t : MOUNTS) {
            t.close();
        }
        // what each case printed, for the README's "Bad input" table
        StringBuilder table = new StringBuilder("fault table:\n");
        for (Case c : CASES) {
            Outcome o = OUTCOMES.get(c);
            String err = o == null
                    ? "skipped: " + c.skip()
                    : "exit " + o.exit() + ": " + o.stderr().strip().replace(dir.toString(), "...");
            table.append(c.title()).append(" -> ").append(err).append('\n');
        }
        System.out.print(table);
    }

    @TestFactory
    Stream<DynamicTest> faultTable() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.title(), () -> check(c)));
    }

    private static void check(Case c) {
        Assumptions.assumeTrue(c.skip() == null, c.skip());
        Outcome o = OUTCOMES.get(c);
        String cmd = "diffract " + String.join(" ", c.args());
        if (o.error() != null) {
            throw new AssertionError(cmd + ": the test could not run it", o.error());
        }
        String all = "\n--- stderr:\n" + o.stderr() + "--- stdout:\n" + o.stdout();
        assertNotEquals(0, o.exit(), cmd + ": exit code 0 for bad input" + all);
        List<String> lines = new ArrayList<>();
        for (String l : o.stderr().split("\n")) {
            if (!l.isBlank() && !l.startsWith("WARNING: Using incubator modules") && !l.contains(": writing to ")) {
                lines.add(l);
            }
        }
        assertEquals(1, lines.size(), cmd + ": exactly one error line on stderr" + all);
        String line = lines.get(0);
        assertTrue(
                line.matches("diffract [a-z ]+: error: .*") && !line.contains("internal error"),
                cmd + ": not a user error line: " + line);
        for (String l : (o.stdout() + o.stderr()).split("\n")) {
            assertFalse(
                    l.contains("Exception") || l.startsWith("\tat ") || l.contains(" ERROR "),
                    cmd + ": a stack trace or a second error: " + l + all);
        }
        String message = line.substring(line.indexOf(": error: ") + 9);
        for (String name : c.names()) {
            assertTrue(message.contains(name), cmd + ": the error does not name " + name + ": " + line);
        }
        int semi = message.indexOf("; ");
        assertTrue(
                semi > 0 && message.substring(semi + 2).trim().split("\\s+").length >= 2,
                cmd + ": the error does not say what to do ('WHAT: problem; what to do'): " + line);
        assertEquals(List.of(), o.changes(), cmd + ": the failed run changed its folder" + all);
    }

    private static Outcome run(Case c) {
        if (c.skip() != null) {
            return null;
        }
        try {
            FolderState folder = FolderState.of(c.folder());
            FolderState disk = c.disk() == null ? null : FolderState.of(c.disk());
            DiffractProcess.Result r = DiffractProcess.run(c.folder(), c.args().toArray(new String[0]));
            List<String> changes = new ArrayList<>(FolderState.of(c.folder()).changesSince(folder));
            if (disk != null) {
                changes.addAll(FolderState.of(c.disk()).changesSince(disk));
            }
            return new Outcome(r.exitCode(), r.stdout(), r.stderr(), changes, null);
        } catch (Exception e) {
            return new Outcome(-1, "", "", List.of(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------- the cases

    private static void spots(Path in, Path good) throws Exception {
        String skip = noH5py;
        for (String[] f : new String[][] {
            {"truncated HDF5 (first 1 KiB)", "trunc1k_good__mccd.h5"},
            {"truncated HDF5 (last 10% cut off)", "trunc90_good__mccd.h5"},
            {"wrong dtype (frames are strings)", "dtype__mccd.h5"},
            {"wrong rank (frames 2D)", "rank__mccd.h5"},
            {"empty (0 frames)", "empty__mccd.h5"},
            {"NaN pixel (second rank's rows)", "nan__mccd.h5"},
            {"Inf pixel (second rank's rows)", "inf__mccd.h5"}
        }) {
            Path folder = folder("spots", f[0]);
            copyInput(in, f[1], folder, skip);
            add("spots", f[0], folder, "spots " + f[1], skip, null, f[1]);
        }
        add(
                "spots",
                "missing file",
                folder("spots", "missing"),
                "spots nothere__mccd.h5",
                skip,
                null,
                "nothere__mccd.h5");
        Path prev = folder("spots", "NaN pixel, earlier output");
        copyInput(in, "nan__mccd.h5", prev, skip);
        copyPrevious(good, "good__spots", prev, skip);
        add(
                "spots",
                "NaN pixel, earlier output",
                prev,
                "spots nan__mccd.h5 -o good__spots.h5",
                skip,
                null,
                "nan__mccd.h5");
        Path key = folder("spots", "unknown config key");
        copyInput(in, "good__mccd.h5", key, skip);
        Files.writeString(key.resolve("spots.ini"), "[spots]\ninput = good__mccd.h5\ncutof = 3.0\n");
        add("spots", "unknown config key", key, "spots --config spots.ini", skip, null, "spots.ini", "cutof");
        Path setKey = folder("spots", "unknown key in --set");
        copyInput(in, "good__mccd.h5", setKey, skip);
        add(
                "spots",
                "unknown key in --set",
                setKey,
                "spots good__mccd.h5 --set spots.erosion=2",
                skip,
                null,
                "--set spots.erosion",
                "erosions");
        Path unw = folder("spots", "unwritable output folder");
        copyInput(in, "good__mccd.h5", unw, skip);
        Files.writeString(unw.resolve("blocker"), "a file where the output folder should be\n");
        add(
                "spots",
                "unwritable output folder (parent is a file)",
                unw,
                "spots good__mccd.h5 -o blocker/x__spots.h5",
                skip,
                null,
                "blocker");
        readOnly("spots", in, "good__mccd.h5", skip, "spots good__mccd.h5 -o ro/x__spots.h5");
        for (boolean earlier : new boolean[] {false, true}) {
            String fault = earlier ? "full disk, earlier output" : "full disk";
            Path folder = folder("spots", fault);
            copyInput(in, "good__mccd.h5", folder, skip);
            Path disk = disk("spots" + (earlier ? "-earlier" : ""), skip == null);
            if (disk != null && earlier) {
                copyPrevious(good, "good__spots", disk, null);
            }
            fill(disk);
            add(
                    "spots",
                    fault,
                    folder,
                    "spots good__mccd.h5 -o " + out(disk, "good__spots.h5"),
                    diskSkip(skip),
                    disk,
                    disk == null ? "" : disk.toString());
        }
    }

    private static void correlate(Path in, Path good) throws Exception {
        String skip = noH5py;
        for (String[] f : new String[][] {
            {"truncated HDF5 (first 1 KiB)", "trunc1k_good.h5"},
            {"truncated HDF5 (last 10% cut off)", "trunc90_good.h5"},
            {"wrong dtype (detector_data strings)", "dtype.h5"},
            {"wrong rank (detector_data 1D)", "rank.h5"},
            {"empty (0 shots: no tag_T)", "empty.h5"},
            {"NaN pixel (a second rank's shot)", "nan.h5"},
            {"Inf pixel (a second rank's shot)", "inf.h5"},
            {"missing file", null}
        }) {
            Path folder = folder("correlate", f[0]);
            String data = f[1] == null ? "nothere.h5" : f[1];
            if (f[1] != null) {
                copyInput(in, f[1], folder, skip);
            }
            Files.writeString(folder.resolve("correlate.ini"), correlateIni(data, "out", ""));
            add("correlate", f[0], folder, "correlate run --config correlate.ini", skip, null, data);
        }
        Path prev = folder("correlate", "NaN pixel, earlier output");
        copyInput(in, "nan.h5", prev, skip);
        copyPrevious(good, "out", prev, skip);
        Files.writeString(prev.resolve("correlate.ini"), correlateIni("nan.h5", "out", ""));
        add(
                "correlate",
                "NaN pixel, earlier output",
                prev,
                "correlate run --config correlate.ini",
                skip,
                null,
                "nan.h5");
        Path mask = folder("correlate", "truncated .npy mask (last 10% cut off)");
        copyInput(in, "good.h5", mask, skip);
        copyInput(in, "trunc90_mask.npy", mask, skip);
        Files.writeString(
                mask.resolve("correlate.ini"),
                correlateIni("good.h5", "out", "").replace("[geometry]", "mask_file = trunc90_mask.npy\n[geometry]"));
        add(
                "correlate",
                "truncated .npy mask (last 10% cut off)",
                mask,
                "correlate run --config correlate.ini",
                skip,
                null,
                "trunc90_mask.npy");
        Path key = folder("correlate", "unknown config key");
        copyInput(in, "good.h5", key, skip);
        Files.writeString(key.resolve("correlate.ini"), correlateIni("good.h5", "out", "qmx = 0.3"));
        add(
                "correlate",
                "unknown config key",
                key,
                "correlate run --config correlate.ini",
                skip,
                null,
                "correlate.ini",
                "qmx");
        Path unw = folder("correlate", "unwritable output folder");
        copyInput(in, "good.h5", unw, skip);
        Files.writeString(unw.resolve("blocker"), "a file where the output folder should be\n");
        Files.writeString(unw.resolve("correlate.ini"), correlateIni("good.h5", "blocker/out", ""));
        add(
                "correlate",
                "unwritable output folder (parent is a file)",
                unw,
                "correlate run --config correlate.ini",
                skip,
                null,
                "blocker");
        Path ro = readOnly("correlate", in, "good.h5", skip, "correlate run --config correlate.ini");
        if (ro != null) {
            Files.writeString(ro.resolve("correlate.ini"), correlateIni("good.h5", "ro/out", ""));
        }
        for (boolean earlier : new boolean[] {false, true}) {
            String fault = earlier ? "full disk, earlier output" : "full disk";
            Path folder = folder("correlate", fault);
            copyInput(in, "good.h5", folder, skip);
            Path disk = disk("correlate" + (earlier ? "-earlier" : ""), skip == null);
            if (disk != null && earlier) {
                copyPrevious(good, "out", disk, null);
            }
            fill(disk);
            Files.writeString(folder.resolve("correlate.ini"), correlateIni("good.h5", out(disk, "out"), ""));
            add(
                    "correlate",
                    fault,
                    folder,
                    "correlate run --config correlate.ini",
                    diskSkip(skip),
                    disk,
                    disk == null ? "" : disk.toString());
        }
    }

    private static void subtomo(Path in, Path good) throws Exception {
        String skip = noH5py;
        String run = "refine subtomo --nref 2 " + SUBTOMO_SEARCH;
        for (String[] f : new String[][] {
            {"truncated HDF5 (first 1 KiB)", "trunc1k_good.h5"},
            {"truncated HDF5 (last 10% cut off)", "trunc90_good.h5"},
            {"truncated MRC stack (first 1 KiB)", "trunc1k_good.mrc"},
            {"truncated MRC stack (last 10% cut off)", "trunc90_good.mrc"},
            {"wrong dtype (volumes are strings)", "dtype.h5"},
            {"wrong rank (volumes 2D)", "rank.h5"},
            {"empty (0 particles)", "empty.h5"},
            {"NaN voxel (a second rank's particle)", "nan.h5"},
            {"Inf voxel (a second rank's particle)", "inf.h5"}
        }) {
            Path folder = folder("subtomo", f[0]);
            copyInput(in, f[1], folder, skip);
            add("subtomo", f[0], folder, run + " --input " + f[1] + " --path out", skip, null, f[1]);
        }
        add(
                "subtomo",
                "missing file",
                folder("subtomo", "missing"),
                run + " --input nothere.h5 --path out",
                skip,
                null,
                "nothere.h5");
        Path prev = folder("subtomo", "NaN voxel, earlier output");
        copyInput(in, "nan.h5", prev, skip);
        copyPrevious(good, "out", prev, skip);
        add("subtomo", "NaN voxel, earlier output", prev, run + " --input nan.h5 --path out", skip, null, "nan.h5");
        Path nref = folder("subtomo", "--nref 99 (more references than particles), earlier output");
        copyInput(in, "good.h5", nref, skip);
        copyPrevious(good, "out", nref, skip);
        add(
                "subtomo",
                "--nref 99 (more references than particles), earlier output",
                nref,
                "refine subtomo --nref 99 " + SUBTOMO_SEARCH + " --input good.h5 --path out",
                skip,
                null,
                "--nref");
        Path key = folder("subtomo", "unknown config key");
        copyInput(in, "good.h5", key, skip);
        Files.writeString(key.resolve("subtomo.ini"), "[subtomo]\ninput = good.h5\nnref = 2\nnreff = 3\npath = out\n");
        add(
                "subtomo",
                "unknown config key",
                key,
                "refine subtomo --config subtomo.ini",
                skip,
                null,
                "subtomo.ini",
                "nreff");
        Path unw = folder("subtomo", "unwritable output folder");
        copyInput(in, "good.h5", unw, skip);
        Files.writeString(unw.resolve("blocker"), "a file where the output folder should be\n");
        add(
                "subtomo",
                "unwritable output folder (parent is a file)",
                unw,
                run + " --input good.h5 --path blocker/out",
                skip,
                null,
                "blocker");
        readOnly("subtomo", in, "good.h5", skip, run + " --input good.h5 --path ro/out");
        for (boolean earlier : new boolean[] {false, true}) {
            String fault = earlier ? "full disk, earlier output" : "full disk";
            Path folder = folder("subtomo", fault);
            copyInput(in, "good.h5", folder, skip);
            Path disk = disk("subtomo" + (earlier ? "-earlier" : ""), skip == null);
            if (disk != null && earlier) {
                copyPrevious(good, "out", disk, null);
            }
            fill(disk);
            add(
                    "subtomo",
                    fault,
                    folder,
                    run + " --input good.h5 --path " + out(disk, "out"),
                    diskSkip(skip),
                    disk,
                    disk == null ? "" : disk.toString());
        }
    }

    private static void emc(Path in, Path good) throws Exception {
        String skip = noH5py;
        String photons = "in_photons_file = photons.emc";
        for (String[] f : new String[][] {
            {"missing file", photons, "in_photons_file = nothere.emc", "nothere.emc"},
            {
                "truncated HDF5 detector (first 1 KiB)",
                "in_detector_file = det.h5",
                "in_detector_file = trunc1k_det.h5",
                "trunc1k_det.h5"
            },
            {
                "truncated HDF5 detector (last 10% cut off)",
                "in_detector_file = det.h5",
                "in_detector_file = trunc90_det.h5",
                "trunc90_det.h5"
            },
            {
                "truncated detector .dat (last 10% cut off)",
                "in_detector_file = det.h5",
                "in_detector_file = trunc90_det.dat",
                "trunc90_det.dat"
            },
            {
                "truncated HDF5 patterns (first 1 KiB)",
                photons,
                "in_patterns_file = trunc1k_patterns.h5",
                "trunc1k_patterns.h5"
            },
            {
                "truncated HDF5 patterns (last 10% cut off)",
                photons,
                "in_patterns_file = trunc90_patterns.h5",
                "trunc90_patterns.h5"
            },
            {"truncated .emc (first 1 KiB)", photons, "in_photons_file = trunc1k_photons.emc", "trunc1k_photons.emc"},
            {
                "truncated .emc (last 10% cut off)",
                photons,
                "in_photons_file = trunc90_photons.emc",
                "trunc90_photons.emc"
            },
            {"wrong dtype (float32 patterns)", photons, "in_patterns_file = dtype.h5", "dtype.h5"},
            {"wrong rank (patterns 2D)", photons, "in_patterns_file = rank.h5", "rank.h5"},
            {"empty (0 frames in patterns)", photons, "in_patterns_file = empty.h5", "empty.h5"},
            {"empty (0 frames in .emc)", photons, "in_photons_file = empty.emc", "empty.emc"},
            {"NaN in the start model", "start_model_file = None", "start_model_file = nan.bin", "nan.bin"},
            {"Inf in the start model", "start_model_file = None", "start_model_file = inf.bin", "inf.bin"},
            {"NaN in the detector's q", "in_detector_file = det.h5", "in_detector_file = nan_det.h5", "nan_det.h5"},
            {"unknown config key", "num_div = 1", "nm_div = 1", "nm_div"}
        }) {
            Path folder = folder("emc", f[0]);
            emcInputs(in, folder, f[3], skip);
            Files.writeString(folder.resolve("emc.ini"), emcIni("out").replace(f[1], f[2]));
            add("emc", f[0], folder, "emc --config emc.ini", skip, null, f[3]);
        }
        Path prev = folder("emc", "NaN in the start model, earlier output");
        emcInputs(in, prev, "nan.bin", skip);
        copyPrevious(good, "out", prev, skip);
        Files.writeString(
                prev.resolve("emc.ini"),
                emcIni("out").replace("start_model_file = None", "start_model_file = nan.bin"));
        add("emc", "NaN in the start model, earlier output", prev, "emc --config emc.ini", skip, null, "nan.bin");
        Path unw = folder("emc", "unwritable output folder");
        emcInputs(in, unw, null, skip);
        Files.writeString(unw.resolve("blocker"), "a file where the output folder should be\n");
        Files.writeString(unw.resolve("emc.ini"), emcIni("blocker/out"));
        add("emc", "unwritable output folder (parent is a file)", unw, "emc --config emc.ini", skip, null, "blocker");
        Path ro = readOnly("emc", in, null, skip, "emc --config emc.ini");
        if (ro != null) {
            emcInputs(in, ro, null, skip);
            Files.writeString(ro.resolve("emc.ini"), emcIni("ro/out"));
        }
        for (boolean earlier : new boolean[] {false, true}) {
            String fault = earlier ? "full disk, earlier output" : "full disk";
            Path folder = folder("emc", fault);
            emcInputs(in, folder, null, skip);
            Path disk = disk("emc" + (earlier ? "-earlier" : ""), skip == null);
            if (disk != null && earlier) {
                copyPrevious(good, "out", disk, null);
            }
            fill(disk);
            Files.writeString(folder.resolve("emc.ini"), emcIni(out(disk, "out")));
            add(
                    "emc",
                    fault,
                    folder,
                    "emc --config emc.ini",
                    diskSkip(skip),
                    disk,
                    disk == null ? "" : disk.toString());
        }
    }

    private static void xtal(String stage, Path in, Path good) throws Exception {
        String stream = Files.readString(in.resolve("good.stream"));
        String[] lines = stream.split("\n", -1);
        String cmd = "refine " + stage + " --config xtal.ini";
        // the first reflection line of the first crystal: h k l I sigma(I) peak background fs ss panel
        int first = Arrays.asList(lines)
                        .indexOf(Arrays.stream(lines)
                                .filter(l -> l.startsWith("Reflections measured"))
                                .findFirst()
                                .orElseThrow())
                + 2;
        String[] cols = lines[first].trim().split("\\s+");
        String header =
                String.join("\n", Arrays.copyOf(lines, Arrays.asList(lines).indexOf("----- Begin chunk -----")));
        Map<String, String[]> texts = Map.of(
                "truncated stream (ends inside a chunk)",
                        new String[] {"trunc.stream", String.join("\n", Arrays.copyOf(lines, lines.length * 6 / 10))},
                "non-numeric field (intensity '12x4')",
                        new String[] {"nonnum.stream", withColumn(lines, first, cols, 3, "12x4")},
                "NaN intensity ('nan', as C writes it)",
                        new String[] {"nan.stream", withColumn(lines, first, cols, 3, "nan")},
                "Inf sigma ('inf')", new String[] {"inf.stream", withColumn(lines, first, cols, 4, "inf")},
                "empty (0 crystals: one unindexed chunk)",
                        new String[] {
                            "zero.stream",
                            header + "\n"
                                    + "----- Begin chunk -----\nImage filename: sim/frame0.h5\nEvent: //0\nImage serial number: 1\n"
                                    + "hit = 0\nindexed_by = none\nphoton_energy_eV = 9537.246\nnum_peaks = 0\n"
                                    + "Peaks from peak search\n  fs/px   ss/px (1/d)/nm^-1   Intensity  Panel\nEnd of peak list\n"
                                    + "----- End chunk -----\n"
                        });
        for (Map.Entry<String, String[]> t : texts.entrySet()) {
            Path folder = folder(stage, t.getKey());
            Files.writeString(folder.resolve(t.getValue()[0]), t.getValue()[1]);
            Files.writeString(folder.resolve("xtal.ini"), xtalIni(t.getValue()[0], "None", "out/out", ""));
            add(stage, t.getKey(), folder, cmd, null, null, t.getValue()[0]);
        }
        Path missing = folder(stage, "missing file");
        Files.writeString(missing.resolve("xtal.ini"), xtalIni("nothere.stream", "None", "out/out", ""));
        add(stage, "missing file", missing, cmd, null, null, "nothere.stream");
        Path ref = folder(stage, "truncated reference (.mtz, first 1 KiB)");
        copy(in.resolve("good.stream"), ref);
        Files.write(
                ref.resolve("trunc1k_ref.mtz"), Arrays.copyOf(Files.readAllBytes(good.resolve("out/out.mtz")), 1024));
        Files.writeString(ref.resolve("xtal.ini"), xtalIni("good.stream", "trunc1k_ref.mtz", "out/out", ""));
        add(stage, "truncated reference (.mtz, first 1 KiB)", ref, cmd, null, null, "trunc1k_ref.mtz");
        Path prev = folder(stage, "NaN intensity, earlier output");
        Files.writeString(prev.resolve("nan.stream"), texts.get("NaN intensity ('nan', as C writes it)")[1]);
        copyPrevious(good, "out", prev, null);
        Files.writeString(prev.resolve("xtal.ini"), xtalIni("nan.stream", "None", "out/out", ""));
        add(stage, "NaN intensity, earlier output", prev, cmd, null, null, "nan.stream");
        Path key = folder(stage, "unknown config key");
        copy(in.resolve("good.stream"), key);
        Files.writeString(key.resolve("xtal.ini"), xtalIni("good.stream", "None", "out/out", "d_mn = 3"));
        add(stage, "unknown config key", key, cmd, null, null, "xtal.ini", "d_mn");
        Path unw = folder(stage, "unwritable output folder");
        copy(in.resolve("good.stream"), unw);
        Files.writeString(unw.resolve("blocker"), "a file where the output folder should be\n");
        Files.writeString(unw.resolve("xtal.ini"), xtalIni("good.stream", "None", "blocker/out/out", ""));
        add(stage, "unwritable output folder (parent is a file)", unw, cmd, null, null, "blocker");
        Path ro = readOnly(stage, in, "good.stream", null, cmd);
        if (ro != null) {
            Files.writeString(ro.resolve("xtal.ini"), xtalIni("good.stream", "None", "ro/out/out", ""));
        }
        for (boolean earlier : new boolean[] {false, true}) {
            String fault = earlier ? "full disk, earlier output" : "full disk";
            Path folder = folder(stage, fault);
            copy(in.resolve("good.stream"), folder);
            Path disk = disk(stage + (earlier ? "-earlier" : ""), true);
            if (disk != null && earlier) {
                copyPrevious(good, "out", disk, null);
            }
            fill(disk);
            Files.writeString(folder.resolve("xtal.ini"), xtalIni("good.stream", "None", out(disk, "out/out"), ""));
            add(stage, fault, folder, cmd, diskSkip(null), disk, disk == null ? "" : disk.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------- configs

    private static String correlateIni(String data, String out, String polarExtra) {
        // 48 x 48 shots, ring of radius 12 px at the centre (24, 24); q 0.05 .. 0.2 1/A is about 5 .. 20 px
        return String.join(
                "\n",
                "[input]",
                "data_file = " + data,
                "[geometry]",
                "wavelen = 1.41",
                "pixsize = 0.00011",
                "detdist = 0.051",
                "x_center = 24",
                "y_center = 24",
                "[polar]",
                "qmin = 0.05",
                "qmax = 0.2",
                "nphi = 64",
                polarExtra,
                "[output]",
                "output_folder = " + out,
                "");
    }

    private static String emcIni(String out) throws IOException {
        return Files.readString(dir.resolve("in/emc/emc.ini"))
                .replace("output_folder = output", "output_folder = " + out);
    }

    private static String xtalIni(String data, String model, String prefix, String mergeExtra) {
        return String.join(
                "\n",
                "[main]",
                "data = " + data,
                "model = " + model,
                "target_unit_cell = 40 40 60 90 90 90",
                "target_space_group = P 43 21 2",
                "n_residues = 100",
                "n_postref_cycle = 1",
                "n_processors = 2",
                "output_prefix = " + prefix,
                "[merge]",
                "d_min = 3.0",
                "d_max = 30",
                "n_bins = 2",
                mergeExtra,
                "");
    }

    private static String withColumn(String[] lines, int at, String[] cols, int col, String value) {
        String[] c = cols.clone();
        c[col] = value;
        String[] out = lines.clone();
        out[at] = " " + String.join("  ", c);
        return String.join("\n", out);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void add(
            String stage, String fault, Path folder, String args, String skip, Path disk, String... names) {
        CASES.add(new Case(stage, fault, folder, withRanks(args), List.of(names), disk, skip));
    }

    private static List<String> withRanks(String args) {
        List<String> a = new ArrayList<>(List.of(args.split(" ")));
        a.addAll(List.of(RANKS));
        return a;
    }

    private static Path folder(String stage, String fault) throws IOException {
        String slug = fault.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return Files.createDirectories(dir.resolve("cases").resolve(stage).resolve(slug));
    }

    private static void copy(Path file, Path folder) throws IOException {
        Files.copy(file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void copyInput(Path in, String name, Path folder, String skip) throws IOException {
        if (skip == null) {
            copy(in.resolve(name), folder);
        }
    }

    private static void emcInputs(Path in, Path folder, String extra, String skip) throws IOException {
        if (skip != null) {
            return;
        }
        copy(in.resolve("photons.emc"), folder);
        copy(in.resolve("det.h5"), folder);
        if (extra != null && Files.exists(in.resolve(extra))) {
            copy(in.resolve(extra), folder);
        }
    }

    /** The good run's outputs whose names start with {@code prefix} (a file stem or the output folder). */
    private static void copyPrevious(Path good, String prefix, Path folder, String skip) throws IOException {
        if (skip != null) {
            return;
        }
        try (Stream<Path> s = Files.walk(good)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = good.relativize(p).toString();
                if (!rel.startsWith(prefix) || Files.isDirectory(p)) {
                    continue;
                }
                Path to = folder.resolve(rel);
                Files.createDirectories(to.getParent());
                Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * An output folder nobody may write to: mode 555 for another user; as root (whom a mode does not stop, as in CI)
     * a read-only tmpfs mounted there. Where neither is possible the case of a parent that is a file stands for it.
     */
    private static Path readOnly(String stage, Path in, String input, String skip, String args)
            throws IOException, InterruptedException {
        String fault = "unwritable output folder (read-only)";
        Path folder = folder(stage, fault);
        if (input != null && skip == null) {
            copy(in.resolve(input), folder);
        }
        Path ro = folder.resolve("ro");
        String why = skip;
        if (Tmpfs.possible()) {
            MOUNTS.add(Tmpfs.mountReadOnly(ro));
        } else if (!"root".equals(System.getProperty("user.name"))) {
            Files.createDirectories(ro);
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        } else {
            why = why != null
                    ? why
                    : "root without mount(8): a mode of 555 does not stop root's writes; the case of a "
                            + "parent that is a file stands for it";
        }
        add(stage, fault, folder, args, why, null, "ro");
        return folder;
    }

    /** A mounted, still empty tmpfs for a full-disk case, or null where none can be mounted. */
    private static Path disk(String name, boolean wanted) throws IOException, InterruptedException {
        if (!wanted || !Tmpfs.possible()) {
            return null;
        }
        Tmpfs t = Tmpfs.mount(dir.resolve("disk-" + name), 2048);
        MOUNTS.add(t);
        return t.path();
    }

    private static void fill(Path disk) throws IOException {
        if (disk != null) {
            MOUNTS.stream()
                    .filter(m -> m.path().equals(disk))
                    .findFirst()
                    .orElseThrow()
                    .fill(".filler", FREE_KIB);
        }
    }

    private static String out(Path disk, String name) {
        return disk == null ? name : disk.resolve(name).toString();
    }

    private static String diskSkip(String skip) {
        return skip != null ? skip : Tmpfs.possible() ? null : Tmpfs.whyNot();
    }

    private static void makeInputs(String stage, Path folder) throws Exception {
        String script;
        try (var s = FaultTableIT.class.getResourceAsStream("/faults/make_inputs.py")) {
            script = new String(s.readAllBytes(), StandardCharsets.UTF_8);
        }
        Python.require("h5py", "numpy").run(script, stage, folder.toString());
    }
}
