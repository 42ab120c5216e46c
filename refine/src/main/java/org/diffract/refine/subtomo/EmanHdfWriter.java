package org.diffract.refine.subtomo;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.diffract.core.io.AtomicFiles;

/**
 * Writes an image stack as EMAN2's HDF writer (libEM/io/hdfio2.cpp) lays it out, so e2display.py,
 * e2proc3d.py and the e2spt programs open it: /MDF/images (attribute imageid_max = N - 1), one group
 * /MDF/images/i per image whose attributes are the image header as "EMAN.key", and the float32 dataset
 * /MDF/images/i/image of shape (nz, ny, nx). Attributes are typed as EMAN2 writes them: int as int32 and
 * float as float32 in a 1-element dataspace, bool as the char 'T'/'F', string as a fixed-length C string,
 * int and float lists as 1-D arrays, and a Transform as a compound of 12 float32 members "00".."23" (the
 * 3x4 matrix row by row). jhdf cannot write compound attributes, so this class writes the HDF5 structures
 * itself: superblock version 0, version-1 object headers and symbol-table groups (the HDF5 1.6 layout,
 * which every HDF5 library reads). Image data is streamed, one image in memory at a time.
 */
public final class EmanHdfWriter {
    /** Fills {@code out} (nx * ny * nz floats, x fastest) with image i; called once per image, in order. */
    public interface ImageData {
        void fill(int i, float[] out);
    }

    private static final long UNDEF = -1L;
    private static final int LEAF_K = 16;
    private static final int ENTRIES_PER_NODE = 2 * LEAF_K;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final int EM_FLOAT = 7;

    private final int nx;
    private final int ny;
    private final int nz;
    private final List<Map<String, Object>> headers = new ArrayList<>();

    public EmanHdfWriter(int nx, int ny, int nz) {
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
    }

