package org.diffract.refine.subtomo;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.MrcFile;

/**
 * Opens a stack of cubic volumes for reading one volume at a time: an EMAN2 HDF stack (/MDF/images/i/image
 * with the header as EMAN.* attributes, apix_x and ptcl_source_coord read), a plain HDF5 dataset (N, n, n, n)
 * or (n, n, n) ("volumes" or "data", the only 3D/4D dataset at the root, or {@code FILE.h5:/path}), an MRC
 * stack (nx = ny = n, nz = N n sections; modes 0, 1, 2, 6) or a folder of MRC files (name order).
 */
public final class StackFiles {
    private StackFiles() {}

    public static ParticleSource open(String spec, String option) {
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
            return mrcFolder(file, option);
        }
        if (path == null && isMrc(file)) {
            return new MrcStack(file, option);
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(
                    option + " " + file + ": no such file; give an HDF5 stack of volumes (N, n, n, n), an EMAN2 "
                            + "HDF stack or an MRC stack");
        }
        H5Reader r = H5Reader.open(file);
        try {
            if (path == null && isEman(r)) {
                return new EmanStack(r, option);
            }
            return new Hdf5Stack(r, path, option);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    static boolean isMrc(Path file) {
        String f =
                file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return f.endsWith(".mrc") || f.endsWith(".mrcs") || f.endsWith(".map") || f.endsWith(".rec");
    }

    private static boolean isEman(H5Reader r) {
        try {
            return r.hdf().getByPath("/MDF/images") instanceof Group;
        } catch (HdfException e) {
            return false;
        }
    }

    static double[] checked(double[] v, String option, Object file, int i) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new UserError(option + " " + file + ": volume " + i
                        + " contains NaN or infinite values; fix or drop that volume");
            }
        }
        return v;
    }

    /** Any numeric Java array, nested or flat, as flat doubles in C order. */
    static double[] flatten(Object data, int count) {
        double[] out = new double[count];
        int[] at = {0};
        flattenInto(data, out, at);
        return out;
    }

    private static void flattenInto(Object a, double[] out, int[] at) {
        if (a instanceof float[] f) {
            for (float v : f) {
                out[at[0]++] = v;
            }
        } else if (a instanceof double[] d) {
            System.arraycopy(d, 0, out, at[0], d.length);
            at[0] += d.length;
        } else if (a instanceof Object[] o) {
            for (Object e : o) {
                flattenInto(e, out, at);
            }
        } else if (a != null && a.getClass().isArray()) {
            int len = Array.getLength(a);
            for (int i = 0; i < len; i++) {
                out[at[0]++] = ((Number) Array.get(a, i)).doubleValue();
            }
        } else {
            throw new IllegalArgumentException("not a numeric array: " + a);
        }
    }

    /** A plain HDF5 dataset (N, n, n, n) or (n, n, n), read one volume at a time as a hyperslab. */
    private static final class Hdf5Stack implements ParticleSource {
        private final H5Reader r;
        private final Dataset ds;
        private final String option;
        private final int count;
        private final int n;
        private final boolean four;
        private final double apix;

        Hdf5Stack(H5Reader r, String path, String option) {
            this.r = r;
            this.option = option;
            this.ds = path != null ? r.dataset(path) : find(r, option);
            int[] dims = ds.getDimensions();
            if (dims.length == 4 && dims[1] == dims[2] && dims[2] == dims[3]) {
                count = dims[0];
                n = dims[1];
                four = true;
            } else if (dims.length == 3 && dims[0] == dims[1] && dims[1] == dims[2]) {
                count = 1;
                n = dims[0];
                four = false;
            } else {
                throw new UserError(option + " " + r.file() + ": dataset '" + ds.getPath() + "' has shape "
                        + Arrays.toString(dims) + "; it must be (N, n, n, n) cubes (or one (n, n, n) volume)");
            }
            if (count == 0) {
                throw new UserError(option + " " + r.file() + ": dataset '" + ds.getPath() + "' has shape "
                        + Arrays.toString(dims) + ": no particles; give a stack with at least one volume");
            }
            if (count < 1 || n < 4) {
                throw new UserError(option + " " + r.file() + ": needs at least one volume of edge >= 4, got " + count
                        + " of edge " + n);
            }
            if (ds.getDataType() instanceof io.jhdf.object.datatype.StringData || ds.isCompound()) {
                throw new UserError(
                        option + " " + r.file() + ": dataset '" + ds.getPath() + "' is not numeric; write float32");
            }
            double a = 0;
            for (String key : new String[] {"apix", "apix_x", "voxel_size"}) {
                Attribute at = ds.getAttribute(key);
                if (at != null && number(at.getData()) > 0) {
                    a = number(at.getData());
                    break;
                }
            }
            apix = a;
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public int n() {
            return n;
        }

        @Override
        public double apix() {
            return apix;
        }

        @Override
        public String name() {
            return r.file().toString();
        }

        @Override
        public double[] read(int i) {
            Object data;
            try {
                data = four ? ds.getData(new long[] {i, 0, 0, 0}, new int[] {1, n, n, n}) : ds.getData();
            } catch (RuntimeException e) {
                // HdfException, or what a damaged chunk index makes jhdf throw
                throw new UserError(option + " " + r.file() + ": cannot read volume " + i + " (" + e.getMessage()
                        + "); the file may be truncated: copy it again or re-run the step that wrote it");
            }
            return checked(flatten(data, n * n * n), option, r.file(), i);
        }

        @Override
        public void close() {
            r.close();
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
                throw new UserError(option + " " + r.file() + ": "
                        + (cands.isEmpty() ? "no 3D or 4D dataset" : "several 3D/4D datasets") + " at the root ("
                        + String.join(", ", r.rootNames()) + "); name one as FILE.h5:/path or call it 'volumes'");
            }
            return cands.get(0);
        }
    }

    /** A number from an attribute's data: a boxed number or the first element of an array. */
    static double number(Object v) {
        if (v instanceof Number x) {
            return x.doubleValue();
        }
        if (v != null && v.getClass().isArray() && Array.getLength(v) > 0 && Array.get(v, 0) instanceof Number x) {
            return x.doubleValue();
        }
        return 0;
    }

    /** An EMAN2 HDF stack: /MDF/images/i/image of shape (n, n, n) with the header on the group i. */
    private static final class EmanStack implements ParticleSource {
        private final H5Reader r;
        private final String option;
        private final int count;
        private final int n;
        private final double apix;

        EmanStack(H5Reader r, String option) {
            this.r = r;
            this.option = option;
            Group images = (Group) r.hdf().getByPath("/MDF/images");
            Attribute max = images.getAttribute("imageid_max");
            int c = max != null ? (int) number(max.getData()) + 1 : 0;
            if (c <= 0) {
                c = 0;
                while (images.getChildren().containsKey(Integer.toString(c))) {
                    c++;
                }
            }
            count = c;
            if (count < 1) {
                throw new UserError(option + " " + r.file() + ": the EMAN2 stack /MDF/images holds no image");
            }
            int[] dims = image(0).getDimensions();
            if (dims.length != 3 || dims[0] != dims[1] || dims[1] != dims[2] || dims[0] < 4) {
                throw new UserError(option + " " + r.file() + ": image 0 has shape " + Arrays.toString(dims)
                        + "; subtomograms must be cubes (n, n, n) with n >= 4");
            }
            n = dims[0];
            Map<String, Object> h0 = header(0);
            apix = h0.containsKey("apix_x") ? number(h0.get("apix_x")) : 0;
        }

        private Dataset image(int i) {
            Node node;
            try {
                node = r.hdf().getByPath("/MDF/images/" + i + "/image");
            } catch (HdfException e) {
                node = null;
            }
            if (!(node instanceof Dataset ds)) {
                throw new UserError(option + " " + r.file() + ": EMAN2 stack has no /MDF/images/" + i
                        + "/image; the stack has " + "a gap or is truncated");
            }
            return ds;
        }

        /** The image's EMAN2 header: the group's attributes without the "EMAN." prefix, values as jhdf reads them. */
        Map<String, Object> header(int i) {
            Map<String, Object> h = new LinkedHashMap<>();
            Node g = r.hdf().getByPath("/MDF/images/" + i);
            for (Map.Entry<String, Attribute> e : g.getAttributes().entrySet()) {
                String key = e.getKey().startsWith("EMAN.") ? e.getKey().substring(5) : e.getKey();
                h.put(key, e.getValue().getData());
            }
            return h;
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public int n() {
            return n;
        }

        @Override
        public double apix() {
            return apix;
        }

        @Override
        public String name() {
            return r.file().toString();
        }

        @Override
        public double[] read(int i) {
            Dataset ds = image(i);
            int[] dims = ds.getDimensions();
            if (dims.length != 3 || dims[0] != n || dims[1] != n || dims[2] != n) {
                throw new UserError(option + " " + r.file() + ": image " + i + " has shape " + Arrays.toString(dims)
                        + " but image 0 is " + n + "^3; all particles need one box size");
            }
            try {
                return checked(flatten(ds.getData(), n * n * n), option, r.file(), i);
            } catch (HdfException e) {
                throw new UserError(option + " " + r.file() + ": cannot read image " + i + " (" + e.getMessage() + ")");
            }
        }

        @Override
        public double[] sourceCoord(int i) {
            Object v = header(i).get("ptcl_source_coord");
            if (v == null || !v.getClass().isArray() || Array.getLength(v) < 1) {
                return null;
            }
            double[] c = new double[Array.getLength(v)];
            for (int k = 0; k < c.length; k++) {
                c[k] = ((Number) Array.get(v, k)).doubleValue();
            }
            return c;
        }

        @Override
        public EmanTransform xform(int i) {
            Object v = header(i).get("xform.align3d");
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            double[] rows = new double[12];
            for (int k = 0; k < 12; k++) {
                Object e = m.get((k / 4) + "" + (k % 4));
                if (e == null) {
                    return null;
                }
                rows[k] = number(e);
            }
            return EmanTransform.fromRows(rows);
        }

        @Override
        public void close() {
            r.close();
        }
    }

    /** An MRC stack: volume i is sections [i n, (i + 1) n). */
    private static final class MrcStack implements ParticleSource {
        private final Path file;
        private final String option;
        private final int n;
        private final int count;
        private final double apix;

        MrcStack(Path file, String option) {
            this.file = file;
            this.option = option;
            if (!Files.isRegularFile(file)) {
                throw new UserError(
                        option + " " + file + ": no such file; give an MRC stack (nz = N * n sections of n x n)");
            }
            MrcFile.Grid g = call(() -> MrcFile.header(file));
            n = g.nx();
            if (g.ny() != n || g.nz() % n != 0 || n < 4) {
                throw new UserError(option + " " + file + ": MRC map is " + g.nx() + " x " + g.ny() + " x " + g.nz()
                        + " (x, y, z); a stack of cubes needs nx = ny = n >= 4 and nz a multiple of n");
            }
            count = g.nz() / n;
            apix = g.voxelSize();
        }

        private <T> T call(Supplier<T> s) {
            try {
                return s.get();
            } catch (UserError e) {
                throw new UserError(option + " " + e.getMessage());
            }
        }

        @Override
        public int count() {
            return count;
        }

        @Override
        public int n() {
            return n;
        }

        @Override
        public double apix() {
            return apix;
        }

        @Override
        public String name() {
            return file.toString();
        }

        @Override
        public double[] read(int i) {
            return call(() -> MrcFile.readSections(file, i * n, n)).values();
        }
    }

    private static ParticleSource mrcFolder(Path dir, String option) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && isMrc(p)).sorted().toList();
        } catch (IOException e) {
            throw new UserError(option + " " + dir + ": cannot list the folder (" + e.getMessage() + ")");
        }
        if (files.isEmpty()) {
            throw new UserError(
                    option + " " + dir + ": folder holds no .mrc/.mrcs/.map/.rec files; give one file per particle");
        }
        List<MrcStack> stacks = new ArrayList<>();
        for (Path f : files) {
            MrcStack one = new MrcStack(f, option);
            if (!stacks.isEmpty() && one.n() != stacks.get(0).n()) {
                throw new UserError(option + " " + f + ": volumes are " + one.n() + "^3 but "
                        + files.get(0).getFileName() + " has " + stacks.get(0).n()
                        + "^3; all particles need one box size");
            }
            stacks.add(one);
        }
        int[] first = new int[stacks.size() + 1];
        for (int k = 0; k < stacks.size(); k++) {
            first[k + 1] = first[k] + stacks.get(k).count();
        }
        return new ParticleSource() {
            @Override
            public int count() {
                return first[stacks.size()];
            }

            @Override
            public int n() {
                return stacks.get(0).n();
            }

            @Override
            public double apix() {
                return stacks.get(0).apix();
            }

            @Override
            public String name() {
                return dir.toString();
            }

            @Override
            public double[] read(int i) {
                int k = 0;
                while (first[k + 1] <= i) {
                    k++;
                }
                return stacks.get(k).read(i - first[k]);
            }
        };
    }
}
