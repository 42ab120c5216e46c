package org.diffract.core.io;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.datatype.FloatingPoint;
import org.diffract.core.UserError;

/**
 * An HDF5 file whose float64 datasets are too large for memory, filled row by row (a row is one index of
 * the first dimension) by several ranks and threads at once. jhdf builds a whole file in memory, so jhdf
 * lays the file out with every row of a large dataset aliasing one zero row (memory for one row, not for
 * the dataset) and stores it contiguously; the rows are then written in place at their byte offsets.
 * Across ranks: one rank {@link #layout}s the file under its {@link #partial} name and shares the returned
 * addresses, every rank {@link #open}s it and writes its own rows, and after a barrier one rank
 * {@link #commit}s it over the target, so a reader never sees a half-filled file under the target's name.
 */
public final class H5RowWriter implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final long[] address;
    private final long[] rows;
    private final int[] rowLength;
    private final ThreadLocal<ByteBuffer> buffer = new ThreadLocal<>();

    private H5RowWriter(Path file, FileChannel channel, long[] address, long[] rows, int[] rowLength) {
        this.file = file;
        this.channel = channel;
        this.address = address;
        this.rows = rows;
        this.rowLength = rowLength;
    }

    /** The temporary name a file is laid out and filled under until {@link #commit}. */
    public static Path partial(Path target) {
        return target.resolveSibling(target.getFileName() + ".partial");
    }

    /**
     * Adds each large dataset ({@code names[i]} of {@code shapes[i]}, first dimension = rows) to {@code writer}
     * as zeros, writes the file, and returns the byte address of each dataset's data in it.
     */
    public static long[] layout(Path file, H5Writer writer, List<String> names, List<int[]> shapes) {
        for (int i = 0; i < names.size(); i++) {
            writer.put(names.get(i), zeros(shapes.get(i)));
        }
        writer.write(file);
        long[] out = new long[names.size()];
        try (HdfFile h = new HdfFile(file)) {
            for (int i = 0; i < out.length; i++) {
                Dataset ds = h.getDatasetByPath(names.get(i));
                if (!(ds instanceof ContiguousDataset c)
                        || !(ds.getDataType() instanceof FloatingPoint f)
                        || f.getSize() != 8
                        || f.getByteOrder() != ByteOrder.LITTLE_ENDIAN) {
                    throw new IllegalStateException(names.get(i) + " was not laid out as contiguous float64");
                }
                out[i] = c.getDataAddress();
            }
        } catch (HdfException e) {
            throw new UserError(file + ": cannot read back the file just written (" + e.getMessage() + ")", e);
        }
        return out;
    }

    /** A zero array of {@code shape} whose rows are all the same object: memory for one row. */
    private static Object zeros(int[] shape) {
        if (shape.length == 0 || shape[0] < 1) {
            throw new IllegalArgumentException("a large dataset needs at least one row: " + Arrays.toString(shape));
        }
        if (shape.length == 1) {
            return new double[shape[0]];
        }
        Object row = Array.newInstance(double.class, Arrays.copyOfRange(shape, 1, shape.length));
        Object[] all = (Object[]) Array.newInstance(row.getClass(), shape[0]);
        Arrays.fill(all, row);
        return all;
    }

    /** Opens a laid-out file for writing rows; {@code addresses} as {@link #layout} returned them. */
    public static H5RowWriter open(Path file, long[] addresses, List<int[]> shapes) {
        long[] rows = new long[shapes.size()];
        int[] rowLength = new int[shapes.size()];
        for (int i = 0; i < rows.length; i++) {
            int[] s = shapes.get(i);
            rows[i] = s[0];
            long len = 1;
            for (int k = 1; k < s.length; k++) {
                len *= s[k];
            }
            rowLength[i] = Math.toIntExact(len);
        }
        try {
            return new H5RowWriter(
                    file, FileChannel.open(file, StandardOpenOption.WRITE), addresses.clone(), rows, rowLength);
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(file, e);
        }
    }

    /** Writes row {@code row} of dataset {@code dataset} (its index in the layout) from {@code src[offset...]}. */
    public void writeRow(int dataset, long row, double[] src, int offset) {
        if (row < 0 || row >= rows[dataset]) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows[dataset]);
        }
        int n = rowLength[dataset];
        ByteBuffer b = buffer.get();
        if (b == null || b.capacity() < 8 * n) {
            b = ByteBuffer.allocateDirect(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            buffer.set(b);
        }
        b.clear();
        b.asDoubleBuffer().put(src, offset, n);
        b.limit(8 * n);
        long pos = address[dataset] + 8L * n * row;
        try {
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(file, e);
        }
    }

    /** Flushes the rows to disk and renames {@code partial} over {@code target}. */
    public static void commit(Path partial, Path target) {
        try {
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(target, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(file, e);
        }
    }
}
