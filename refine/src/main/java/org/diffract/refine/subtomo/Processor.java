package org.diffract.refine.subtomo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.diffract.core.UserError;

/**
 * The EMAN2 processors the seed's options name, written as {@code name:key=value:key=value}: normalize,
 * normalize.edgemean, mask.sharp / mask.soft (outer_radius in voxels, negative counts from the box
 * edge; width for soft), normalize.mask (mean and sigma of the voxels inside the run's --mask and
 * --maskfile, as e2spt hands its mask to normalize.mask; no_sigma=1 only subtracts), mask.gaussian (multiplies by exp(-((r - inner_radius) / outer_radius)^exponent)
 * beyond inner_radius, default 0, exponent default 2), threshold.belowtozero (minval),
 * threshold.clampminmax (minval, maxval), threshold.binary (value: 1 at or above, else 0),
 * threshold.clampminmax.nsigma (nsigma), filter.lowpass.gauss / filter.highpass.gauss and
 * filter.lowpass.tanh / filter.highpass.tanh (fall_off, default 0.5, as EMAN2: 0.5 (tanh(c (s + w)) -
 * tanh(c (s - w))) with c = pi / (2 fall_off w)). Filter cutoffs are cutoff_freq or cutoff_abs in cycles per
 * voxel of the full box, or cutoff_pixels in Fourier voxels of the full box. Volumes are cubes of edge n
 * whose voxels are {@code voxel} full-box voxels (shrink).
 */
public final class Processor {
    private final String option;
    private final String name;
    private final Map<String, Double> params;
    /** normalize.mask: where the particle is (non-zero), on the full box; null for the other processors. */
    private final double[] region;

    private Processor(String option, String name, Map<String, Double> params, double[] region) {
        this.option = option;
        this.name = name;
        this.params = params;
        this.region = region;
    }

    /** True for normalize.mask, which needs {@link #withRegion} before use. */
    public boolean needsRegion() {
        return name.equals("normalize.mask");
    }

