#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

#define MAX_THREADS 64
/*
 * How long an idle worker spins for the next job, and the caller for its stragglers, before sleeping.
 * Short: on a busy host a spinning thread burns the CPU share the scheduler would otherwise give it when it
 * has work (2 threads of a run get ~2x one thread's share there only if neither wastes it spinning);
 * BYTELAB_SPIN_US overrides it.
 */
static long spin_ns = 20000L;

/*
 * Task claims go through one 64-bit word: generation (24 bits) | task count (20) | next index (20). A claim
 * succeeds only while the word still carries the claimer's generation and has tasks left, i.e. only while
 * that job is live (the caller waits until every claimed task has finished before it starts another job).
 * A worker delayed past the end of its job therefore never runs a task of the next one. The job's function
 * and context are read after a successful claim, from the slot of the job's generation parity.
 */
#define IDX_BITS 20
#define TASK_BITS 20
#define GEN_BITS 24
#define IDX_MASK ((1ULL << IDX_BITS) - 1)
#define TASK_MASK ((1ULL << TASK_BITS) - 1)
#define GEN_MASK ((1ULL << GEN_BITS) - 1)

static pthread_t workers[MAX_THREADS];
static int nworkers = 0; /* threads besides the caller */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
/* The caller sleeps here for stragglers; whoever finishes a job's last task wakes it. */
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;

static struct {
  task_fn fn;
  void *ctx;
} slots[2];
static _Atomic uint64_t claims;
static atomic_long done_tasks;
static atomic_ulong published; /* full-width generation, for waking */
static atomic_int stopping;
static atomic_int sleepers;

/*
 * Adaptive fallback for oversubscribed hosts: when the caller keeps waiting longer for the workers' tasks
 * than it spent on its own (the workers are not getting CPU time), jobs run on the calling thread alone for
 * a while, then the workers are tried again. Safe because results never depend on which thread runs a
 * task. On a host with idle cores this never triggers.
 */
static int strikes = 0;
static long serial_left = 0;
#define STRIKES_TO_SERIAL 8
#define SERIAL_JOBS 512

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

/* Claims and runs tasks of generation `gen` until none are left (or the job is over). */
static void run_tasks(uint64_t gen) {
  for (;;) {
    uint64_t v = atomic_load_explicit(&claims, memory_order_acquire);
    uint64_t idx, tasks;
    do {
      if ((v >> (IDX_BITS + TASK_BITS)) != (gen & GEN_MASK)) return;
      idx = v & IDX_MASK;
      tasks = (v >> IDX_BITS) & TASK_MASK;
      if (idx >= tasks) return;
    } while (!atomic_compare_exchange_weak_explicit(&claims, &v, v + 1, memory_order_acq_rel,
                                                    memory_order_acquire));
    task_fn fn = slots[gen & 1].fn;
    void *ctx = slots[gen & 1].ctx;
    fn(ctx, (long)idx);
    if (atomic_fetch_add_explicit(&done_tasks, 1, memory_order_acq_rel) + 1 == (long)tasks) {
      /* The job's last task: wake the caller if it sleeps (taking the lock orders this after its check). */
      pthread_mutex_lock(&lock);
      pthread_cond_broadcast(&finished);
      pthread_mutex_unlock(&lock);
    }
  }
}

static void *worker_main(void *arg) {
  (void)arg;
  unsigned long seen = atomic_load(&published);
  for (;;) {
    long start = now_ns();
    int spins = 0;
    while (atomic_load_explicit(&published, memory_order_acquire) == seen && !atomic_load(&stopping)) {
      CPU_RELAX();
      if (++spins % 128 == 0) {
        if (now_ns() - start > spin_ns) {
          pthread_mutex_lock(&lock);
          atomic_fetch_add(&sleepers, 1);
          while (atomic_load(&published) == seen && !atomic_load(&stopping)) pthread_cond_wait(&wake, &lock);
          atomic_fetch_sub(&sleepers, 1);
          pthread_mutex_unlock(&lock);
          break;
        }
        sched_yield();
      }
    }
    if (atomic_load(&stopping)) return NULL;
    seen = atomic_load_explicit(&published, memory_order_acquire);
    run_tasks(seen);
  }
}

void parallel_for(long tasks, task_fn fn, void *ctx) {
  if (tasks <= 0) return;
  if (nworkers == 0 || tasks == 1 || tasks > (long)TASK_MASK || serial_left > 0) {
    if (serial_left > 0 && nworkers > 0 && tasks > 1) serial_left--;
    for (long i = 0; i < tasks; i++) fn(ctx, i);
    return;
  }
  long t0 = now_ns();
  unsigned long gen = atomic_load(&published) + 1;
  slots[gen & 1].fn = fn;
  slots[gen & 1].ctx = ctx;
  atomic_store_explicit(&done_tasks, 0, memory_order_relaxed);
  atomic_store_explicit(&claims, ((gen & GEN_MASK) << (IDX_BITS + TASK_BITS)) | ((uint64_t)tasks << IDX_BITS),
                        memory_order_release);
  atomic_store_explicit(&published, gen, memory_order_seq_cst);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  run_tasks(gen);
  /* Wait for the tasks other threads claimed: spin briefly, then sleep until the last one wakes us. */
  long start = now_ns();
  long own = start - t0;
  int spins = 0;
  while (atomic_load_explicit(&done_tasks, memory_order_acquire) < tasks) {
    CPU_RELAX();
    if (++spins % 64 == 0 && now_ns() - start > spin_ns) {
      pthread_mutex_lock(&lock);
      while (atomic_load_explicit(&done_tasks, memory_order_acquire) < tasks) pthread_cond_wait(&finished, &lock);
      pthread_mutex_unlock(&lock);
      break;
    }
  }
  long waited = now_ns() - start;
  if (waited > own && waited > 50000L) {
    if (++strikes >= STRIKES_TO_SERIAL) {
      strikes = 0;
      serial_left = SERIAL_JOBS;
    }
  } else if (strikes > 0) {
    strikes--;
  }
}

static void stop_workers(void) {
  if (nworkers == 0) return;
  pthread_mutex_lock(&lock);
  atomic_store(&stopping, 1);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < nworkers; i++) pthread_join(workers[i], NULL);
  nworkers = 0;
  atomic_store(&stopping, 0);
}

void pool_set_threads(int threads) {
  const char *spin = getenv("BYTELAB_SPIN_US");
  if (spin && *spin) spin_ns = atol(spin) * 1000L;
  if (threads < 1) threads = 1;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if (threads - 1 == nworkers) return;
  stop_workers();
  for (int i = 0; i < threads - 1; i++) {
    if (pthread_create(&workers[i], NULL, worker_main, NULL) != 0) break;
    nworkers++;
  }
}

int pool_threads(void) { return nworkers + 1; }

void pool_shutdown(void) { stop_workers(); }
