package org.diffract.core.io;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.jhdf.HdfFile;
import io.jhdf.WritableGroupImpl;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import io.jhdf.exceptions.HdfException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Collects datasets and attributes, then writes one HDF5 file with jhdf in a single atomic step. Paths like
 * {@code "a/b/c"} create the groups a and a/b; an attribute on a path without a dataset makes a group that
 * holds only attributes. jhdf builds the whole file in memory and its {@code HdfFile.write} does not truncate
 * an existing file, so we always write a fresh temp file and rename.
 */
public final class H5Writer {
    private static final Logger LOG = LogManager.getLogger(H5Writer.class);
    /** {@code shape} as given with a flat array, else null: the nested array's own (lost when a dimension is 0). */
    private record DatasetEntry(String path, Object data, DatasetCreationOptions options, int[] shape) {}

    private record AttributeEntry(String path, String name, Object value) {}

    private static final DatasetCreationOptions UNSIGNED =
            DatasetCreationOptions.builder().unsigned().build();
    /** Elements per chunk aimed at by {@link #defaultChunk}: 2^18 (1 MiB of int32). */
    static final long CHUNK_ELEMENTS = 1L << 18;

    /** How a dataset's chunks are compressed; each is shuffled first (bytes grouped by significance). */
    public enum Compression {
        /** Contiguous, not chunked. */
        NONE,
        /** Deflate, what h5py calls gzip. */
        GZIP,
        /** LZF (filter 32000), h5py's fast compressor. */
        LZF;

        /** The name h5py uses for it ({@code none} for no compression). */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final List<DatasetEntry> datasets = new ArrayList<>();
    private final List<AttributeEntry> attributes = new ArrayList<>();
    private final Set<String> paths = new LinkedHashSet<>();

    /**
     * Adds a dataset: a Java primitive array of any rank (rectangular), a String, or a boxed number (a scalar
     * dataset).
     */
    public H5Writer put(String path, Object data) {
        return add(path, checkData(data), DatasetCreationOptions.DEFAULT, null);
    }

    /** Adds a dataset from a flat C-order array, reshaped to {@code shape}. */
    public H5Writer put(String path, double[] flat, int... shape) {
        return add(path, reshape(flat, flat.length, double.class, shape), DatasetCreationOptions.DEFAULT, shape);
    }

    public H5Writer put(String path, float[] flat, int... shape) {
        return add(path, reshape(flat, flat.length, float.class, shape), DatasetCreationOptions.DEFAULT, shape);
    }

    public H5Writer put(String path, int[] flat, int... shape) {
        return add(path, reshape(flat, flat.length, int.class, shape), DatasetCreationOptions.DEFAULT, shape);
    }

    public H5Writer put(String path, long[] flat, int... shape) {
        return add(path, reshape(flat, flat.length, long.class, shape), DatasetCreationOptions.DEFAULT, shape);
    }

    /**
     * Adds an integer array stored as unsigned (a byte[] becomes uint8, as Dragonfly's mask): h5py and numpy
     * then see {@code |u1} rather than {@code |i1}.
     */
    public H5Writer putUnsigned(String path, Object array) {
        if (!checkData(array).getClass().isArray()) {
            throw new IllegalArgumentException(path + ": putUnsigned needs an integer array");
        }
        return add(path, array, UNSIGNED, null);
    }

    /**
     * Adds an array stored in chunks of {@code chunk} with shuffle and deflate, for large data read back in
     * blocks (e.g. one chunk per frame).
     */
    public H5Writer putCompressed(String path, Object array, int... chunk) {
        return put(path, array, Compression.GZIP, chunk);
    }

    /**
     * Adds an array of any rank, chunked ({@code chunk}, or {@link #defaultChunk} when none is given) and
     * compressed; with {@link Compression#NONE}, or when the array is empty (HDF5 cannot chunk it), it is
     * written contiguous.
     */
    public H5Writer put(String path, Object array, Compression compression, int... chunk) {
        if (!checkData(array).getClass().isArray()) {
            throw new IllegalArgumentException(path + ": a compressed dataset needs an array");
        }
        return putShaped(path, array, null, compression, chunk);
    }

