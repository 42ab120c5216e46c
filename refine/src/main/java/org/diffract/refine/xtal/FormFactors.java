package org.diffract.refine.xtal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * X-ray atomic form factors of the neutral elements H..Cf from International Tables Vol. C, Table 6.1.1.4
 * (four Gaussians and a constant, the Cromer-Mann form): f(s) = sum a_i exp(-b_i s^2) + c with
 * s = sin(theta)/lambda = 1/(2d). Coefficients in resource formfactors.tsv (refine/tools/make_formfactors.py).
 */
public final class FormFactors {
    private static final Map<String, double[]> COEF = new HashMap<>();

    static {
        try (InputStream in = FormFactors.class.getResourceAsStream("formfactors.tsv")) {
            if (in == null) {
                throw new IllegalStateException("formfactors.tsv missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                double[] c = new double[9];
                for (int i = 0; i < 9; i++) {
                    c[i] = Double.parseDouble(f[2 + i]);
                }
                COEF.put(f[0].toUpperCase(Locale.ROOT), c);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read formfactors.tsv", e);
        }
    }

    private FormFactors() {}

    /** The coefficients a1 b1 a2 b2 a3 b3 a4 b4 c of an element symbol (any case), or null if unknown. */
    public static double[] of(String element) {
        return COEF.get(element.trim().toUpperCase(Locale.ROOT));
    }

    /** f at s^2 = (sin(theta)/lambda)^2 = 1/(4 d^2). */
    public static double value(double[] coef, double stol2) {
        return coef[0] * Math.exp(-coef[1] * stol2)
                + coef[2] * Math.exp(-coef[3] * stol2)
                + coef[4] * Math.exp(-coef[5] * stol2)
                + coef[6] * Math.exp(-coef[7] * stol2)
                + coef[8];
    }
}
