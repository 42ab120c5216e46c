package org.diffract.refine.xtal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

import org.diffract.core.UserError;

/**
 * Reads CrystFEL stream files chunk by chunk, so a stream of any size costs the memory of one crystal.
 * Understands the parts merging needs: "----- Begin chunk -----" blocks with "Image filename",
 * "Event", "photon_energy_eV", and per "--- Begin crystal" the "Cell parameters" (nm, deg),
 * "astar/bstar/cstar = x y z nm^-1", "profile_radius = r nm^-1" and the table after "Reflections measured
 * after indexing" (h k l I sigma(I) peak background fs/px ss/px panel) up to "End of reflections".
 * Peak lists, geometry and cell blocks are skipped. A stream that ends inside a chunk is an error.
 */
public final class CrystfelStream {
    /** Photon energy (eV) times wavelength (angstrom). */
    public static final double HC_EV_A = 12398.419843;

    private CrystfelStream() {}

    /** Visits every crystal; see {@link #read(Path, IntPredicate, Consumer)}. Returns the number of crystals. */
    public static int read(Path file, Consumer<Crystal> visitor) {
        return read(file, i -> true, visitor);
    }

    /**
     * Visits the crystals whose stream index passes {@code wanted} (others are counted but their
     * reflections not parsed). Returns the total number of crystals in the stream.
     */
    public static int read(Path file, IntPredicate wanted, Consumer<Crystal> visitor) {
        String name = file.toString();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Parser(r, name, wanted, visitor).run();
        } catch (NoSuchFileException e) {
            throw new UserError(
                    file + ": no such stream file; give [input] data = the .stream CrystFEL's indexamajig wrote");
        } catch (MalformedInputException e) {
            throw new UserError(file + ": not a text file; give a CrystFEL .stream file");
        } catch (IOException e) {
            throw new UserError("cannot read stream " + file + ": " + e.getMessage());
        }
    }

    private static final class Parser {
        private final BufferedReader r;
        private final String name;
        private final IntPredicate wanted;
        private final Consumer<Crystal> visitor;
        private int lineNo;
        private int crystals;

        // chunk state
        private String image;
        private String event;
        private double wavelength;

        // growable reflection buffers reused for every crystal
        private int n;
        private int[] h = new int[256], k = new int[256], l = new int[256];
        private double[] in = new double[256], sig = new double[256];

        Parser(BufferedReader r, String name, IntPredicate wanted, Consumer<Crystal> visitor) {
            this.r = r;
            this.name = name;
            this.wanted = wanted;
            this.visitor = visitor;
        }

        private String next() throws IOException {
            String s = r.readLine();
            if (s != null) {
                lineNo++;
            }
            return s;
        }

        private UserError error(String what) {
            return new UserError(name + " line " + lineNo + ": " + what);
        }

        int run() throws IOException {
            String first = next();
            if (first == null || !first.startsWith("CrystFEL stream format")) {
                throw new UserError(name + ": not a CrystFEL stream (first line should be 'CrystFEL stream format "
                        + "2.x'); give the .stream file indexamajig wrote");
            }
            String line;
            while ((line = next()) != null) {
                if (line.startsWith("----- Begin chunk -----")) {
                    chunk();
                }
            }
            return crystals;
        }

        private void chunk() throws IOException {
            image = null;
            event = null;
            wavelength = Double.NaN;
            String line;
            while ((line = next()) != null) {
                if (line.startsWith("----- End chunk -----")) {
                    return;
                } else if (line.startsWith("Image filename:")) {
                    image = line.substring("Image filename:".length()).trim();
                } else if (line.startsWith("Event:")) {
                    event = line.substring("Event:".length()).trim();
                } else if (line.startsWith("photon_energy_eV")) {
                    double e = number(valueOf(line), "photon_energy_eV");
                    wavelength = HC_EV_A / e;
                } else if (line.startsWith("--- Begin crystal")) {
                    crystal();
                } else if (line.startsWith("----- Begin chunk -----")) {
                    throw error("a new chunk begins before '----- End chunk -----': the stream is corrupt");
                }
            }
            throw error("the stream ends inside a chunk (truncated file?); re-run indexamajig or cut the stream "
                    + "at the last '----- End chunk -----'");
        }

        private void crystal() throws IOException {
            int index = crystals++;
            boolean want = wanted.test(index);
            double[] cell = null;
            double[] as = null, bs = null, cs = null;
            double profile = Double.NaN;
            n = 0;
            String line;
            while ((line = next()) != null) {
                if (line.startsWith("--- End crystal")) {
                    if (want) {
                        deliver(index, cell, as, bs, cs, profile);
                    }
                    return;
                }
                if (!want) {
                    if (line.startsWith("----- End chunk")) {
                        throw error("the chunk ends inside a crystal: the stream is corrupt");
                    }
                    continue;
                }
                if (line.startsWith("Cell parameters")) {
                    cell = cellParameters(line);
                } else if (line.startsWith("astar =")) {
                    as = vector(line, "astar");
                } else if (line.startsWith("bstar =")) {
                    bs = vector(line, "bstar");
                } else if (line.startsWith("cstar =")) {
                    cs = vector(line, "cstar");
                } else if (line.startsWith("profile_radius")) {
                    // nm^-1 -> 1/A
                    profile = number(valueOf(line).replace("nm^-1", "").trim(), "profile_radius") / 10;
                } else if (line.startsWith("Reflections measured after indexing")) {
                    reflections();
                } else if (line.startsWith("----- End chunk")) {
                    throw error("the chunk ends inside a crystal: the stream is corrupt");
                }
            }
            throw error("the stream ends inside a crystal (truncated file?); cut the stream at the last "
                    + "'----- End chunk -----'");
        }

        private void deliver(int index, double[] cell, double[] as, double[] bs, double[] cs, double profile) {
            if (as == null || bs == null || cs == null) {
                throw error("crystal " + index + " has no astar/bstar/cstar lines; the stream is incomplete");
            }
            UnitCell uc = cell != null ? UnitCell.of(cell) : UnitCell.fromReciprocal(as, bs, cs);
            visitor.accept(new Crystal(
                    index,
                    image,
                    event,
                    wavelength,
                    uc,
                    as,
                    bs,
                    cs,
                    profile,
                    Arrays.copyOf(h, n),
                    Arrays.copyOf(k, n),
                    Arrays.copyOf(l, n),
                    Arrays.copyOf(in, n),
                    Arrays.copyOf(sig, n)));
        }

        private void reflections() throws IOException {
            String header = next();
            if (header == null) {
                throw error("the stream ends in a reflection table (truncated file?)");
            }
            String line;
            while ((line = next()) != null) {
                if (line.startsWith("End of reflections")) {
                    return;
                }
                if (line.startsWith("--- End crystal") || line.startsWith("----- End chunk")) {
                    throw error("reflection table without 'End of reflections': the stream is corrupt");
                }
                parseReflection(line);
            }
            throw error("the stream ends in a reflection table (truncated file?); cut the stream at the last "
                    + "'----- End chunk -----'");
        }

        private final double[] tok = new double[5];

        private void parseReflection(String line) {
            // h k l I sigma(I) peak background fs ss panel: only the first five are needed
            int pos = 0, len = line.length();
            for (int t = 0; t < 5; t++) {
                while (pos < len && line.charAt(pos) == ' ') {
                    pos++;
                }
                int start = pos;
                while (pos < len && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
                    pos++;
                }
                if (start == pos) {
                    throw error(
                            "reflection line has fewer than 5 columns (h k l I sigma(I) ...): '" + line.trim() + "'");
                }
                String word = line.substring(start, pos);
                try {
                    tok[t] = Double.parseDouble(word);
                } catch (NumberFormatException e) {
                    // C's printf writes "nan" and "inf", which Java does not parse
                    String w = word.toLowerCase(Locale.ROOT);
                    if (!(w.endsWith("nan") || w.endsWith("inf"))) {
                        throw error("'" + word + "' is not a number in reflection line '" + line.trim()
                                + "'; fix or delete that line (h k l I sigma(I) peak background fs/px ss/px panel)");
                    }
                    tok[t] = Double.NaN;
                }
            }
            if (!Double.isFinite(tok[3]) || !Double.isFinite(tok[4])) {
                throw error("reflection with a non-finite intensity or sigma: '" + line.trim()
                        + "'; delete that reflection or integrate the stream again");
            }
            if (n == h.length) {
                int m = 2 * n;
                h = Arrays.copyOf(h, m);
                k = Arrays.copyOf(k, m);
                l = Arrays.copyOf(l, m);
                in = Arrays.copyOf(in, m);
                sig = Arrays.copyOf(sig, m);
            }
            h[n] = (int) tok[0];
            k[n] = (int) tok[1];
            l[n] = (int) tok[2];
            in[n] = tok[3];
            sig[n] = tok[4];
            n++;
        }

        private static String valueOf(String line) {
            int eq = line.indexOf('=');
            return eq < 0 ? "" : line.substring(eq + 1).trim();
        }

        private double number(String s, String what) {
            try {
                double v = Double.parseDouble(s.trim().split("\\s+")[0]);
                if (Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                // below
            }
            throw error(what + " '" + s + "' is not a finite number");
        }

        /** "Cell parameters 7.88 7.88 3.78 nm, 90.0 90.0 90.0 deg" -> angstrom and degrees. */
        private double[] cellParameters(String line) {
            String s = line.substring("Cell parameters".length())
                    .replace("nm,", " ")
                    .replace("deg", " ")
                    .trim();
            String[] t = s.split("\\s+");
            if (t.length < 6) {
                throw error("'Cell parameters' needs a b c (nm) and alpha beta gamma (deg)");
            }
            double[] c = new double[6];
            for (int i = 0; i < 6; i++) {
                c[i] = number(t[i], "cell parameter") * (i < 3 ? 10 : 1);
            }
            return c;
        }

        /** "astar = +0.047 +0.109 +0.031 nm^-1" -> 1/A. */
        private double[] vector(String line, String what) {
            String[] t = valueOf(line).replace("nm^-1", "").trim().split("\\s+");
            if (t.length < 3) {
                throw error(what + " needs three components in nm^-1");
            }
            return new double[] {number(t[0], what) / 10, number(t[1], what) / 10, number(t[2], what) / 10};
        }
    }
}
