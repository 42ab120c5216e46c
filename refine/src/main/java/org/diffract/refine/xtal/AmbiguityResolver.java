package org.diffract.refine.xtal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.parallel.Communicator;

/**
 * Chooses each crystal's indexing setting ({@link IndexingAmbiguity}) as prime's indexing_ambiguity step
 * does: with a reference (index_basis_in, else [main] model), the setting whose intensities correlate best
 * with it. Without one, the Brehm-Diederichs algorithm (Acta Cryst. D70, 101, 2014; their algorithm 2) on a
 * selection of crystals: from random settings, each crystal in turn takes the setting that maximises the
 * sum of its correlations with all others in their current settings, until nothing changes. The
 * selection (prime's n_selected_frames crystals with the most reflections among n_sample_frames spread
 * over the stream) is then merged into the reference every crystal is resolved against. The absolute
 * setting is free; we keep the one most selected crystals already had. Correlations use the
 * [indexing_ambiguity] resolution range and sigma cut.
 */
final class AmbiguityResolver {
    private static final Logger LOG = LogManager.getLogger(AmbiguityResolver.class);

    private final XtalSettings settings;
    private final IndexingAmbiguity ambiguity;
    private final HklIndex index;
    private final Communicator comm;

    AmbiguityResolver(XtalSettings settings, IndexingAmbiguity ambiguity, Communicator comm) {
        this.settings = settings;
        this.ambiguity = ambiguity;
        this.comm = comm;
        XtalSettings.Ambiguity a = settings.ambiguity();
        this.index = new HklIndex(new Asu(settings.spaceGroup()), settings.targetCell(), a.dMin(), a.dMax());
    }

    /** The index the reference must be laid out on. */
    HklIndex index() {
        return index;
    }

