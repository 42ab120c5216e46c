package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.PausePoint;

/**
 * {@code checkpoint.h5} in --path: everything a refinement needs to go on after a complete iteration, in one HDF5
 * file written under a temporary name and renamed, so a run killed at any moment leaves either the previous or the
 * new checkpoint whole. Rank 0 writes it after each iteration's averages and before that iteration's output files,
 * so a resumed run first writes those files again from it (identical: they are computed from it) and then goes on.
 *
 * <p>It holds the iteration, whether the classes had stopped changing, the class averages (float64, unprocessed:
 * the next iteration's references), every particle's alignment to every reference in that iteration (its
 * assignment and kept members follow from them), each iteration's classes (class_membership.txt) and seconds, and
 * what a resumed run must share with it: the particle count, the box, a hash of each particle as normalised and
 * the options that change the result. The iterations use no random numbers (the --randomizewedge turn of a
 * particle is a function of --seed and its index), so a resumed run repeats exactly what the killed run would have
 * done.
 */
final class SubtomoCheckpoint {
    static final String FILE = "checkpoint.h5";
    private static final String FORMAT = "diffract refine subtomo checkpoint 1";
    /**
     * Options that may differ on --resume, because the state does not depend on them: where and what is written,
     * --iter (a larger one continues a finished run), --postprocess (applied to the reported averages only), and
     * --input's path (its content must match: each particle's hash).
     */
    private static final Set<String> FREE = Set.of(
            "--input",
            "--path",
            "--output",
            "--iter",
            "--verbose",
            "--plots",
            "--saveali",
            "--savesteps",
            "--saveallalign",
            "--savepreproc",
            "--postprocess");

    /**
     * The state after {@code iteration}: the averages it made, every particle's alignments in it, the classes of
     * iterations 1..iteration and their seconds.
     */
    record State(
            int iteration,
            boolean converged,
            double[][] references,
            Hit[][] alignments,
            List<int[]> memberships,
            double[] seconds) {}

    private SubtomoCheckpoint() {}

    static Path path(Path dir) {
        return dir.resolve(FILE);
    }

