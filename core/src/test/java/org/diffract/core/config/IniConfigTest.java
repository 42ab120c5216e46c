package org.diffract.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IniConfigTest {
    @TempDir
    Path dir;

    private static final String TEXT = String.join(
            "\n",
            "# Dragonfly-style config",
            "[parameters]",
            "detd = 586 # mm",
            "lambda = 6.2",
            "detsize = 150 150",
            "; another comment",
            "stoprad = 10",
            "polarization = x",
            "",
            "[emc]",
            "num_div = 4",
            "Num_Div = 7",
            "need_scaling = yes",
            "beta = 0.001",
            "in_photons_file = data/photons.emc",
            "in_mask = None",
            "out_folder = /abs/out",
            "name = run#1",
            "num_div = 6",
            "[parameters]",
            "pixsize = 0.512, 0.5");

    private IniConfig cfg() {
        return IniConfig.parse(TEXT, dir.resolve("emc.ini"));
    }

    @Test
    void parsesSectionsKeysCommentsAndOverrides() {
        IniConfig c = cfg();
        assertEquals(List.of("parameters", "emc"), List.copyOf(c.sections()));
        assertEquals(
                List.of("detd", "lambda", "detsize", "stoprad", "polarization", "pixsize"),
                List.copyOf(c.keys("parameters")));
        assertEquals(Optional.of("586"), c.get("parameters", "detd"));
        assertEquals(6, c.getInt("emc", "num_div", 0), "later duplicate overrides");
        assertEquals(7, c.getInt("emc", "Num_Div", 0), "keys are case-sensitive");
        assertEquals("run#1", c.getString("emc", "name", null), "# without space before is part of the value");
        assertTrue(c.has("emc", "beta"));
        assertFalse(c.has("emc", "nope"));
        assertFalse(c.has("nosection", "beta"));
        assertEquals(Set.of(), c.keys("nosection"));
        assertEquals("dflt", c.getString("emc", "nope", "dflt"));
        assertEquals(dir.resolve("emc.ini"), c.source());
    }

    @Test
    void typedGetters() {
        IniConfig c = cfg();
        assertEquals(586L, c.getLong("parameters", "detd", 0));
        assertEquals(6.2, c.getDouble("parameters", "lambda", 0));
        assertEquals(0.25, c.getDouble("parameters", "absent", 0.25));
        assertTrue(c.getBool("emc", "need_scaling", false));
        assertFalse(c.getBool("emc", "absent", false));
        assertArrayEquals(new double[] {150, 150}, c.getDoubles("parameters", "detsize", 2, null));
        assertArrayEquals(new double[] {0.512, 0.5}, c.getDoubles("parameters", "pixsize", 0, null));
        assertArrayEquals(new double[] {1}, c.getDoubles("parameters", "absent", 2, new double[] {1}));
        assertEquals("x", c.getChoice("parameters", "polarization", "none", "x", "y", "none"));
        assertEquals("y", c.getChoice("parameters", "absent", "y", "x", "y"));
        assertEquals(dir.resolve("data/photons.emc").toAbsolutePath(), c.getPath("emc", "in_photons_file", null));
        assertNull(c.getPath("emc", "in_mask", Path.of("default")));
        assertEquals(Path.of("/abs/out"), c.getPath("emc", "out_folder", null));
        assertEquals(Path.of("d"), c.getPath("emc", "absent", Path.of("d")));
    }

    @Test
    void boolWords() {
        IniConfig c = IniConfig.parse("[s]\na = 1\nb = TRUE\nc = on\nd = 0\ne = false\nf = No\ng = off\n", null);
        for (String k : new String[] {"a", "b", "c"}) {
            assertTrue(c.getBool("s", k, false), k);
        }
        for (String k : new String[] {"d", "e", "f", "g"}) {
            assertFalse(c.getBool("s", k, true), k);
        }
    }

    @Test
    void typedGetterErrorsNameFileSectionKeyValueAndExpectation() {
        Path src = dir.resolve("emc.ini");
        IniConfig c = IniConfig.parse(
                "[emc]\nnum_div = four\nbeta = nan\nbig = 3000000000\nflag = maybe\n"
                        + "detsize = 150\npol = z\nbeta2 = Infinity\nsize = 1 x\n",
                src);
        UserError e = assertThrows(UserError.class, () -> c.getInt("emc", "num_div", 0));
        assertEquals(
                src + ": [emc] num_div = 'four' is not valid; expected a whole number, e.g. num_div = 10",
                e.getMessage());
        e = assertThrows(UserError.class, () -> c.getDouble("emc", "beta", 0));
        assertEquals(
                src + ": [emc] beta = 'nan' is not valid; expected a finite number, e.g. beta = 1.5", e.getMessage());
        e = assertThrows(UserError.class, () -> c.getDouble("emc", "beta2", 0));
        assertTrue(e.getMessage().contains("beta2 = 'Infinity' is not valid; expected a finite number"));
        e = assertThrows(UserError.class, () -> c.getInt("emc", "big", 0));
        assertTrue(e.getMessage().contains("big = '3000000000' is not valid; expected a whole number between"));
        assertEquals(3000000000L, c.getLong("emc", "big", 0));
        e = assertThrows(UserError.class, () -> c.getLong("emc", "num_div", 0));
        assertTrue(e.getMessage().contains("num_div = 'four'"));
        e = assertThrows(UserError.class, () -> c.getBool("emc", "flag", false));
        assertEquals(
                src + ": [emc] flag = 'maybe' is not valid; expected one of 0/1, true/false, yes/no, on/off",
                e.getMessage());
        e = assertThrows(UserError.class, () -> c.getDoubles("emc", "detsize", 2, null));
        assertEquals(
                src + ": [emc] detsize = '150' is not valid; expected 2 finite numbers separated by spaces or commas",
                e.getMessage());
        e = assertThrows(UserError.class, () -> c.getDoubles("emc", "size", 0, null));
        assertTrue(e.getMessage().contains("size = '1 x' is not valid"));
        e = assertThrows(UserError.class, () -> c.getChoice("emc", "pol", "x", "x", "y", "none"));
        assertEquals(src + ": [emc] pol = 'z' is not valid; expected one of x, y, none", e.getMessage());
    }

    @Test
    void syntaxErrors() {
        UserError e = assertThrows(UserError.class, () -> IniConfig.parse("key = 1\n", Path.of("emc.ini")));
        assertEquals(
                "emc.ini: line 1 'key = 1' comes before any [section]; put it under a section such as [emc]",
                e.getMessage());
        e = assertThrows(UserError.class, () -> IniConfig.parse("[emc]\njust words\n", Path.of("emc.ini")));
        assertEquals("emc.ini: line 2 'just words' is not 'key = value'; fix or comment it out with #", e.getMessage());
        e = assertThrows(UserError.class, () -> IniConfig.parse("[emc\n", Path.of("emc.ini")));
        assertTrue(e.getMessage().contains("line 1 '[emc' is not a section header"), e.getMessage());
    }

    @Test
    void checkKnownSuggestsNearestName() {
        Map<String, Set<String>> allowed =
                Map.of("emc", Set.of("num_div", "beta", "need_scaling"), "parameters", Set.of("detd", "lambda"));
        Path src = Path.of("emc.ini");
        IniConfig.parse("[emc]\nnum_div = 4\n[parameters]\ndetd = 1\n", src).checkKnown(allowed);
        UserError e = assertThrows(
                UserError.class,
                () -> IniConfig.parse("[emc]\nnm_div = 4\n", src).checkKnown(allowed));
        assertEquals(
                "emc.ini: unknown key 'nm_div' in [emc]; did you mean 'num_div'? (known: beta, need_scaling, num_div)",
                e.getMessage());
        e = assertThrows(
                UserError.class,
                () -> IniConfig.parse("[emc]\nzzzzzz = 4\n", src).checkKnown(allowed));
        assertEquals("emc.ini: unknown key 'zzzzzz' in [emc]; known: beta, need_scaling, num_div", e.getMessage());
        e = assertThrows(
                UserError.class,
                () -> IniConfig.parse("[parameter]\ndetd = 4\n", src).checkKnown(allowed));
        assertEquals(
                "emc.ini: unknown section [parameter]; did you mean [parameters]? (known: emc, parameters)",
                e.getMessage());
        assertEquals(3, EditDistance.between("kitten", "sitting"));
        assertEquals(0, EditDistance.between("", ""));
        assertEquals(4, EditDistance.between("", "abcd"));
    }

    @Test
    void setToTextWriteAndReadBack() throws Exception {
        IniConfig c = cfg().set("emc", "num_div", "10").set("new", "k", "v");
        String text = c.toText();
        assertTrue(text.startsWith("[parameters]\ndetd = 586\nlambda = 6.2\n"), text);
        assertTrue(text.contains("[emc]\nnum_div = 10\nNum_Div = 7\n"), text);
        assertTrue(text.endsWith("\n[new]\nk = v\n"), text);
        Path out = dir.resolve("sub/out.ini");
        c.write(out);
        IniConfig back = IniConfig.read(out);
        assertEquals(text, back.toText());
        assertEquals(10, back.getInt("emc", "num_div", 0));
        assertEquals(
                out.getParent().resolve("data/photons.emc").toAbsolutePath(),
                back.getPath("emc", "in_photons_file", null),
                "relative to the new file's folder");
        assertThrows(IllegalArgumentException.class, () -> c.set("emc", "k", "two\nlines"));
        assertEquals(List.of(), List.copyOf(IniConfig.empty(null).sections()));
    }

    @Test
    void missingFile() throws Exception {
        Path f = dir.resolve("emc.ini");
        UserError e = assertThrows(UserError.class, () -> IniConfig.read(f));
        assertEquals(f + ": no such file; create one with 'diffract project new' or copy conf/emc.ini", e.getMessage());
        Files.writeString(f, "[a]\nb = 2\n");
        assertEquals(2, IniConfig.read(f).getInt("a", "b", 0));
    }
}
