package org.diffract.emc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.diffract.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beta as Dragonfly computes it (src/iterate.c calc_beta, src/recon_emc.c update_beta), and the config keys. */
class BetaAndSettingsTest {
    @TempDir
    Path dir;

    @Test
    void scheduleMultipliesEveryPeriodAndIsCappedAtOneUnlessBetaMaxSaysOtherwise() {
        BetaSchedule b = BetaSchedule.of(0.5, 2.0, 10);
        assertEquals(0.5, b.at(1, 0.5));
        assertEquals(0.5, b.at(10, 0.5));
        assertEquals(1.0, b.at(11, 0.5));
        assertEquals(1.0, b.at(21, 0.5), "Dragonfly's cap of 1");
        BetaSchedule uncapped = new BetaSchedule(0.5, 1, 2.0, 10, 4);
        assertEquals(2.0, uncapped.at(21, 0.5));
        assertEquals(4.0, uncapped.at(41, 0.5));
        // beta_factor multiplies the start as well as the schedule
        BetaSchedule factor = new BetaSchedule(0.1, 3, 2, 10, 1);
        assertEquals(0.3, factor.at(1, 0.1), 1e-15);
        assertEquals(0.6, factor.at(11, 0.1), 1e-15);
    }

    @Test
    void automaticBetaIsDragonflysEmpiricalFormula() {
        // exp(-6.5 (340 * 1e-5)^0.15) by hand: ln 0.0034 = -5.683980, * 0.15 -> e^-0.852597 = 0.426306, * 6.5 =
        // 2.770990
        assertEquals(Math.exp(-2.770990), BetaSchedule.automaticStart(340), 1e-6);
        assertEquals(0.0626, BetaSchedule.automaticStart(340), 5e-5);
    }

    private EmcSettings read(String emc) throws Exception {
        Path cfg = dir.resolve("c.ini");
        Files.writeString(
                cfg,
                "[parameters]\ndetd = 100\nlambda = 6.2\ndetsize = 9 9\npixsize = 0.5\n[emc]\n"
                        + "in_photons_file = p.emc\n" + emc + "\n");
        return EmcSettings.read(cfg, 1);
    }

    @Test
    void betaKeys() throws Exception {
        BetaSchedule plain = read("beta = 0.25\nbeta_schedule = 2 5").params().beta();
        assertEquals(0.25, plain.start());
        assertEquals(2, plain.jump());
        assertEquals(5, plain.period());
        assertEquals(1, plain.factor());
        assertEquals(1, plain.max());
        assertTrue(read("beta = auto").params().beta().automatic());
        BetaSchedule onlyFactor = read("beta_factor = 2").params().beta();
        assertTrue(onlyFactor.automatic(), "Dragonfly: beta_factor alone scales the automatic beta");
        assertEquals(2, onlyFactor.factor());
        assertEquals(1.0, read("").params().beta().start(), "spipy's absolute default");
        assertEquals(8, read("beta_max = 8").params().beta().max());
        assertEquals(
                MergeRule.DRAGONFLY, read("merge_rule = dragonfly").params().mergeRule());
        assertEquals(MergeRule.DRAGONFLY, read("").params().mergeRule(), "the better rule on 1EI7");
        assertEquals(
                MergeRule.SCALED_FRAMES,
                read("merge_rule = scaled_frames").params().mergeRule());
        UserError e = assertThrows(UserError.class, () -> read("merge_rule = average"));
        assertTrue(e.getMessage().contains("merge_rule") && e.getMessage().contains("scaled_frames"), e.getMessage());
        e = assertThrows(UserError.class, () -> read("beta_max = 0"));
        assertTrue(e.getMessage().contains("beta_max"), e.getMessage());
    }

    @Test
    void photonsListIsReadRelativeToItsFolder() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/files.txt"), "a.emc\n\n  b.h5  \n/abs/c.h5 /patterns\n");
        Path cfg = dir.resolve("l.ini");
        Files.writeString(cfg, "[emc]\nin_photons_list = data/files.txt\nin_detector_file = det.h5\n");
        List<EmcSettings.PhotonsSource> p = EmcSettings.read(cfg, 1).photons();
        assertEquals(3, p.size());
        assertEquals(dir.resolve("data/a.emc"), p.get(0).file());
        assertEquals(dir.resolve("data/b.h5"), p.get(1).file());
        assertEquals(Path.of("/abs/c.h5"), p.get(2).file());
        assertEquals("/patterns", p.get(2).denseDataset());
        Files.writeString(cfg, "[emc]\nin_photons_list = data/files.txt\nin_photons_file = a.emc\n");
        UserError e = assertThrows(UserError.class, () -> EmcSettings.read(cfg, 1));
        assertTrue(e.getMessage().contains("exactly one"), e.getMessage());
    }
}
