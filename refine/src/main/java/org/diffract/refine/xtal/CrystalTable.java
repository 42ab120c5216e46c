package org.diffract.refine.xtal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;

/**
 * The per-crystal table prime users read to judge a run: for every crystal of the stream its scale G, B,
 * reflecting-range radius, orientation change, cell, correlation before and after, reindexing operator,
 * and whether it was merged or why not. Each rank keeps its crystals' rows; rank 0 gathers them and
 * writes prefix_crystals.h5 (one dataset per column, stream order) and prefix_crystals.txt.
 */
public final class CrystalTable {
    private final List<CrystalRecord> rows = new ArrayList<>();

    public void add(CrystalRecord r) {
        rows.add(r);
    }

    public void clear() {
        rows.clear();
    }

    /** All ranks' rows on rank 0 in stream order; null elsewhere. */
    public List<CrystalRecord> gather(Communicator comm) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(rows.size());
            for (CrystalRecord r : rows) {
                r.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] all = comm.gatherBytes(bytes.toByteArray(), 0);
        if (all == null) {
            return null;
        }
        List<CrystalRecord> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all))) {
            while (in.available() > 0) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    out.add(CrystalRecord.read(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparingInt(r -> r.index));
        return out;
    }

    /** Writes prefix_crystals.h5 and prefix_crystals.txt (rank 0). */
    public static void write(XtalSettings s, List<CrystalRecord> rows) {
        int n = rows.size();
        int[] index = new int[n], obs = new int[n];
        byte[] accepted = new byte[n];
        String[] image = new String[n], event = new String[n], verdict = new String[n], reindex = new String[n];
        double[][] cols = new double[7][n];
        double[] cell = new double[6 * n], stream = new double[6 * n];
        StringBuilder txt = new StringBuilder(String.format(
                Locale.ROOT,
                "# %s: one line per crystal of %s; G, B (A^2), rs (1/A), rotations about x and y (deg) as refined, "
                        + "cell (A, deg), CC with the reference before and after%n"
                        + "#%6s %-11s %11s %8s %9s %8s %8s %7s %7s %6s %8s %8s %8s %7s %7s %7s %-9s %s%n",
                s.output("_crystals.txt").getFileName(),
                s.data().getFileName(),
                "index",
                "verdict",
                "G",
                "B",
                "rs",
                "rot_x",
                "rot_y",
                "cc_bef",
                "cc_aft",
                "n_obs",
                "a",
                "b",
                "c",
                "alpha",
                "beta",
                "gamma",
                "reindex",
                "image event"));
        for (int i = 0; i < n; i++) {
            CrystalRecord r = rows.get(i);
            index[i] = r.index;
            obs[i] = r.observations;
            accepted[i] = (byte) (r.accepted() ? 1 : 0);
            image[i] = r.image;
            event[i] = r.event;
            verdict[i] = r.verdict.word();
            reindex[i] = r.reindex;
            double[] v = {r.g, r.b, r.rs, r.rotX, r.rotY, r.ccBefore, r.ccAfter};
            for (int c = 0; c < 7; c++) {
                cols[c][i] = v[c];
            }
            System.arraycopy(r.cell, 0, cell, 6 * i, 6);
            System.arraycopy(r.streamCell, 0, stream, 6 * i, 6);
            txt.append(String.format(
                    Locale.ROOT,
                    "%7d %-11s %11.5g %8.2f %9.6f %8.4f %8.4f %7.4f %7.4f %6d %8.3f %8.3f %8.3f %7.2f %7.2f %7.2f %-9s %s %s%n",
                    r.index,
                    r.verdict.word(),
                    r.g,
                    r.b,
                    r.rs,
                    r.rotX,
                    r.rotY,
                    r.ccBefore,
                    r.ccAfter,
                    r.observations,
                    r.cell[0],
                    r.cell[1],
                    r.cell[2],
                    r.cell[3],
                    r.cell[4],
                    r.cell[5],
                    r.reindex,
                    r.image,
                    r.event));
        }
        H5Writer h5 = new H5Writer()
                .put("index", index)
                .put("image", image)
                .put("event", event)
                .put("verdict", verdict)
                .putUnsigned("accepted", accepted)
                .put("reindex", reindex)
                .put("n_observations", obs)
                .put("G", cols[0])
                .put("B", cols[1])
                .put("rs", cols[2])
                .put("rot_x", cols[3])
                .put("rot_y", cols[4])
                .put("cc_before", cols[5])
                .put("cc_after", cols[6])
                .put("cell", cell, n, 6)
                .put("stream_cell", stream, n, 6);
        h5.attribute("B", "units", "A^2 (relative to the reference: I_obs = G exp(-2 B s^2) I_ref, s = 1/2d)");
        h5.attribute("rs", "units", "1/A (Lorentzian reflecting-range radius)");
        h5.attribute("rot_x", "units", "degrees about lab x");
        h5.attribute("rot_y", "units", "degrees about lab y");
        h5.attribute("cell", "units", "a b c (A) alpha beta gamma (deg)");
        h5.attribute("verdict", "values", verdictLegend());
        h5.write(s.output("_crystals.h5"));
        AtomicFiles.writeString(s.output("_crystals.txt"), txt.toString());
    }

    private static String verdictLegend() {
        StringBuilder sb = new StringBuilder();
        for (Verdict v : Verdict.values()) {
            sb.append(sb.length() == 0 ? "" : "; ")
                    .append(v.word())
                    .append(": ")
                    .append(v.meaning());
        }
        return sb.toString();
    }
}
