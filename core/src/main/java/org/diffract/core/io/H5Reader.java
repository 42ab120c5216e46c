package org.diffract.core.io;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfBrokenLinkException;
import io.jhdf.exceptions.HdfInvalidPathException;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import org.diffract.core.UserError;

/**
 * Opens an HDF5 file with jhdf and reads numeric datasets as flat Java arrays, turning every jhdf failure
 * (missing file, not HDF5, missing dataset, wrong type) into a one-line {@link UserError} naming the file.
 */
public final class H5Reader implements AutoCloseable {
    private final Path file;
    private final HdfFile hdf;

    private H5Reader(Path file, HdfFile hdf) {
        this.file = file;
        this.hdf = hdf;
    }

    public static H5Reader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file; check the path");
        }
        HdfFile hdf;
        try {
            hdf = new HdfFile(file);
        } catch (RuntimeException e) {
            // jhdf fails with HdfException, IllegalArgumentException, BufferUnderflowException, ...
            throw new UserError(
                    file + ": not a readable HDF5 file (" + e.getMessage()
                            + "); check it is HDF5 and was copied completely",
                    e);
        }
        try {
            checkComplete(file, hdf);
        } catch (RuntimeException e) {
            hdf.close();
            throw e;
        }
        return new H5Reader(file, hdf);
    }

    /*
     * A cut-off copy (an interrupted transfer, a full disk while writing) still opens, and jhdf then fails
     * deep inside a read with an error that names neither the file nor the cause. The superblock records where
     * the file ends, so a truncated file is recognised here, once, before anything is read.
     */
    private static void checkComplete(Path file, HdfFile hdf) {
        long end;
        long size;
        try {
            end = hdf.getHdfBackingStorage().getSuperblock().getEndOfFileAddress()
                    + hdf.getHdfBackingStorage().getSuperblock().getBaseAddressByte();
            size = Files.size(file);
        } catch (IOException | RuntimeException e) {
            throw new UserError(
                    file + ": not a readable HDF5 file (" + e.getMessage()
                            + "); check it is HDF5 and was copied completely",
                    e);
        }
        if (size < end) {
            throw new UserError(file + ": truncated HDF5 file: " + size + " bytes, but its superblock says it ends at "
                    + "byte " + end + "; copy it again completely or re-run the step that wrote it");
        }
    }

    public Path file() {
        return file;
    }

    /** The underlying jhdf file, for hyperslab reads. */
    public HdfFile hdf() {
        return hdf;
    }

    public boolean has(String path) {
        try {
            return hdf.getByPath(path) instanceof Dataset;
        } catch (HdfInvalidPathException | HdfBrokenLinkException e) {
            return false;
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
    }

    /** The dataset at {@code path}; when absent the error lists the datasets at the root. */
    public Dataset dataset(String path) {
        Node node;
        try {
            node = hdf.getByPath(path);
        } catch (HdfInvalidPathException | HdfBrokenLinkException e) {
            node = null; // the error below lists what is there
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
        if (!(node instanceof Dataset ds)) {
            throw new UserError(file + ": no dataset '" + path + "' (root has: " + String.join(", ", rootNames())
                    + "); give the dataset path inside the file");
        }
        return ds;
    }

    /** Names at the root, sorted, groups marked with a trailing slash. */
    public List<String> rootNames() {
        List<String> names = new ArrayList<>();
        try {
            for (Node n : hdf.getChildren().values()) {
                names.add(n.isGroup() ? n.getName() + "/" : n.getName());
            }
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
        names.sort(null);
        return names;
    }

    /** A jhdf failure on a file that opened: its structure is damaged. */
    private UserError unreadable(RuntimeException e) {
        return new UserError(
                file + ": damaged HDF5 file (" + e.getMessage() + "); copy it again completely or "
                        + "re-run the step that wrote it",
                e);
    }

    /** A numeric dataset of any shape as flat doubles (float32/64 or integers). */
    public double[] doubles(String path) {
        Dataset ds = dataset(path);
        Object flat = read(ds);
        if (flat instanceof double[] d) {
            return d;
        }
        int n = Array.getLength(flat);
        double[] out = new double[n];
        if (flat instanceof float[] f) {
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        } else if (flat instanceof int[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (flat instanceof long[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (flat instanceof short[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (flat instanceof byte[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else {
            throw new UserError(file + ": dataset '" + path + "' is not numeric; write it as float64");
        }
        return out;
    }

    /** An integer dataset of any shape as flat longs; floats are refused. */
    public long[] integers(String path) {
        Dataset ds = dataset(path);
        if (!(ds.getDataType() instanceof FixedPoint)) {
            throw new UserError(file + ": dataset '" + path + "' has type "
                    + ds.getJavaType().getSimpleName() + " but must be integer; write it as uint8 or int32");
        }
        Object flat = read(ds);
        int n = Array.getLength(flat);
        long[] out = new long[n];
        if (flat instanceof byte[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (flat instanceof short[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (flat instanceof int[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (flat instanceof long[] a) {
            System.arraycopy(a, 0, out, 0, n);
        } else {
            throw new UserError(file + ": dataset '" + path + "' is uint64; write it as int64 or smaller");
        }
        return out;
    }

    /** A scalar (or one-element) numeric dataset, or {@code dflt} when absent. */
    public double scalar(String path, double dflt) {
        if (!has(path)) {
            return dflt;
        }
        double[] v = doubles(path);
        if (v.length != 1) {
            throw new UserError(file + ": dataset '" + path + "' has " + v.length + " values but must be one number");
        }
        return v[0];
    }

    /** An integer given either as a scalar dataset or as an attribute of the root group. */
    public OptionalInt scalarInt(String name) {
        if (has(name)) {
            long[] v = integers(name);
            if (v.length != 1) {
                throw new UserError(
                        file + ": dataset '" + name + "' has " + v.length + " values but must be one integer");
            }
            return OptionalInt.of(Math.toIntExact(v[0]));
        }
        Attribute a = hdf.getAttribute(name);
        if (a == null) {
            return OptionalInt.empty();
        }
        Object v = a.getData();
        if (v instanceof Number num && !(v instanceof Double) && !(v instanceof Float)) {
            return OptionalInt.of(num.intValue());
        }
        throw new UserError(file + ": attribute '" + name + "' must be one integer, not " + v);
    }

    public boolean isFloat(Dataset ds) {
        return ds.getDataType() instanceof FloatingPoint;
    }

    private Object read(Dataset ds) {
        try {
            return ds.isScalar() ? scalarArray(ds.getData()) : ds.getDataFlat();
        } catch (RuntimeException e) {
            // HdfException, and the ArithmeticException or BufferUnderflowException of a damaged chunk index
            throw new UserError(
                    file + ": cannot read dataset '" + ds.getPath() + "' (" + e.getMessage()
                            + "); the file may be truncated or use an unsupported filter",
                    e);
        }
    }

    /** jhdf returns a boxed value for scalar datasets; wrap it so callers see one shape. */
    private static Object scalarArray(Object v) {
        if (v instanceof Double d) {
            return new double[] {d};
        } else if (v instanceof Float f) {
            return new float[] {f};
        } else if (v instanceof Integer i) {
            return new int[] {i};
        } else if (v instanceof Long l) {
            return new long[] {l};
        } else if (v instanceof Short s) {
            return new short[] {s};
        } else if (v instanceof Byte b) {
            return new byte[] {b};
        }
        return v;
    }

    @Override
    public void close() {
        hdf.close();
    }
}
