package org.diffract.correlate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.io.H5Reader;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;

/**
 * The {@code polar} step, as RingData's InterpSimple: every shot resampled onto rings qmin..qmax around the
 * beam centre and each ring normalised by its unmasked mean. Ranks take contiguous blocks of shots; rank 0
 * writes {@code polar.h5} and {@code polar.png}.
 */
final class PolarStep {
    private static final Logger LOG = LogManager.getLogger(PolarStep.class);

    private final CorrelateSettings s;
    private final Communicator comm;

    PolarStep(CorrelateSettings settings, Communicator comm) {
        this.s = settings;
        this.comm = comm;
    }

    /** Resamples every shot; ranks take contiguous blocks of shots and the images are summed to all ranks. */
    PolarData run(double[] centre) {
        QMapping qm = s.geometry().qMapping();
        CorrelateSettings.Polar o = s.polar();
        double rmin = qm.invang2pix(o.qmin());
        double rmax = qm.invang2pix(o.qmax());
        int nq = (int) Math.floor(rmax - rmin) + 1;
        int nphi = o.nphi() > 0 ? o.nphi() : (int) (2 * Math.PI * rmax);
        try (ShotFile shots = s.openShots()) {
            int nx = shots.width();
            int ny = shots.height();
            byte[] detMask = DetectorMask.read(s.input().maskFile(), ny, nx);
            PolarGrid grid = new PolarGrid(nx, ny, detMask, centre[0], centre[1], rmin, nq, nphi, o.interpolation());
            byte[] mask = grid.mask();
            int good = 0;
            for (byte b : mask) {
                good += b;
            }
            if (good == 0) {
                throw new UserError(s.name() + ": no good polar sample: rings " + String.format(Locale.ROOT,
                        "%.1f..%.1f", rmin, rmax) + " px around (" + centre[0] + ", " + centre[1] + ") miss the "
                        + "detector or its mask; check [polar] qmin/qmax and the centre");
            }
            int n = s.usable(shots.count());
            long[] tags = Arrays.copyOf(shots.tags(), n);
            int per = nq * nphi;
            if ((long) n * per > Integer.MAX_VALUE) {
                throw new UserError(s.name() + ": " + n + " shots x " + per + " polar samples is too many for one "
                        + "run; set [input] max_shots or narrow qmin..qmax");
            }
            double[] polar = new double[n * per];
            int from = (int) ((long) n * comm.rank() / comm.size());
            int to = (int) ((long) n * (comm.rank() + 1) / comm.size());
            double[] img = new double[nx * ny];
            int report = Math.max(1, (to - from) / 10);
            LOG.info("polar: {} shots, {} rings x {} angles ({} interpolation), centre ({}, {}), {} rank(s)", n, nq,
                    nphi, o.interpolation().name().toLowerCase(Locale.ROOT), centre[0], centre[1], comm.size());
            for (int i = from; i < to; i++) {
                shots.read(i, img);
                grid.resample(img, polar, i * per);
                if ((i - from + 1) % report == 0) {
                    LOG.info("polar: {}/{} of this rank's shots", i - from + 1, to - from);
                }
            }
            comm.allreduceSum(polar);
            double[] normalized = polar.clone();
            for (int i = 0; i < n; i++) {
                PolarGrid.normalizeRings(normalized, i * per, mask, nq, nphi);
            }
            double[] radii = grid.radii();
            double[] q = new double[nq];
            for (int k = 0; k < nq; k++) {
                q[k] = qm.pix2invang(radii[k]);
            }
            PolarData p = new PolarData(tags, polar, normalized, mask, nq, nphi, radii, q, centre[0], centre[1]);
            if (comm.rank() == 0) {
                s.createOutputFolder();
                polarFields(new H5Writer(), p, s).write(s.polarFile());
                CorrelatePlots.polarImage(s.outputFolder().resolve("polar.png"), p, 0);
                LOG.info("polar: wrote {}", s.polarFile());
            }
            return p;
        }
    }

    static H5Writer polarFields(H5Writer w, PolarData p, CorrelateSettings s) {
        int n = p.shots();
        CorrelateSettings.Geometry g = s.geometry();
        return w.put("polar_data", p.polar(), n, p.nq(), p.nphi())
                .put("normalized_polar_data", p.normalized(), n, p.nq(), p.nphi())
                .putUnsigned("polar_mask", reshape(p.mask(), p.nq(), p.nphi()))
                .put("x_center", p.xCenter()).put("y_center", p.yCenter())
                .put("q_ring", p.q()).put("ring_radius_pix", p.radii()).put("num_phi", p.nphi())
                .put("wavelen", g.wavelen()).put("pixsize", g.pixsize()).put("detdist", g.detdist())
                .put("q_mapping", p.qMappingTable(), p.nq(), 3).put("tag_map", p.tags())
                .attribute("polar_mask", "convention", "1 = good sample, 0 = masked")
                .attribute("q_mapping", "columns", "ring index, radius (pixels), q (1/A)")
                .attribute("q_ring", "units", "1/A");
    }

    private static byte[][] reshape(byte[] flat, int rows, int cols) {
        byte[][] out = new byte[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    /** Reads what the polar step wrote. */
    static PolarData readPolar(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no polar file; run 'diffract correlate polar' first");
        }
        try (H5Reader r = H5Reader.open(file)) {
            long[] tags = r.integers("tag_map");
            long[] m = r.integers("polar_mask");
            int[] dims = r.dataset("polar_mask").getDimensions();
            int nq = dims[0];
            int nphi = dims[1];
            byte[] mask = new byte[m.length];
            for (int i = 0; i < m.length; i++) {
                mask[i] = (byte) m[i];
            }
            double[] polar = r.doubles("polar_data");
            double[] norm = r.doubles("normalized_polar_data");
            if (polar.length != (long) tags.length * nq * nphi || norm.length != polar.length) {
                throw new UserError(file + ": polar_data does not match tag_map and polar_mask; rerun the polar step");
            }
            return new PolarData(tags, polar, norm, mask, nq, nphi, r.doubles("ring_radius_pix"), r.doubles("q_ring"),
                    r.scalar("x_center", Double.NaN), r.scalar("y_center", Double.NaN));
        }
    }
}
