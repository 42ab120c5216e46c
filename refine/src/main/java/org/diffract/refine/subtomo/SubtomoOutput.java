package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Writer;
import org.diffract.core.io.MrcFile;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.parallel.PausePoint;
import org.diffract.core.plot.LinePlot;
import org.diffract.core.plot.SlicePlot;

/**
 * The output folder of a refinement, every file atomically. As e2spt_refinemulti writes them: --output
 * (class_avgs.hdf) the class averages of the latest iteration as an EMAN2 HDF stack, with --savesteps also
 * class_avgs_iterNN.hdf; class_membership.txt ("ITERATION i" then "CLASS k: particles", * where a particle
 * moved); sptali_rm_II_KK.json (every particle's xform.align3d and score against reference KK); with --saveali
 * class_ptcl.hdf, the aligned particles with xform.align3d and spt_score; parameters.txt.
 * Ours beside them, per iteration NN (from 01): classes_NN.h5 (dataset "classes" (nref, n, n, n) float32,
 * "counts"), class_KK_NN.mrc (with the voxel size), alignments_NN.h5/.txt, with --saveallalign allalign_NN.h5,
 * with --plots scores_NN.png, PNG central sections class_KK_NN.png of the last iteration (every one with
 * --savesteps), and with --savepreproc ptcls_preproc.hdf / ptcls_preprocfine.hdf. The run's checkpoint.h5 is
 * {@link SubtomoCheckpoint}'s.
 */
public final class SubtomoOutput {
    private final Path dir;
    private final SubtomoOptions o;
    private final int n;
    private final List<int[]> history = new ArrayList<>();

    public SubtomoOutput(Path dir, SubtomoOptions o, int n) {
        this.dir = dir;
        this.o = o;
        this.n = n;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The classes of the iterations before the one a resumed run writes next (from the checkpoint), so its
     * class_membership.txt lists every iteration as an uninterrupted run's does.
     */
    void restoreHistory(List<int[]> earlier) {
        history.clear();
        for (int[] m : earlier) {
            history.add(m.clone());
        }
    }

    /**
     * Removes the temporary files (core.io.AtomicFiles' NAME.tmp-PID-N) that a killed run left in the folder: each
     * is an unfinished copy of a file whose previous version is still whole. Returns how many.
     */
    int removeUnfinished() {
        return AtomicFiles.removeUnfinished(dir);
    }

    public void writeParameters() {
        StringBuilder b = new StringBuilder("# diffract refine subtomo (e2spt_refinemulti options)\n");
        for (Map.Entry<String, String> e : o.values().entrySet()) {
            b.append(e.getKey().substring(2))
                    .append(" = ")
                    .append(e.getValue() == null ? "" : e.getValue())
                    .append('\n');
        }
        AtomicFiles.writeString(dir.resolve("parameters.txt"), b.toString());
    }

    /** The header every image we write in EMAN2 HDF carries. */
    private Map<String, Object> emanHeader(double[] v) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, ss = 0;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        double mean = sum / v.length;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        float apix = (float) o.voxelSize();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("apix_x", apix);
        h.put("apix_y", apix);
        h.put("apix_z", apix);
        h.put("origin_x", 0f);
        h.put("origin_y", 0f);
        h.put("origin_z", 0f);
        h.put("minimum", (float) min);
        h.put("maximum", (float) max);
        h.put("mean", (float) mean);
        h.put("sigma", (float) Math.sqrt(ss / v.length));
        return h;
    }

