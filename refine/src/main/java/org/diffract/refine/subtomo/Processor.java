package org.diffract.refine.subtomo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.diffract.core.UserError;

/**
 * The EMAN2 processors the seed's options name, written as {@code name:key=value:key=value}: normalize,
 * normalize.edgemean, mask.sharp / mask.soft (outer_radius in voxels, negative counts from the box
 * edge; width for soft), threshold.belowtozero (minval), threshold.clampminmax.nsigma (nsigma),
 * filter.lowpass.gauss / filter.highpass.gauss (cutoff_freq or cutoff_abs in cycles per voxel of the
 * full box). Volumes are cubes of edge n whose voxels are {@code voxel} full-box voxels (shrink).
 */
public final class Processor {
    private final String option;
    private final String name;
    private final Map<String, Double> params;

    private Processor(String option, String name, Map<String, Double> params) {
        this.option = option;
        this.name = name;
        this.params = params;
    }

    /** Parses {@code spec} given to {@code option}; null or blank or "none" gives null (no processing). */
    public static Processor parse(String option, String spec) {
        if (spec == null || spec.isBlank() || spec.equalsIgnoreCase("none")) {
            return null;
        }
        String[] parts = spec.trim().split(":");
        String name = parts[0].toLowerCase(Locale.ROOT);
        Map<String, Double> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new UserError(option + " '" + spec + "': parameter '" + parts[i] + "' must be key=value");
            }
            try {
                params.put(parts[i].substring(0, eq).toLowerCase(Locale.ROOT), Double.parseDouble(parts[i].substring(eq + 1)));
            } catch (NumberFormatException e) {
                throw new UserError(option + " '" + spec + "': '" + parts[i] + "' needs a number");
            }
        }
        Processor p = new Processor(option, name, params);
        switch (name) {
            case "normalize", "normalize.edgemean" -> {
            }
            case "mask.sharp", "mask.soft" -> p.need("outer_radius");
            case "threshold.belowtozero" -> p.need("minval");
            case "threshold.clampminmax.nsigma" -> p.need("nsigma");
            case "filter.lowpass.gauss", "filter.highpass.gauss" -> p.cutoff();
            default -> throw new UserError(option + " '" + spec + "': unknown processor '" + name + "'; known: normalize, "
                    + "normalize.edgemean, mask.sharp, mask.soft, threshold.belowtozero, threshold.clampminmax.nsigma, "
                    + "filter.lowpass.gauss, filter.highpass.gauss");
        }
        return p;
    }

    private double need(String key) {
        Double v = params.get(key);
        if (v == null) {
            throw new UserError(option + ": processor " + name + " needs " + key + "=VALUE");
        }
        return v;
    }

    private double cutoff() {
        Double f = params.getOrDefault("cutoff_freq", params.get("cutoff_abs"));
        if (f == null || !(f > 0)) {
            throw new UserError(option + ": processor " + name + " needs cutoff_freq=F (cycles per voxel, > 0)");
        }
        return f;
    }

    /** Applies the processor in place to a cube of edge n whose voxels span {@code voxel} full-box voxels. */
    public void apply(double[] v, int n, double voxel) {
        switch (name) {
            case "normalize" -> normalize(v, mean(v, n, false));
            case "normalize.edgemean" -> normalize(v, mean(v, n, true));
            case "mask.sharp", "mask.soft" -> mask(v, n, voxel);
            case "threshold.belowtozero" -> {
                double min = params.get("minval");
                for (int i = 0; i < v.length; i++) {
                    if (v[i] < min) {
                        v[i] = 0;
                    }
                }
            }
            case "threshold.clampminmax.nsigma" -> {
                double mu = mean(v, n, false), s = sd(v, mu), k = params.get("nsigma");
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.max(mu - k * s, Math.min(mu + k * s, v[i]));
                }
            }
            default -> gauss(v, n, voxel, name.contains("highpass"));
        }
    }

    /** Applies each non-null processor in order. */
    public static void applyAll(double[] v, int n, double voxel, Processor... ps) {
        for (Processor p : ps) {
            if (p != null) {
                p.apply(v, n, voxel);
            }
        }
    }

    private static double mean(double[] v, int n, boolean edge) {
        double s = 0;
        long c = 0;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    if (!edge || x == 0 || y == 0 || z == 0 || x == n - 1 || y == n - 1 || z == n - 1) {
                        s += v[(x * n + y) * n + z];
                        c++;
                    }
                }
            }
        }
        return s / c;
    }

    private static double sd(double[] v, double mu) {
        double ss = 0;
        for (double x : v) {
            ss += (x - mu) * (x - mu);
        }
        return Math.sqrt(ss / v.length);
    }

    private static void normalize(double[] v, double centre) {
        double s = sd(v, centre);
        double inv = s > 0 ? 1 / s : 1;
        for (int i = 0; i < v.length; i++) {
            v[i] = (v[i] - centre) * inv;
        }
    }

    private void mask(double[] v, int n, double voxel) {
        double r = params.get("outer_radius");
        double full = n * voxel;
        double radius = (r < 0 ? full / 2 + r : r) / voxel;
        double width = params.getOrDefault("width", 0.0) / voxel;
        boolean soft = name.equals("mask.soft");
        double c = n / 2;
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                for (int z = 0; z < n; z++) {
                    double d = Math.sqrt((x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c));
                    double w;
                    if (d <= radius) {
                        w = 1;
                    } else if (soft && width > 0) {
                        double e = (d - radius) / width;
                        w = Math.exp(-0.5 * e * e);
                    } else {
                        w = 0;
                    }
                    v[(x * n + y) * n + z] *= w;
                }
            }
        }
    }

    private void gauss(double[] v, int n, double voxel, boolean highpass) {
        // cycles per full-box voxel -> Fourier voxels of this box
        double rc = cutoff() * n * voxel;
        Fourier f = new Fourier(n);
        double[] s = f.forward(v);
        for (int x = 0; x < n; x++) {
            int fx = Fourier.freq(x, n);
            for (int y = 0; y < n; y++) {
                int fy = Fourier.freq(y, n);
                for (int z = 0; z < n; z++) {
                    int fz = Fourier.freq(z, n);
                    double g = Math.exp(-(fx * fx + fy * fy + fz * fz) / (2 * rc * rc));
                    double w = highpass ? 1 - g : g;
                    int i = (x * n + y) * n + z;
                    s[2 * i] *= w;
                    s[2 * i + 1] *= w;
                }
            }
        }
        double[] out = f.inverseReal(s);
        System.arraycopy(out, 0, v, 0, v.length);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name);
        params.forEach((k, val) -> b.append(':').append(k).append('=').append(val));
        return b.toString();
    }
}
