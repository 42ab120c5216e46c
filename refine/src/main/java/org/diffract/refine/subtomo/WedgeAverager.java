package org.diffract.refine.subtomo;

/**
 * Missing-wedge-aware average: aligned particles are summed in Fourier space, each Fourier voxel only
 * from the particles that measured it (their power mask carried through the alignment), and divided by
 * its own weight sum. The accumulator is one flat array (sum re, sum im, weight) so ranks can add theirs.
 */
public final class WedgeAverager {
    private final int n;
    private final int n3;
    private final Fourier fft;
    /** [0, 2 n^3): weighted spectrum sum; [2 n^3, 3 n^3): weight per voxel. */
    private final double[] acc;

    public WedgeAverager(int n) {
        this.n = n;
        this.n3 = n * n * n;
        this.fft = new Fourier(n);
        this.acc = new double[3 * n3];
    }

    public double[] accumulator() {
        return acc;
    }

    /** Adds particle (its own frame) brought onto the reference by hit, with the given weight. */
    public void add(double[] particle, Hit hit, double weight) {
        addAligned(particle, VolumeTransform.align(particle, n, hit.rotation(), hit.shift()), hit, weight);
    }

    /**
     * Adds a particle already brought onto the reference (and perhaps processed: --preavgproc); the particle in
     * its own frame says which Fourier voxels it measured.
     */
    public void addAligned(double[] particle, double[] aligned, Hit hit, double weight) {
        double[] r = hit.rotation();
        boolean[] measured = Fourier.powerMask(fft.forward(particle), n3);
        double[] spec = fft.forward(aligned);
        for (int z = 0; z < n; z++) {
            int fz = Fourier.freq(z, n);
            for (int y = 0; y < n; y++) {
                int fy = Fourier.freq(y, n);
                for (int x = 0; x < n; x++) {
                    int fx = Fourier.freq(x, n);
                    // the aligned particle's frequency k came from the particle's frequency R k
                    int sx = Fourier.index((int) Math.round(r[0] * fx + r[1] * fy + r[2] * fz), n);
                    int sy = Fourier.index((int) Math.round(r[3] * fx + r[4] * fy + r[5] * fz), n);
                    int sz = Fourier.index((int) Math.round(r[6] * fx + r[7] * fy + r[8] * fz), n);
                    if (sx < 0 || sy < 0 || sz < 0 || !measured[(sz * n + sy) * n + sx]) {
                        continue;
                    }
                    int i = (z * n + y) * n + x;
                    acc[2 * i] += weight * spec[2 * i];
                    acc[2 * i + 1] += weight * spec[2 * i + 1];
                    acc[2 * n3 + i] += weight;
                }
            }
        }
    }

    /** The average from the (possibly rank-summed) accumulator: never-measured voxels stay 0. */
    public double[] average() {
        double[] spec = new double[2 * n3];
        for (int i = 0; i < n3; i++) {
            double w = acc[2 * n3 + i];
            if (w > 0) {
                spec[2 * i] = acc[2 * i] / w;
                spec[2 * i + 1] = acc[2 * i + 1] / w;
            }
        }
        return fft.inverseReal(spec);
    }

    /** Fraction of Fourier voxels measured by at least one particle. */
    public double coverage() {
        int c = 0;
        for (int i = 0; i < n3; i++) {
            if (acc[2 * n3 + i] > 0) {
                c++;
            }
        }
        return c / (double) n3;
    }
}
