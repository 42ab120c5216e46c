package org.diffract.refine.subtomo;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;
import org.diffract.core.rotation.Quaternions;

/**
 * The first phase: this rank's share [lo, hi) of the particles (the first --subset of the stack), read
 * from the source one at a time and normalised (--normproc), with what later phases need per particle:
 * the --randomizewedge turn it is aligned in, and its --weighbytiltaxis weight. No rank reads the others'.
 */
public final class LocalParticles {
    final int count;
    final int n;
    final int lo;
    final int hi;
    /** Normalised particles lo..hi-1 in their own frame. */
    final double[][] volumes;
    /** --randomizewedge: the rotation Q each particle is turned by before alignment (null when off). */
    final double[][] turn;
    /** Weight of each particle in its class average from --weighbytiltaxis (1 when off). */
    final double[] tiltWeight;

    private LocalParticles(int count, int n, int lo, int hi, double[][] volumes, double[][] turn, double[] tiltWeight) {
        this.count = count;
        this.n = n;
        this.lo = lo;
        this.hi = hi;
        this.volumes = volumes;
        this.turn = turn;
        this.tiltWeight = tiltWeight;
    }

    /** All the given volumes on this one process (tests, benchmarks): no turn, weight 1. */
    static LocalParticles of(List<double[]> vols, int n) {
        double[] w = new double[vols.size()];
        Arrays.fill(w, 1);
        return new LocalParticles(vols.size(), n, 0, vols.size(), vols.toArray(double[][]::new), null, w);
    }

    /** These volumes as particles [first, first + count) of a stack of total (tests of several ranks). */
    LocalParticles asShare(int total, int first) {
        return new LocalParticles(total, n, first, first + volumes.length, volumes, turn, tiltWeight);
    }

    /** First particle of rank r of size ranks, of count particles. */
    static int first(int count, int r, int size) {
        return (int) ((long) r * count / size);
    }

    /** The rank that owns particle i. */
    static int owner(int count, int i, int size) {
        int r = 0;
        while (first(count, r + 1, size) <= i) {
            r++;
        }
        return r;
    }

    static LocalParticles load(SubtomoOptions o, ParticleSource source, Communicator comm, Processor norm) {
        int count = o.subset > 0 ? Math.min(o.subset, source.count()) : source.count();
        int n = source.n();
        int lo = first(count, comm.rank(), comm.size()), hi = first(count, comm.rank() + 1, comm.size());
        double[][] vols = new double[hi - lo][];
        double[][] turn = o.randomizewedge ? new double[hi - lo][] : null;
        double[] weight = new double[hi - lo];
        double[] axis = o.tiltAxisWeight();
        for (int i = lo; i < hi; i++) {
            double[] v = source.read(i).clone();
            Processor.applyAll(v, n, 1, norm);
            vols[i - lo] = v;
            if (turn != null) {
                // the same turn for particle i whatever the number of ranks
                turn[i - lo] = Quaternions.toMatrix(Quaternions.random(new Random(o.seed * 1_000_003L + i)));
            }
            weight[i - lo] = axis == null ? 1 : tiltAxisWeight(axis, source, i);
        }
        return new LocalParticles(count, n, lo, hi, vols, turn, weight);
    }

    /**
     * e2spt_refinemulti's --weighbytiltaxis A,B: weight 1 at x = A (the tilt axis), B at x = 0, linear between,
     * mirrored beyond the axis; x from the particle's ptcl_source_coord.
     */
    static double tiltAxisWeight(double[] ab, ParticleSource source, int i) {
        double[] c = source.sourceCoord(i);
        if (c == null) {
            throw new UserError(
                    "--weighbytiltaxis: particle " + i + " of " + source.name() + " has no ptcl_source_coord in its "
                            + "header; give an EMAN2 HDF stack from e2spt_boxer or drop the option");
        }
        double px = Math.floor(c[0]), a = ab[0];
        if (px > a) {
            px = 2 * a - px;
        }
        return Math.max(0, (1 - ab[1]) / a * px + ab[1]);
    }

    /** The particle as the search sees it: turned by its --randomizewedge rotation. */
    double[] forAlignment(int local) {
        if (turn == null) {
            return volumes[local];
        }
        return VolumeTransform.rotateThenShift(volumes[local], n, turn[local], new double[3]);
    }

    /** A hit found for the turned particle, as the alignment of the particle itself: R' = Q^T R, t' = Q^T t. */
    Hit untwist(int local, Hit h) {
        if (turn == null) {
            return h;
        }
        double[] qt = Rotations.transpose(turn[local]);
        double[] t = h.shift();
        return new Hit(h.score(), Rotations.multiply(qt, h.rotation()), new double[] {
            qt[0] * t[0] + qt[1] * t[1] + qt[2] * t[2],
            qt[3] * t[0] + qt[4] * t[1] + qt[5] * t[2],
            qt[6] * t[0] + qt[7] * t[1] + qt[8] * t[2]
        });
    }
}
