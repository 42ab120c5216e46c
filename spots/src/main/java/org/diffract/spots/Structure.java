package org.diffract.spots;

import org.diffract.core.UserError;

/**
 * The neighbourhood of scipy.ndimage.generate_binary_structure(rank, connectivity) for 2D frames: the
 * centre plus every neighbour at squared distance <= connectivity. Rank 2 only: frames are 2D, and a
 * rank-3 structure would join spots across frames, which lu_hdf2spots does not do.
 */
public record Structure(int rank, int connectivity, int[] dy, int[] dx) {
    public static Structure of(int rank, int connectivity) {
        if (rank != 2) {
            throw new UserError("structure (-s) rank " + rank + " is not supported; frames are 2D: give -s 2,1 or -s 2,2");
        }
        if (connectivity < 1 || connectivity > 2) {
            throw new UserError("structure (-s) connectivity " + connectivity
                    + " is not valid for rank 2; give 1 (4-neighbour cross) or 2 (8-neighbour square)");
        }
        int n = connectivity == 1 ? 4 : 8;
        int[] dy = new int[n];
        int[] dx = new int[n];
        int k = 0;
        for (int y = -1; y <= 1; y++) {
            for (int x = -1; x <= 1; x++) {
                if ((y != 0 || x != 0) && y * y + x * x <= connectivity) {
                    dy[k] = y;
                    dx[k] = x;
                    k++;
                }
            }
        }
        return new Structure(rank, connectivity, dy, dx);
    }

    /** "rank,connectivity", e.g. "2,2". */
    public static Structure parse(String text) {
        String[] parts = text.strip().split("\\s*,\\s*");
        if (parts.length != 2) {
            throw new UserError("structure (-s) '" + text + "' must be rank,connectivity, e.g. 2,2");
        }
        try {
            return of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw new UserError("structure (-s) '" + text + "' must be two whole numbers rank,connectivity, e.g. 2,2");
        }
    }

    /** Neighbours excluding the centre. */
    public int size() {
        return dy.length;
    }
}