    private H5Writer putShaped(String path, Object array, int[] shape, Compression compression, int... chunk) {
        int[] dims = shape != null ? shape : dimensions(array);
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        if (compression == Compression.NONE || count == 0) {
            return add(path, array, DatasetCreationOptions.DEFAULT, shape);
        }
        if (count * elementSize(array) > Integer.MAX_VALUE) {
            // jhdf encodes a chunked dataset in one buffer: beyond 2 GiB it can only write it contiguous
            LOG.warn(
                    "{}: {} bytes, more than jhdf can compress in one dataset (2 GiB); written uncompressed",
                    path,
                    count * elementSize(array));
            return add(path, array, DatasetCreationOptions.DEFAULT, shape);
        }
        int[] c = chunk.length == 0 ? defaultChunk(dims) : chunk;
        if (c.length != dims.length) {
            throw new IllegalArgumentException(
                    path + ": chunk " + Arrays.toString(c) + " does not match shape " + Arrays.toString(dims));
        }
        DatasetCreationOptions.Builder b =
                DatasetCreationOptions.builder().chunkDimensions(c).shuffle();
        if (compression == Compression.GZIP) {
            b.deflate();
        } else {
            long chunkBytes = elementSize(array);
            for (int d : c) {
                chunkBytes *= d;
            }
            b.filter(new LzfFilter(), LzfFilter.clientData((int) chunkBytes));
        }
        return add(path, array, b.build(), shape);
    }

    /** Adds a flat C-order array reshaped to {@code shape}, compressed as {@link #put(String, Object, Compression, int...)}. */
    public H5Writer put(String path, double[] flat, int[] shape, Compression compression) {
        return putShaped(path, reshape(flat, flat.length, double.class, shape), shape.clone(), compression);
    }

    public H5Writer put(String path, int[] flat, int[] shape, Compression compression) {
        return putShaped(path, reshape(flat, flat.length, int.class, shape), shape.clone(), compression);
    }

    public H5Writer put(String path, long[] flat, int[] shape, Compression compression) {
        return putShaped(path, reshape(flat, flat.length, long.class, shape), shape.clone(), compression);
    }

    /**
     * Chunks of whole trailing dimensions (whole rows of a 2-D array, whole frames of a 3-D stack) and as many
     * of the first dimension as fit in about {@value #CHUNK_ELEMENTS} elements, at least one: a reader of one
     * frame or row decompresses little more than it needs.
     */
    public static int[] defaultChunk(int[] dims) {
        long rest = 1;
        for (int i = 1; i < dims.length; i++) {
            rest *= Math.max(1, dims[i]);
        }
        int[] c = dims.clone();
        c[0] = (int) Math.max(1, Math.min(dims[0], CHUNK_ELEMENTS / rest));
        return c;
    }

