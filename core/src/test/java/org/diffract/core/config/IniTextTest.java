package org.diffract.core.config;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IniTextTest {
    private static final String TEXT = "# top comment\n[a]\n# about x\nx = 1\ny=2 ; old\n\n[b]\nz = 3\n";

    @Test
    void setReplacesOnlyThatLineAndKeepsComments() {
        IniText t = IniText.parse(TEXT).set("a", "y", "5");
        assertEquals("# top comment\n[a]\n# about x\nx = 1\ny = 5\n\n[b]\nz = 3\n", t.text());
    }

    @Test
    void newKeyGoesAfterTheLastKeyOfItsSection() {
        assertEquals(
                "# top comment\n[a]\n# about x\nx = 1\ny=2 ; old\nw = 9\n\n[b]\nz = 3\n",
                IniText.parse(TEXT).set("a", "w", "9").text());
    }

    @Test
    void newSectionIsAppended() {
        String t = IniText.parse(TEXT).set("c", "k", "v").text();
        assertTrue(t.endsWith("z = 3\n\n[c]\nk = v\n"), t);
    }

    @Test
    void getAndRemoveLookOnlyInTheSection() {
        IniText t = IniText.parse(TEXT);
        assertEquals(Optional.of("1"), t.get("a", "x"));
        assertEquals(Optional.empty(), t.get("b", "x"));
        assertEquals(Optional.empty(), t.get("a", "about x"), "comments are not keys");
        t.remove("b", "x").remove("a", "x");
        assertEquals("# top comment\n[a]\n# about x\ny=2 ; old\n\n[b]\nz = 3\n", t.text());
    }
}
