package org.diffract.emc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.Arrays;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * The kept (rotation, frame) probabilities of one rank, stored compactly per block of
 * {@value RotationShare#BLOCK} rotations: never rotations x frames.
 *
 * <p>A block's entries are a stream of records, one per frame that keeps at least one of the block's
 * rotations, in increasing frame order:
 * <pre>
 *   varint  frame - previous frame (the first counts from -1)
 *   byte    lane mask: bit k set = rotation k of the block is kept for this frame
 *   double  base: a log-weight shared by the record (little-endian)
 *   uint16  per set bit, ascending: offset, the entry's log-weight is base - offset * STEP
 * </pre>
 * That is 2.75-3.25 bytes per entry where frames keep most rotations (early iterations, low beta) and
 * 10-14 bytes where they keep one; both far below a dense matrix. Offsets are quantised to
 * {@link #STEP} = 2^-12 in log, a relative error of at most 1.2e-4 in a probability. While the
 * likelihoods are computed, base is the largest log-weight of the record (known before the frame's
 * normaliser); {@link #finish} rewrites it to the log-probability, so readers get
 * {@code P = exp(base) * expMinus(offset)}.
 *
 * <p>Streams live in 4 KiB chunks of pages handed out from a free list, so a nearly empty block costs one
 * chunk. Under G1 a page is exactly one heap region (a "humongous" array): G1 allocates it directly in the
 * old generation and never copies it, and frees it at the next collection once {@link #release} drops it
 * after the merge; an array slightly larger than a region would take two. With another collector pages
 * are 256 KiB. Chunk use is the only synchronised step; a stream is written by one thread at a time.
 */
final class ProbabilityStore {
    /** Quantisation step of offsets (natural log units). */
    static final double STEP = 1.0 / 4096;
    /** The largest offset a record can hold: log-weights down to base - 16. */
    static final int MAX_OFFSET = 65535;

    private static final int CHUNK_BITS = 12;
    static final int CHUNK = 1 << CHUNK_BITS;
    /** Chunks per page: a G1 region's bytes (less the array header) in whole chunks. */
    private static final int PAGE_CHUNKS = (int) (pageBytes() / CHUNK);
    /** The longest record: 5-byte varint, mask, base, 8 offsets. */
    static final int MAX_RECORD = 5 + 1 + 8 + 2 * RotationShare.BLOCK;

    static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    /** EXP_MINUS[o] = exp(-o * STEP): turns an offset into a factor without calling exp per entry. */
    private static final double[] EXP_MINUS = new double[MAX_OFFSET + 1];

    static {
        for (int o = 0; o <= MAX_OFFSET; o++) {
            EXP_MINUS[o] = Math.exp(-o * STEP);
        }
    }

    private byte[][] pages = new byte[16][];
    private int numPages;
    private int[] free = new int[0];
    private int freeCount;
    private int totalChunks;
    /** Current and spare stream of each block (the spare receives {@link #finish}'s rewrite). */
    private final Stream[] streams;

    private final Stream[] spare;

    ProbabilityStore(int numBlocks) {
        streams = new Stream[numBlocks];
        spare = new Stream[numBlocks];
        for (int b = 0; b < numBlocks; b++) {
            streams[b] = new Stream();
            spare[b] = new Stream();
        }
    }

    static double expMinus(int offset) {
        return EXP_MINUS[offset];
    }

    int numBlocks() {
        return streams.length;
    }

    Stream stream(int block) {
        return streams[block];
    }

    /** Bytes of the pages allocated so far (the store's share of the heap). */
    synchronized long allocatedBytes() {
        return (long) totalChunks * CHUNK;
    }

    /** Bytes of chunks in use by streams now. */
    synchronized long usedBytes() {
        return (long) (totalChunks - freeCount) * CHUNK;
    }

    byte[] page(int chunk) {
        return pages[chunk / PAGE_CHUNKS];
    }

    static int offset(int chunk) {
        return (chunk % PAGE_CHUNKS) << CHUNK_BITS;
    }

    /** The largest byte array that fits one G1 region (16-byte array header), or 256 KiB without G1. */
    static long pageBytes() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) {
                long region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
                if (region >= 1 << 20) {
                    return region - 16;
                }
            }
        } catch (RuntimeException e) {
            // not HotSpot: fall back below
        }
        return 256 << 10;
    }

    synchronized int take() {
        if (freeCount == 0) {
            int p = numPages;
            if (p == pages.length) {
                pages = Arrays.copyOf(pages, 2 * p);
            }
            pages[p] = new byte[PAGE_CHUNKS << CHUNK_BITS];
            numPages++;
            if (free.length < PAGE_CHUNKS) {
                free = Arrays.copyOf(free, Math.max(PAGE_CHUNKS, 2 * free.length));
            }
            for (int i = PAGE_CHUNKS - 1; i >= 0; i--) {
                free[freeCount++] = p * PAGE_CHUNKS + i;
            }
            totalChunks += PAGE_CHUNKS;
        }
        return free[--freeCount];
    }

    synchronized void give(int chunk) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, 2 * free.length);
        }
        free[freeCount++] = chunk;
    }

    /**
     * Rewrites one block's records from log-weights to log-probabilities and drops what is not kept: an
     * entry stays when its probability is at least probMin. {@code logNorm[d]} is the frame's max plus
     * the log of its normaliser (so log P = logWeight - logNorm[d]); kept entries are counted into
     * {@code kept[d]}. Uses the given reader and writer (one per thread); frees the old chunks as it goes.
     */
    void finish(int block, double[] logNorm, double logProbMin, int[] kept, Reader in, Writer out) {
        Stream src = streams[block];
        Stream dst = spare[block];
        out.begin(dst);
        in.begin(src, true);
        while (in.next()) {
            double base = in.base - logNorm[in.frame];
            // entries with base - offset * STEP >= logProbMin are kept
            double room = (base - logProbMin) / STEP;
            if (room < 0) {
                continue;
            }
            int limit = room >= MAX_OFFSET ? MAX_OFFSET : (int) room;
            int mask = 0;
            int n = 0;
            for (int k = 0; k < RotationShare.BLOCK; k++) {
                if ((in.mask & (1 << k)) != 0 && in.offsets[k] <= limit) {
                    mask |= 1 << k;
                    n++;
                }
            }
            if (mask != 0) {
                out.put(in.frame, mask, base, in.offsets);
                kept[in.frame] += n;
            }
        }
        in.end();
        out.end();
        streams[block] = dst;
        spare[block] = src;
    }

    /** Frees every block's chunks (e.g. when the engine closes). */
    void clear() {
        for (Stream s : streams) {
            s.release(this);
        }
        for (Stream s : spare) {
            s.release(this);
        }
    }

    /**
     * Empties every stream and drops the pages, so their memory is free for what follows the merge (rank
     * 0's output files) instead of being held until the next iteration refills them.
     */
    synchronized void release() {
        for (Stream s : streams) {
            s.count = 0;
        }
        for (Stream s : spare) {
            s.count = 0;
        }
        pages = new byte[16][];
        numPages = 0;
        free = new int[0];
        freeCount = 0;
        totalChunks = 0;
    }

    /** One block's chunks, in order, with the bytes used in each. */
    static final class Stream {
        int[] chunks = new int[4];
        int[] used = new int[4];
        int count;

        void release(ProbabilityStore store) {
            for (int i = 0; i < count; i++) {
                store.give(chunks[i]);
            }
            count = 0;
        }

        void add(int chunk) {
            if (count == chunks.length) {
                chunks = Arrays.copyOf(chunks, 2 * count);
                used = Arrays.copyOf(used, 2 * count);
            }
            chunks[count] = chunk;
            used[count] = 0;
            count++;
        }

        int chunkCount() {
            return count;
        }
    }

    /** Appends records to one stream at a time; one per thread, reused. */
    final class Writer {
        private Stream stream;
        private byte[] page;
        private int pos;
        private int limit;
        private int prevFrame;

        /** Empties the stream (its chunks go back to the store) and starts writing it. */
        void begin(Stream s) {
            s.release(ProbabilityStore.this);
            stream = s;
            page = null;
            pos = 0;
            limit = 0;
            prevFrame = -1;
        }

        /**
         * One record; {@code offsets[k]} is read for the set bits of mask (0 .. MAX_OFFSET). Frames must
         * increase from record to record.
         */
        void put(int frame, int mask, double base, int[] offsets) {
            if (pos + MAX_RECORD > limit) {
                nextChunk();
            }
            int delta = frame - prevFrame;
            prevFrame = frame;
            byte[] p = page;
            int i = pos;
            while ((delta & ~0x7f) != 0) {
                p[i++] = (byte) ((delta & 0x7f) | 0x80);
                delta >>>= 7;
            }
            p[i++] = (byte) delta;
            p[i++] = (byte) mask;
            DOUBLE.set(p, i, base);
            i += 8;
            for (int k = 0; k < RotationShare.BLOCK; k++) {
                if ((mask & (1 << k)) != 0) {
                    SHORT.set(p, i, (short) offsets[k]);
                    i += 2;
                }
            }
            pos = i;
        }

        private void nextChunk() {
            closeChunk();
            int c = take();
            stream.add(c);
            page = page(c);
            pos = offset(c);
            limit = pos + CHUNK;
        }

        private void closeChunk() {
            if (page != null) {
                stream.used[stream.count - 1] = pos - (limit - CHUNK);
            }
        }

        void end() {
            closeChunk();
            stream = null;
            page = null;
        }
    }

    /** Reads the records of one stream at a time; one per thread, reused. */
    final class Reader {
        int frame;
        int mask;
        double base;
        /** Offsets by lane; only lanes whose mask bit is set are meaningful. */
        final int[] offsets = new int[RotationShare.BLOCK];

        private Stream stream;
        private boolean freeAsRead;
        private int chunkIndex;
        private byte[] page;
        private int pos;
        private int end;

        /** Starts reading; with {@code freeAsRead} each chunk goes back to the store once read. */
        void begin(Stream s, boolean freeAsRead) {
            stream = s;
            this.freeAsRead = freeAsRead;
            chunkIndex = -1;
            page = null;
            pos = 0;
            end = 0;
            frame = -1;
        }

        boolean next() {
            while (pos >= end) {
                if (freeAsRead && chunkIndex >= 0) {
                    give(stream.chunks[chunkIndex]);
                }
                chunkIndex++;
                if (chunkIndex >= stream.count) {
                    if (freeAsRead) {
                        stream.count = 0;
                    }
                    chunkIndex = stream.count;
                    return false;
                }
                int c = stream.chunks[chunkIndex];
                page = page(c);
                pos = offset(c);
                end = pos + stream.used[chunkIndex];
            }
            byte[] p = page;
            int i = pos;
            int delta = 0;
            int shift = 0;
            int b;
            do {
                b = p[i++];
                delta |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            frame += delta;
            mask = p[i++] & 0xff;
            base = (double) DOUBLE.get(p, i);
            i += 8;
            for (int k = 0; k < RotationShare.BLOCK; k++) {
                if ((mask & (1 << k)) != 0) {
                    offsets[k] = ((short) SHORT.get(p, i)) & 0xffff;
                    i += 2;
                }
            }
            pos = i;
            return true;
        }

        /** Stops reading; with freeAsRead, any chunks not yet reached go back to the store too. */
        void end() {
            if (freeAsRead && stream != null) {
                for (int i = Math.max(chunkIndex, 0); i < stream.count; i++) {
                    give(stream.chunks[i]);
                }
                stream.count = 0;
            }
            stream = null;
        }
    }
}
