package org.diffract.core.parallel;

import mpi.Intracomm;
import mpi.MPI;

/**
 * {@link Communicator} over MPJ Express. Works around two MPJ 0.44 faults (see DESIGN.md): reductions
 * with a non-zero buffer offset give wrong sums, and one message needing a >= 2 GiB buffer hangs the
 * other ranks. So every collective copies at most {@link #CHUNK} doubles into a scratch buffer at
 * offset 0 and reduces that.
 */
public final class MpjCommunicator implements Communicator {
    /** 4 Mi doubles = 32 MiB per message, well below MPJ's shared multicore buffer pool limits. */
    static final int CHUNK = 4 << 20;

    private final Intracomm comm;
    private double[] scratchIn = new double[0];
    private double[] scratchOut = new double[0];

    public MpjCommunicator(Intracomm comm) {
        this.comm = comm;
    }

    /** The world communicator; MPI.Init must have been called by the rank main. */
    public static MpjCommunicator world() {
        return new MpjCommunicator(MPI.COMM_WORLD);
    }

    @Override
    public int rank() {
        return comm.Rank();
    }

    @Override
    public int size() {
        return comm.Size();
    }

    @Override
    public void allreduceSum(double[] data, int length) {
        allreduce(data, length, MPI.SUM);
    }

    @Override
    public void allreduceMax(double[] data, int length) {
        allreduce(data, length, MPI.MAX);
    }

    private void allreduce(double[] data, int length, mpi.Op op) {
        if (comm.Size() == 1) {
            return;
        }
        for (int start = 0; start < length; start += CHUNK) {
            int n = Math.min(CHUNK, length - start);
            ensureScratch(n);
            System.arraycopy(data, start, scratchIn, 0, n);
            comm.Allreduce(scratchIn, 0, scratchOut, 0, n, MPI.DOUBLE, op);
            System.arraycopy(scratchOut, 0, data, start, n);
        }
    }

    @Override
    public void broadcast(double[] data, int length, int root) {
        if (comm.Size() == 1) {
            return;
        }
        for (int start = 0; start < length; start += CHUNK) {
            int n = Math.min(CHUNK, length - start);
            ensureScratch(n);
            if (comm.Rank() == root) {
                System.arraycopy(data, start, scratchIn, 0, n);
            }
            comm.Bcast(scratchIn, 0, n, MPI.DOUBLE, root);
            System.arraycopy(scratchIn, 0, data, start, n);
        }
    }

    @Override
    public void barrier() {
        comm.Barrier();
    }

    private void ensureScratch(int n) {
        if (scratchIn.length < n) {
            scratchIn = new double[n];
            scratchOut = new double[n];
        }
    }
}
