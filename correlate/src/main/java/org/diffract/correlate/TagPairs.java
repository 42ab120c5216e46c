package org.diffract.correlate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.diffract.core.UserError;
import org.diffract.core.io.AtomicFiles;

/**
 * The shot pairs to difference, as indices into the shot list and as tags. By default consecutive,
 * non-overlapping pairs (t[K], t[K+1]), (t[K+2], t[K+3]), ... after skipping the first K dark shots, so
 * no shot enters two differences; or a JSON list {@code [[tag1, tag2], ...]}, in which pairs naming a tag
 * absent from the data are skipped and counted.
 */
public record TagPairs(int[] first, int[] second, long[] tagFirst, long[] tagSecond, int skipped) {

    public int size() {
        return first.length;
    }

    public static TagPairs consecutive(long[] tags, int skipDark) {
        if (skipDark < 0) {
            throw new UserError("[pairs] skip_dark must be >= 0");
        }
        int usable = Math.max(0, tags.length - skipDark);
        int n = usable / 2;
        int[] a = new int[n];
        int[] b = new int[n];
        long[] ta = new long[n];
        long[] tb = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = skipDark + 2 * i;
            b[i] = skipDark + 2 * i + 1;
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
            throw new UserError(file + ": no such pairs file; fix [pairs] pairs_file or set it to None for "
                    + "consecutive pairs");
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
            throw new UserError(file + ": not a JSON list of tag pairs; write it as [[tag1, tag2], ...]");
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
                t1 = p.get(0).getAsLong();
                t2 = p.get(1).getAsLong();
            } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
                throw new UserError(file + ": entry " + i + " is not a pair of integer tags; write [[tag1, tag2], ...]");
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
        return new TagPairs(java.util.Arrays.copyOf(a, m), java.util.Arrays.copyOf(b, m),
                java.util.Arrays.copyOf(ta, m), java.util.Arrays.copyOf(tb, m), skipped);
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

    /** Writes the pairs as a JSON list that {@link #fromJson} reads back. */
    public void writeJson(Path file) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size(); i++) {
            sb.append(i == 0 ? "" : ",\n ").append('[').append(tagFirst[i]).append(", ").append(tagSecond[i])
                    .append(']');
        }
        AtomicFiles.writeString(file, sb.append("]\n").toString());
    }
}
