package org.diffract.core.io;

import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Arrays;

import io.jhdf.api.Dataset;
import org.diffract.core.UserError;

/**
 * spipy-style input: dense photon counts of shape (Nd, Nx, Ny) in one HDF5 dataset, converted to sparse
 * photons. Pixel t of the sparse form is {@code x * Ny + y} (C order of the frame).
 */
public final class PatternsH5 {
    /** Dense frames are read this many values at a time, so memory stays bounded for any Nd. */
    private static final int BLOCK_VALUES = 1 << 23;

    public record Patterns(SparsePhotons photons, int nx, int ny) {}

    private PatternsH5() {}

    public static Patterns read(Path file, String dataset) {
        return read(file, dataset, BLOCK_VALUES);
    }

    /** As {@link #read(Path, String)}, reading about {@code blockValues} counts per hyperslab (for tests). */
    static Patterns read(Path file, String dataset, int blockValues) {
        try (H5Reader h5 = H5Reader.open(file)) {
            Dataset ds = h5.dataset(dataset);
            int[] dims = ds.getDimensions();
            if (dims.length != 3) {
                throw new UserError(file + ": dataset '" + dataset + "' has shape " + Arrays.toString(dims)
                        + " but patterns must be 3D (frames, Nx, Ny); reshape it to (Nd, Nx, Ny)");
            }
            if (h5.isFloat(ds)) {
                throw new UserError(file + ": dataset '" + dataset + "' is floating point but patterns must be "
                        + "integer photon counts (int32/int64); convert them to photon counts first");
            }
            Class<?> type = ds.getJavaType();
            if (type != int.class && type != long.class && type != short.class && type != byte.class) {
                throw new UserError(file + ": dataset '" + dataset + "' has type " + type.getSimpleName()
                        + " but patterns must be integer photon counts (int32/int64)");
            }
            int nd = dims[0];
            int nx = dims[1];
            int ny = dims[2];
            if (nd == 0 || nx == 0 || ny == 0) {
                throw new UserError(file + ": dataset '" + dataset + "' has shape " + Arrays.toString(dims)
                        + ": no frames to reconstruct; give a dataset with at least one frame (Nd, Nx, Ny)");
            }
            long frameValues = (long) nx * ny;
            if (frameValues > Integer.MAX_VALUE) {
                throw new UserError(file + ": frames of " + nx + " x " + ny + " pixels are too large; bin them first");
            }
            int numPix = (int) frameValues;
            int block = (int) Math.max(1, Math.min(nd, blockValues / Math.max(1, frameValues)));
            SparsePhotons.Builder b = new SparsePhotons.Builder(numPix);
            for (int start = 0; start < nd; start += block) {
                int count = Math.min(block, nd - start);
                Object data;
                try {
                    data = ds.getData(new long[] {start, 0, 0}, new int[] {count, nx, ny});
                } catch (RuntimeException e) {
                    // HdfException, or what a damaged chunk index makes jhdf throw
                    throw new UserError(
                            file + ": cannot read frames " + start + ".." + (start + count - 1) + " of '" + dataset
                                    + "' (" + e.getMessage() + "); the file may be truncated",
                            e);
                }
                for (int f = 0; f < count; f++) {
                    addFrame(file, dataset, b, Array.get(data, f), start + f, ny);
                }
            }
            return new Patterns(b.build(), nx, ny);
        }
    }

    /** One frame as the nested row arrays jhdf returns for its integer type. */
    private static void addFrame(Path file, String dataset, SparsePhotons.Builder b, Object frame, int index, int ny) {
        b.startFrame();
        Object[] rows = (Object[]) frame;
        for (int x = 0; x < rows.length; x++) {
            int base = x * ny;
            Object row = rows[x];
            if (row instanceof int[] r) {
                for (int y = 0; y < ny; y++) {
                    add(file, dataset, b, r[y], index, base + y);
                }
            } else if (row instanceof long[] r) {
                for (int y = 0; y < ny; y++) {
                    long v = r[y];
                    if (v > Integer.MAX_VALUE) {
                        throw new UserError(file + ": '" + dataset + "' frame " + index + " pixel " + (base + y)
                                + " has " + v + " photons, more than an int holds; check the data are photon counts");
                    }
                    add(file, dataset, b, (int) v, index, base + y);
                }
            } else if (row instanceof short[] r) {
                for (int y = 0; y < ny; y++) {
                    add(file, dataset, b, r[y], index, base + y);
                }
            } else {
                byte[] r = (byte[]) row;
                for (int y = 0; y < ny; y++) {
                    add(file, dataset, b, r[y], index, base + y);
                }
            }
        }
    }

    private static void add(Path file, String dataset, SparsePhotons.Builder b, int v, int frame, int pixel) {
        if (v < 0) {
            throw new UserError(file + ": '" + dataset + "' frame " + frame + " pixel " + pixel + " has " + v
                    + " photons; counts cannot be negative (set bad pixels to 0 and mask them)");
        }
        if (v != 0) {
            b.addPixel(pixel, v);
        }
    }

    /**
     * Writes int32 (Nd, Nx, Ny), one deflated chunk per frame. jhdf holds the whole file in memory until it is
     * written, so this needs Nd * Nx * Ny * 4 bytes of heap.
     */
    public static void write(Path file, String dataset, SparsePhotons photons, int nx, int ny) {
        if ((long) nx * ny != photons.numPix) {
            throw new IllegalArgumentException(
                    "frame " + nx + " x " + ny + " does not match " + photons.numPix + " pixels");
        }
        int nd = photons.numFrames();
        int[][][] dense = new int[nd][nx][ny];
        for (int d = 0; d < nd; d++) {
            int[][] frame = dense[d];
            for (long i = photons.onesStart[d]; i < photons.onesStart[d + 1]; i++) {
                int t = photons.placeOnes[(int) i];
                frame[t / ny][t % ny] += 1;
            }
            for (long i = photons.multiStart[d]; i < photons.multiStart[d + 1]; i++) {
                int t = photons.placeMulti[(int) i];
                frame[t / ny][t % ny] += photons.countMulti[(int) i];
            }
        }
        H5Writer w = new H5Writer();
        if (nd > 0 && nx > 0 && ny > 0) {
            w.putCompressed(dataset, dense, 1, nx, ny);
        } else {
            w.put(dataset, dense);
        }
        w.write(file);
    }
}
