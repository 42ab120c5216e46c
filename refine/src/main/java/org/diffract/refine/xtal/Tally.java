package org.diffract.refine.xtal;

import org.diffract.core.parallel.Communicator;

/** Crystals per verdict and observations merged, counted on each rank and summed over ranks. */
public final class Tally {
    private final double[] perVerdict = new double[Verdict.values().length];
    long observations;

    /** Counts a crystal's verdict and records it in its table row (if any). */
    void add(Verdict v, CrystalRecord r) {
        perVerdict[v.ordinal()]++;
        if (r != null) {
            r.verdict = v;
        }
    }

    void allreduce(Communicator comm) {
        double[] all = new double[perVerdict.length + 1];
        System.arraycopy(perVerdict, 0, all, 0, perVerdict.length);
        all[perVerdict.length] = observations;
        comm.allreduceSum(all);
        System.arraycopy(all, 0, perVerdict, 0, perVerdict.length);
        observations = (long) all[perVerdict.length];
    }

    public int count(Verdict v) {
        return (int) perVerdict[v.ordinal()];
    }

    public int merged() {
        return count(Verdict.ACCEPTED);
    }

    public int crystals() {
        int n = 0;
        for (double v : perVerdict) {
            n += (int) v;
        }
        return n;
    }

    public long observations() {
        return observations;
    }

    /** "40 merged; rejected: 2 cell, 1 b_bounds". */
    public String summary() {
        StringBuilder sb = new StringBuilder().append(merged()).append(" merged");
        String sep = "; rejected: ";
        for (Verdict v : Verdict.values()) {
            if (v != Verdict.ACCEPTED && count(v) > 0) {
                sb.append(sep).append(count(v)).append(' ').append(v.word());
                sep = ", ";
            }
        }
        return sb.toString();
    }
}
