package org.diffract.correlate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;

/**
 * The shots of a run, read one at a time: either a SACLA run file
 * ({@code /run_N/detector_2d_assembled_1/tag_T/detector_data}, any number of tags, the
 * {@code detector_info} group skipped) or a plain {@code (N, H, W)} dataset whose shots get tags 0..N-1.
 * Shots are ordered by tag. Images come back row-major {@code [y * width + x]} as doubles.
 */
public final class ShotFile implements AutoCloseable {
    static final String SACLA_DETECTOR = "detector_2d_assembled_1";

    private final H5Reader h5;
    private final Path file;
    private final long[] tags;
    private final List<Dataset> perTag;
    private final Dataset stack;
    private final int height;
    private final int width;

    private ShotFile(H5Reader h5, long[] tags, List<Dataset> perTag, Dataset stack, int height, int width) {
        this.h5 = h5;
        this.file = h5.file();
        this.tags = tags;
        this.perTag = perTag;
        this.stack = stack;
        this.height = height;
        this.width = width;
    }

    /**
     * @param dataset "auto" for the SACLA layout, else the path of an (N, H, W) dataset
     * @param run     "auto" for the only run_N in the file, else the run number
     */
    public static ShotFile open(Path file, String dataset, String run) {
        H5Reader h5 = H5Reader.open(file);
        try {
            return dataset == null || dataset.equalsIgnoreCase("auto") ? sacla(h5, run) : plain(h5, dataset);
        } catch (RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    private static ShotFile plain(H5Reader h5, String path) {
        Dataset ds = h5.dataset(path);
        int[] d = ds.getDimensions();
        if (d.length != 3 || d[0] < 1) {
            throw new UserError(h5.file() + ": dataset '" + path + "' has shape " + Arrays.toString(d)
                    + " but shots must be (N, H, W); reshape it or use the SACLA layout with [input] dataset = auto");
        }
        checkNumeric(h5, ds, path);
        long[] tags = new long[d[0]];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = i;
        }
        return new ShotFile(h5, tags, null, ds, d[1], d[2]);
    }

    private static ShotFile sacla(H5Reader h5, String run) {
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
                throw new UserError(h5.file() + ": " + (runs.isEmpty() ? "no run_N group (not a SACLA run file)"
                        : "several runs " + runs) + "; set [input] run = N, or [input] dataset to an (N, H, W) dataset");
            }
            runName = runs.get(0);
        } else {
            runName = "run_" + run;
            if (!runs.contains(runName)) {
                throw new UserError(h5.file() + ": no group " + runName + " (runs: " + runs + "); fix [input] run");
            }
        }
        Node det = ((Group) root.get(runName)).getChildren().get(SACLA_DETECTOR);
        if (!(det instanceof Group detGroup)) {
            throw new UserError(h5.file() + ": no group /" + runName + "/" + SACLA_DETECTOR
                    + "; this is not an assembled SACLA run file");
        }
        TreeMap<Long, Dataset> byTag = new TreeMap<>();
        for (Map.Entry<String, Node> e : detGroup.getChildren().entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("tag_")) {
                continue; // detector_info and anything else that is not a shot
            }
            long tag;
            try {
                tag = Long.parseLong(name.substring(4));
            } catch (NumberFormatException ex) {
                throw new UserError(h5.file() + ": group " + name + " is not tag_<number>; rename it");
            }
            Node data = e.getValue() instanceof Group g ? g.getChildren().get("detector_data") : null;
            if (!(data instanceof Dataset ds)) {
                throw new UserError(h5.file() + ": /" + runName + "/" + SACLA_DETECTOR + "/" + name
                        + " has no detector_data dataset; the file may be incomplete");
            }
            byTag.put(tag, ds);
        }
        if (byTag.isEmpty()) {
            throw new UserError(h5.file() + ": /" + runName + "/" + SACLA_DETECTOR + " holds no tag_T groups; "
                    + "the run has no shots");
        }
        long[] tags = new long[byTag.size()];
        List<Dataset> list = new ArrayList<>();
        int i = 0;
        int[] dims = null;
        for (Map.Entry<Long, Dataset> e : byTag.entrySet()) {
            Dataset ds = e.getValue();
            int[] d = ds.getDimensions();
            String where = "/" + runName + "/" + SACLA_DETECTOR + "/tag_" + e.getKey() + "/detector_data";
            if (d.length != 2) {
                throw new UserError(h5.file() + ": " + where + " has shape " + Arrays.toString(d)
                        + " but must be a 2D image (H, W)");
            }
            if (dims != null && !Arrays.equals(d, dims)) {
                throw new UserError(h5.file() + ": " + where + " has shape " + Arrays.toString(d) + " but earlier "
                        + "tags are " + Arrays.toString(dims) + "; all shots must share the detector shape");
            }
            checkNumeric(h5, ds, where);
            dims = d;
            tags[i++] = e.getKey();
            list.add(ds);
        }
        return new ShotFile(h5, tags, list, null, dims[0], dims[1]);
    }

    private static void checkNumeric(H5Reader h5, Dataset ds, String where) {
        Class<?> t = ds.getJavaType();
        if (t != double.class && t != float.class && t != int.class && t != long.class && t != short.class
                && t != byte.class) {
            throw new UserError(h5.file() + ": " + where + " has type " + t.getSimpleName()
                    + " but detector data must be numeric (float32/64 or integer)");
        }
    }

    public long[] tags() {
        return tags.clone();
    }

    public int count() {
        return tags.length;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public Path file() {
        return file;
    }

    /** Shot {@code index} (in tag order) into {@code out} (length height * width), checked for NaN. */
    public double[] read(int index, double[] out) {
        Object data;
        String where = stack != null ? stack.getPath() + "[" + index + "]" : "tag_" + tags[index];
        try {
            data = stack != null ? stack.getData(new long[] {index, 0, 0}, new int[] {1, height, width})
                    : perTag.get(index).getDataFlat();
        } catch (HdfException e) {
            throw new UserError(file + ": cannot read " + where + " (" + e.getMessage()
                    + "); the file may be truncated or use an unsupported filter", e);
        }
        int n = flatten(data, out, 0);
        if (n != out.length) {
            throw new UserError(file + ": " + where + " has " + n + " values, expected " + out.length);
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(out[i])) {
                throw new UserError(file + ": " + where + " has a non-finite value at pixel " + i
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