    void writeIteration(int it, SubtomoRefinement.Result r, int[] previous, boolean last) {
        String tag = String.format(Locale.ROOT, "%02d", it);
        int nref = r.averages().length;
        int np = r.membership().length;
        int n3 = n * n * n;
        float[] classes = new float[nref * n3];
        int[] counts = new int[nref];
        for (int m : r.membership()) {
            counts[m]++;
        }
        for (int k = 0; k < nref; k++) {
            for (int i = 0; i < n3; i++) {
                classes[k * n3 + i] = (float) r.averages()[k][i];
            }
        }
        new H5Writer()
                .put("classes", classes, nref, n, n, n)
                .put("counts", counts, nref)
                .attribute("/", "iteration", it)
                .attribute("/", "apix", o.voxelSize())
                .write(dir.resolve("classes_" + tag + ".h5"));
        PausePoint.at("outputs", it, 0);
        EmanHdfWriter avgs = new EmanHdfWriter(n, n, n);
        for (int k = 0; k < nref; k++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < np; i++) {
                if (r.membership()[i] == k && r.kept()[i]) {
                    members.add(i);
                }
            }
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            Map<String, Object> h = emanHeader(r.averages()[k]);
            h.put("class_ptcl_idxs", idx);
            h.put("spt_ptcl_indxs", idx);
            h.put("class_ptcl_src", o.input);
            h.put("spt_multiplicity", idx.length);
            avgs.add(h);
            String kk = String.format(Locale.ROOT, "%02d", k);
            MrcFile.writeCube(
                    dir.resolve("class_" + kk + "_" + tag + ".mrc"),
                    r.averages()[k],
                    n,
                    o.voxelSize(),
                    "diffract refine subtomo class " + k + " iteration " + it);
            if (last || o.savesteps) {
                SlicePlot.writeCentralSlices(
                        dir.resolve("class_" + kk + "_" + tag + ".png"),
                        r.averages()[k],
                        n,
                        "class " + k + " (" + counts[k] + " particles), iteration " + it,
                        false);
            }
        }
        EmanHdfWriter.ImageData avgData = (k, out) -> {
            for (int i = 0; i < n3; i++) {
                out[i] = (float) r.averages()[k][i];
            }
        };
        avgs.write(dir.resolve(o.output), avgData);
        if (o.savesteps) {
            // e2spt_refinemulti numbers iterations from 0, padded to the digits of --iter
            String eman =
                    String.format(Locale.ROOT, "%0" + Integer.toString(o.iter).length() + "d", it - 1);
            avgs.write(dir.resolve(o.output.replaceAll("(?i)\\.hdf$", "") + "_iter" + eman + ".hdf"), avgData);
        }
        writeTable(dir.resolve("alignments_" + tag), r.best(), r.membership(), previous, r.kept());
        writeJson(it, r);
        if (o.saveallalign) {
            double[] score = new double[np * nref];
            double[] shift = new double[np * nref * 3];
            double[] euler = new double[np * nref * 3];
            double[] xform = new double[np * nref * 12];
            for (int i = 0; i < np; i++) {
                for (int k = 0; k < nref; k++) {
                    Hit h = r.all()[i][k];
                    EmanTransform t = EmanTransform.of(h);
                    score[i * nref + k] = h.score();
                    System.arraycopy(h.shift(), 0, shift, (i * nref + k) * 3, 3);
                    System.arraycopy(t.angles(), 0, euler, (i * nref + k) * 3, 3);
                    System.arraycopy(t.rows(), 0, xform, (i * nref + k) * 12, 12);
                }
            }
            new H5Writer()
                    .put("score", score, np, nref)
                    .put("shift", shift, np, nref, 3)
                    .put("euler", euler, np, nref, 3)
                    .put("xform.align3d", xform, np, nref, 3, 4)
                    .attribute("euler", "convention", "EMAN2 az, alt, phi (degrees) of xform.align3d")
                    .write(dir.resolve("allalign_" + tag + ".h5"));
        }
        if (o.plots) {
            writeScorePlot(dir.resolve("scores_" + tag + ".png"), r, it);
        }
        history.add(r.membership().clone());
        writeMembership(nref);
    }

    private void writeTable(Path base, Hit[] best, int[] membership, int[] previous, boolean[] kept) {
        int np = best.length;
        double[] score = new double[np], dx = new double[np], dy = new double[np], dz = new double[np];
        double[] az = new double[np],
                alt = new double[np],
                phi = new double[np],
                tx = new double[np],
                ty = new double[np];
        double[] tz = new double[np], rot = new double[np * 9], xform = new double[np * 12];
        int[] moved = new int[np], keptI = new int[np];
        StringBuilder t =
                new StringBuilder("# particle score class moved kept | xform.align3d (EMAN2, particle -> average): "
                        + "az alt phi tx ty tz | ours (average rotated by R, shifted by d = particle): dx dy dz\n");
        for (int i = 0; i < np; i++) {
            Hit h = best[i];
            EmanTransform x = EmanTransform.of(h);
            double[] e = x.angles();
            score[i] = h.score();
            dx[i] = h.shift()[0];
            dy[i] = h.shift()[1];
            dz[i] = h.shift()[2];
            az[i] = e[0];
            alt[i] = e[1];
            phi[i] = e[2];
            tx[i] = x.translation()[0];
            ty[i] = x.translation()[1];
            tz[i] = x.translation()[2];
            System.arraycopy(h.rotation(), 0, rot, 9 * i, 9);
            System.arraycopy(x.rows(), 0, xform, 12 * i, 12);
            moved[i] = previous != null && previous[i] != membership[i] ? 1 : 0;
            keptI[i] = kept[i] ? 1 : 0;
            t.append(String.format(
                    Locale.ROOT,
                    "%d %.5f %d %d %d %.3f %.3f %.3f %.3f %.3f %.3f %.3f %.3f %.3f%n",
                    i,
                    score[i],
                    membership[i],
                    moved[i],
                    keptI[i],
                    az[i],
                    alt[i],
                    phi[i],
                    tx[i],
                    ty[i],
                    tz[i],
                    dx[i],
                    dy[i],
                    dz[i]));
        }
        new H5Writer()
                .put("score", score, np)
                .put("class", membership.clone(), np)
                .put("moved", moved, np)
                .put("kept", keptI, np)
                .put("az", az, np)
                .put("alt", alt, np)
                .put("phi", phi, np)
                .put("tx", tx, np)
                .put("ty", ty, np)
                .put("tz", tz, np)
                .put("xform.align3d", xform, np, 3, 4)
                .put("dx", dx, np)
                .put("dy", dy, np)
                .put("dz", dz, np)
                .put("rotation", rot, np, 3, 3)
                .attribute(
                        "/",
                        "xform_convention",
                        "xform.align3d = [M | t] (3x4, EMAN2 Transform) maps the particle onto its "
                                + "class average: x -> M (x - c) + c + t, c = n/2, x = (x, y, z) with x the fastest array index; "
                                + "az, alt, phi = EMAN2 'eman' Euler angles of M, tx, ty, tz = t (voxels)")
                .attribute(
                        "/",
                        "rotation_convention",
                        "particle = class average rotated by 'rotation' R about c, then shifted "
                                + "by (dx, dy, dz) voxels; R = M^T, (dx, dy, dz) = -R t")
                .attribute("/", "apix", o.voxelSize())
                .write(base.resolveSibling(base.getFileName() + ".h5"));
        AtomicFiles.writeString(base.resolveSibling(base.getFileName() + ".txt"), t.toString());
    }

    /**
     * e2spt_refinemulti's sptali_rm_II_KK.json per reference (II the iteration from 0, KK the reference, each
     * zero-padded as it pads them): {"subtomo_i": [xform.align3d, score]} for every particle against that reference,
     * the Transform as EMAN2's JSON writes it and the score with EMAN2's sign (lower is better).
     */
    private void writeJson(int it, SubtomoRefinement.Result r) {
        int nref = r.averages().length, np = r.membership().length;
        String itTag =
                String.format(Locale.ROOT, "%0" + Integer.toString(o.iter).length() + "d", it - 1);
        int ptclDigits = Integer.toString(np).length();
        for (int k = 0; k < nref; k++) {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < np; i++) {
                Hit h = r.all()[i][k];
                double[] m = EmanTransform.of(h).rows();
                b.append(i == 0 ? "\n" : ",\n")
                        .append(String.format(Locale.ROOT, "  \"subtomo_%0" + ptclDigits + "d\": [", i));
                b.append("{\"__class__\": \"Transform\", \"matrix\": [");
                for (int j = 0; j < 12; j++) {
                    b.append(j == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.8g", m[j]));
                }
                b.append("]}, ")
                        .append(String.format(Locale.ROOT, "%.8g", -h.score()))
                        .append(']');
            }
            b.append("\n}\n");
            String kk = String.format(Locale.ROOT, "%0" + Integer.toString(nref).length() + "d", k);
            AtomicFiles.writeString(dir.resolve("sptali_rm_" + itTag + "_" + kk + ".json"), b.toString());
        }
    }

    /** e2spt_refinemulti's class_membership.txt: per iteration (from 0) each class's particles, * where one moved in. */
    private void writeMembership(int nref) {
        StringBuilder b = new StringBuilder();
        for (int it = 0; it < history.size(); it++) {
            if (it > 0) {
                b.append('\n');
            }
            b.append("ITERATION ").append(it).append('\n');
            int[] cur = history.get(it);
            for (int k = 0; k < nref; k++) {
                List<String> members = new ArrayList<>();
                for (int i = 0; i < cur.length; i++) {
                    if (cur[i] == k) {
                        boolean moved = it > 0 && history.get(it - 1)[i] != k;
                        members.add(i + (moved ? "*" : ""));
                    }
                }
                if (!members.isEmpty()) {
                    b.append("CLASS ")
                            .append(k)
                            .append(": ")
                            .append(String.join(",", members))
                            .append('\n');
                }
            }
        }
        AtomicFiles.writeString(dir.resolve("class_membership.txt"), b.toString());
    }

    /** Histogram of the best scores, one line per class. */
    private void writeScorePlot(Path png, SubtomoRefinement.Result r, int it) {
        int bins = 20, nref = r.averages().length;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Hit h : r.best()) {
            lo = Math.min(lo, h.score());
            hi = Math.max(hi, h.score());
        }
        if (!(hi > lo)) {
            hi = lo + 1e-6;
        }
        double[] x = new double[bins];
        for (int b = 0; b < bins; b++) {
            x[b] = lo + (b + 0.5) * (hi - lo) / bins;
        }
        List<LinePlot.Series> series = new ArrayList<>();
        for (int k = 0; k < nref; k++) {
            double[] y = new double[bins];
            for (int i = 0; i < r.best().length; i++) {
                if (r.membership()[i] == k) {
                    y[Math.min(bins - 1, (int) ((r.best()[i].score() - lo) / (hi - lo) * bins))]++;
                }
            }
            series.add(new LinePlot.Series("class " + k, x, y));
        }
        LinePlot.write(
                png,
                "score histogram, iteration " + it,
                "score (" + o.faligncmp + ")",
                List.of(new LinePlot.Panel("particles", false, series)));
    }

    /**
     * --saveali: class_ptcl.hdf, every particle (input order) brought onto its class average, with xform.align3d,
     * spt_score (EMAN2's sign: lower is better), spt_class and the voxel size. All ranks call this; each particle
     * travels from its owner to rank 0, which writes them as they come: no rank holds the whole stack.
     */
    void writeAligned(Communicator comm, LocalParticles local, ClassAssignment a) {
        int np = local.count;
        EmanHdfWriter w = new EmanHdfWriter(n, n, n);
        double[] buf = new double[n * n * n];
        Stream stream = i -> {
            Hit h = a.best()[i];
            return VolumeTransform.align(local.volumes[i - local.lo], n, h.rotation(), h.shift());
        };
        List<Map<String, Object>> headers = new ArrayList<>();
        for (int i = 0; i < np; i++) {
            Map<String, Object> h = new LinkedHashMap<>();
            float apix = (float) o.voxelSize();
            h.put("apix_x", apix);
            h.put("apix_y", apix);
            h.put("apix_z", apix);
            h.put("origin_x", 0f);
            h.put("origin_y", 0f);
            h.put("origin_z", 0f);
            h.put("xform.align3d", EmanTransform.of(a.best()[i]));
            h.put("spt_score", (float) -a.best()[i].score());
            h.put("spt_class", a.membership()[i]);
            h.put("data_source", o.input);
            h.put("data_n", i);
            headers.add(h);
        }
        sendToRankZero(comm, local, np, buf, stream, dir.resolve("class_ptcl.hdf"), w, headers);
    }

    /** --savepreproc: the particles as the coarse (and fine) search sees them, before any rotation. */
    void writePreprocessed(
            Communicator comm, LocalParticles local, ParticleAligner aligner, List<double[]> forAlignment) {
        for (boolean fine : o.fineEnabled() ? new boolean[] {false, true} : new boolean[] {false}) {
            int m = fine ? aligner.fineSize() : aligner.coarseSize();
            List<Map<String, Object>> headers = new ArrayList<>();
            for (int i = 0; i < local.count; i++) {
                Map<String, Object> h = new LinkedHashMap<>();
                float apix = (float) (o.voxelSize() * (o.clip > 0 ? Math.min(o.clip, n) : n) / m);
                h.put("apix_x", apix);
                h.put("apix_y", apix);
                h.put("apix_z", apix);
                h.put("data_n", i);
                headers.add(h);
            }
            Stream stream = i -> aligner.prepare(forAlignment.get(i - local.lo), fine);
            sendToRankZero(
                    comm,
                    local,
                    local.count,
                    new double[m * m * m],
                    stream,
                    dir.resolve(fine ? "ptcls_preprocfine.hdf" : "ptcls_preproc.hdf"),
                    new EmanHdfWriter(m, m, m),
                    headers);
        }
    }

    /** One volume of this rank's particle i (global index). */
    private interface Stream {
        double[] volume(int i);
    }

    private static void sendToRankZero(
            Communicator comm,
            LocalParticles local,
            int np,
            double[] buf,
            Stream stream,
            Path file,
            EmanHdfWriter w,
            List<Map<String, Object>> headers) {
        EmanHdfWriter.ImageData fetch = (i, out) -> {
            int owner = LocalParticles.owner(np, i, comm.size());
            if (owner == comm.rank()) {
                System.arraycopy(stream.volume(i), 0, buf, 0, buf.length);
            }
            comm.broadcast(buf, owner);
            for (int j = 0; out != null && j < buf.length; j++) {
                out[j] = (float) buf[j];
            }
        };
        if (comm.rank() == 0) {
            for (Map<String, Object> h : headers) {
                w.add(h);
            }
            w.write(file, fetch);
        } else {
            for (int i = 0; i < np; i++) {
                fetch.fill(i, null);
            }
        }
    }
}