    /** The shape of a rectangular nested array. */
    private static int[] dimensions(Object array) {
        List<Integer> dims = new ArrayList<>();
        Object a = array;
        while (a != null && a.getClass().isArray()) {
            int n = Array.getLength(a);
            dims.add(n);
            a = n > 0 ? Array.get(a, 0) : null;
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int elementSize(Object array) {
        Class<?> c = array.getClass();
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c == byte.class) {
            return 1;
        } else if (c == short.class) {
            return 2;
        } else if (c == int.class || c == float.class) {
            return 4;
        } else if (c == long.class || c == double.class) {
            return 8;
        }
        throw new IllegalArgumentException("cannot compress an array of " + c.getSimpleName());
    }

    /**
     * Adds an attribute to the dataset or group at {@code path} ("" or "/" for the root); a path that is not a
     * dataset becomes a group.
     */
    public H5Writer attribute(String path, String name, Object value) {
        attributes.add(new AttributeEntry(normalize(path), name, checkData(value)));
        return this;
    }

    /** Writes the file atomically; an existing file is replaced. */
    public void write(Path file) {
        AtomicFiles.write(file, tmp -> {
            try (WritableHdfFile f = HdfFile.write(tmp)) {
                Map<String, WritableGroup> groups = new HashMap<>();
                Map<String, WritableNode> nodes = new HashMap<>();
                groups.put("", f);
                nodes.put("", f);
                for (DatasetEntry e : datasets) {
                    WritableGroup parent = group(groups, nodes, parentOf(e.path));
                    int[] dims =
                            e.shape != null ? e.shape : e.data.getClass().isArray() ? dimensions(e.data) : new int[0];
                    if (Arrays.stream(dims).anyMatch(d -> d == 0)) {
                        WritableNode empty = JhdfNodes.empty(parent, leafOf(e.path), e.data, dims);
                        parent.putDataset(leafOf(e.path), JhdfNodes.endingAtItsEnd(empty));
                        nodes.put(e.path, empty);
                    } else {
                        nodes.put(e.path, parent.putDataset(leafOf(e.path), e.data, e.options));
                    }
                }
                for (AttributeEntry a : attributes) {
                    WritableNode node = nodes.get(a.path);
                    if (node == null) {
                        node = group(groups, nodes, a.path);
                    }
                    node.putAttribute(a.name, a.value);
                }
            } catch (HdfException e) {
                // jhdf reports write failures unchecked; AtomicFiles turns IOExceptions into one-line errors.
                throw new IOException(e.getMessage(), e);
            }
        });
    }

    private H5Writer add(String path, Object data, DatasetCreationOptions options, int[] shape) {
        String p = normalize(path);
        if (p.isEmpty() || !paths.add(p)) {
            throw new IllegalArgumentException("dataset path '" + path + "' is empty or already used");
        }
        datasets.add(new DatasetEntry(p, data, options, shape));
        return this;
    }

    private static WritableGroup group(
            Map<String, WritableGroup> groups, Map<String, WritableNode> nodes, String path) {
        WritableGroup g = groups.get(path);
        if (g == null) {
            WritableGroup parent = group(groups, nodes, parentOf(path));
            WritableGroupImpl created = new WritableGroupImpl(parent, leafOf(path));
            parent.putDataset(leafOf(path), JhdfNodes.endingAtItsEnd(created));
            g = created;
            groups.put(path, g);
            nodes.put(path, g);
        }
        return g;
    }

    private static String normalize(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String leafOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Object checkData(Object data) {
        if (data == null) {
            throw new IllegalArgumentException("HDF5 data cannot be null");
        }
        Class<?> c = data.getClass();
        while (c.isArray()) {
            c = c.getComponentType();
        }
        boolean ok = c.isPrimitive() && c != char.class && c != boolean.class
                || data instanceof Number
                || data instanceof String
                || c == String.class;
        if (!ok) {
            throw new IllegalArgumentException("cannot write " + data.getClass().getSimpleName() + " to HDF5");
        }
        return data;
    }

    /** Builds the nested Java array jhdf expects, copying one innermost row at a time. */
    static Object reshape(Object flat, int length, Class<?> type, int[] shape) {
        long count = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape");
            }
            count *= s;
        }
        if (shape.length == 0 || count != length) {
            throw new IllegalArgumentException(
                    "array of " + length + " values does not fit shape " + Arrays.toString(shape));
        }
        if (shape.length == 1) {
            return flat;
        }
        Object nested = Array.newInstance(type, shape);
        int rowLength = shape[shape.length - 1];
        int rows = length / Math.max(rowLength, 1);
        int[] index = new int[shape.length - 1];
        for (int r = 0; r < rows && rowLength > 0; r++) {
            Object row = nested;
            for (int k = 0; k < index.length; k++) {
                row = Array.get(row, index[k]);
            }
            System.arraycopy(flat, r * rowLength, row, 0, rowLength);
            for (int k = index.length - 1; k >= 0; k--) {
                if (++index[k] < shape[k]) {
                    break;
                }
                index[k] = 0;
            }
        }
        return nested;
    }
}
