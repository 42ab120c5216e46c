package org.diffract.correlate;

import java.nio.file.Path;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.io.H5RowWriter;
import org.diffract.core.io.H5Writer;
import org.diffract.core.parallel.Communicator;

/**
 * {@code [correlate] per_pair = yes}: every pair's own correlation in pair_correlations.h5, so pairs can be
 * judged and rejected one by one, as with RingData's list of per-pair arrays ({@code dif_cors} and
 * {@code tag_pairs}, as its CorTagPairs saves them). {@code dif_cors} (P, nq, nphi) is written in place
 * row by row by whichever rank and thread made the pair, so memory does not grow with the number of pairs;
 * {@code mask_corr} (nq, nphi) is the number of good sample pairs at each lag, by which every value was
 * divided (multiply by it for RingData's unnormalised sum over phi).
 */
final class PairOutput implements PairSink, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(PairOutput.class);
    static final String FILE = "pair_correlations.h5";

    private final Communicator comm;
    private final Path target;
    private final Path partial;
    private final H5RowWriter rows;

    private PairOutput(Communicator comm, Path target, Path partial, H5RowWriter rows) {
        this.comm = comm;
        this.target = target;
        this.partial = partial;
        this.rows = rows;
    }

    /** Lays the file out (rank 0) and opens it on every rank; a collective call. */
    static PairOutput open(CorrelateSettings s, Communicator comm, PolarMeta meta, TagPairs pairs) {
        Path target = s.outputFolder().resolve(FILE);
        Path partial = H5RowWriter.partial(target);
        List<int[]> shape = List.<int[]>of(new int[] {pairs.size(), meta.nq(), meta.nphi()});
        double[] where = new double[1];
        if (comm.rank() == 0) {
            s.createOutputFolder();
            double[] maskCorr = new AngularCorrelator(meta.nq(), meta.nphi(), -1, -1).maskAutocorrelation(meta.mask());
            H5Writer small = new H5Writer()
                    .put("tag_pairs", pairs.tagArray(), pairs.size(), 2)
                    .put("q_ring", meta.q())
                    .put("num_phi", meta.nphi())
                    .put("mask_corr", maskCorr, meta.nq(), meta.nphi())
                    .attribute("tag_pairs", "order", "row p of dif_cors is the pair tag_pairs[p]")
                    .attribute("q_ring", "units", "1/A");
            where[0] = H5RowWriter.layout(partial, small, List.of("dif_cors"), shape)[0];
        }
        comm.broadcast(where, 0);
        return new PairOutput(comm, target, partial, H5RowWriter.open(partial, new long[] {(long) where[0]}, shape));
    }

    @Override
    public void write(int pair, double[] correlation) {
        rows.writeRow(0, pair, correlation, 0);
    }

    /** Every rank's pairs are in: rank 0 renames the file into place. A collective call, on success only. */
    void finish() {
        rows.close();
        comm.barrier();
        if (comm.rank() == 0) {
            H5RowWriter.commit(partial, target);
            LOG.info("diffcorr: wrote every pair's correlation to {}", target);
        }
        comm.barrier();
    }

    /** Closes this rank's handle (after {@link #finish}, or on failure, when no rank may wait for another). */
    @Override
    public void close() {
        rows.close();
    }
}
