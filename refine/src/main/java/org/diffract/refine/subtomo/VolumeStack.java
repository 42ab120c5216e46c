package org.diffract.refine.subtomo;

import java.nio.file.Path;

/**
 * Volumes held in memory (references, a mask, test data), {@code v[(z * n + y) * n + x]}, with the voxel size
 * of the file they came from (0 when it had none). {@link #read} takes every format {@link StackFiles} opens.
 */
public record VolumeStack(Path file, int n, double[][] volumes, double apix) implements ParticleSource {
    public VolumeStack(Path file, int n, double[][] volumes) {
        this(file, n, volumes, 0);
    }

    @Override
    public int count() {
        return volumes.length;
    }

    @Override
    public double[] read(int i) {
        return volumes[i];
    }

    @Override
    public String name() {
        return file.toString();
    }

    /** Every volume of a stack file. */
    public static VolumeStack read(String spec, String option) {
        try (ParticleSource s = StackFiles.open(spec, option)) {
            double[][] v = new double[s.count()][];
            for (int i = 0; i < v.length; i++) {
                v[i] = s.read(i);
            }
            return new VolumeStack(Path.of(s.name()), s.n(), v, s.apix());
        }
    }
}
