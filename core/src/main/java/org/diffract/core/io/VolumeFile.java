package org.diffract.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import io.jhdf.api.Dataset;
import org.diffract.core.UserError;

/**
 * 3D intensity models: Dragonfly's raw little-endian float64 C-order cube ({@code .bin}), and HDF5 with a
 * (n, n, n) float64 dataset.
 */
public final class VolumeFile {
    private static final String[] H5_NAMES = {"intens", "model"};

    /** A cubic volume of edge {@code n}, flat in C order: voxel (x, y, z) at {@code (x * n + y) * n + z}. */
    public record Cube(double[] data, int n) {}

    private VolumeFile() {}

    public static void writeBin(Path file, double[] vol, int n) {
        checkCube(vol, n);
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                LittleEndianIo.writeDoubles(ch, vol);
            }
        });
    }

    /** The edge n of a raw cube file, from its size (n^3 doubles). */
    public static int cubeEdge(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file; check the model path", e);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + "); check the file's permissions", e);
        }
        long voxels = size / 8;
        int n = (int) Math.round(Math.cbrt(voxels));
        if (size == 0 || size % 8 != 0 || (long) n * n * n != voxels) {
            throw new UserError(file + ": " + size + " bytes is not a cube of float64 values (n^3 * 8 bytes); "
                    + "give a Dragonfly model .bin of the right size");
        }
        return n;
    }

    public static double[] readBin(Path file) {
        return readBinCube(file).data;
    }

    private static Cube readBinCube(Path file) {
        int n = cubeEdge(file);
        double[] vol = new double[n * n * n];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            LittleEndianIo.readDoubles(ch, 0, vol);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + "); check the file's permissions", e);
        }
        checkFinite(file, vol);
        return new Cube(vol, n);
    }

    /** Reads a .bin cube, or an .h5/.hdf5 file's dataset 'intens' or 'model'. */
    public static Cube readCube(Path file) {
        return readCube(file, null);
    }

    /** As {@link #readCube(Path)}, with the HDF5 dataset path given ({@code null} to look for intens/model). */
    public static Cube readCube(Path file, String dataset) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".bin")) {
            return readBinCube(file);
        }
        if (!name.endsWith(".h5") && !name.endsWith(".hdf5")) {
            throw new UserError(file + ": unknown model format; give a raw float64 .bin cube or an .h5 file");
        }
        try (H5Reader h5 = H5Reader.open(file)) {
            String path = dataset;
            if (path == null) {
                for (String candidate : H5_NAMES) {
                    if (h5.has(candidate)) {
                        path = candidate;
                        break;
                    }
                }
                if (path == null) {
                    throw new UserError(file + ": no dataset 'intens' or 'model' (root has: "
                            + String.join(", ", h5.rootNames()) + "); give the dataset path");
                }
            }
            Dataset ds = h5.dataset(path);
            int[] dims = ds.getDimensions();
            // Dragonfly's output files hold intens as (modes, n, n, n); a single mode is accepted.
            boolean cube3 = dims.length == 3 && dims[0] == dims[1] && dims[1] == dims[2];
            boolean cube4 = dims.length == 4 && dims[0] == 1 && dims[1] == dims[2] && dims[2] == dims[3];
            if (!cube3 && !cube4) {
                throw new UserError(file + ": dataset '" + path + "' has shape " + Arrays.toString(dims)
                        + " but must be a cube (n, n, n)");
            }
            if (!h5.isFloat(ds)) {
                throw new UserError(
                        file + ": dataset '" + path + "' is not floating point; write the model as float64");
            }
            double[] data = h5.doubles(path);
            checkFinite(file, data);
            return new Cube(data, dims[dims.length - 1]);
        }
    }

    /**
     * Writes the cube as a (n, n, n) float64 dataset, plus scalar datasets (numbers or strings) such as
     * iteration or beta.
     */
    public static void writeH5(Path file, String dataset, double[] vol, int n, Map<String, Object> scalarDatasets) {
        checkCube(vol, n);
        H5Writer w = new H5Writer().put(dataset, vol, n, n, n);
        if (scalarDatasets != null) {
            scalarDatasets.forEach(w::put);
        }
        w.write(file);
    }

    private static void checkCube(double[] vol, int n) {
        if ((long) n * n * n != vol.length) {
            throw new IllegalArgumentException("volume of " + vol.length + " values is not a cube of edge " + n);
        }
    }

    private static void checkFinite(Path file, double[] vol) {
        for (int i = 0; i < vol.length; i++) {
            if (!Double.isFinite(vol[i])) {
                throw new UserError(file + ": voxel " + i + " is " + vol[i]
                        + "; the model must be finite, re-create it or restart from a random model");
            }
        }
    }
}
