package org.diffract.launch;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.diffract.spots.SpotsOptions;

/** Laue spot finding ({@code spots}) as a launcher stage. */
final class SpotsStage implements Stage {
    @Override
    public String name() {
        return "spots";
    }

    @Override
    public String description() {
        return "Laue spot finding in frame time series (LaueUtil lu_hdf2spots)";
    }

    @Override
    public String rankMainClass() {
        return "org.diffract.spots.SpotsRankMain";
    }

    @Override
    public String configTemplate() {
        return "spots.ini";
    }

    @Override
    public Path outputFolder(Path config) {
        return SpotsOptions.read(config).output().getParent();
    }

    @Override
    public Map<String, Set<String>> knownKeys() {
        return Map.of(SpotsOptions.SECTION, SpotsOptions.Key.keys());
    }

    /**
     * LaueUtil's layout fixes the frames' dataset (/frames beside lauecollect/), so only the file is set.
     * A project fills every stage's config from its one data file: this must not refuse data meant for
     * another stage; spots itself checks the layout when it runs.
     */
    @Override
    public void useData(IniText config, Path project, String data, String dataset) {
        config.set(SpotsOptions.SECTION, SpotsOptions.Key.INPUT.key(), data);
    }
}
