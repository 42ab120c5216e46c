package org.diffract.correlate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.jhdf.HdfFile;
import io.jhdf.ObjectHeader;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.dataset.DatasetLoader;
import io.jhdf.exceptions.HdfException;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;

/**
 * The shots of a run, read one at a time: either a SACLA run file
 * ({@code /run_N/detector_2d_assembled_1/tag_T/detector_data}, any number of tags, the
 * {@code detector_info} group skipped) or a plain {@code (N, H, W)} dataset whose shots get tags 0..N-1.
 * Shots are ordered by tag. Images come back row-major {@code [y * width + x]} as doubles.
 * <p>
 * jhdf keeps every group and dataset it has visited until the file is closed (about 2.7 kB per SACLA
 * tag), which would make memory grow with the run. So opening a SACLA file checks every tag's dataset in
 * batches, each with the file opened afresh, keeping only the tag and the dataset's object-header address
 * (16 bytes per shot); a shot is then read from its address on a file handle that visits nothing else.
 * One instance is for one thread; {@link #reader()} gives another thread its own handle on the same shots.
 */
public final class ShotFile implements Shots {
    static final String SACLA_DETECTOR = "detector_2d_assembled_1";
    /** SACLA tags checked per opening of the file: bounds jhdf's cache while the index is built. */
    static final int CHECK_BATCH = 8192;

    /** What every reader of one run shares: where each shot is. */
    private record Index(Path file, long[] tags, String group, long[] addresses, String stack, int height, int width) {}

    private final Index index;
    private final H5Reader h5;
    private final Dataset stack;

