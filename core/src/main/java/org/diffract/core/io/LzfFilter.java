package org.diffract.core.io;

import java.util.Arrays;

import io.jhdf.filter.Filter;

/**
 * The HDF5 LZF filter (id 32000, the one h5py registers for {@code compression='lzf'}) for writing: jhdf 0.13
 * decodes LZF but cannot encode it. A chunk is one raw LZF stream: control byte {@code c < 32} starts a run of
 * {@code c + 1} literal bytes; otherwise the top 3 bits are the match length - 2 (7 = one more length byte
 * follows), the low 5 bits and the next byte the distance - 1 (up to 8192 back). Matches are found greedily
 * through a hash of the next 3 bytes.
 *
 * <p>Client data as h5py writes it: filter version 4, LZF version 0x0105, chunk size in bytes (readers size
 * their output from it). jhdf's reader takes a chunk whose stored length equals the chunk size as stored
 * uncompressed (h5py's optional filter leaves such chunks raw), so a chunk that does not shrink is written as
 * literal runs only, which is always longer than the chunk.
 */
public final class LzfFilter implements Filter {
    public static final int ID = 32000;
    private static final int HASH_BITS = 14;
    private static final int MAX_DISTANCE = 1 << 13;
    private static final int MAX_MATCH = 7 + 255 + 2;
    private static final int MAX_LITERALS = 32;

    /** The client data of a dataset whose chunks hold {@code chunkBytes} bytes. */
    public static int[] clientData(int chunkBytes) {
        return new int[] {4, 0x0105, chunkBytes};
    }

    @Override
    public int getId() {
        return ID;
    }

    @Override
    public String getName() {
        return "lzf";
    }

    @Override
    public byte[] decode(byte[] encoded, int[] filterData) {
        return new io.jhdf.filter.LzfFilter().decode(encoded, filterData);
    }

    @Override
    public byte[] encode(byte[] data, int[] filterData) {
        return compress(data);
    }

    /** One LZF stream of {@code in}; never exactly {@code in.length} bytes long (see the class comment). */
    public static byte[] compress(byte[] in) {
        int n = in.length;
        byte[] out = new byte[n + n / MAX_LITERALS + 16];
        int[] last = new int[1 << HASH_BITS]; // position + 1 of the last 3 bytes with this hash, 0 = none
        int op = 0;
        int literalStart = 0;
        int ip = 0;
        while (ip + 2 < n) {
            int h = hash(in, ip);
            int ref = last[h] - 1;
            last[h] = ip + 1;
            int distance = ip - ref;
            if (ref >= 0
                    && distance <= MAX_DISTANCE
                    && in[ref] == in[ip]
                    && in[ref + 1] == in[ip + 1]
                    && in[ref + 2] == in[ip + 2]) {
                int max = Math.min(MAX_MATCH, n - ip);
                int len = 3;
                while (len < max && in[ref + len] == in[ip + len]) {
                    len++; // may run into the bytes being matched: the decoder copies byte by byte
                }
                op = literals(in, literalStart, ip, out, op);
                int l = len - 2;
                int d = distance - 1;
                if (l < 7) {
                    out[op++] = (byte) (l << 5 | d >> 8);
                } else {
                    out[op++] = (byte) (7 << 5 | d >> 8);
                    out[op++] = (byte) (l - 7);
                }
                out[op++] = (byte) d;
                for (int k = ip + 1; k < ip + len && k + 2 < n; k++) {
                    last[hash(in, k)] = k + 1;
                }
                ip += len;
                literalStart = ip;
            } else {
                ip++;
            }
        }
        op = literals(in, literalStart, n, out, op);
        if (op == n) {
            op = literals(in, 0, n, out, 0);
        }
        return Arrays.copyOf(out, op);
    }

    private static int hash(byte[] in, int p) {
        int v = (in[p] & 0xff) << 16 | (in[p + 1] & 0xff) << 8 | in[p + 2] & 0xff;
        return (v * 0x9E3779B1) >>> (32 - HASH_BITS);
    }

    private static int literals(byte[] in, int from, int to, byte[] out, int op) {
        while (from < to) {
            int run = Math.min(MAX_LITERALS, to - from);
            out[op++] = (byte) (run - 1);
            System.arraycopy(in, from, out, op, run);
            op += run;
            from += run;
        }
        return op;
    }
}
