package org.diffract.spots;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What one sync unit (a frame, an off/on pair, or the frames of one angle: one mask) gives: each frame's raw
 * and filtered mask, the unit's synced mask (null without sync) and labels, and each frame's spots; plus the
 * byte form in which ranks send their units to rank 0.
 */
record UnitResult(
        int unit,
        int[] frames,
        byte[][] raw,
        byte[][] filtered,
        byte[] synced,
        int[] labels,
        int numLabels,
        FrameSpots[] spots) {

    static byte[] encode(List<UnitResult> list, int px) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(bos, 1 << 16));
            out.writeInt(list.size());
            ByteBuffer lb = ByteBuffer.allocate(px * 4);
            for (UnitResult u : list) {
                out.writeInt(u.unit);
                out.writeInt(u.frames.length);
                for (int i = 0; i < u.frames.length; i++) {
                    out.writeInt(u.frames[i]);
                    out.write(u.raw[i]);
                    out.write(u.filtered[i]);
                }
                out.writeBoolean(u.synced != null);
                if (u.synced != null) {
                    out.write(u.synced);
                }
                lb.clear();
                lb.asIntBuffer().put(u.labels);
                out.write(lb.array());
                out.writeInt(u.numLabels);
                for (FrameSpots sp : u.spots) {
                    writeSpots(out, sp);
                }
            }
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSpots(DataOutputStream out, FrameSpots sp) throws IOException {
        out.writeInt(sp.count());
        for (int i = 0; i < sp.count(); i++) {
            out.writeInt(sp.label()[i]);
            out.writeDouble(sp.intensity()[i]);
            out.writeDouble(sp.intensityBg()[i]);
            out.writeInt(sp.xy()[2 * i]);
            out.writeInt(sp.xy()[2 * i + 1]);
            for (int k = 0; k < 4; k++) {
                out.writeInt(sp.box()[4 * i + k]);
            }
            out.writeInt(sp.pixelStart()[i + 1]);
        }
        for (int p : sp.pixels()) {
            out.writeInt(p);
        }
    }

    /** Every unit of every rank's block, in the order the blocks were gathered. */
    static List<UnitResult> decodeAll(byte[] data, int px) {
        List<UnitResult> list = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte[] lbytes = new byte[px * 4];
            while (in.available() > 0) {
                int count = in.readInt();
                for (int c = 0; c < count; c++) {
                    int unit = in.readInt();
                    int nf = in.readInt();
                    int[] frames = new int[nf];
                    byte[][] raw = new byte[nf][];
                    byte[][] filtered = new byte[nf][];
                    for (int i = 0; i < nf; i++) {
                        frames[i] = in.readInt();
                        raw[i] = in.readNBytes(px);
                        filtered[i] = in.readNBytes(px);
                    }
                    byte[] synced = in.readBoolean() ? in.readNBytes(px) : null;
                    in.readFully(lbytes);
                    int[] labels = new int[px];
                    ByteBuffer.wrap(lbytes).asIntBuffer().get(labels);
                    int numLabels = in.readInt();
                    FrameSpots[] spots = new FrameSpots[nf];
                    for (int i = 0; i < nf; i++) {
                        spots[i] = readSpots(in, frames[i], unit);
                    }
                    list.add(new UnitResult(unit, frames, raw, filtered, synced, labels, numLabels, spots));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return list;
    }

    private static FrameSpots readSpots(DataInputStream in, int frame, int mask) throws IOException {
        int n = in.readInt();
        int[] label = new int[n];
        double[] inten = new double[n];
        double[] bg = new double[n];
        int[] xy = new int[2 * n];
        int[] box = new int[4 * n];
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            label[i] = in.readInt();
            inten[i] = in.readDouble();
            bg[i] = in.readDouble();
            xy[2 * i] = in.readInt();
            xy[2 * i + 1] = in.readInt();
            for (int k = 0; k < 4; k++) {
                box[4 * i + k] = in.readInt();
            }
            start[i + 1] = in.readInt();
        }
        int[] pixels = new int[start[n]];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = in.readInt();
        }
        return new FrameSpots(frame, mask, label, inten, bg, xy, box, start, pixels);
    }
}
