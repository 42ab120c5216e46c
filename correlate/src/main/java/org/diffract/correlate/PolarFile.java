package org.diffract.correlate;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5RowReader;
import org.diffract.core.io.H5Writer;

/**
 * polar.h5 as RingData's interpolate_run lays it out: {@code polar_data} and {@code normalized_polar_data}
 * (N, nq, nphi) float64, {@code polar_mask} (nq, nphi) uint8, {@code x_center}, {@code y_center},
 * {@code num_phi}, {@code wavelen}, {@code pixsize}, {@code detdist}, {@code q_mapping} (nq, 2: ring index, q), plus our
 * {@code q_ring}, {@code ring_radius_pix} and {@code tag_map} (N) int64 (the tag of each shot index).
 * Read a shot at a time: the stacks can be far larger than memory.
 */
final class PolarFile implements PolarImages, AutoCloseable {
    static final String RAW = "polar_data";
    static final String NORMALIZED = "normalized_polar_data";

    private final PolarMeta meta;
    private final H5RowReader rows;

    private PolarFile(PolarMeta meta, H5RowReader rows) {
        this.meta = meta;
        this.rows = rows;
    }

    /** Everything but the stacks, with the run's geometry. */
    static H5Writer metaFields(H5Writer w, PolarMeta m, CorrelateSettings.Geometry g) {
        return w.putUnsigned("polar_mask", reshape(m.mask(), m.nq(), m.nphi()))
                .put("x_center", m.xCenter())
                .put("y_center", m.yCenter())
                .put("q_ring", m.q())
                .put("ring_radius_pix", m.radii())
                .put("num_phi", m.nphi())
                .put("wavelen", g.wavelen())
                .put("pixsize", g.pixsize())
                .put("detdist", g.detdist())
                .put("q_mapping", m.qMappingTable(), m.nq(), 2)
                .put("tag_map", m.tags())
                .attribute("polar_mask", "convention", "1 = good sample, 0 = masked")
                .attribute("q_mapping", "columns", "ring index, q (1/A)")
                .attribute("q_ring", "units", "1/A");
    }

    private static byte[][] reshape(byte[] flat, int rows, int cols) {
        byte[][] out = new byte[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    /** RingData's tag map beside the polar file: {@code {"tag_N": index, ...}} as json.dump writes a dict. */
    static void writeTagMap(Path file, long[] tags) {
        StringBuilder sb = new StringBuilder(tags.length * 24).append('{');
        for (int i = 0; i < tags.length; i++) {
            sb.append(i == 0 ? "" : ", ")
                    .append('"')
                    .append(TagNames.name(tags[i]))
                    .append("\": ")
                    .append(i);
        }
        AtomicFiles.writeString(file, sb.append('}').toString());
    }

    /** The tag map's name beside {@code polarFile}: the same stem, as RingData's prefix.hdf5 and prefix.json. */
    static Path tagMapFile(Path polarFile) {
        String name = polarFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return polarFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }

    /** Opens what the polar step wrote, checking the stacks agree with tag_map and polar_mask. */
    static PolarFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no polar file; run 'diffract correlate polar' first");
        }
        PolarMeta meta;
        try (H5Reader r = H5Reader.open(file)) {
            long[] tags = r.integers("tag_map");
            long[] m = r.integers("polar_mask");
            int[] dims = r.dataset("polar_mask").getDimensions();
            if (dims.length != 2) {
                throw new UserError(file + ": polar_mask must be (nq, nphi); rerun the polar step");
            }
            byte[] mask = new byte[m.length];
            for (int i = 0; i < m.length; i++) {
                mask[i] = (byte) m[i];
            }
            meta = new PolarMeta(
                    tags,
                    mask,
                    dims[0],
                    dims[1],
                    r.doubles("ring_radius_pix"),
                    r.doubles("q_ring"),
                    r.scalar("x_center", Double.NaN),
                    r.scalar("y_center", Double.NaN));
        }
        H5RowReader rows = H5RowReader.open(file, NORMALIZED);
        int[] d = rows.dims();
        if (d.length != 3 || d[0] != meta.shots() || d[1] != meta.nq() || d[2] != meta.nphi()) {
            rows.close();
            throw new UserError(
                    file + ": " + NORMALIZED + " does not match tag_map and polar_mask; rerun the polar " + "step");
        }
        return new PolarFile(meta, rows);
    }

    PolarMeta meta() {
        return meta;
    }

    @Override
    public void readNormalized(int shot, double[] out) {
        rows.read(shot, out, 0);
    }

    @Override
    public void close() {
        rows.close();
    }
}
