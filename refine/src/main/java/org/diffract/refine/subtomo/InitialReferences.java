package org.diffract.refine.subtomo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.diffract.core.UserError;
import org.diffract.core.parallel.Communicator;

/**
 * The reference phase: --ref volumes (normalised like the particles, copies phase-randomised so they can
 * part, and --refrandphase applied), or references generated from the particles (--refgenmethod).
 */
final class InitialReferences {
    private static final Logger LOG = LogManager.getLogger(InitialReferences.class);

    private InitialReferences() {}

    static double[][] make(
            SubtomoOptions o, ParticleAligner aligner, LocalParticles local, Communicator comm, Processor norm) {
        int n = local.n;
        if (o.ref.isEmpty()) {
            int nref = o.nref;
            return new ReferenceGenerator(aligner, n, comm)
                    .generate(o.refGenMethod(), local, nref, o.subset4ref, o.seed);
        }
        List<double[]> given = new ArrayList<>();
        for (String f : o.ref) {
            VolumeStack r = VolumeStack.read(f, "--ref");
            if (r.n() != n) {
                throw new UserError("--ref " + f + ": volumes are " + r.n() + "^3 but the particles are " + n
                        + "^3; resample the reference to the particles' box");
            }
            given.addAll(Arrays.asList(r.volumes()));
        }
        // without --nref, every volume given is a reference (a stack file holds several)
        int nref = o.nref > 0 ? o.nref : given.size();
        double[][] refs = new double[nref][];
        for (int k = 0; k < nref; k++) {
            double[] v = given.get(Math.min(k, given.size() - 1)).clone();
            Processor.applyAll(v, n, 1, norm);
            if (o.refrandphase > 0) {
                // Fourier radius of the resolution: n * apix / resolution voxels
                v = randomizePhases(v, n, n * o.voxelSize() / o.refrandphase, o.seed + 7919L * (k + 1));
            }
            // copies of one reference would stay identical: perturb all but the first beyond low resolution
            refs[k] = k >= given.size() ? randomizePhases(v, n, n / 8.0, o.seed + k) : v;
        }
        LOG.info("{} references from {}", nref, String.join(", ", o.ref));
        return refs;
    }

    /**
     * v with the phases of frequencies beyond radius r (Fourier voxels) replaced by random ones, amplitudes kept;
     * k and -k get opposite phases, so the volume stays real (EMAN2's filter.lowpass.randomphase does the same).
     */
    static double[] randomizePhases(double[] v, int n, double r, long seed) {
        Fourier f = new Fourier(n);
        double[] s = f.forward(v);
        Random rng = new Random(seed);
        for (int z = 0; z < n; z++) {
            int fz = Fourier.freq(z, n);
            for (int y = 0; y < n; y++) {
                int fy = Fourier.freq(y, n);
                for (int x = 0; x < n; x++) {
                    int fx = Fourier.freq(x, n);
                    int i = (z * n + y) * n + x;
                    int j = (((n - z) % n) * n + (n - y) % n) * n + (n - x) % n; // the voxel of -k
                    if (fx * fx + fy * fy + fz * fz <= r * r || j < i) {
                        continue; // kept, or already set as the partner of an earlier voxel
                    }
                    double a = Math.hypot(s[2 * i], s[2 * i + 1]);
                    double ph = j == i ? (rng.nextBoolean() ? 0 : Math.PI) : 2 * Math.PI * rng.nextDouble();
                    s[2 * i] = a * Math.cos(ph);
                    s[2 * i + 1] = a * Math.sin(ph);
                    s[2 * j] = s[2 * i];
                    s[2 * j + 1] = -s[2 * i + 1];
                }
            }
        }
        return f.inverseReal(s);
    }
}
