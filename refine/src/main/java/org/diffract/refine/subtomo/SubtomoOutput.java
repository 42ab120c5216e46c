package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.diffract.core.io.AtomicFiles;
import org.diffract.core.io.H5Writer;
import org.diffract.core.io.MrcFile;
import org.diffract.core.plot.SlicePlot;

/**
 * The output folder of a refinement (rank 0 writes it), every file atomically:
 * parameters.txt; per iteration NN: classes_NN.h5 (dataset "classes" (nref, n, n, n) float32, "counts")
 * and class_KK_NN.mrc, alignments_NN.h5 and alignments_NN.txt (score, dx, dy, dz, az, alt, phi, class,
 * moved, kept per particle), with --saveallalign allalign_NN.h5 (every particle against every reference);
 * class_membership.txt (class per particle for every iteration so far, * where it moved); PNG central
 * sections class_KK_NN.png of the last iteration (of every iteration with --savesteps); with --saveali
 * aligned_NN.h5.
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

    public void writeParameters() {
        StringBuilder b = new StringBuilder("# diffract refine subtomo (e2spt_refinemulti options)\n");
        for (Map.Entry<String, String> e : o.values().entrySet()) {
            b.append(e.getKey().substring(2)).append(" = ").append(e.getValue() == null ? "" : e.getValue()).append('\n');
        }
        AtomicFiles.writeString(dir.resolve("parameters.txt"), b.toString());
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
        new H5Writer().put("classes", classes, nref, n, n, n).put("counts", counts, nref)
                .attribute("/", "iteration", it).write(dir.resolve("classes_" + tag + ".h5"));
        for (int k = 0; k < nref; k++) {
            String kk = String.format(Locale.ROOT, "%02d", k);
            MrcFile.writeCube(dir.resolve("class_" + kk + "_" + tag + ".mrc"), r.averages()[k], n, 1.0,
                    "diffract refine subtomo class " + k + " iteration " + it);
            if (last || o.savesteps) {
                SlicePlot.writeCentralSlices(dir.resolve("class_" + kk + "_" + tag + ".png"), r.averages()[k], n,
                        "class " + k + " (" + counts[k] + " particles), iteration " + it, false);
            }
        }
        writeTable(dir.resolve("alignments_" + tag), r.best(), r.membership(), previous, r.kept());
        if (o.saveallalign) {
            double[] score = new double[np * nref];
            double[] shift = new double[np * nref * 3];
            double[] euler = new double[np * nref * 3];
            for (int i = 0; i < np; i++) {
                for (int k = 0; k < nref; k++) {
                    Hit h = r.all()[i][k];
                    score[i * nref + k] = h.score();
                    System.arraycopy(h.shift(), 0, shift, (i * nref + k) * 3, 3);
                    System.arraycopy(Rotations.toEuler(h.rotation()), 0, euler, (i * nref + k) * 3, 3);
                }
            }
            new H5Writer().put("score", score, np, nref).put("shift", shift, np, nref, 3).put("euler", euler, np, nref, 3)
                    .attribute("euler", "convention", "EMAN2 az, alt, phi (degrees)")
                    .write(dir.resolve("allalign_" + tag + ".h5"));
        }
        history.add(r.membership().clone());
        writeMembership();
    }

    private void writeTable(Path base, Hit[] best, int[] membership, int[] previous, boolean[] kept) {
        int np = best.length;
        double[] score = new double[np], dx = new double[np], dy = new double[np], dz = new double[np];
        double[] az = new double[np], alt = new double[np], phi = new double[np], rot = new double[np * 9];
        int[] moved = new int[np], keptI = new int[np];
        StringBuilder t = new StringBuilder("# particle score dx dy dz az alt phi class moved kept\n");
        for (int i = 0; i < np; i++) {
            Hit h = best[i];
            double[] e = Rotations.toEuler(h.rotation());
            score[i] = h.score();
            dx[i] = h.shift()[0];
            dy[i] = h.shift()[1];
            dz[i] = h.shift()[2];
            az[i] = e[0];
            alt[i] = e[1];
            phi[i] = e[2];
            System.arraycopy(h.rotation(), 0, rot, 9 * i, 9);
            moved[i] = previous != null && previous[i] != membership[i] ? 1 : 0;
            keptI[i] = kept[i] ? 1 : 0;
            t.append(String.format(Locale.ROOT, "%d %.5f %.3f %.3f %.3f %.2f %.2f %.2f %d %d %d%n", i, score[i], dx[i], dy[i],
                    dz[i], az[i], alt[i], phi[i], membership[i], moved[i], keptI[i]));
        }
        new H5Writer().put("score", score, np).put("dx", dx, np).put("dy", dy, np).put("dz", dz, np)
                .put("az", az, np).put("alt", alt, np).put("phi", phi, np).put("class", membership.clone(), np)
                .put("moved", moved, np).put("kept", keptI, np).put("rotation", rot, np, 3, 3)
                .attribute("/", "euler_convention", "EMAN2: R = Rz(phi) Rx(alt) Rz(az), degrees")
                .attribute("/", "model", "particle = class average rotated by R about the box centre n/2, then shifted by (dx, dy, dz) voxels")
                .write(base.resolveSibling(base.getFileName() + ".h5"));
        AtomicFiles.writeString(base.resolveSibling(base.getFileName() + ".txt"), t.toString());
    }

    private void writeMembership() {
        int np = history.get(0).length;
        StringBuilder b = new StringBuilder("# particle");
        for (int it = 1; it <= history.size(); it++) {
            b.append(" iter").append(String.format(Locale.ROOT, "%02d", it));
        }
        b.append("   (* = moved since the previous iteration)\n");
        for (int i = 0; i < np; i++) {
            b.append(i);
            for (int it = 0; it < history.size(); it++) {
                int c = history.get(it)[i];
                boolean moved = it > 0 && history.get(it - 1)[i] != c;
                b.append(' ').append(c).append(moved ? "*" : "");
            }
            b.append('\n');
        }
        AtomicFiles.writeString(dir.resolve("class_membership.txt"), b.toString());
    }

    void writeAligned(int it, double[][] aligned) {
        int np = aligned.length, n3 = n * n * n;
        float[] flat = new float[np * n3];
        for (int i = 0; i < np; i++) {
            for (int j = 0; j < n3; j++) {
                flat[i * n3 + j] = (float) aligned[i][j];
            }
        }
        new H5Writer().put("volumes", flat, np, n, n, n).write(dir.resolve(String.format(Locale.ROOT, "aligned_%02d.h5", it)));
    }
}
