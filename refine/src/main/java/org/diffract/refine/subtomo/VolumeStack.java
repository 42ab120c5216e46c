package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.MrcFile;

/**
 * A stack of cubic volumes from HDF5: a dataset (N, n, n, n) (or one volume (n, n, n)) of floats or
 * integers. The dataset is "volumes" or "data" when present, else the only 3D/4D dataset at the root;
 * {@code file.h5:/path} names it explicitly. Or from MRC (.mrc, .mrcs, .map, .rec): nx = ny = n and
 * nz = N * n sections, the stack EMAN2 and IMOD write; or a folder of MRC files (name order), one
 * particle or stack each.
 */
public record VolumeStack(Path file, int n, double[][] volumes) {
    public int count() {
        return volumes.length;
    }

    public static VolumeStack read(String spec, String option) {
        String path = null;
        String name = spec;
        int colon = spec.indexOf(".h5:");
        if (colon < 0) {
            colon = spec.indexOf(".hdf:");
        }
        if (colon > 0) {
            int at = spec.indexOf(':', colon);
            name = spec.substring(0, at);
            path = spec.substring(at + 1);
        }
        Path file = Path.of(name);
        if (path == null && Files.isDirectory(file)) {
            return readMrcFolder(file, option);
        }
        if (path == null && isMrc(file)) {
            return readMrc(file, option);
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(option + " " + file + ": no such file; give an HDF5 stack of volumes (N, n, n, n)");
        }
        try (H5Reader r = H5Reader.open(file)) {
            Dataset ds = path != null ? r.dataset(path) : find(r, option);
            int[] dims = ds.getDimensions();
            int count;
            int n;
            if (dims.length == 4 && dims[1] == dims[2] && dims[2] == dims[3]) {
                count = dims[0];
                n = dims[1];
            } else if (dims.length == 3 && dims[0] == dims[1] && dims[1] == dims[2]) {
                count = 1;
                n = dims[0];
            } else {
                throw new UserError(option + " " + file + ": dataset '" + ds.getPath() + "' has shape "
                        + java.util.Arrays.toString(dims) + "; it must be (N, n, n, n) cubes (or one (n, n, n) volume)");
            }
            if (count < 1 || n < 4) {
                throw new UserError(option + " " + file + ": needs at least one volume of edge >= 4, got " + count
                        + " of edge " + n);
            }
            double[] flat = r.doubles(ds.getPath());
            int n3 = n * n * n;
            double[][] vols = new double[count][];
            for (int i = 0; i < count; i++) {
                vols[i] = java.util.Arrays.copyOfRange(flat, i * n3, (i + 1) * n3);
                for (double v : vols[i]) {
                    if (!Double.isFinite(v)) {
                        throw new UserError(option + " " + file + ": volume " + i + " contains NaN or infinite values; "
                                + "fix or drop that volume");
                    }
                }
            }
            return new VolumeStack(file, n, vols);
        }
    }

    static boolean isMrc(Path file) {
        String f = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return f.endsWith(".mrc") || f.endsWith(".mrcs") || f.endsWith(".map") || f.endsWith(".rec");
    }

    private static VolumeStack readMrc(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(option + " " + file + ": no such file; give an MRC stack (nz = N * n sections of n x n)");
        }
        MrcFile.Grid g;
        try {
            g = MrcFile.read(file);
        } catch (UserError e) {
            throw new UserError(option + " " + e.getMessage());
        }
        int n = g.nx();
        if (g.ny() != n || g.nz() % n != 0 || n < 4) {
            throw new UserError(option + " " + file + ": MRC map is " + g.nx() + " x " + g.ny() + " x " + g.nz()
                    + " (x, y, z); a stack of cubes needs nx = ny = n >= 4 and nz a multiple of n");
        }
        int count = g.nz() / n, n3 = n * n * n;
        double[][] vols = new double[count][];
        for (int i = 0; i < count; i++) {
            vols[i] = java.util.Arrays.copyOfRange(g.values(), i * n3, (i + 1) * n3);
        }
        return new VolumeStack(file, n, vols);
    }

    private static VolumeStack readMrcFolder(Path dir, String option) {
        List<Path> files;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && isMrc(p)).sorted().toList();
        } catch (java.io.IOException e) {
            throw new UserError(option + " " + dir + ": cannot list the folder (" + e.getMessage() + ")");
        }
        if (files.isEmpty()) {
            throw new UserError(option + " " + dir + ": folder holds no .mrc/.mrcs/.map/.rec files; give one file per particle");
        }
        List<double[]> vols = new ArrayList<>();
        int n = -1;
        for (Path f : files) {
            VolumeStack one = readMrc(f, option);
            if (n >= 0 && one.n() != n) {
                throw new UserError(option + " " + f + ": volumes are " + one.n() + "^3 but " + files.get(0).getFileName()
                        + " has " + n + "^3; all particles need one box size");
            }
            n = one.n();
            vols.addAll(java.util.Arrays.asList(one.volumes()));
        }
        return new VolumeStack(dir, n, vols.toArray(double[][]::new));
    }

    private static Dataset find(H5Reader r, String option) {
        for (String p : new String[] {"volumes", "data"}) {
            if (r.has(p)) {
                return r.dataset(p);
            }
        }
        List<Dataset> cands = new ArrayList<>();
        for (Node node : r.hdf().getChildren().values()) {
            if (node instanceof Dataset d && (d.getDimensions().length == 3 || d.getDimensions().length == 4)) {
                cands.add(d);
            }
        }
        if (cands.size() != 1) {
            throw new UserError(option + " " + r.file() + ": " + (cands.isEmpty() ? "no 3D or 4D dataset" : "several 3D/4D datasets")
                    + " at the root (" + String.join(", ", r.rootNames()) + "); name one as FILE.h5:/path or call it 'volumes'");
        }
        return cands.get(0);
    }
}
