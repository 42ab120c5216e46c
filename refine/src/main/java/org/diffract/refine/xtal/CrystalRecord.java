package org.diffract.refine.xtal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One row of the per-crystal table: what happened to a crystal of the stream. Filled by the rank that owns
 * the crystal, gathered to rank 0 as bytes, written by {@link CrystalTable}. NaN marks a value a step did
 * not produce (no B without b_factor, no rs in a plain merge).
 */
public final class CrystalRecord {
    final int index;
    final String image;
    final String event;
    /** reindexing operator that resolved the indexing ambiguity, as h,k,l text */
    String reindex = "h,k,l";

    Verdict verdict = Verdict.ACCEPTED;
    int observations;
    double g = Double.NaN, b = Double.NaN, rs = Double.NaN;
    /** orientation change from post-refinement, degrees about lab x and y */
    double rotX = Double.NaN, rotY = Double.NaN;

    double[] streamCell;
    double[] cell;
    double ccBefore = Double.NaN, ccAfter = Double.NaN;

    CrystalRecord(Crystal c) {
        this(c.index(), orDash(c.image()), orDash(c.event()), c.cell().toArray());
    }

    private CrystalRecord(int index, String image, String event, double[] streamCell) {
        this.index = index;
        this.image = image;
        this.event = event;
        this.streamCell = streamCell;
        this.cell = streamCell.clone();
    }

    /** HDF5 string datasets and the text table need a visible word for a missing image or event. */
    private static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    void reject(Verdict v) {
        verdict = v;
    }

    boolean accepted() {
        return verdict == Verdict.ACCEPTED;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(index);
        out.writeUTF(image);
        out.writeUTF(event);
        out.writeUTF(reindex);
        out.writeInt(verdict.ordinal());
        out.writeInt(observations);
        for (double v : new double[] {g, b, rs, rotX, rotY, ccBefore, ccAfter}) {
            out.writeDouble(v);
        }
        for (int i = 0; i < 6; i++) {
            out.writeDouble(streamCell[i]);
            out.writeDouble(cell[i]);
        }
    }

    static CrystalRecord read(DataInputStream in) throws IOException {
        int index = in.readInt();
        String image = in.readUTF(), event = in.readUTF(), reindex = in.readUTF();
        Verdict v = Verdict.values()[in.readInt()];
        int obs = in.readInt();
        double[] d = new double[7];
        for (int i = 0; i < 7; i++) {
            d[i] = in.readDouble();
        }
        double[] stream = new double[6], cell = new double[6];
        for (int i = 0; i < 6; i++) {
            stream[i] = in.readDouble();
            cell[i] = in.readDouble();
        }
        CrystalRecord r = new CrystalRecord(index, image, event, stream);
        r.cell = cell;
        r.reindex = reindex;
        r.verdict = v;
        r.observations = obs;
        r.g = d[0];
        r.b = d[1];
        r.rs = d[2];
        r.rotX = d[3];
        r.rotY = d[4];
        r.ccBefore = d[5];
        r.ccAfter = d[6];
        return r;
    }
}
