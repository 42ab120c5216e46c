package org.diffract.core.io;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.datatype.FloatingPoint;
import org.diffract.core.UserError;

/**
 * Reads one row (one index of the first dimension) of a numeric HDF5 dataset at a time, for datasets too
 * large to load: contiguous little-endian float64 (as {@link H5RowWriter} writes) by positional reads that
 * any number of threads may share; any other layout or type through jhdf's hyperslab reads, one thread at
 * a time.
 */
public final class H5RowReader implements AutoCloseable {
    private final H5Reader h5;
    private final Dataset ds;
    private final String path;
    private final int[] dims;
    private final int rowLength;
    private final FileChannel channel;
    private final long address;
    private final ThreadLocal<ByteBuffer> buffer = new ThreadLocal<>();

    private H5RowReader(
            H5Reader h5, Dataset ds, String path, int[] dims, int rowLength, FileChannel channel, long address) {
        this.h5 = h5;
        this.ds = ds;
        this.path = path;
        this.dims = dims;
        this.rowLength = rowLength;
        this.channel = channel;
        this.address = address;
    }

    /** Opens dataset {@code path} of {@code file}, which must have at least two dimensions. */
    public static H5RowReader open(Path file, String path) {
        H5Reader h5 = H5Reader.open(file);
        try {
            Dataset ds = h5.dataset(path);
            int[] dims = ds.getDimensions();
            if (dims.length < 2 || !ds.getJavaType().isPrimitive() || ds.getJavaType() == boolean.class) {
                throw new UserError(file + ": dataset '" + path + "' has shape " + Arrays.toString(dims) + " and type "
                        + ds.getJavaType().getSimpleName() + "; expected numeric rows (N, ...)");
            }
            long len = 1;
            for (int k = 1; k < dims.length; k++) {
                len *= dims[k];
            }
            FileChannel ch = null;
            long addr = -1;
            if (ds instanceof ContiguousDataset c
                    && ds.getDataType() instanceof FloatingPoint f
                    && f.getSize() == 8
                    && f.getByteOrder() == ByteOrder.LITTLE_ENDIAN
                    && ds.getFilters().isEmpty()) {
                ch = FileChannel.open(file, StandardOpenOption.READ);
                addr = c.getDataAddress();
            }
            return new H5RowReader(h5, ds, path, dims, Math.toIntExact(len), ch, addr);
        } catch (IOException e) {
            h5.close();
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    public int rows() {
        return dims[0];
    }

    /** Values per row: the product of all dimensions but the first. */
    public int rowLength() {
        return rowLength;
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Row {@code row} into {@code dst[offset ... offset + rowLength)}. */
    public void read(int row, double[] dst, int offset) {
        if (row < 0 || row >= dims[0]) {
            throw new IndexOutOfBoundsException("row " + row + " of " + dims[0]);
        }
        if (channel != null) {
            readDirect(row, dst, offset);
        } else {
            readThroughJhdf(row, dst, offset);
        }
    }

    private void readDirect(int row, double[] dst, int offset) {
        ByteBuffer b = buffer.get();
        if (b == null || b.capacity() < 8 * rowLength) {
            b = ByteBuffer.allocateDirect(8 * rowLength).order(ByteOrder.LITTLE_ENDIAN);
            buffer.set(b);
        }
        b.clear().limit(8 * rowLength);
        long pos = address + 8L * rowLength * row;
        try {
            while (b.hasRemaining()) {
                int n = channel.read(b, pos);
                if (n < 0) {
                    throw new UserError(h5.file() + ": dataset '" + path + "' ends before row " + row
                            + "; the file is truncated, rerun the step that wrote it");
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new UserError(
                    h5.file() + ": cannot read row " + row + " of '" + path + "' (" + e.getMessage() + ")", e);
        }
        b.flip();
        b.asDoubleBuffer().get(dst, offset, rowLength);
    }

    private synchronized void readThroughJhdf(int row, double[] dst, int offset) {
        int[] shape = dims.clone();
        shape[0] = 1;
        long[] start = new long[dims.length];
        start[0] = row;
        Object data;
        try {
            data = ds.getData(start, shape);
        } catch (HdfException e) {
            throw new UserError(
                    h5.file() + ": cannot read row " + row + " of '" + path + "' (" + e.getMessage()
                            + "); the file may be truncated or use an unsupported filter",
                    e);
        }
        int end = flatten(data, dst, offset);
        if (end != offset + rowLength) {
            throw new IllegalStateException("row of " + (end - offset) + " values, expected " + rowLength);
        }
    }

    /** Copies a nested primitive array into {@code out} from {@code pos}; returns the end position. */
    private static int flatten(Object a, double[] out, int pos) {
        if (a instanceof Object[] parts) {
            for (Object p : parts) {
                pos = flatten(p, out, pos);
            }
            return pos;
        }
        int n = Array.getLength(a);
        if (a instanceof double[] d) {
            System.arraycopy(d, 0, out, pos, n);
        } else if (a instanceof float[] f) {
            for (int i = 0; i < n; i++) {
                out[pos + i] = f[i];
            }
        } else if (a instanceof long[] v) {
            for (int i = 0; i < n; i++) {
                out[pos + i] = v[i];
            }
        } else if (a instanceof int[] v) {
            for (int i = 0; i < n; i++) {
                out[pos + i] = v[i];
            }
        } else if (a instanceof short[] v) {
            for (int i = 0; i < n; i++) {
                out[pos + i] = v[i];
            }
        } else if (a instanceof byte[] v) {
            for (int i = 0; i < n; i++) {
                out[pos + i] = v[i];
            }
        } else {
            throw new IllegalStateException(
                    "not a numeric array: " + a.getClass().getSimpleName());
        }
        return pos + n;
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // read-only: nothing to lose
        } finally {
            h5.close();
        }
    }
}
