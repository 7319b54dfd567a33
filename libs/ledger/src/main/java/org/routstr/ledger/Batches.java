package org.routstr.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The calls waiting together, handed as one batch to a worker thread: the queue and workers {@link ReserveGroup} and
 * {@link ReadGroup} share. A worker takes what waits (up to {@code maxBatch}) as soon as it is free, so nothing waits
 * for a batch to fill. A call made after {@link #close} (or caught queueing by it) runs {@code alone} on its caller's
 * thread, and what the workers leave queued runs alone too.
 */
final class Batches<I, O> implements AutoCloseable {
    private final int maxBatch;
    private final Consumer<List<Call<I, O>>> run;
    private final Function<I, O> alone;
    private final LinkedBlockingQueue<Call<I, O>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    /** One waiting call: its input and the answer its caller waits for. */
    record Call<I, O>(I in, CompletableFuture<O> done) {
    }

    /**
     * @param run   answers every call of a batch (completing each, normally or exceptionally)
     * @param alone answers one call by itself
     */
    Batches(String name, int workers, int maxBatch, Consumer<List<Call<I, O>>> run, Function<I, O> alone) {
        if (workers < 1 || maxBatch < 1) {
            throw new IllegalArgumentException(name + " workers and batch size must be positive");
        }
        this.maxBatch = maxBatch;
        this.run = run;
        this.alone = alone;
        for (int i = 0; i < workers; i++) {
            this.workers.add(Thread.ofPlatform().daemon().name(name + "-" + i).start(this::loop));
        }
    }

    /** The answer to {@code in}, from the batch it joined; what the batch throws is thrown here. */
    O submit(I in) {
        if (closed) {
            return alone.apply(in);
        }
        Call<I, O> c = new Call<>(in, new CompletableFuture<>());
        queue.add(c);
        if (closed && queue.remove(c)) { // closed while queueing: no worker may take it any more
            alone(c);
        }
        try {
            return c.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /** Answers {@code c} by itself. */
    void alone(Call<I, O> c) {
        try {
            c.done().complete(alone.apply(c.in()));
        } catch (RuntimeException e) {
            c.done().completeExceptionally(e);
        }
    }

    private void loop() {
        while (!closed) {
            List<Call<I, O>> batch = new ArrayList<>();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, maxBatch - 1);
            run.accept(batch);
        }
        List<Call<I, O>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(this::alone);
    }

    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
    }
}
