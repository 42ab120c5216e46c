package org.diffract.core.io;

import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.jhdf.HdfFile;
import io.jhdf.WritableGroupImpl;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import io.jhdf.exceptions.HdfException;
import io.jhdf.storage.HdfFileChannel;

/**
 * Collects datasets and attributes, then writes one HDF5 file with jhdf in a single atomic step. Paths like
 * {@code "a/b/c"} create the groups a and a/b; an attribute on a path without a dataset makes a group that
 * holds only attributes. jhdf builds the whole file in memory and its {@code HdfFile.write} does not truncate
 * an existing file, so we always write a fresh temp file and rename.
 */
public final class H5Writer {
    private record DatasetEntry(String path, Object data, DatasetCreationOptions options) {
    }

    private record AttributeEntry(String path, String name, Object value) {
    }

    private static final DatasetCreationOptions UNSIGNED = DatasetCreationOptions.builder().unsigned().build();

    private final List<DatasetEntry> datasets = new ArrayList<>();
    private final List<AttributeEntry> attributes = new ArrayList<>();
    private final Set<String> paths = new LinkedHashSet<>();

    /**
     * Adds a dataset: a Java primitive array of any rank (rectangular), a String, or a boxed number (a scalar
     * dataset).
     */
    public H5Writer put(String path, Object data) {
        return add(path, checkData(data), DatasetCreationOptions.DEFAULT);
    }

    /** Adds a dataset from a flat C-order array, reshaped to {@code shape}. */
    public H5Writer put(String path, double[] flat, int... shape) {
        return add(path, reshape(flat, flat.length, double.class, shape), DatasetCreationOptions.DEFAULT);
    }

    public H5Writer put(String path, float[] flat, int... shape) {
        return add(path, reshape(flat, flat.length, float.class, shape), DatasetCreationOptions.DEFAULT);
    }

    public H5Writer put(String path, int[] flat, int... shape) {
        return add(path, reshape(flat, flat.length, int.class, shape), DatasetCreationOptions.DEFAULT);
    }

    public H5Writer put(String path, long[] flat, int... shape) {
        return add(path, reshape(flat, flat.length, long.class, shape), DatasetCreationOptions.DEFAULT);
    }

    /**
     * Adds an integer array stored as unsigned (a byte[] becomes uint8, as Dragonfly's mask): h5py and numpy
     * then see {@code |u1} rather than {@code |i1}.
     */
    public H5Writer putUnsigned(String path, Object array) {
        if (!checkData(array).getClass().isArray()) {
            throw new IllegalArgumentException(path + ": putUnsigned needs an integer array");
        }
        return add(path, array, UNSIGNED);
    }

    /**
     * Adds an array stored in chunks of {@code chunk} with shuffle and deflate, for large data read back in
     * blocks (e.g. one chunk per frame).
     */
    public H5Writer putCompressed(String path, Object array, int... chunk) {
        if (!checkData(array).getClass().isArray()) {
            throw new IllegalArgumentException(path + ": putCompressed needs an array");
        }
        return add(path, array, DatasetCreationOptions.builder().chunkDimensions(chunk).shuffle().deflate().build());
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
                    nodes.put(e.path, parent.putDataset(leafOf(e.path), e.data, e.options));
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

    private H5Writer add(String path, Object data, DatasetCreationOptions options) {
        String p = normalize(path);
        if (p.isEmpty() || !paths.add(p)) {
            throw new IllegalArgumentException("dataset path '" + path + "' is empty or already used");
        }
        datasets.add(new DatasetEntry(p, data, options));
        return this;
    }

    private static WritableGroup group(Map<String, WritableGroup> groups, Map<String, WritableNode> nodes,
                                       String path) {
        WritableGroup g = groups.get(path);
        if (g == null) {
            WritableGroup parent = group(groups, nodes, parentOf(path));
            WritableGroupImpl created = new WritableGroupImpl(parent, leafOf(path));
            parent.putDataset(leafOf(path), endingAtItsEnd(created));
            g = created;
            groups.put(path, g);
            nodes.put(path, g);
        }
        return g;
    }

    /*
     * jhdf 0.13 writes a group's object header at the group's address without moving the file channel's
     * position, and after the whole tree it appends its info string at that position. When the last object
     * of the tree is a group with no dataset below it (e.g. a group holding only attributes), the position is
     * still the end of the previous dataset's data, which is that group's header: the info string overwrites
     * it and h5py fails with "bad object header version number". Every group we create therefore moves the
     * position to its end once written. jhdf accepts a node of our own only through putDataset, so the group
     * goes in behind a WritableDataset proxy; the link it gets points at a real group header.
     */
    private static WritableDataset endingAtItsEnd(WritableGroupImpl group) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("write") && args != null && args.length == 2
                    && args[0] instanceof HdfFileChannel channel) {
                long end = group.write(channel, (Long) args[1]);
                channel.position(end);
                return end;
            }
            if (!method.getDeclaringClass().isInstance(group)) {
                throw new UnsupportedOperationException(method.getName() + " is a dataset method; this node is a group");
            }
            try {
                return method.invoke(group, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (WritableDataset) Proxy.newProxyInstance(H5Writer.class.getClassLoader(),
                new Class<?>[] {WritableDataset.class}, handler);
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
                || data instanceof Number || data instanceof String || c == String.class;
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
            throw new IllegalArgumentException("array of " + length + " values does not fit shape "
                    + java.util.Arrays.toString(shape));
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