    /**
     * Adds an image's header (keys without "EMAN."): Integer, Float/Double (stored as float32), Boolean, String,
     * int[], float[] or {@link EmanTransform}. The size, datatype and complex flags are added here.
     */
    public EmanHdfWriter add(Map<String, Object> header) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("nx", nx);
        h.put("ny", ny);
        h.put("nz", nz);
        h.put("datatype", EM_FLOAT);
        h.put("is_complex", 0);
        h.put("is_complex_x", 0);
        h.put("is_complex_ri", 1);
        h.putAll(header);
        headers.add(h);
        return this;
    }

    /** Writes the stack atomically; {@code data} supplies the images in order. */
    public void write(Path file, ImageData data) {
        int count = headers.size();
        if (count == 0) {
            throw new IllegalArgumentException("an EMAN2 stack needs at least one image");
        }
        Layout lay = new Layout(count);
        byte[] meta = lay.metadata();
        AtomicFiles.write(file, tmp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                out.write(meta);
                float[] img = new float[nx * ny * nz];
                ByteBuffer block = ByteBuffer.allocate(4 * img.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    Arrays.fill(img, 0);
                    data.fill(i, img);
                    block.clear();
                    block.asFloatBuffer().put(img);
                    out.write(block.array(), 0, 4 * img.length);
                }
            } catch (IOException e) {
                throw e;
            }
        });
    }

    /** Where every structure goes, then their bytes. */
    private final class Layout {
        final int count;
        final long imageBytes = 4L * nx * ny * nz;
        final String[] names;
        /** Images in HDF5's name order (strcmp), which the symbol-table nodes need. */
        final int[] sorted;

        final int imagesNodes;
        final int internalK;

        Layout(int count) {
            this.count = count;
            names = new String[count];
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                names[i] = Integer.toString(i);
                order.add(i);
            }
            order.sort((a, c) -> names[a].compareTo(names[c]));
            sorted = order.stream().mapToInt(Integer::intValue).toArray();
            imagesNodes = (count + ENTRIES_PER_NODE - 1) / ENTRIES_PER_NODE;
            internalK = Math.max(16, (imagesNodes + 1) / 2);
        }

        // ---- sizes ----
        int snodSize() {
            return 8 + ENTRIES_PER_NODE * 40;
        }

        int btreeSize() {
            return 24 + (2 * internalK + 1) * 8 + 2 * internalK * 8;
        }

        /** A group's heap data: "" then each child name, each null-terminated and padded to 8 bytes. */
        int heapData(List<String> children) {
            int s = 8;
            for (String c : children) {
                s += pad8(c.length() + 1);
            }
            return s;
        }

        byte[] metadata() {
            // 1. sizes and addresses, in file order: superblock, root, MDF, images, image groups, datasets
            long addr = 96;
            long rootOh = addr;
            addr += ohSize(List.of(symbolTableMsg()));
            long[] root = groupBlocks(addr, List.of("MDF"));
            addr = root[3];
            long mdfOh = addr;
            addr += ohSize(List.of(symbolTableMsg()));
            long[] mdf = groupBlocks(addr, List.of("images"));
            addr = mdf[3];
            long imagesOh = addr;
            List<byte[]> imagesMsgs = List.of(symbolTableMsg(), attributeMsg("imageid_max", count - 1));
            addr += ohSize(imagesMsgs);
            List<String> imageNames = new ArrayList<>();
            for (int i : sorted) {
                imageNames.add(names[i]);
            }
            long[] images = groupBlocks(addr, imageNames);
            addr = images[3];
            long[] groupOh = new long[count];
            long[][] groupBlk = new long[count][];
            long[] dsOh = new long[count];
            List<List<byte[]>> groupMsgs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                List<byte[]> msgs = new ArrayList<>();
                msgs.add(symbolTableMsg());
                for (Map.Entry<String, Object> e : headers.get(i).entrySet()) {
                    msgs.add(attributeMsg("EMAN." + e.getKey(), e.getValue()));
                }
                groupMsgs.add(msgs);
                groupOh[i] = addr;
                addr += ohSize(msgs);
                groupBlk[i] = groupBlocks(addr, List.of("image"));
                addr = groupBlk[i][3];
                dsOh[i] = addr;
                addr += ohSize(datasetMsgs(0));
            }
            long dataStart = addr;
            long eof = dataStart + imageBytes * count;

            // 2. bytes
            ByteBuffer m = ByteBuffer.allocate((int) dataStart).order(ByteOrder.LITTLE_ENDIAN);
            m.put(SIGNATURE)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 8)
                    .put((byte) 8)
                    .put((byte) 0)
                    .putShort((short) LEAF_K)
                    .putShort((short) internalK)
                    .putInt(0);
            m.putLong(0).putLong(UNDEF).putLong(eof).putLong(UNDEF);
            entry(m, 0, rootOh, root[1], root[0]);
            m.position((int) rootOh);
            objectHeader(m, List.of(symbolTableMsg(root[1], root[0])));
            groupStructures(m, root, List.of("MDF"), new long[] {mdfOh}, new long[][] {mdf});
            m.position((int) mdfOh);
            objectHeader(m, List.of(symbolTableMsg(mdf[1], mdf[0])));
            groupStructures(m, mdf, List.of("images"), new long[] {imagesOh}, new long[][] {images});
            m.position((int) imagesOh);
            objectHeader(m, List.of(symbolTableMsg(images[1], images[0]), imagesMsgs.get(1)));
            long[] sortedOh = new long[count];
            long[][] sortedBlk = new long[count][];
            for (int j = 0; j < count; j++) {
                sortedOh[j] = groupOh[sorted[j]];
                sortedBlk[j] = groupBlk[sorted[j]];
            }
            groupStructures(m, images, imageNames, sortedOh, sortedBlk);
            for (int i = 0; i < count; i++) {
                m.position((int) groupOh[i]);
                List<byte[]> msgs = new ArrayList<>(groupMsgs.get(i));
                msgs.set(0, symbolTableMsg(groupBlk[i][1], groupBlk[i][0]));
                objectHeader(m, msgs);
                groupStructures(m, groupBlk[i], List.of("image"), new long[] {dsOh[i]}, new long[][] {null});
                m.position((int) dsOh[i]);
                objectHeader(m, datasetMsgs(dataStart + i * imageBytes));
            }
            return m.array();
        }

        /**
         * Addresses of one group's heap, B-tree and symbol-table nodes starting at addr:
         * {heap, btree, firstSnod, end}.
         */
        long[] groupBlocks(long addr, List<String> children) {
            long heap = addr;
            long btree = heap + 32 + heapData(children);
            long snod = btree + btreeSize();
            int nodes = Math.max(1, (children.size() + ENTRIES_PER_NODE - 1) / ENTRIES_PER_NODE);
            return new long[] {heap, btree, snod, snod + (long) nodes * snodSize()};
        }

        /** The heap, B-tree and symbol-table nodes of a group whose (sorted) children are at the given headers. */
        void groupStructures(ByteBuffer m, long[] blk, List<String> children, long[] childOh, long[][] childBlk) {
            int dataSize = heapData(children);
            m.position((int) blk[0]);
            m.put("HEAP".getBytes(StandardCharsets.US_ASCII))
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0);
            m.putLong(dataSize).putLong(1).putLong(blk[0] + 32); // free list offset 1: none (H5HL_FREE_NULL)
            long[] nameOffset = new long[children.size()];
            int off = 8;
            long dataAt = blk[0] + 32;
            for (int c = 0; c < children.size(); c++) {
                nameOffset[c] = off;
                m.position((int) (dataAt + off));
                m.put(children.get(c).getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
                off += pad8(children.get(c).length() + 1);
            }
            int nodes = Math.max(1, (children.size() + ENTRIES_PER_NODE - 1) / ENTRIES_PER_NODE);
            m.position((int) blk[1]);
            m.put("TREE".getBytes(StandardCharsets.US_ASCII))
                    .put((byte) 0)
                    .put((byte) 0)
                    .putShort((short) nodes);
            m.putLong(UNDEF).putLong(UNDEF);
            m.putLong(0);
            for (int k = 0; k < nodes; k++) {
                int last = Math.min(children.size(), (k + 1) * ENTRIES_PER_NODE) - 1;
                m.putLong(blk[2] + (long) k * snodSize());
                m.putLong(last >= 0 ? nameOffset[last] : 0);
            }
            for (int k = 0; k < nodes; k++) {
                m.position((int) (blk[2] + (long) k * snodSize()));
                int from = k * ENTRIES_PER_NODE, to = Math.min(children.size(), from + ENTRIES_PER_NODE);
                m.put("SNOD".getBytes(StandardCharsets.US_ASCII))
                        .put((byte) 1)
                        .put((byte) 0)
                        .putShort((short) (to - from));
                for (int c = from; c < to; c++) {
                    if (childBlk[c] != null) {
                        entry(m, nameOffset[c], childOh[c], childBlk[c][1], childBlk[c][0]);
                    } else {
                        entry(m, nameOffset[c], childOh[c], -2, -2);
                    }
                }
            }
        }

        /** A symbol-table entry; a group (btree >= 0) caches its B-tree and heap addresses (cache type 1). */
        void entry(ByteBuffer m, long nameOffset, long oh, long btree, long heap) {
            m.putLong(nameOffset).putLong(oh);
            if (btree >= 0) {
                m.putInt(1).putInt(0).putLong(btree).putLong(heap);
            } else {
                m.putInt(0).putInt(0).putLong(0).putLong(0);
            }
        }

        byte[] symbolTableMsg() {
            return symbolTableMsg(0, 0);
        }

        byte[] symbolTableMsg(long btree, long heap) {
            ByteBuffer x = le(16).putLong(btree).putLong(heap);
            return message(0x11, x.array());
        }

        List<byte[]> datasetMsgs(long dataAddress) {
            ByteBuffer space = le(8 + 24)
                    .put((byte) 1)
                    .put((byte) 3)
                    .put((byte) 0)
                    .put((byte) 0)
                    .putInt(0);
            space.putLong(nz).putLong(ny).putLong(nx);
            byte[] fill = {2, 2, 2, 0};
            ByteBuffer layout =
                    le(18).put((byte) 3).put((byte) 1).putLong(dataAddress).putLong(imageBytes);
            return List.of(
                    message(0x01, space.array()),
                    message(0x03, floatType()),
                    message(0x05, fill),
                    message(0x08, layout.array()));
        }
    }

    // ---- messages and types ----

    /** A version-1 object header message: type, size (data padded to 8 bytes), flags, then the data. */
    private static byte[] message(int type, byte[] data) {
        int size = pad8(data.length);
        ByteBuffer x = le(8 + size)
                .putShort((short) type)
                .putShort((short) size)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        x.put(data);
        return x.array();
    }

    private static int ohSize(List<byte[]> msgs) {
        int s = 16;
        for (byte[] msg : msgs) {
            s += msg.length;
        }
        return s;
    }

    private static void objectHeader(ByteBuffer m, List<byte[]> msgs) {
        int body = ohSize(msgs) - 16;
        m.put((byte) 1)
                .put((byte) 0)
                .putShort((short) msgs.size())
                .putInt(1)
                .putInt(body)
                .putInt(0);
        for (byte[] msg : msgs) {
            m.put(msg);
        }
    }

    /** A version-1 attribute message with the type EMAN2 gives the value. */
    static byte[] attributeMsg(String name, Object value) {
        byte[] type;
        byte[] space;
        byte[] data;
        if (value instanceof Integer i) {
            type = intType(4);
            space = simpleSpace(1);
            data = le(4).putInt(i).array();
        } else if (value instanceof Float || value instanceof Double) {
            type = floatType();
            space = simpleSpace(1);
            data = le(4).putFloat(((Number) value).floatValue()).array();
        } else if (value instanceof Boolean flag) {
            type = intType(1);
            space = simpleSpace(1);
            data = new byte[] {(byte) (flag ? 'T' : 'F')};
        } else if (value instanceof String s) {
            byte[] text = s.getBytes(StandardCharsets.UTF_8);
            type = le(8).put((byte) 0x13)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0)
                    .putInt(text.length + 1)
                    .array();
            space = le(8).put((byte) 1)
                    .put((byte) 0)
                    .put((byte) 0)
                    .put((byte) 0)
                    .putInt(0)
                    .array(); // scalar
            data = Arrays.copyOf(text, text.length + 1);
        } else if (value instanceof int[] a) {
            type = intType(4);
            space = simpleSpace(a.length);
            ByteBuffer d = le(4 * a.length);
            for (int v : a) {
                d.putInt(v);
            }
            data = d.array();
        } else if (value instanceof float[] a) {
            type = floatType();
            space = simpleSpace(a.length);
            ByteBuffer d = le(4 * a.length);
            for (float v : a) {
                d.putFloat(v);
            }
            data = d.array();
        } else if (value instanceof EmanTransform t) {
            type = transformType();
            space = simpleSpace(1);
            ByteBuffer d = le(48);
            for (double v : t.rows()) {
                d.putFloat((float) v);
            }
            data = d.array();
        } else {
            throw new IllegalArgumentException(
                    "EMAN2 header value of type " + value.getClass().getSimpleName());
        }
        byte[] nm = name.getBytes(StandardCharsets.US_ASCII);
        int nameSize = nm.length + 1;
        ByteBuffer x = le(8 + pad8(nameSize) + pad8(type.length) + pad8(space.length) + data.length);
        x.put((byte) 1)
                .put((byte) 0)
                .putShort((short) nameSize)
                .putShort((short) type.length)
                .putShort((short) space.length);
        x.put(Arrays.copyOf(nm, pad8(nameSize)));
        x.put(Arrays.copyOf(type, pad8(type.length)));
        x.put(Arrays.copyOf(space, pad8(space.length)));
        x.put(data);
        return message(0x0C, x.array());
    }

    /** IEEE float32, little-endian (datatype message version 1, class 1). */
    private static byte[] floatType() {
        return le(20).put((byte) 0x11)
                .put((byte) 0x20)
                .put((byte) 31)
                .put((byte) 0)
                .putInt(4)
                .putShort((short) 0)
                .putShort((short) 32)
                .put((byte) 23)
                .put((byte) 8)
                .put((byte) 0)
                .put((byte) 23)
                .putInt(127)
                .array();
    }

    /** Signed little-endian integer of the given bytes (class 0). */
    private static byte[] intType(int bytes) {
        return le(12).put((byte) 0x10)
                .put((byte) 0x08)
                .put((byte) 0)
                .put((byte) 0)
                .putInt(bytes)
                .putShort((short) 0)
                .putShort((short) (8 * bytes))
                .array();
    }

    /** EMAN2's Transform: a compound of 12 float32 members named "00".."23" (class 6, version 1). */
    private static byte[] transformType() {
        byte[] f = floatType();
        ByteBuffer x = le(8 + 12 * (8 + 4 + 4 + 4 + 4 + 16 + f.length));
        x.put((byte) 0x16).put((byte) 12).put((byte) 0).put((byte) 0).putInt(48);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                byte[] nm = new byte[8];
                nm[0] = (byte) ('0' + r);
                nm[1] = (byte) ('0' + c);
                x.put(nm)
                        .putInt(4 * (4 * r + c))
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .putInt(0)
                        .putInt(0);
                x.put(new byte[16]).put(f);
            }
        }
        return x.array();
    }

    /** Dataspace version 1 of rank 1 and the given size (EMAN2 stores scalars so: shape (1,)). */
    private static byte[] simpleSpace(long size) {
        return le(16).put((byte) 1)
                .put((byte) 1)
                .put((byte) 0)
                .put((byte) 0)
                .putInt(0)
                .putLong(size)
                .array();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int pad8(int n) {
        return (n + 7) & ~7;
    }
}
