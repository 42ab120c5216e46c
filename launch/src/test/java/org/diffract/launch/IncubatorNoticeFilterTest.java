package org.diffract.launch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IncubatorNoticeFilterTest {
    private static String filter(String... chunks) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IncubatorNoticeFilter f = new IncubatorNoticeFilter(out);
        for (String c : chunks) {
            byte[] b = c.getBytes(StandardCharsets.UTF_8);
            f.write(b, 0, b.length);
        }
        f.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dropsOnlyTheNoticeLines() throws Exception {
        String notice = "WARNING: Using incubator modules: jdk.incubator.vector\n";
        assertEquals("MPJ started\niter 1\n", filter("MPJ started\n" + notice + "iter 1\n" + notice));
        // split anywhere between reads
        assertEquals("a\nb\n", filter("a\nWARNING: Using inc", "ubator modules: jdk.incubator.vector\nb\n"));
        // other warnings and a notice-like text inside a line stay
        assertEquals(
                "WARNING: other\nx WARNING: Using incubator modules\n",
                filter("WARNING: other\nx WARNING: Using incubator modules\n"));
        // progress bars' carriage returns pass unchanged, a cut-off prefix at the end is kept
        assertEquals("10%\r20%\r30%\nWARN", filter("10%\r20%\r30%\n", "WARN"));
    }
}
