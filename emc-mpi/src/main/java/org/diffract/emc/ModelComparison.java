package org.diffract.emc;

import java.util.Locale;

import org.diffract.core.UserError;
import org.diffract.core.io.VolumeFile;
import org.diffract.core.parallel.WorkerPool;
import org.diffract.core.stats.ShellCorrelation;
import org.diffract.core.volume.VolumeAlignment;

/**
 * How close a reconstructed intensity is to a reference, after the best rotation (EMC's result has an
 * arbitrary overall orientation): correlation per resolution shell. Callable without MPJ ({@code emc
 * compare}, {@code emc bench --quality}).
 *
 * <p>A reference of another size is accepted when it shares the model's centre voxel (n/2 in each
 * direction, Dragonfly's and our convention): it is padded with zeros or cropped to the model's size
 * around that centre. Dragonfly's make_intensities writes 211^3 (centre 105) for the 213^3 (centre 106)
 * model of its 1EI7 example: padded by one voxel on each side.
 */
public final class ModelComparison {
    private ModelComparison() {}

    /**
     * @param shells      correlation per shell s = 1 .. numShells, covering [0, rMax] in equal widths
     * @param judged      false for shells that reach inside rMin (voxels no pixel measured)
     * @param quaternion  the rotation applied to the model
     * @param correlation overall correlation over rMin <= r <= rMax after the rotation
     * @param resized     how the reference was padded or cropped, or null when it had the model's size
     */
    public record Result(
            double[] shells, boolean[] judged, double rMax, double[] quaternion, double correlation, String resized) {
        /** The lowest correlation over judged shells (NaN shells ignored). */
        public double worst() {
            double w = Double.POSITIVE_INFINITY;
            for (int s = 0; s < shells.length; s++) {
                if (judged[s] && !Double.isNaN(shells[s])) {
                    w = Math.min(w, shells[s]);
                }
            }
            return w;
        }

        /** The report `emc compare` prints. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            if (resized != null) {
                sb.append(resized).append('\n');
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "best rotation q = (%.4f, %.4f, %.4f, %.4f), overall correlation %.4f%n",
                    quaternion[0],
                    quaternion[1],
                    quaternion[2],
                    quaternion[3],
                    correlation));
            int k = shells.length;
            for (int s = 0; s < k; s++) {
                double lo = rMax * s / k;
                double hi = rMax * (s + 1) / k;
                sb.append(String.format(
                        Locale.ROOT,
                        "shell %2d  r %5.1f-%5.1f voxels  correlation %.4f%s%n",
                        s + 1,
                        lo,
                        hi,
                        shells[s],
                        judged[s] ? "" : "  (inside rmin, not judged)"));
            }
            sb.append(String.format(Locale.ROOT, "lowest shell correlation %.4f%n", worst()));
            return sb.toString();
        }
    }

    /** Reads both files and compares; rMax null = the largest sphere inside the model's cube (n/2 - 1). */
    public static Result compare(
            VolumeFile.Cube model,
            VolumeFile.Cube reference,
            int numShells,
            double rMin,
            Double rMax,
            WorkerPool pool) {
        int n = model.n();
        String resized = null;
        double[] ref = reference.data();
        if (reference.n() != n) {
            ref = recentre(reference.data(), reference.n(), n);
            resized = String.format(
                    Locale.ROOT,
                    "reference %s from %d^3 to %d^3 around the centre voxel (%d -> %d)",
                    reference.n() < n ? "padded" : "cropped",
                    reference.n(),
                    n,
                    reference.n() / 2,
                    n / 2);
        }
        double outer = rMax != null ? rMax : n / 2 - 1;
        if (!(outer > rMin) || outer > n / 2.0) {
            throw new UserError(
                    "--rmax " + outer + " must exceed --rmin " + rMin + " and fit in the " + n + "^3 model");
        }
        VolumeAlignment.Result a = VolumeAlignment.align(model.data(), ref, n, 6, rMin, outer, pool);
        double[] cc = ShellCorrelation.compute(a.aligned(), ref, n, numShells, outer);
        boolean[] judged = new boolean[numShells];
        for (int s = 0; s < numShells; s++) {
            judged[s] = outer * s / numShells >= rMin;
        }
        return new Result(cc, judged, outer, a.quaternion(), a.correlation(), resized);
    }

    /**
     * A cube of edge {@code from} placed in a cube of edge {@code to} so that centre voxels from/2 and to/2
     * coincide: padded with zeros when smaller, cropped when larger.
     */
    static double[] recentre(double[] vol, int from, int to) {
        double[] out = new double[to * to * to];
        int shift = to / 2 - from / 2;
        for (int x = 0; x < to; x++) {
            int sx = x - shift;
            if (sx < 0 || sx >= from) {
                continue;
            }
            for (int y = 0; y < to; y++) {
                int sy = y - shift;
                if (sy < 0 || sy >= from) {
                    continue;
                }
                for (int z = 0; z < to; z++) {
                    int sz = z - shift;
                    if (sz >= 0 && sz < from) {
                        out[(x * to + y) * to + z] = vol[(sx * from + sy) * from + sz];
                    }
                }
            }
        }
        return out;
    }
}
