package org.diffract.refine.subtomo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.diffract.core.parallel.WorkerPool;

/**
 * Prepares volumes for alignment as the options say (preprocess, threshold, mask, mask file, clip, shrink,
 * band-pass filters at the coarse and the fine scale) and aligns prepared particles to references:
 * coarse grid search, then local refinement of the best peaks. Shifts in results are full-box voxels.
 */
public final class ParticleAligner {
    private final SubtomoOptions o;
    private final int n;
    /** The box the alignment works in: --clip about the centre, else the full box. */
    private final int box;

    private final int mc;
    private final int mf;
    private final double[] maskVolume;
    private final Processor preprocess;
    private final Processor preprocessfine;
    private final Processor threshold;
    private final Processor mask;
    private final Processor lowpass;
    private final Processor highpass;
    private final Processor lowpassfine;
    private final Processor highpassfine;
    private final boolean[] bandCoarse;
    private final boolean[] bandFine;
    private final List<double[]> orientations;
    private final List<double[]> localGrid;
    private final AlignmentSearch search;

    public ParticleAligner(SubtomoOptions o, int n, double[] maskVolume, WorkerPool pool) {
        this.o = o;
        this.n = n;
        this.box = o.clip > 0 ? Math.min(o.clip, n) : n;
        this.mc = Math.max(4, box / o.shrink);
        this.mf = Math.max(4, box / o.shrinkfine);
        this.maskVolume = maskVolume;
        preprocess = Processor.parse("--preprocess", o.preprocess);
        preprocessfine = o.preprocessfine == null ? preprocess : Processor.parse("--preprocessfine", o.preprocessfine);
        threshold = Processor.parse("--threshold", o.threshold);
        mask = Processor.parse("--mask", o.mask);
        lowpass = Processor.parse("--lowpass", o.lowpass);
        highpass = Processor.parse("--highpass", o.highpass);
        lowpassfine = Processor.parse("--lowpassfine", o.lowpassfine);
        highpassfine = Processor.parse("--highpassfine", o.highpassfine);
        bandCoarse = Fourier.band(mc, 0, Double.POSITIVE_INFINITY);
        bandFine = Fourier.band(mf, 0, Double.POSITIVE_INFINITY);
        SymmetryGroup sym = SymmetryGroup.parse(o.sym);
        orientations = Orientations.grid(o.coarseDelta(), o.coarseDphi(), o.breaksym ? SymmetryGroup.parse("c1") : sym);
        localGrid = o.fineEnabled()
                ? AlignmentSearch.localGrid(o.fineRange(), o.fineStep())
                : List.of(Rotations.identity());
        search = new AlignmentSearch(pool, o.fscScore(false), o.fscScore(true));
    }

    /** The search itself (its FFT counters). */
    public AlignmentSearch search() {
        return search;
    }

    public int coarseSize() {
        return mc;
    }

    public int fineSize() {
        return mf;
    }

    public List<double[]> orientations() {
        return orientations;
    }

    public int localGridSize() {
        return localGrid.size();
    }

