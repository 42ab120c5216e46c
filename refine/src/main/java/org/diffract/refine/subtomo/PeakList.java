package org.diffract.refine.subtomo;

/** The best few coarse peaks of one particle against one reference, best first. */
final class PeakList {
    final double[] score;
    final int[] orientation;
    final double[] shift;
    int size;

    PeakList(int capacity) {
        score = new double[capacity];
        orientation = new int[capacity];
        shift = new double[3 * capacity];
    }

    void offer(double s, int o, double sx, double sy, double sz) {
        int cap = score.length;
        if (size == cap && !(s > score[cap - 1])) {
            return;
        }
        int i = Math.min(size, cap - 1);
        while (i > 0 && s > score[i - 1]) {
            score[i] = score[i - 1];
            orientation[i] = orientation[i - 1];
            System.arraycopy(shift, 3 * (i - 1), shift, 3 * i, 3);
            i--;
        }
        score[i] = s;
        orientation[i] = o;
        shift[3 * i] = sx;
        shift[3 * i + 1] = sy;
        shift[3 * i + 2] = sz;
        size = Math.min(size + 1, cap);
    }

    void offerAll(PeakList other) {
        for (int i = 0; i < other.size; i++) {
            offer(
                    other.score[i],
                    other.orientation[i],
                    other.shift[3 * i],
                    other.shift[3 * i + 1],
                    other.shift[3 * i + 2]);
        }
    }
}
