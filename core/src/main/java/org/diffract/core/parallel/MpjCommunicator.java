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
    /** 32 MiB per byte message, for the same reason. */
    static final int BYTE_CHUNK = 32 << 20;

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

    /**
     * Point-to-point sends to root, a length first and then chunks of at most {@link #BYTE_CHUNK} at offset
     * 0 (MPJ's Gather ignores receive offsets, and one huge message hangs the others).
     */
    @Override
    public byte[] gatherBytes(byte[] mine, int root) {
        if (comm.Size() == 1) {
            return mine.clone();
        }
        final int tag = 7301;
        if (comm.Rank() != root) {
            comm.Send(new long[] {mine.length}, 0, 1, MPI.LONG, root, tag);
            byte[] chunk = new byte[Math.min(BYTE_CHUNK, Math.max(1, mine.length))];
            for (int start = 0; start < mine.length; start += BYTE_CHUNK) {
                int n = Math.min(BYTE_CHUNK, mine.length - start);
                System.arraycopy(mine, start, chunk, 0, n);
                comm.Send(chunk, 0, n, MPI.BYTE, root, tag);
            }
            return null;
        }
        byte[][] parts = new byte[comm.Size()][];
        long total = 0;
        for (int r = 0; r < comm.Size(); r++) {
            if (r == root) {
                parts[r] = mine;
            } else {
                long[] len = new long[1];
                comm.Recv(len, 0, 1, MPI.LONG, r, tag);
                byte[] part = new byte[Math.toIntExact(len[0])];
                byte[] chunk = new byte[Math.min(BYTE_CHUNK, Math.max(1, part.length))];
                for (int start = 0; start < part.length; start += BYTE_CHUNK) {
                    int n = Math.min(BYTE_CHUNK, part.length - start);
                    comm.Recv(chunk, 0, n, MPI.BYTE, r, tag);
                    System.arraycopy(chunk, 0, part, start, n);
                }
                parts[r] = part;
            }
            total += parts[r].length;
        }
        byte[] out = new byte[Math.toIntExact(total)];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * Point to point in chunks of at most {@link #CHUNK} at offset 0: every rank but the last sends first and
     * every rank but the first receives after, so the chain completes from the top rank down without a cycle.
     */
    @Override
    public void shiftUp(double[] send, double[] receive, int length) {
        int rank = comm.Rank();
        int size = comm.Size();
        if (size == 1) {
            return;
        }
        final int tag = 7302;
        ensureScratch(Math.min(CHUNK, Math.max(1, length)));
        for (int start = 0; start < length; start += CHUNK) {
            int n = Math.min(CHUNK, length - start);
            if (rank % 2 == 0) {
                sendUp(send, start, n, rank, size, tag);
                receiveFromBelow(receive, start, n, rank, tag);
            } else {
                receiveFromBelow(receive, start, n, rank, tag);
                sendUp(send, start, n, rank, size, tag);
            }
        }
    }

    private void sendUp(double[] send, int start, int n, int rank, int size, int tag) {
        if (rank + 1 < size) {
            System.arraycopy(send, start, scratchIn, 0, n);
            comm.Send(scratchIn, 0, n, MPI.DOUBLE, rank + 1, tag);
        }
    }

    private void receiveFromBelow(double[] receive, int start, int n, int rank, int tag) {
        if (rank > 0) {
            comm.Recv(scratchOut, 0, n, MPI.DOUBLE, rank - 1, tag);
            System.arraycopy(scratchOut, 0, receive, start, n);
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
