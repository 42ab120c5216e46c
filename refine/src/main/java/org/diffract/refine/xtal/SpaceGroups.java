package org.diffract.refine.xtal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.diffract.core.UserError;
import org.diffract.core.config.EditDistance;

/**
 * The table of the 230 space groups (resource spacegroups.tsv, made by refine/tools/make_spacegroups.py
 * from International Tables data) and lookup by number or Hermann-Mauguin symbol in any usual spelling:
 * "P 21 21 21", "P212121", "p 21 21 21", "19", "C 1 2 1", "C2", "R 3 2", "H32", "R 3 2:H".
 */
public final class SpaceGroups {
    private static final List<SpaceGroup> ALL;
    private static final Map<String, SpaceGroup> BY_NAME = new HashMap<>();

    static {
        List<SpaceGroup> all = new ArrayList<>();
        try (InputStream in = SpaceGroups.class.getResourceAsStream("spacegroups.tsv")) {
            if (in == null) {
                throw new IllegalStateException("spacegroups.tsv missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                List<SymOp> ops = new ArrayList<>();
                for (String t : f[8].split(";")) {
                    ops.add(SymOp.parse(t));
                }
                List<int[]> cen = new ArrayList<>();
                for (String c : f[9].split(";")) {
                    String[] v = c.split(",");
                    cen.add(new int[] {Integer.parseInt(v[0]), Integer.parseInt(v[1]), Integer.parseInt(v[2])});
                }
                String pg = f[5];
                all.add(new SpaceGroup(
                        Integer.parseInt(f[0]),
                        f[1],
                        f[2],
                        f[3],
                        f[4],
                        pg,
                        PointGroups.settingOf(pg, f[1]),
                        f[6],
                        f[7],
                        List.copyOf(ops),
                        List.copyOf(cen)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read spacegroups.tsv", e);
        }
        ALL = Collections.unmodifiableList(all);
        for (SpaceGroup g : ALL) {
            BY_NAME.put(key(g.hm()), g);
            BY_NAME.put(key(g.xhm()), g);
            BY_NAME.put(key(g.shortName()), g);
            BY_NAME.put(Integer.toString(g.number()), g);
            if (g.crystalSystem().equals("monoclinic")) {
                // short monoclinic symbols: "P 1 21 1" is also written "P21" (unique axis b)
                String[] t = g.hm().split(" ");
                BY_NAME.put(key(t[0] + t[2]), g);
            }
            if (g.lattice() == 'R') {
                BY_NAME.put(key("H" + g.hm().substring(1)), g);
            }
        }
    }

    private SpaceGroups() {}

    private static String key(String s) {
        return s.replace(" ", "").replace("_", "").toUpperCase(Locale.ROOT);
    }

    public static List<SpaceGroup> all() {
        return ALL;
    }

    public static SpaceGroup byNumber(int n) {
        if (n < 1 || n > 230) {
            throw new UserError("space group number " + n + " does not exist; use 1..230");
        }
        return ALL.get(n - 1);
    }

    /** Looks a space group up by number or symbol; unknown names are a UserError with the nearest symbol. */
    public static SpaceGroup find(String name) {
        SpaceGroup g = BY_NAME.get(key(name.trim()));
        if (g != null) {
            return g;
        }
        // compare spelling-free keys ("P212121"), then report the nearest group's symbol as CCP4 writes it
        Map<String, String> symbolOfKey = new LinkedHashMap<>();
        for (SpaceGroup s : ALL) {
            symbolOfKey.putIfAbsent(key(s.hm()), s.hm());
        }
        String best = EditDistance.nearest(key(name), symbolOfKey.keySet(), Integer.MAX_VALUE);
        throw new UserError("unknown space group '" + name + "'; give a number 1..230 or a Hermann-Mauguin symbol"
                + " such as 'P 21 21 21'" + (best != null ? " (did you mean '" + symbolOfKey.get(best) + "'?)" : ""));
    }
}
