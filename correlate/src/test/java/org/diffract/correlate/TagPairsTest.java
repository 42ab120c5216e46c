package org.diffract.correlate;

import java.nio.file.Files;
import java.nio.file.Path;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TagPairsTest {
    @TempDir
    Path dir;

    @Test
    void consecutiveAfterDarkShots() {
        TagPairs p = TagPairs.consecutive(new long[] {10, 12, 14, 16, 18, 20, 22}, 2);
        assertArrayEquals(new int[] {2, 4}, p.first());
        assertArrayEquals(new int[] {3, 5}, p.second());
        assertArrayEquals(new long[] {14, 16, 18, 20}, p.tagArray());
    }

    @Test
    void overlappingAsRingDataZipsThem() {
        // RingData: zip(tags[K:-1], tags[K+1:])
        TagPairs p = TagPairs.consecutive(new long[] {10, 12, 14, 16, 18}, 1, CorrelateSettings.PairMode.OVERLAPPING);
        assertArrayEquals(new int[] {1, 2, 3}, p.first());
        assertArrayEquals(new int[] {2, 3, 4}, p.second());
        assertArrayEquals(new long[] {12, 14, 14, 16, 16, 18}, p.tagArray());
        assertEquals(
                0,
                TagPairs.consecutive(new long[] {10, 12}, 1, CorrelateSettings.PairMode.OVERLAPPING)
                        .size());
    }

    @Test
    void ringDataTagNamesAreReadAndWritten() throws Exception {
        Path f = dir.resolve("ringdata.json");
        // as json.dump(zip(...)) writes SACLA tag names, beside a bare number string and an integer
        Files.writeString(f, "[[\"tag_166762140\", \"tag_166762142\"], [\"166762142\", 166762144]]");
        long[] tags = {166762140, 166762142, 166762144};
        TagPairs p = TagPairs.fromJson(f, tags);
        assertArrayEquals(new long[] {166762140, 166762142, 166762142, 166762144}, p.tagArray());
        p.writeJson(dir.resolve("out.json"));
        assertEquals(
                "[[\"tag_166762140\", \"tag_166762142\"], [\"tag_166762142\", \"tag_166762144\"]]",
                Files.readString(dir.resolve("out.json")));
        for (String bad : new String[] {"[[\"run_1\", \"tag_2\"]]", "[[\"tag_-3\", \"tag_2\"]]", "[[1.5, 2]]"}) {
            Files.writeString(f, bad);
            UserError e = assertThrows(UserError.class, () -> TagPairs.fromJson(f, tags), bad);
            assertTrue(
                    e.getMessage().contains("ringdata.json") && e.getMessage().contains("entry 0"), e.getMessage());
        }
    }

    @Test
    void jsonPairsWithAMissingTagAreSkippedAndCounted() throws Exception {
        Path f = dir.resolve("pairs.json");
        Files.writeString(f, "[[12, 10], [14, 99], [16, 18]]");
        TagPairs p = TagPairs.fromJson(f, new long[] {10, 12, 14, 16, 18});
        assertEquals(2, p.size());
        assertEquals(1, p.skipped());
        assertArrayEquals(new int[] {1, 3}, p.first());
        assertArrayEquals(new int[] {0, 4}, p.second());
        p.writeJson(dir.resolve("out.json"));
        assertArrayEquals(
                p.tagArray(),
                TagPairs.fromJson(dir.resolve("out.json"), new long[] {10, 12, 14, 16, 18})
                        .tagArray());
    }

    @Test
    void badJsonIsOneLineError() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "[[1, 2], [3]]");
        UserError e = assertThrows(UserError.class, () -> TagPairs.fromJson(f, new long[] {1, 2, 3}));
        assertTrue(
                e.getMessage().contains("bad.json") && e.getMessage().contains("[[\"tag_N\", \"tag_M\"]"),
                e.getMessage());
        Files.writeString(f, "{\"a\": 1");
        assertThrows(UserError.class, () -> TagPairs.fromJson(f, new long[] {1}));
        assertThrows(UserError.class, () -> TagPairs.fromJson(dir.resolve("none.json"), new long[] {1}));
    }
}
