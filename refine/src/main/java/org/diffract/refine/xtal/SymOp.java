package org.diffract.refine.xtal;

import java.util.Arrays;

import org.diffract.core.UserError;

/**
 * A crystallographic symmetry operation x' = R x + t on fractional coordinates: an integer rotation
 * matrix (row-major) and a translation in 24ths of a cell edge, so every space-group translation is exact.
 */
public record SymOp(int[] rot, int[] tran24) {
    public static final int DEN = 24;

    public static final SymOp IDENTITY = new SymOp(new int[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new int[3]);

    /** Parses a triplet such as {@code -x+1/2,y,-z+1/4} or {@code x-y,x,z+5/6}. */
    public static SymOp parse(String triplet) {
        String[] parts = triplet.trim().toLowerCase().split(",");
        if (parts.length != 3) {
            throw new UserError("symmetry operation '" + triplet + "' must have three comma-separated parts");
        }
        int[] rot = new int[9];
        int[] tran = new int[3];
        for (int row = 0; row < 3; row++) {
            String p = parts[row].replace(" ", "");
            int i = 0;
            while (i < p.length()) {
                int sign = 1;
                if (p.charAt(i) == '+' || p.charAt(i) == '-') {
                    sign = p.charAt(i) == '-' ? -1 : 1;
                    i++;
                }
                if (i >= p.length()) {
                    throw new UserError("symmetry operation '" + triplet + "' ends in a sign");
                }
                char c = p.charAt(i);
                if (c >= 'x' && c <= 'z') {
                    rot[row * 3 + (c - 'x')] += sign;
                    i++;
                } else {
                    int j = i;
                    while (j < p.length() && (Character.isDigit(p.charAt(j)) || p.charAt(j) == '/')) {
                        j++;
                    }
                    String num = p.substring(i, j);
                    int slash = num.indexOf('/');
                    try {
                        int n = Integer.parseInt(slash < 0 ? num : num.substring(0, slash));
                        int d = slash < 0 ? 1 : Integer.parseInt(num.substring(slash + 1));
                        if (DEN % d != 0) {
                            throw new NumberFormatException();
                        }
                        tran[row] += sign * n * (DEN / d);
                    } catch (NumberFormatException e) {
                        throw new UserError("symmetry operation '" + triplet + "' has a bad translation '" + num + "'");
                    }
                    i = j;
                }
            }
        }
        return new SymOp(rot, normalised(tran));
    }

    static int[] normalised(int[] t) {
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            out[i] = Math.floorMod(t[i], DEN);
        }
        return out;
    }

    /** this after other: x -> R1 (R2 x + t2) + t1. */
    public SymOp times(SymOp other) {
        int[] r = multiply(rot, other.rot);
        int[] t = new int[3];
        for (int i = 0; i < 3; i++) {
            t[i] = tran24[i];
            for (int k = 0; k < 3; k++) {
                t[i] += rot[i * 3 + k] * other.tran24[k];
            }
        }
        return new SymOp(r, normalised(t));
    }

    public SymOp withTranslation(int[] extra24) {
        int[] t = new int[3];
        for (int i = 0; i < 3; i++) {
            t[i] = tran24[i] + extra24[i];
        }
        return new SymOp(rot, normalised(t));
    }

    static int[] multiply(int[] a, int[] b) {
        int[] r = new int[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int s = 0;
                for (int k = 0; k < 3; k++) {
                    s += a[i * 3 + k] * b[k * 3 + j];
                }
                r[i * 3 + j] = s;
            }
        }
        return r;
    }

    /** The triplet in CCP4's upper-case style, e.g. {@code -X+1/2,-Y,Z+1/2}. */
    public String triplet() {
        StringBuilder sb = new StringBuilder();
        for (int row = 0; row < 3; row++) {
            if (row > 0) {
                sb.append(',');
            }
            int start = sb.length();
            for (int c = 0; c < 3; c++) {
                int v = rot[row * 3 + c];
                if (v != 0) {
                    if (v < 0) {
                        sb.append('-');
                    } else if (sb.length() > start) {
                        sb.append('+');
                    }
                    if (Math.abs(v) != 1) {
                        sb.append(Math.abs(v));
                    }
                    sb.append((char) ('X' + c));
                }
            }
            if (tran24[row] != 0) {
                int g = gcd(tran24[row], DEN);
                sb.append('+').append(tran24[row] / g).append('/').append(DEN / g);
            }
        }
        return sb.toString();
    }

    private static int gcd(int a, int b) {
        return b == 0 ? Math.abs(a) : gcd(b, a % b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymOp s && Arrays.equals(rot, s.rot) && Arrays.equals(tran24, s.tran24);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rot) + Arrays.hashCode(tran24);
    }

    @Override
    public String toString() {
        return triplet();
    }
}