    /**
     * A hash of each particle as this run normalised it, on every rank (a collective call): a checkpoint is only
     * continued with the particles it was made from.
     */
    static long[] fingerprint(LocalParticles local, Communicator comm) {
        // two 32-bit halves per particle: doubles hold them exactly, and the sum over ranks only adds zeros
        double[] halves = new double[2 * local.count];
        for (int i = local.lo; i < local.hi; i++) {
            long h = hash(local.volumes[i - local.lo]);
            halves[2 * i] = h >>> 32;
            halves[2 * i + 1] = h & 0xffffffffL;
        }
        comm.allreduceSum(halves);
        long[] out = new long[local.count];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((long) halves[2 * i] << 32) | (long) halves[2 * i + 1];
        }
        return out;
    }

    private static long hash(double[] v) {
        long h = 0x9E3779B97F4A7C15L ^ v.length;
        for (double x : v) {
            h = Long.rotateLeft(h ^ (Double.doubleToLongBits(x) * 0xff51afd7ed558ccdL), 29) * 0xc4ceb9fe1a85ec53L;
        }
        return h ^ (h >>> 31);
    }

    /** The options of a run that a checkpoint must share, in declaration order. */
    private static Map<String, String> binding(SubtomoOptions o) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : o.values().entrySet()) {
            if (!FREE.contains(e.getKey())) {
                m.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
            }
        }
        return m;
    }

    /** Writes the state atomically (rank 0). */
    static void write(Path dir, SubtomoOptions o, int n, long[] fingerprint, State s) {
        int nref = s.references().length, np = fingerprint.length, n3 = n * n * n, it = s.iteration();
        double[] refs = new double[nref * n3];
        for (int k = 0; k < nref; k++) {
            System.arraycopy(s.references()[k], 0, refs, k * n3, n3);
        }
        double[] score = new double[np * nref], rot = new double[np * nref * 9], shift = new double[np * nref * 3];
        for (int i = 0; i < np; i++) {
            for (int k = 0; k < nref; k++) {
                Hit h = s.alignments()[i][k];
                int j = i * nref + k;
                score[j] = h.score();
                System.arraycopy(h.rotation(), 0, rot, 9 * j, 9);
                System.arraycopy(h.shift(), 0, shift, 3 * j, 3);
            }
        }
        int[] classes = new int[it * np];
        for (int t = 0; t < it; t++) {
            System.arraycopy(s.memberships().get(t), 0, classes, t * np, np);
        }
        StringBuilder opts = new StringBuilder();
        binding(o).forEach((k, v) -> opts.append(k).append('=').append(v).append('\n'));
        H5Writer w = new H5Writer()
                .put("format", FORMAT)
                .put("iteration", it)
                .put("converged", s.converged() ? 1 : 0)
                .put("references", refs, nref, n, n, n)
                .put("score", score, np, nref)
                .put("rotation", rot, np, nref, 3, 3)
                .put("shift", shift, np, nref, 3)
                .put("membership", classes, it, np)
                .put("seconds", s.seconds().clone(), it)
                .put("box", n)
                .put("particles", np)
                .put("particle_hash", fingerprint.clone(), np)
                .put("input", o.input)
                .put("options", opts.toString());
        // written complete under a temporary name, renamed only after the test pause point: a kill there leaves
        // the previous checkpoint in place and a stray temporary file, which a resumed run removes
        AtomicFiles.write(path(dir), tmp -> {
            w.write(tmp);
            PausePoint.at("checkpoint", it, 0);
        });
    }

    /** What a checkpoint file holds, as read. */
    private record Stored(
            int iteration, int particles, int box, String input, String options, long[] hash, State state) {}

    /**
     * The checkpoint in {@code dir}, or null when there is none; refused in one line when it was not made by a run
     * of these particles and options, or cannot be read.
     */
    static State read(Path dir, SubtomoOptions o, int n, long[] fingerprint) {
        Path file = path(dir);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Stored c = load(file, n);
        String again =
                "; resume with the options and input of the run that made it, or run without --resume to start over";
        if (c.particles() != fingerprint.length || c.box() != n) {
            throw new UserError(file + ": made from " + c.particles() + " particles of " + c.box() + "^3 (" + c.input()
                    + "), this run has " + fingerprint.length + " of " + n + "^3 (" + o.input + ")" + again);
        }
        List<String> differ = new ArrayList<>();
        Map<String, String> then = parseOptions(c.options());
        for (Map.Entry<String, String> e : binding(o).entrySet()) {
            String was = then.get(e.getKey());
            if (!e.getValue().equals(was)) {
                differ.add(e.getKey() + " '" + e.getValue() + "' (checkpoint: '" + (was == null ? "" : was) + "')");
            }
        }
        if (!differ.isEmpty()) {
            throw new UserError(file + ": made with other options: " + String.join(", ", differ) + again);
        }
        for (int i = 0; i < fingerprint.length; i++) {
            if (c.hash()[i] != fingerprint[i]) {
                throw new UserError(file + ": particle " + i + " of --input " + o.input
                        + " is not the one the checkpoint " + "was made from (" + c.input() + ")" + again);
            }
        }
        if (o.iter < c.iteration()) {
            throw new UserError(file + ": holds " + c.iteration() + " iterations, more than --iter " + o.iter
                    + "; give --iter " + c.iteration() + " or more to --resume, or run without --resume to start over");
        }
        return c.state();
    }

    /** Every value of the file, or one line saying it cannot be read (a file we write is never half written). */
    private static Stored load(Path file, int n) {
        try (H5Reader r = H5Reader.open(file)) {
            // another stage's checkpoint.h5 (EMC's) has none; a damaged file may not show it either
            String format = r.has("format") ? String.valueOf(r.dataset("format").getData()) : "none";
            if (!FORMAT.equals(format)) {
                throw new IllegalStateException("format '" + format + "', not '" + FORMAT + "'");
            }
            int np = (int) r.scalar("particles", -1),
                    box = (int) r.scalar("box", -1),
                    it = (int) r.scalar("iteration", -1);
            String input = String.valueOf(r.dataset("input").getData());
            String options = String.valueOf(r.dataset("options").getData());
            long[] hash = r.integers("particle_hash");
            State state = box == n ? state(r, it, np, n) : null;
            if (hash.length != np || it < 1 || (state != null && state.alignments().length != np)) {
                throw new IllegalStateException("inconsistent sizes");
            }
            return new Stored(it, np, box, input, options, hash, state);
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage()).replace(file + ": ", "").replace('\n', ' ');
            throw new UserError(
                    file + ": not a readable checkpoint (" + why + "); run without --resume to start over", e);
        }
    }

    private static State state(H5Reader r, int it, int np, int n) {
        int n3 = n * n * n;
        double[] refs = r.doubles("references");
        int nref = refs.length / n3;
        double[][] references = new double[nref][];
        for (int k = 0; k < nref; k++) {
            references[k] = Arrays.copyOfRange(refs, k * n3, (k + 1) * n3);
        }
        double[] score = r.doubles("score"), rot = r.doubles("rotation"), shift = r.doubles("shift");
        Hit[][] all = new Hit[np][nref];
        for (int i = 0; i < np; i++) {
            for (int k = 0; k < nref; k++) {
                int j = i * nref + k;
                all[i][k] = new Hit(
                        score[j],
                        Arrays.copyOfRange(rot, 9 * j, 9 * j + 9),
                        Arrays.copyOfRange(shift, 3 * j, 3 * j + 3));
            }
        }
        long[] classes = r.integers("membership");
        List<int[]> memberships = new ArrayList<>();
        for (int t = 0; t < it; t++) {
            int[] m = new int[np];
            for (int i = 0; i < np; i++) {
                m[i] = (int) classes[t * np + i];
            }
            memberships.add(m);
        }
        return new State(it, r.scalar("converged", 0) != 0, references, all, memberships, r.doubles("seconds"));
    }

    private static Map<String, String> parseOptions(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    /** Iterations the checkpoint in {@code dir} holds; 0 without one. */
    static int iterationsDone(Path dir) {
        Path file = path(dir);
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        try (H5Reader r = H5Reader.open(file)) {
            return (int) r.scalar("iteration", 0);
        }
    }

    /** Seconds of each iteration the checkpoint in {@code dir} holds, oldest first; empty without one. */
    static double[] seconds(Path dir) {
        Path file = path(dir);
        if (!Files.isRegularFile(file)) {
            return new double[0];
        }
        try (H5Reader r = H5Reader.open(file)) {
            return r.has("seconds") ? r.doubles("seconds") : new double[0];
        }
    }
}
