package org.diffract.core.rotation;

/**
 * The 60 rotations of the icosahedral group I, as the 120 vertices of the 600-cell (the binary
 * icosahedral group) with one of each pair q, -q (first non-zero component positive). The identity is
 * element 0.
 *
 * <p>Orientation: the one of Dragonfly's {@code symmetrize_icosahedral} rotation table (whose entries
 * are 0, +-1/2, +-tau/2, +-1/(2 tau)): the 2-fold axes include x, y and z, the 3-fold axes include
 * (+-1, +-1, +-1), and the 5-fold axes are the cyclic permutations of (0, +-tau, +-1), i.e. through the
 * vertices of the icosahedron with vertices at cyclic permutations of (0, +-tau, +-1). (Dragonfly's
 * comment there says (0, +-1, +-tau), but its matrices, e.g. 72 degrees about (0, tau, -1), are this
 * orientation.) As a set of matrices the group is closed under transposition (inversion), so it is
 * the same set whether a convention applies R or R^T.
 */
public final class IcosahedralGroup {
    public static final int ORDER = 60;

    private IcosahedralGroup() {}

    /** A fresh 60 x 4 array of unit quaternions (w first). */
    public static double[][] quaternions() {
        Cell600 c = new Cell600();
        double[][] out = new double[ORDER][];
        int count = 0;
        for (int v = 0; v < Cell600.NUM_VERTICES; v++) {
            if (Cell600.isRepresentative(c.a, c.b, 4 * v)) {
                out[count++] = new double[] {c.v[4 * v], c.v[4 * v + 1], c.v[4 * v + 2], c.v[4 * v + 3]};
            }
        }
        if (count != ORDER) {
            throw new IllegalStateException("icosahedral group has " + count + " elements");
        }
        return out;
    }

    /** A fresh 60 x 9 array of row-major rotation matrices ({@link Quaternions#toMatrix}). */
    public static double[][] matrices() {
        double[][] q = quaternions();
        double[][] out = new double[ORDER][];
        for (int i = 0; i < ORDER; i++) {
            out[i] = Quaternions.toMatrix(q[i]);
        }
        return out;
    }
}
