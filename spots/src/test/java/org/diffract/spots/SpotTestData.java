package org.diffract.spots;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Options for tests: defaults of lu_hdf2spots plus the given overrides ("key=value"). */
final class SpotTestData {
    private SpotTestData() {}

    static SpotsOptions options(Path input, String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("input", input == null ? "/nonexistent/test__mccd.h5" : input.toString());
        for (String s : kv) {
            int eq = s.indexOf('=');
            m.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return SpotsOptions.resolve(null, m);
    }
}