    /** A volume as the coarse (fine == false) or fine search sees it, real space at that scale. */
    public double[] prepare(double[] vol, boolean fine) {
        double[] v = vol.clone();
        Processor.applyAll(v, n, 1, fine ? preprocessfine : preprocess, threshold, mask);
        if (maskVolume != null) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= maskVolume[i];
            }
        }
        if (box < n) {
            v = clip(v, n, box);
        }
        int m = fine ? mf : mc;
        double[] s = Fourier.crop(v, box, m);
        double voxel = box / (double) m;
        if (fine) {
            Processor.applyAll(s, m, voxel, highpassfine, lowpassfine);
        } else {
            Processor.applyAll(s, m, voxel, highpass, lowpass);
        }
        return s;
    }

    /** The centred window of edge b of a cube of edge n: its centre b/2 is the cube's centre n/2, as EMAN2's clip. */
    static double[] clip(double[] v, int n, int b) {
        double[] out = new double[b * b * b];
        int o = n / 2 - b / 2;
        for (int z = 0; z < b; z++) {
            for (int y = 0; y < b; y++) {
                System.arraycopy(v, ((z + o) * n + y + o) * n + o, out, (z * b + y) * b, b);
            }
        }
        return out;
    }

    public Target target(double[] vol, boolean fine) {
        int m = fine ? mf : mc;
        return Target.of(prepare(vol, fine), m, new Fourier(m));
    }

    /** Prepared targets of the given volumes at both scales. */
    public List<Target>[] targets(List<double[]> vols) {
        @SuppressWarnings("unchecked")
        List<Target>[] t = new List[] {new ArrayList<Target>(), new ArrayList<Target>()};
        for (double[] v : vols) {
            t[0].add(target(v, false));
            t[1].add(o.fineEnabled() ? target(v, true) : null);
        }
        return t;
    }

    /** Best alignment of every particle to every reference: result[i][k]. */
    public Hit[][] align(List<Target> coarse, List<Target> fine, double[][] refs, IntConsumer progress) {
        return align(coarse, fine, refs, progress, o.fineEnabled());
    }

    /** As above; without {@code refineFine} the best coarse peak is the answer (enough to rank pairs). */
    public Hit[][] align(
            List<Target> coarse, List<Target> fine, double[][] refs, IntConsumer progress, boolean refineFine) {
        int nr = refs.length, np = coarse.size();
        double[][] rc = new double[nr][];
        double[][] rf = new double[nr][];
        for (int k = 0; k < nr; k++) {
            rc[k] = prepare(refs[k], false);
            rf[k] = refineFine ? prepare(refs[k], true) : null;
        }
        int searchCoarse = (int) Math.ceil(o.coarseSearch() / (double) box * mc);
        PeakList[][] peaks =
                search.coarse(coarse, rc, mc, bandCoarse, orientations, o.npeakstorefine, searchCoarse, progress);
        Hit[][] best = new Hit[np][nr];
        double toFull = box / (double) mc;
        if (!refineFine) {
            for (int i = 0; i < np; i++) {
                for (int k = 0; k < nr; k++) {
                    PeakList p = peaks[i][k];
                    best[i][k] = new Hit(p.score[0], orientations.get(p.orientation[0]), new double[] {
                        p.shift[0] * toFull, p.shift[1] * toFull, p.shift[2] * toFull
                    });
                }
            }
            return best;
        }
        List<AlignmentSearch.FineJob> jobs = new ArrayList<>();
        double toFine = mf / (double) mc;
        for (int i = 0; i < np; i++) {
            for (int k = 0; k < nr; k++) {
                PeakList p = peaks[i][k];
                for (int j = 0; j < p.size; j++) {
                    jobs.add(new AlignmentSearch.FineJob(i, k, orientations.get(p.orientation[j]), new double[] {
                        p.shift[3 * j] * toFine, p.shift[3 * j + 1] * toFine, p.shift[3 * j + 2] * toFine
                    }));
                }
            }
        }
        int searchFine = Math.max(1, (int) Math.ceil(o.fineSearch() / (double) box * mf));
        Hit[] hits = search.fine(fine, rf, mf, bandFine, jobs, localGrid, searchFine);
        double fineToFull = box / (double) mf;
        for (int j = 0; j < jobs.size(); j++) {
            AlignmentSearch.FineJob job = jobs.get(j);
            Hit h = hits[j];
            Hit full = new Hit(h.score(), h.rotation(), new double[] {
                h.shift()[0] * fineToFull, h.shift()[1] * fineToFull, h.shift()[2] * fineToFull
            });
            Hit cur = best[job.particle()][job.ref()];
            if (cur == null || full.score() > cur.score()) {
                best[job.particle()][job.ref()] = full;
            }
        }
        return best;
    }
}
