package org.diffract.spots;

import org.diffract.core.UserError;

/**
 * The neighbourhood of scipy.ndimage.generate_binary_structure(rank, connectivity) for 2D frames: the
 * centre plus every neighbour at squared distance <= connectivity. Rank 2 only: masks are made, eroded,
 * dilated and labelled one frame (or one synced mask) at a time, so a rank-3 structure, which would join
 * pixels of neighbouring frames, has nothing to act on; it is refused rather than quietly flattened.
 */
public record Structure(int rank, int connectivity) {
    private static final int[] CROSS_DY = {-1, 0, 0, 1};
    private static final int[] CROSS_DX = {0, -1, 1, 0};
    private static final int[] SQUARE_DY = {-1, -1, -1, 0, 0, 1, 1, 1};
    private static final int[] SQUARE_DX = {-1, 0, 1, -1, 1, -1, 0, 1};

    public Structure {
        if (rank != 2) {
            throw new UserError("structure (-s) " + rank + "," + connectivity + ": only rank 2 is supported (masks are "
                    + "labelled one frame at a time, so no structure joins frames); give -s 2,1 or -s 2,2");
        }
        if (connectivity < 1 || connectivity > 2) {
            throw new UserError("structure (-s) connectivity " + connectivity
                    + " is not valid for rank 2; give 1 (4-neighbour cross) or 2 (8-neighbour square)");
        }
    }

    public static Structure of(int rank, int connectivity) {
        return new Structure(rank, connectivity);
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

    /** Row offsets of the neighbours (centre excluded); shared, do not modify. */
    public int[] dy() {
        return connectivity == 1 ? CROSS_DY : SQUARE_DY;
    }

    /** Column offsets of the neighbours, matching {@link #dy()}. */
    public int[] dx() {
        return connectivity == 1 ? CROSS_DX : SQUARE_DX;
    }

    /** Neighbours excluding the centre. */
    public int size() {
        return dy().length;
    }
}
