/*
 * A small persistent thread pool for bytelab's native kernels.
 *
 * parallel_for(n, fn, ctx) runs fn(ctx, i) for every task i in [0, n) on the calling thread and the pool's
 * workers; tasks are taken from a shared counter, so a worker the OS does not schedule (a busy shared host)
 * only delays the tasks it took, and the caller does the rest. Kernels make their tasks independent of
 * which thread runs them and of the thread count (results are bit-identical for any thread count).
 * Workers spin briefly after a job (kernels come in bursts), then sleep on a condition variable.
 */
#ifndef BYTELAB_POOL_H
#define BYTELAB_POOL_H

typedef void (*task_fn)(void *ctx, long task);

/* Sets the number of threads (caller included), >= 1. Starts or stops workers as needed. */
void pool_set_threads(int threads);
int pool_threads(void);
void parallel_for(long tasks, task_fn fn, void *ctx);
/* Stops every worker (process exit / addon unload). */
void pool_shutdown(void);

#endif
