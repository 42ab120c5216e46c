package org.diffract.refine.subtomo;

/**
 * Particles read one at a time, so each rank reads only its own: an in-memory {@link VolumeStack}, or a
 * file opened by {@link StackFiles#open} (HDF5, EMAN2 HDF, MRC stack or folder). Volumes are cubes of edge
 * n, {@code v[(z * n + y) * n + x]}.
 */
public interface ParticleSource extends AutoCloseable {
    int count();

    int n();

    /** Voxel size in Angstrom from the file's header, 0 when it has none. */
    double apix();

    /** Particle i, checked: a NaN or infinite value fails with one line naming the file and the particle. */
    double[] read(int i);

    /** Particle i's ptcl_source_coord (x, y, z in its tomogram) from an EMAN2 header, or null. */
    default double[] sourceCoord(int i) {
        return null;
    }

    /** Particle i's xform.align3d from an EMAN2 header, or null (read and reported; the search is global, so it is no start). */
    default EmanTransform xform(int i) {
        return null;
    }

    /** A description for messages: the file name. */
    String name();

    @Override
    default void close() {}
}
