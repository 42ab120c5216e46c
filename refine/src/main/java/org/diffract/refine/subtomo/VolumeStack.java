package org.diffract.refine.subtomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;

/**
 * A stack of cubic volumes from HDF5: a dataset (N, n, n, n) (or one volume (n, n, n)) of floats or
 * integers. The dataset is "volumes" or "data" when present, else the only 3D/4D dataset at the root;
 * {@code file.h5:/path} names it explicitly.
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