    /** This processor with the region its statistics come from (non-zero voxels of a full-box volume). */
    public Processor withRegion(double[] mask) {
        return new Processor(option, name, params, mask);
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
                params.put(
                        parts[i].substring(0, eq).toLowerCase(Locale.ROOT),
                        Double.parseDouble(parts[i].substring(eq + 1)));
            } catch (NumberFormatException e) {
                throw new UserError(option + " '" + spec + "': '" + parts[i] + "' needs a number");
            }
        }
        Processor p = new Processor(option, name, params, null);
        switch (name) {
            case "normalize", "normalize.edgemean", "normalize.mask" -> {}
            case "mask.sharp", "mask.soft" -> p.need("outer_radius");
            case "mask.gaussian" -> {
                if (!(p.need("outer_radius") > 0)
                        || p.params.getOrDefault("inner_radius", 0.0) < 0
                        || !(p.params.getOrDefault("exponent", 2.0) > 0)) {
                    throw new UserError(option + " '" + spec
                            + "': mask.gaussian needs outer_radius > 0, inner_radius >= 0 " + "and exponent > 0");
                }
            }
            case "threshold.belowtozero" -> p.need("minval");
            case "threshold.clampminmax" -> {
                if (!(p.need("minval") <= p.need("maxval"))) {
                    throw new UserError(option + " '" + spec + "': threshold.clampminmax needs minval <= maxval");
                }
            }
            case "threshold.binary" -> p.need("value");
            case "threshold.clampminmax.nsigma" -> p.need("nsigma");
            case "filter.lowpass.gauss", "filter.highpass.gauss" -> p.cutoff(1);
            case "filter.lowpass.tanh", "filter.highpass.tanh" -> {
                p.cutoff(1);
                if (!(p.params.getOrDefault("fall_off", 0.5) > 0)) {
                    throw new UserError(option + " '" + spec + "': fall_off must be > 0");
                }
            }
            default ->
                throw new UserError(option + " '" + spec + "': unknown processor '" + name + "'; known: normalize, "
                        + "normalize.edgemean, normalize.mask, mask.sharp, mask.soft, mask.gaussian, threshold.belowtozero, "
                        + "threshold.clampminmax, threshold.binary, threshold.clampminmax.nsigma, filter.lowpass.gauss, "
                        + "filter.highpass.gauss, filter.lowpass.tanh, filter.highpass.tanh");
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

    /** The cutoff in cycles per full-box voxel; cutoff_pixels counts Fourier voxels of a full box of edge fullBox. */
    private double cutoff(double fullBox) {
        Double f = params.getOrDefault("cutoff_freq", params.get("cutoff_abs"));
        if (f == null && params.containsKey("cutoff_pixels")) {
            f = params.get("cutoff_pixels") / fullBox;
        }
        if (f == null || !(f > 0)) {
            throw new UserError(option + ": processor " + name + " needs cutoff_freq=F (cycles per voxel, > 0) or "
                    + "cutoff_pixels=P (Fourier voxels, > 0)");
        }
        return f;
    }

    /** Applies the processor in place to a cube of edge n whose voxels span {@code voxel} full-box voxels. */
    public void apply(double[] v, int n, double voxel) {
        switch (name) {
            case "normalize" -> normalize(v, mean(v, n, false));
            case "normalize.edgemean" -> normalize(v, mean(v, n, true));
            case "normalize.mask" -> normalizeInRegion(v);
            case "mask.sharp", "mask.soft" -> mask(v, n, voxel);
            case "mask.gaussian" -> maskGaussian(v, n, voxel);
            case "threshold.clampminmax" -> {
                double lo = params.get("minval"), hi = params.get("maxval");
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.max(lo, Math.min(hi, v[i]));
                }
            }
            case "threshold.binary" -> {
                double t = params.get("value");
                for (int i = 0; i < v.length; i++) {
                    v[i] = v[i] >= t ? 1 : 0;
                }
            }
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
            default -> filter(v, n, voxel);
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
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    if (!edge || z == 0 || y == 0 || x == 0 || z == n - 1 || y == n - 1 || x == n - 1) {
                        s += v[(z * n + y) * n + x];
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

    private void normalizeInRegion(double[] v) {
        if (region == null) {
            throw new UserError(option + " normalize.mask: give --mask or --maskfile to say where the particle is");
        }
        if (region.length != v.length) {
            throw new IllegalArgumentException(
                    "normalize.mask region has " + region.length + " voxels, volume " + v.length);
        }
        double s = 0, ss = 0;
        long c = 0;
        for (int i = 0; i < v.length; i++) {
            if (region[i] != 0) {
                s += v[i];
                c++;
            }
        }
        if (c == 0) {
            throw new UserError(option + " normalize.mask: the --mask/--maskfile region is empty; widen it");
        }
        double mu = s / c;
        for (int i = 0; i < v.length; i++) {
            if (region[i] != 0) {
                ss += (v[i] - mu) * (v[i] - mu);
            }
        }
        double sigma = Math.sqrt(ss / c);
        double inv = params.getOrDefault("no_sigma", 0.0) != 0 || !(sigma > 0) ? 1 : 1 / sigma;
        for (int i = 0; i < v.length; i++) {
            v[i] = (v[i] - mu) * inv;
        }
    }

    private void mask(double[] v, int n, double voxel) {
        double r = params.get("outer_radius");
        double full = n * voxel;
        double radius = (r < 0 ? full / 2 + r : r) / voxel;
        double width = params.getOrDefault("width", 0.0) / voxel;
        boolean soft = name.equals("mask.soft");
        double c = n / 2;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    double d = Math.sqrt((z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c));
                    double w;
                    if (d <= radius) {
                        w = 1;
                    } else if (soft && width > 0) {
                        double e = (d - radius) / width;
                        w = Math.exp(-0.5 * e * e);
                    } else {
                        w = 0;
                    }
                    v[(z * n + y) * n + x] *= w;
                }
            }
        }
    }

    /** exp(-((r - inner) / outer)^exponent) beyond the inner radius, 1 within; radii in full-box voxels. */
    private void maskGaussian(double[] v, int n, double voxel) {
        double outer = params.get("outer_radius") / voxel, inner = params.getOrDefault("inner_radius", 0.0) / voxel;
        double exponent = params.getOrDefault("exponent", 2.0);
        double c = n / 2;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    double d = Math.sqrt((z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c)) - inner;
                    if (d > 0) {
                        v[(z * n + y) * n + x] *= Math.exp(-Math.pow(d / outer, exponent));
                    }
                }
            }
        }
    }

    /** The Fourier filters: weight as a function of s, cycles per full-box voxel. */
    double weight(double s, double fullBox) {
        double w = cutoff(fullBox);
        double low;
        if (name.endsWith(".gauss")) {
            low = Math.exp(-s * s / (2 * w * w));
        } else {
            double c = Math.PI / (2 * params.getOrDefault("fall_off", 0.5) * w);
            low = 0.5 * (Math.tanh(c * (s + w)) - Math.tanh(c * (s - w)));
        }
        return name.contains("highpass") ? 1 - low : low;
    }

    private void filter(double[] v, int n, double voxel) {
        double full = n * voxel;
        Fourier f = new Fourier(n);
        double[] s = f.forward(v);
        for (int z = 0; z < n; z++) {
            int fz = Fourier.freq(z, n);
            for (int y = 0; y < n; y++) {
                int fy = Fourier.freq(y, n);
                for (int x = 0; x < n; x++) {
                    int fx = Fourier.freq(x, n);
                    // Fourier index f of this box of edge n * voxel full voxels is f / (n * voxel) cycles per full
                    // voxel
                    double w = weight(Math.sqrt(fz * fz + fy * fy + fx * fx) / full, full);
                    int i = (z * n + y) * n + x;
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