    private ShotFile(Index index) {
        this.index = index;
        this.h5 = H5Reader.open(index.file);
        try {
            this.stack = index.stack == null ? null : h5.dataset(index.stack);
        } catch (RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    /**
     * @param dataset "auto" for the SACLA layout, else the path of an (N, H, W) dataset
     * @param run     "auto" for the only run_N in the file, else the run number
     */
    public static ShotFile open(Path file, String dataset, String run) {
        Index index;
        try (H5Reader h5 = H5Reader.open(file)) {
            index = dataset == null || dataset.equalsIgnoreCase("auto") ? sacla(h5, run) : plain(h5, dataset);
        }
        return new ShotFile(index);
    }

    /** Another reader of the same shots with its own file handle, for another thread. */
    @Override
    public ShotFile reader() {
        return new ShotFile(index);
    }

    private static Index plain(H5Reader h5, String path) {
        Dataset ds = h5.dataset(path);
        int[] d = ds.getDimensions();
        if (d.length != 3 || d[0] < 1) {
            throw new UserError(h5.file() + ": dataset '" + path + "' has shape " + Arrays.toString(d)
                    + " but shots must be (N, H, W); reshape it or use the SACLA layout with [input] dataset = auto");
        }
        checkNumeric(h5.file(), ds, path);
        long[] tags = new long[d[0]];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = i;
        }
        return new Index(h5.file(), tags, null, null, path, d[1], d[2]);
    }

    private static Index sacla(H5Reader h5, String run) {
        Map<String, Node> root = h5.hdf().getChildren();
        List<String> runs = new ArrayList<>();
        for (String name : root.keySet()) {
            if (name.startsWith("run_") && root.get(name).isGroup()) {
                runs.add(name);
            }
        }
        String runName;
        if (run == null || run.equalsIgnoreCase("auto")) {
            if (runs.size() != 1) {
                throw new UserError(h5.file() + ": "
                        + (runs.isEmpty() ? "no run_N group (not a SACLA run file)" : "several runs " + runs)
                        + "; set [input] run = N, or [input] dataset to an (N, H, W) dataset");
            }
            runName = runs.get(0);
        } else {
            runName = "run_" + run;
            if (!runs.contains(runName)) {
                throw new UserError(h5.file() + ": no group " + runName + " (runs: " + runs + "); fix [input] run");
            }
        }
        Node det = ((Group) root.get(runName)).getChildren().get(SACLA_DETECTOR);
        String group = runName + "/" + SACLA_DETECTOR;
        if (!(det instanceof Group detGroup)) {
            throw new UserError(
                    h5.file() + ": no group /" + group + "; this is not an assembled SACLA run file: give one, "
                            + "or set [input] dataset to the file's (N, H, W) dataset");
        }
        TreeMap<Long, String> byTag = new TreeMap<>();
        for (String name : detGroup.getChildren().keySet()) {
            if (!name.startsWith("tag_")) {
                continue; // detector_info and anything else that is not a shot
            }
            try {
                byTag.put(Long.parseLong(name.substring(4)), name);
            } catch (NumberFormatException ex) {
                throw new UserError(h5.file() + ": group " + name + " is not tag_<number>; rename it");
            }
        }
        if (byTag.isEmpty()) {
            throw new UserError(h5.file() + ": /" + group
                    + " holds no tag_T groups, so the run has no shots; give a run " + "file with shots");
        }
        long[] tags = new long[byTag.size()];
        int i = 0;
        for (long t : byTag.keySet()) {
            tags[i++] = t;
        }
        long[] addresses = new long[tags.length];
        int[] dims = null;
        for (int from = 0; from < tags.length; from += CHECK_BATCH) {
            // a fresh handle per batch: what jhdf caches for the tags checked is dropped with it
            try (H5Reader batch = H5Reader.open(h5.file())) {
                for (int k = from; k < Math.min(tags.length, from + CHECK_BATCH); k++) {
                    String where = "/" + group + "/tag_" + tags[k] + "/detector_data";
                    Node data = nodeOrNull(batch.hdf(), where);
                    if (!(data instanceof Dataset ds)) {
                        throw new UserError(h5.file() + ": /" + group + "/tag_" + tags[k]
                                + " has no detector_data dataset; copy the run file again completely");
                    }
                    int[] d = ds.getDimensions();
                    if (d.length != 2) {
                        throw new UserError(h5.file() + ": " + where + " has shape " + Arrays.toString(d)
                                + " but must be a 2D image (H, W); write each tag's detector_data as one image");
                    }
                    if (dims != null && !Arrays.equals(d, dims)) {
                        throw new UserError(h5.file() + ": " + where + " has shape " + Arrays.toString(d) + " but "
                                + "earlier tags are " + Arrays.toString(dims) + "; all shots must share the detector "
                                + "shape: drop that tag or assemble it as the others");
                    }
                    checkNumeric(h5.file(), ds, where);
                    dims = d;
                    addresses[k] = ds.getAddress();
                }
            }
        }
        return new Index(h5.file(), tags, group, addresses, null, dims[0], dims[1]);
    }

    private static Node nodeOrNull(HdfFile hdf, String path) {
        try {
            return hdf.getByPath(path);
        } catch (HdfException e) {
            return null;
        }
    }

    private static void checkNumeric(Path file, Dataset ds, String where) {
        Class<?> t = ds.getJavaType();
        if (t != double.class
                && t != float.class
                && t != int.class
                && t != long.class
                && t != short.class
                && t != byte.class) {
            throw new UserError(file + ": " + where + " has type " + t.getSimpleName()
                    + " but detector data must be numeric; write it as float32/64 or integers");
        }
    }

    @Override
    public long[] tags() {
        return index.tags.clone();
    }

    @Override
    public int count() {
        return index.tags.length;
    }

    @Override
    public int height() {
        return index.height;
    }

    @Override
    public int width() {
        return index.width;
    }

    public Path file() {
        return index.file;
    }

    /** The index of the shot with tag {@code tag}, or -1. */
    public int indexOf(long tag) {
        int i = Arrays.binarySearch(index.tags, tag);
        return i >= 0 ? i : -1;
    }

    /** Shot {@code i} (in tag order) into {@code out} (length height * width), checked for NaN. */
    @Override
    public double[] read(int i, double[] out) {
        Object data;
        String where = stack != null
                ? stack.getPath() + "[" + i + "]"
                : "/" + index.group + "/tag_" + index.tags[i] + "/detector_data";
        try {
            if (stack != null) {
                data = stack.getData(new long[] {i, 0, 0}, new int[] {1, index.height, index.width});
            } else {
                // a dataset object made for this read only: nothing of it stays cached in the file handle
                HdfFile hdf = h5.hdf();
                ObjectHeader header = ObjectHeader.readObjectHeader(hdf.getHdfBackingStorage(), index.addresses[i]);
                data = DatasetLoader.createDataset(hdf.getHdfBackingStorage(), header, "detector_data", hdf)
                        .getDataFlat();
            }
        } catch (HdfException e) {
            throw new UserError(
                    index.file + ": cannot read " + where + " (" + e.getMessage()
                            + "); the file may be truncated or use an unsupported filter",
                    e);
        }
        int n = flatten(data, out, 0);
        if (n != out.length) {
            throw new UserError(index.file + ": " + where + " has " + n + " values, expected " + out.length
                    + "; all shots must share the detector shape");
        }
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(out[k])) {
                throw new UserError(index.file + ": " + where + " has a non-finite value at pixel " + k
                        + "; replace NaN/inf by 0 and mask those pixels");
            }
        }
        return out;
    }

    /** Copies a (possibly nested) primitive array into out from pos; returns the end position. */
    private static int flatten(Object a, double[] out, int pos) {
        if (a instanceof double[] d) {
            System.arraycopy(d, 0, out, pos, Math.min(d.length, out.length - pos));
            return pos + d.length;
        } else if (a instanceof float[] f) {
            for (int i = 0; i < f.length && pos + i < out.length; i++) {
                out[pos + i] = f[i];
            }
            return pos + f.length;
        } else if (a instanceof int[] v) {
            for (int i = 0; i < v.length && pos + i < out.length; i++) {
                out[pos + i] = v[i];
            }
            return pos + v.length;
        } else if (a instanceof long[] v) {
            for (int i = 0; i < v.length && pos + i < out.length; i++) {
                out[pos + i] = v[i];
            }
            return pos + v.length;
        } else if (a instanceof short[] v) {
            for (int i = 0; i < v.length && pos + i < out.length; i++) {
                out[pos + i] = v[i];
            }
            return pos + v.length;
        } else if (a instanceof byte[] v) {
            for (int i = 0; i < v.length && pos + i < out.length; i++) {
                out[pos + i] = v[i];
            }
            return pos + v.length;
        } else if (a instanceof Object[] rows) {
            for (Object r : rows) {
                pos = flatten(r, out, pos);
            }
            return pos;
        }
        throw new UserError("unsupported detector data type " + a.getClass().getSimpleName());
    }

    @Override
    public void close() {
        h5.close();
    }
}
