package org.diffract.refine.subtomo;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.diffract.core.parallel.ThreadCommunicator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rank reads only its own share of the stack, and 2 ranks give what 1 rank gives. */
class RankReadsTest {
    /** A stack that records which thread (rank) read which particle. */
    private record Recording(VolumeStack stack, Set<String> reads) implements ParticleSource {
        @Override
        public int count() {
            return stack.count();
        }

        @Override
        public int n() {
            return stack.n();
        }

        @Override
        public double apix() {
            return 2.0;
        }

        @Override
        public double[] read(int i) {
            reads.add(Thread.currentThread().getName() + ":" + i);
            return stack.read(i);
        }

        @Override
        public String name() {
            return "recording";
        }
    }

    @Test
    void everyRankReadsOnlyItsOwnParticles() throws Exception {
        int n = 12;
        SyntheticSubtomograms data =
                new SyntheticSubtomograms(n, SyntheticSubtomograms.objects(n, 2, 6, 3), 3, 1, 0.3, 30, 4);
        Set<String> reads = ConcurrentHashMap.newKeySet();
        Recording src = new Recording(new VolumeStack(Path.of("x"), n, data.particles()), reads);
        SubtomoOptions o = SubtomoOptions.parse(List.of(
                "--input=x",
                "--nref=2",
                "--refgenmethod=random",
                "--iter=1",
                "--align=rotate_translate_3d:delta=90:dphi=90",
                "--falign=none",
                "--search=1"));
        List<SubtomoRefinement.Result> two = ThreadCommunicator.run(2, comm -> {
            Thread.currentThread().setName("rank" + comm.rank());
            return new SubtomoRefinement(o, src, comm, 1, null).run();
        });
        // 6 particles: rank 0 holds 0..2, rank 1 holds 3..5, and each read exactly those, once
        assertEquals(Set.of("rank0:0", "rank0:1", "rank0:2", "rank1:3", "rank1:4", "rank1:5"), reads);
        SubtomoRefinement.Result one = new SubtomoRefinement(
                        o,
                        new VolumeStack(Path.of("x"), n, data.particles()),
                        new org.diffract.core.parallel.LocalCommunicator(),
                        1,
                        null)
                .run();
        for (SubtomoRefinement.Result t : two) {
            assertArrayEquals(one.membership(), t.membership());
            assertTrue(t.averages()[0].length == n * n * n);
        }
    }
}
