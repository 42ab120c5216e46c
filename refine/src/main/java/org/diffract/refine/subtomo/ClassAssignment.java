package org.diffract.refine.subtomo;

import java.util.ArrayList;
import java.util.List;

/**
 * The assignment phase: every particle goes to the reference it scores best against, and --keep / --keepsig
 * decide which members enter their class average.
 */
record ClassAssignment(int[] membership, Hit[] best, boolean[] kept) {
    static ClassAssignment of(Hit[][] all, SubtomoOptions o) {
        int np = all.length, nref = np == 0 ? 0 : all[0].length;
        int[] membership = new int[np];
        Hit[] best = new Hit[np];
        for (int i = 0; i < np; i++) {
            int k = 0;
            for (int j = 1; j < nref; j++) {
                if (all[i][j].score() > all[i][k].score()) {
                    k = j;
                }
            }
            membership[i] = k;
            best[i] = all[i][k];
        }
        return new ClassAssignment(membership, best, keep(membership, best, nref, o.keep, o.keepsig));
    }

    /** The best fraction keep of each class, or with keepsig the scores >= mean - keep sigma. */
    static boolean[] keep(int[] membership, Hit[] best, int nref, double keep, boolean keepsig) {
        boolean[] kept = new boolean[membership.length];
        for (int k = 0; k < nref; k++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < membership.length; i++) {
                if (membership[i] == k) {
                    members.add(i);
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            if (keepsig) {
                double mean = 0, ss = 0;
                for (int i : members) {
                    mean += best[i].score() / members.size();
                }
                for (int i : members) {
                    ss += Math.pow(best[i].score() - mean, 2) / members.size();
                }
                double thr = mean - keep * Math.sqrt(ss);
                for (int i : members) {
                    kept[i] = best[i].score() >= thr;
                }
            } else {
                members.sort((a, b) -> Double.compare(best[b].score(), best[a].score()));
                int count = Math.max(1, (int) Math.ceil(keep * members.size() - 1e-9));
                for (int j = 0; j < count; j++) {
                    kept[members.get(j)] = true;
                }
            }
        }
        return kept;
    }

    int[] sizes(int nref) {
        int[] c = new int[nref];
        for (int m : membership) {
            c[m]++;
        }
        return c;
    }

    int moved(int[] previous) {
        int moved = 0;
        for (int i = 0; previous != null && i < membership.length; i++) {
            if (previous[i] != membership[i]) {
                moved++;
            }
        }
        return moved;
    }
}
