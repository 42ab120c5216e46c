package org.diffract.correlate;

import java.util.Arrays;

import org.diffract.core.parallel.Communicator;

/**
 * Correlates consecutive pairs (shot a, shot a + 1) while the polar step streams the shots past, so no
 * polar image is kept or read back. Each worker pairs every image of its contiguous range with the one
 * before; the pair across two workers' ranges is made afterwards from the first and last image each
 * worker kept, and the pair across two ranks' blocks by passing the lower rank's last image up
 * ({@link Communicator#shiftUp}). Memory: three images per worker, whatever the number of shots.
 */
final class ConsecutivePairs implements PolarStep.Listener {
    private final PolarMeta meta;
    private final CorrelateSettings.Correlation options;
    private final PairSink sink;
    /** The pair that starts at each shot, or -1. */
    private final int[] pairAt;

    private final PairWorker[] workers;
    private final double[][] first;
    private final double[][] last;
    private final int[] from;
    private final int[] to;

    ConsecutivePairs(
            PolarMeta meta, TagPairs pairs, CorrelateSettings.Correlation options, PairSink sink, int threads) {
        if (!applies(pairs)) {
            throw new IllegalArgumentException("not consecutive pairs");
        }
        this.meta = meta;
        this.options = options;
        this.sink = sink;
        this.pairAt = new int[meta.shots()];
        Arrays.fill(pairAt, -1);
        for (int p = 0; p < pairs.size(); p++) {
            pairAt[pairs.first()[p]] = p;
        }
        this.workers = new PairWorker[threads];
        this.first = new double[threads][];
        this.last = new double[threads][];
        this.from = new int[threads];
        this.to = new int[threads];
    }

    /** True when every pair is (a, a + 1) with a increasing: pairs that can be made as shots stream by. */
    static boolean applies(TagPairs pairs) {
        for (int p = 0; p < pairs.size(); p++) {
            if (pairs.second()[p] != pairs.first()[p] + 1 || (p > 0 && pairs.first()[p] <= pairs.first()[p - 1])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public PolarStep.Segment segment(int w, int a, int b) {
        PairWorker worker = new PairWorker(meta, options, sink);
        double[] firstImage = new double[meta.size()];
        double[] prev = new double[meta.size()];
        workers[w] = worker;
        first[w] = firstImage;
        last[w] = prev;
        from[w] = a;
        to[w] = b;
        return (i, norm) -> {
            if (i == a) {
                System.arraycopy(norm, 0, firstImage, 0, norm.length);
            } else if (pairAt[i - 1] >= 0) {
                worker.add(prev, norm, pairAt[i - 1]);
            }
            System.arraycopy(norm, 0, prev, 0, norm.length);
        };
    }

    /**
     * After the polar step: adds the pairs across worker ranges and the one across the boundary below this
     * rank's block [rankFrom, rankTo), and returns this rank's sums (not yet reduced over ranks). Every rank
     * must call it: the rank boundary is a collective step.
     */
    CorrelationSums finish(Communicator comm, int rankFrom, int rankTo) {
        CorrelationSums total = new CorrelationSums(meta.nq(), meta.nphi(), options.allCross());
        PairWorker edges = new PairWorker(meta, options, sink);
        int lastWorker = -1;
        for (int w = 0; w < workers.length; w++) {
            if (workers[w] == null) {
                continue;
            }
            total.add(workers[w].sums());
            if (lastWorker >= 0 && pairAt[from[w] - 1] >= 0) {
                edges.add(last[lastWorker], first[w], pairAt[from[w] - 1]);
            }
            lastWorker = w;
        }
        double[] send = lastWorker >= 0 ? last[lastWorker] : new double[meta.size()];
        double[] received = new double[meta.size()];
        comm.shiftUp(send, received, meta.size());
        if (rankFrom > 0 && rankTo > rankFrom && pairAt[rankFrom - 1] >= 0) {
            edges.add(received, first[0], pairAt[rankFrom - 1]);
        }
        total.add(edges.sums());
        return total;
    }
}
