package org.diffract.correlate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;

/**
 * The shot pairs to difference, as indices into the shot list and as tags. Consecutive pairs after skipping
 * the first K dark shots, either non-overlapping (t[K], t[K+1]), (t[K+2], t[K+3]), ... so that no shot
 * enters two differences, or overlapping (t[K], t[K+1]), (t[K+1], t[K+2]), ... as RingData's SACLA example
 * writes them ({@code zip(tags[K:-1], tags[K+1:])}); or a JSON list {@code [[tag1, tag2], ...]} whose tags
 * are RingData's names "tag_N", "N" or N, in which pairs naming a tag absent from the data are skipped
 * and counted. Written back as RingData writes them: {@code [["tag_N", "tag_M"], ...]}.
 */
public record TagPairs(int[] first, int[] second, long[] tagFirst, long[] tagSecond, int skipped) {

    public int size() {
        return first.length;
    }

    public static TagPairs consecutive(long[] tags, int skipDark) {
        return consecutive(tags, skipDark, CorrelateSettings.PairMode.NON_OVERLAPPING);
    }

    public static TagPairs consecutive(long[] tags, int skipDark, CorrelateSettings.PairMode mode) {
        if (skipDark < 0) {
            throw new UserError("[pairs] skip_dark must be >= 0");
        }
        int usable = Math.max(0, tags.length - skipDark);
        boolean overlap = mode == CorrelateSettings.PairMode.OVERLAPPING;
        int n = overlap ? Math.max(0, usable - 1) : usable / 2;
        int step = overlap ? 1 : 2;
        int[] a = new int[n];
        int[] b = new int[n];
        long[] ta = new long[n];
        long[] tb = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = skipDark + step * i;
            b[i] = a[i] + 1;
            ta[i] = tags[a[i]];
            tb[i] = tags[b[i]];
        }
        return new TagPairs(a, b, ta, tb, 0);
    }

    public static TagPairs fromJson(Path file, long[] tags) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError(
                    file + ": no such pairs file; fix [pairs] pairs_file or set it to None for " + "consecutive pairs");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        JsonArray list;
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonArray()) {
                throw new JsonParseException("not a list");
            }
            list = root.getAsJsonArray();
        } catch (JsonParseException | IllegalStateException e) {
            throw new UserError(file + ": not a JSON list of tag pairs; write it as [[\"tag_N\", \"tag_M\"], ...]");
        }
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < tags.length; i++) {
            index.put(tags[i], i);
        }
        int n = list.size();
        int[] a = new int[n];
        int[] b = new int[n];
        long[] ta = new long[n];
        long[] tb = new long[n];
        int m = 0;
        int skipped = 0;
        for (int i = 0; i < n; i++) {
            long t1;
            long t2;
            try {
                JsonArray p = list.get(i).getAsJsonArray();
                if (p.size() != 2) {
                    throw new IllegalStateException();
                }
                t1 = tag(p.get(0), file, i);
                t2 = tag(p.get(1), file, i);
            } catch (IllegalStateException
                    | UnsupportedOperationException
                    | NumberFormatException
                    | ArithmeticException e) {
                throw new UserError(file + ": entry " + i
                        + " is not a pair of tags; write [[\"tag_N\", \"tag_M\"], ...] " + "or [[N, M], ...]");
            }
            Integer i1 = index.get(t1);
            Integer i2 = index.get(t2);
            if (i1 == null || i2 == null) {
                skipped++;
                continue;
            }
            a[m] = i1;
            b[m] = i2;
            ta[m] = t1;
            tb[m] = t2;
            m++;
        }
        return new TagPairs(
                Arrays.copyOf(a, m), Arrays.copyOf(b, m), Arrays.copyOf(ta, m), Arrays.copyOf(tb, m), skipped);
    }

    /** A tag given as "tag_N", "N" or an integer N. */
    private static long tag(JsonElement e, Path file, int entry) {
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isString()) {
            return TagNames.parse(p.getAsString(), file + ": entry " + entry);
        }
        long v = p.getAsBigDecimal().longValueExact();
        if (v < 0) {
            throw new NumberFormatException("negative tag");
        }
        return v;
    }

    /** The pairs as {@code (n, 2)} tags, row-major. */
    public long[] tagArray() {
        long[] t = new long[2 * size()];
        for (int i = 0; i < size(); i++) {
            t[2 * i] = tagFirst[i];
            t[2 * i + 1] = tagSecond[i];
        }
        return t;
    }

    /** Writes the pairs as RingData's json.dump does, {@code [["tag_N", "tag_M"], ...]}; {@link #fromJson} reads it. */
    public void writeJson(Path file) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size(); i++) {
            sb.append(i == 0 ? "" : ", ")
                    .append("[\"")
                    .append(TagNames.name(tagFirst[i]))
                    .append("\", \"")
                    .append(TagNames.name(tagSecond[i]))
                    .append("\"]");
        }
        AtomicFiles.writeString(file, sb.append("]").toString());
    }
}
