package org.diffract.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Bulk transfer of primitive arrays between a file channel and Java arrays in little-endian order (the
 * byte order of Dragonfly's files), through one reusable 1 MiB buffer per call rather than a read per
 * value, and with no 2 GiB limit as a single memory map would have.
 */
final class LittleEndianIo {
    private static final int BLOCK = 1 << 20;

    private LittleEndianIo() {}

    static void readInts(FileChannel ch, long pos, int[] dst) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < dst.length) {
            int n = Math.min(BLOCK / 4, dst.length - done);
            fill(ch, buf, pos, n * 4);
            buf.asIntBuffer().get(dst, done, n);
            pos += n * 4L;
            done += n;
        }
    }

    static void readDoubles(FileChannel ch, long pos, double[] dst) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < dst.length) {
            int n = Math.min(BLOCK / 8, dst.length - done);
            fill(ch, buf, pos, n * 8);
            buf.asDoubleBuffer().get(dst, done, n);
            pos += n * 8L;
            done += n;
        }
    }

    static void writeInts(FileChannel ch, int[] src) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < src.length) {
            int n = Math.min(BLOCK / 4, src.length - done);
            buf.clear();
            buf.asIntBuffer().put(src, done, n);
            buf.limit(n * 4);
            drain(ch, buf);
            done += n;
        }
    }

    static void writeDoubles(FileChannel ch, double[] src) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < src.length) {
            int n = Math.min(BLOCK / 8, src.length - done);
            buf.clear();
            buf.asDoubleBuffer().put(src, done, n);
            buf.limit(n * 8);
            drain(ch, buf);
            done += n;
        }
    }

    private static void fill(FileChannel ch, ByteBuffer buf, long pos, int bytes) throws IOException {
        buf.clear();
        buf.limit(bytes);
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new EOFException("file ends at byte " + (pos + buf.position()));
            }
        }
        buf.flip();
    }

    private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