    /**
     * Each crystal's setting (by stream index; entries of other ranks' crystals are 0) against the reference
     * on {@link #index()}, or by Brehm-Diederichs when it is null. {@code total} is the number of crystals.
     */
    int[] resolve(double[] reference, int total) {
        double[] ref = reference;
        if (ref == null) {
            ref = selfReference(total);
            if (ref == null) {
                LOG.warn(
                        "indexing ambiguity: too few crystals with reflections between {} and {} A to resolve it; "
                                + "every crystal keeps its indexing",
                        settings.ambiguity().dMax(),
                        settings.ambiguity().dMin());
                return new int[total];
            }
        }
        final double[] r = ref;
        int[] setting = new int[total];
        double[] tally = new double[ambiguity.size() + 1]; // crystals per setting, undetermined
        int rank = comm.rank(), size = comm.size();
        Settings mine = new Settings(ambiguity.size());
        CrystfelStream.read(settings.data(), i -> i % size == rank, c -> {
            mine.fill(c, index, ambiguity, settings.ambiguity().sigmaMin());
            int best = 0;
            double bestCc = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < ambiguity.size(); a++) {
                double cc = mine.ccWith(a, r);
                if (cc > bestCc) {
                    bestCc = cc;
                    best = a;
                }
            }
            if (bestCc == Double.NEGATIVE_INFINITY) {
                tally[ambiguity.size()]++;
                return;
            }
            setting[c.index()] = best;
            tally[best]++;
        });
        comm.allreduceSum(tally);
        StringBuilder sb = new StringBuilder();
        for (int a = 0; a < ambiguity.size(); a++) {
            sb.append(a == 0 ? "" : ", ").append((int) tally[a]).append(" as ").append(ambiguity.label(a));
        }
        LOG.info(
                "indexing ambiguity ({} settings, {}): {}{}",
                ambiguity.size(),
                reference != null ? "against the " + "reference" : "Brehm-Diederichs",
                sb,
                tally[ambiguity.size()] > 0
                        ? ", " + (int) tally[ambiguity.size()] + " undetermined (kept as indexed)"
                        : "");
        return setting;
    }

    /** A crystal's reflections in every setting, as sorted (unique, intensity) lists for correlations. */
    static final class Settings {
        int[][] unique;
        double[][] value;
        int n;
        private final int[] scratch = new int[3];

        Settings(int k) {
            unique = new int[k][];
            value = new double[k][];
        }

        void fill(Crystal c, HklIndex index, IndexingAmbiguity amb, double sigmaMin) {
            int k = amb.size();
            long[] packed = new long[c.size()];
            for (int a = 0; a < k; a++) {
                int[] m = amb.op(a);
                int cnt = 0;
                for (int i = 0; i < c.size(); i++) {
                    double sig = c.sigma()[i], in = c.intensity()[i];
                    if (!(sig > 0) || in / sig < sigmaMin) {
                        continue;
                    }
                    int h = c.h()[i], kk = c.k()[i], l = c.l()[i];
                    int u = index.find(
                            h * m[0] + kk * m[3] + l * m[6],
                            h * m[1] + kk * m[4] + l * m[7],
                            h * m[2] + kk * m[5] + l * m[8],
                            scratch);
                    if (u >= 0) {
                        // sort by unique number, keep the observation with it
                        packed[cnt++] = ((long) u << 32) | i;
                    }
                }
                Arrays.sort(packed, 0, cnt);
                unique[a] = new int[cnt];
                value[a] = new double[cnt];
                for (int j = 0; j < cnt; j++) {
                    unique[a][j] = (int) (packed[j] >>> 32);
                    value[a][j] = c.intensity()[(int) packed[j]];
                }
            }
            n = unique[0].length;
        }

        /** Pearson correlation of setting a with a dense reference (NaN entries skipped); -inf below 3 pairs. */
        double ccWith(int a, double[] ref) {
            int m = 0;
            double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
            for (int j = 0; j < unique[a].length; j++) {
                double y = ref[unique[a][j]];
                if (!Double.isFinite(y)) {
                    continue;
                }
                double x = value[a][j];
                m++;
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
            }
            double cc = MergeStatistics.pearson(m, sx, sy, sxx, syy, sxy);
            return Double.isFinite(cc) ? cc : Double.NEGATIVE_INFINITY;
        }
    }

    /** Correlation of two sorted lists over their common reflections (NaN below 3). */
    static double cc(int[] ua, double[] va, int[] ub, double[] vb) {
        int i = 0, j = 0, m = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        while (i < ua.length && j < ub.length) {
            if (ua[i] < ub[j]) {
                i++;
            } else if (ua[i] > ub[j]) {
                j++;
            } else {
                double x = va[i++], y = vb[j++];
                m++;
                sx += x;
                sy += y;
                sxx += x * x;
                syy += y * y;
                sxy += x * y;
            }
        }
        return MergeStatistics.pearson(m, sx, sy, sxx, syy, sxy);
    }

    /**
     * The Brehm-Diederichs reference: picks the selection, gathers its crystals to rank 0, resolves them
     * against each other and merges them; every rank gets it. Null when fewer than 2 crystals qualify.
     */
    private double[] selfReference(int total) {
        XtalSettings.Ambiguity a = settings.ambiguity();
        int rank = comm.rank(), size = comm.size();
        // 1. every rank's crystals' reflection counts in the ambiguity range -> rank 0 picks the selection
        double[] counts = new double[total];
        Settings s = new Settings(ambiguity.size());
        CrystfelStream.read(settings.data(), i -> i % size == rank, c -> {
            s.fill(c, index, ambiguity, a.sigmaMin());
            counts[c.index()] = s.n;
        });
        comm.allreduceSum(counts);
        int stride = Math.max(1, (int) Math.ceil((double) total / a.nSampleFrames()));
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < total; i += stride) {
            if (counts[i] >= 3) {
                candidates.add(i);
            }
        }
        candidates.sort(
                (x, y) -> counts[x] != counts[y] ? Double.compare(counts[y], counts[x]) : Integer.compare(x, y));
        List<Integer> chosen = candidates.subList(0, Math.min(a.nSelectedFrames(), candidates.size()));
        if (chosen.size() < 2) {
            return null;
        }
        boolean[] selected = new boolean[total];
        for (int i : chosen) {
            selected[i] = true;
        }
        // 2. the selected crystals' reflections in every setting, gathered on rank 0
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            CrystfelStream.read(settings.data(), i -> i % size == rank && selected[i], c -> {
                s.fill(c, index, ambiguity, a.sigmaMin());
                try {
                    out.writeInt(c.index());
                    for (int k = 0; k < ambiguity.size(); k++) {
                        out.writeInt(s.unique[k].length);
                        for (int j = 0; j < s.unique[k].length; j++) {
                            out.writeInt(s.unique[k][j]);
                            out.writeDouble(s.value[k][j]);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] all = comm.gatherBytes(bytes.toByteArray(), 0);
        double[] reference = new double[index.size()];
        if (rank == 0) {
            reference = brehmDiederichs(all, chosen.size());
        }
        comm.broadcast(reference, 0);
        return reference;
    }

    /** Rank 0: algorithm 2 on the gathered crystals, then their merge (each scaled to mean 1) as the reference. */
    private double[] brehmDiederichs(byte[] all, int n) {
        int k = ambiguity.size();
        int[] ids = new int[n];
        int[][][] u = new int[n][k][];
        double[][][] v = new double[n][k][];
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all))) {
            for (int c = 0; c < n; c++) {
                ids[c] = in.readInt();
                for (int a = 0; a < k; a++) {
                    int m = in.readInt();
                    u[c][a] = new int[m];
                    v[c][a] = new double[m];
                    for (int j = 0; j < m; j++) {
                        u[c][a][j] = in.readInt();
                        v[c][a][j] = in.readDouble();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // order by stream index so the result does not depend on the number of ranks
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Integer.compare(ids[x], ids[y]));
        // cc[i][a][j]: crystal i in setting a against crystal j as indexed (setting 0);
        // crystal i in a against j in b equals i in (a then b^-1) against j as indexed
        double[][][] cc = new double[n][k][n];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < k; a++) {
                for (int j = 0; j < n; j++) {
                    cc[i][a][j] =
                            i == j ? Double.NaN : cc(u[order[i]][a], v[order[i]][a], u[order[j]][0], v[order[j]][0]);
                }
            }
        }
        int[] setting = new int[n];
        Random rng = new Random(1);
        for (int i = 0; i < n; i++) {
            setting[i] = rng.nextInt(k);
        }
        int[][] rel = new int[k][k]; // rel[a][b] = a then b^-1
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                rel[a][b] = ambiguity.compose(a, ambiguity.inverse(b));
            }
        }
        int sweeps = 0;
        for (boolean changed = true; changed && sweeps < 200; sweeps++) {
            changed = false;
            for (int i = 0; i < n; i++) {
                int best = setting[i];
                double bestSum = Double.NEGATIVE_INFINITY;
                for (int a = 0; a < k; a++) {
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        double c = cc[i][rel[a][setting[j]]][j];
                        if (Double.isFinite(c)) {
                            sum += c;
                        }
                    }
                    if (sum > bestSum + 1e-12) {
                        bestSum = sum;
                        best = a;
                    }
                }
                if (best != setting[i]) {
                    setting[i] = best;
                    changed = true;
                }
            }
        }
        // the absolute setting is free: undo the one most crystals ended in
        int[] votes = new int[k];
        for (int x : setting) {
            votes[x]++;
        }
        int major = 0;
        for (int a = 1; a < k; a++) {
            major = votes[a] > votes[major] ? a : major;
        }
        int undo = ambiguity.inverse(major);
        double[] sum = new double[index.size()];
        int[] count = new int[index.size()];
        for (int i = 0; i < n; i++) {
            int a = ambiguity.compose(setting[i], undo);
            int c = order[i];
            double mean = 0;
            for (double x : v[c][a]) {
                mean += x;
            }
            mean /= Math.max(1, v[c][a].length);
            if (!(mean > 0)) {
                continue;
            }
            for (int j = 0; j < u[c][a].length; j++) {
                sum[u[c][a][j]] += v[c][a][j] / mean;
                count[u[c][a][j]]++;
            }
        }
        double[] ref = new double[index.size()];
        for (int x = 0; x < ref.length; x++) {
            ref[x] = count[x] > 0 ? sum[x] / count[x] : Double.NaN;
        }
        LOG.info("indexing ambiguity: Brehm-Diederichs on {} crystals converged in {} sweeps", n, sweeps);
        return ref;
    }
}
