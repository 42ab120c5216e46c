package org.diffract.spots;

import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Arrays;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;

/**
 * A LaueCollect frame file (FILE__mccd.h5): {@code frames} (N, H, W) of any integer or float type, and
 * group {@code lauecollect} with {@code angle} and {@code frame_number_global} per frame and attribute
 * {@code block_size}; laser data add {@code lauecollect/laser_on} (0/1) or {@code lauecollect/delay}.
 * Frames are read in blocks by hyperslab, never the whole stack. jhdf readers are not thread-safe, so
 * reads are serialised.
 */
public final class LaueInput implements FrameSource, AutoCloseable {
    public static final String FRAMES = "frames";
    private final Path file;
    private final H5Reader reader;
    private final Dataset frames;
    private final LaueSeries series;

    private LaueInput(Path file, H5Reader reader, Dataset frames, LaueSeries series) {
        this.file = file;
        this.reader = reader;
        this.frames = frames;
        this.series = series;
    }

    public static LaueInput open(Path file) {
        H5Reader r = H5Reader.open(file);
        try {
            Dataset ds = r.dataset(FRAMES);
            int[] dims = ds.getDimensions();
            if (dims.length == 3 && dims[0] == 0) {
                throw new UserError(file + ": dataset 'frames' has shape " + Arrays.toString(dims)
                        + ": no frames; give the file that holds the series's frames");
            }
            if (dims.length != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1) {
                throw new UserError(file + ": dataset 'frames' has shape " + Arrays.toString(dims)
                        + " but must be (frames, height, width); write the frame stack as one 3D dataset");
            }
            Class<?> t = ds.getJavaType();
            if (!(t == byte.class
                    || t == short.class
                    || t == int.class
                    || t == long.class
                    || t == float.class
                    || t == double.class)) {
                throw new UserError(file + ": dataset 'frames' has type " + t.getSimpleName()
                        + "; write the frames as an integer or float type");
            }
            int n = dims[0];
            double[] angle = perFrame(r, "lauecollect/angle", n, true);
            for (int f = 0; f < n; f++) {
                if (!Double.isFinite(angle[f])) {
                    throw new UserError(file + ": lauecollect/angle[" + f + "] is " + angle[f]
                            + "; every frame needs a finite angle");
                }
            }
            long[] fng = new long[n];
            if (r.has("lauecollect/frame_number_global")) {
                double[] v = perFrame(r, "lauecollect/frame_number_global", n, false);
                for (int f = 0; f < n; f++) {
                    fng[f] = (long) v[f];
                }
            } else {
                for (int f = 0; f < n; f++) {
                    fng[f] = f;
                }
            }
            int blockSize = blockSize(r);
            int[] laser = null;
            if (r.has("lauecollect/delay")) {
                laser = LaueSeries.groupsOf(perFrame(r, "lauecollect/delay", n, true));
            } else if (r.has("lauecollect/laser_on")) {
                double[] on = perFrame(r, "lauecollect/laser_on", n, true);
                laser = new int[n];
                for (int f = 0; f < n; f++) {
                    if (on[f] != 0 && on[f] != 1) {
                        throw new UserError(
                                file + ": lauecollect/laser_on[" + f + "] is " + on[f] + "; it must be 0 or 1");
                    }
                    laser[f] = (int) on[f];
                }
            }
            return new LaueInput(file, r, ds, new LaueSeries(n, dims[1], dims[2], angle, fng, blockSize, laser));
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private static double[] perFrame(H5Reader r, String path, int n, boolean finite) {
        if (!r.has(path)) {
            throw new UserError(
                    r.file() + ": no dataset '" + path + "'; LaueCollect files keep one value per frame there");
        }
        double[] v = r.doubles(path);
        if (v.length != n) {
            throw new UserError(r.file() + ": " + path + " has " + v.length + " values but frames has " + n
                    + "; give one value per frame");
        }
        if (finite) {
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(v[i])) {
                    throw new UserError(r.file() + ": " + path + "[" + i + "] is " + v[i] + "; values must be finite");
                }
            }
        }
        return v;
    }

    private static int blockSize(H5Reader r) {
        try {
            Node g = r.hdf().getByPath("lauecollect");
            Attribute a = g.getAttribute("block_size");
            if (a == null) {
                return 0;
            }
            Object v = a.getData();
            if (v != null && v.getClass().isArray() && Array.getLength(v) == 1) {
                v = Array.get(v, 0);
            }
            if (v instanceof Number num) {
                return num.intValue();
            }
            throw new UserError(r.file() + ": attribute lauecollect/block_size must be one integer, not " + v);
        } catch (HdfException e) {
            return 0;
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public LaueSeries series() {
        return series;
    }

    /**
     * Frames {@code [f0, f0 + nf)}, rows {@code [y0, y0 + rows)}, all columns, as floats into
     * {@code out} (C order: frame, row, column). Refuses NaN or infinite pixels.
     */
    @Override
    public synchronized void read(int f0, int nf, int y0, int rows, float[] out) {
        int w = series.width();
        Object data;
        try {
            data = frames.getData(new long[] {f0, y0, 0}, new int[] {nf, rows, w});
        } catch (HdfException | IllegalArgumentException e) {
            throw new UserError(
                    file + ": cannot read frames " + f0 + ".." + (f0 + nf - 1) + " (" + e.getMessage()
                            + "); the file may be truncated or use an unsupported filter",
                    e);
        }
        int at = 0;
        for (int f = 0; f < nf; f++) {
            Object plane = Array.get(data, f);
            for (int y = 0; y < rows; y++) {
                Object row = Array.get(plane, y);
                copyRow(row, out, at, w, f0 + f, y0 + y);
                at += w;
            }
        }
    }

    private void copyRow(Object row, float[] out, int at, int w, int frame, int y) {
        if (row instanceof float[] a) {
            for (int x = 0; x < w; x++) {
                out[at + x] = a[x];
            }
        } else if (row instanceof double[] a) {
            for (int x = 0; x < w; x++) {
                out[at + x] = (float) a[x];
            }
        } else if (row instanceof int[] a) {
            for (int x = 0; x < w; x++) {
                out[at + x] = a[x];
            }
        } else if (row instanceof short[] a) {
            for (int x = 0; x < w; x++) {
                out[at + x] = a[x];
            }
        } else if (row instanceof byte[] a) {
            for (int x = 0; x < w; x++) {
                out[at + x] = a[x];
            }
        } else if (row instanceof long[] a) {
            for (int x = 0; x < w; x++) {
                out[at + x] = a[x];
            }
        } else {
            throw new UserError(file + ": frames have an unsupported type "
                    + row.getClass().getSimpleName() + "; write them as an integer or float type");
        }
        for (int x = 0; x < w; x++) {
            if (!Float.isFinite(out[at + x])) {
                throw new UserError(file + ": frame " + frame + " pixel (" + y + ", " + x + ") is " + out[at + x]
                        + "; replace NaN/inf pixels (e.g. with 0) before spot finding");
            }
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
