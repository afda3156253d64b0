/* An LD_PRELOAD shim for tests/bench/jobs.sh: when each thread of the
 * process ends (the main thread at exit), one line to the file named by
 * $THREADCPU_OUT (appended; stderr without it):
 *
 *   main|worker cpu=S run=S rqwait=S wall=S read=S write=S vcsw=N
 *
 * cpu: the thread's user + system time (getrusage RUSAGE_THREAD); run and
 * rqwait: the scheduler's time on a CPU and time runnable but waiting for
 * one (/proc/thread-self/schedstat), so that wall - run - rqwait is the
 * time the thread was blocked (on a lock, a condition, I/O) whatever the
 * load of the machine; read, write: the thread's CPU time inside read(2)
 * and write(2) (the copies between the kernel and aeo's buffers); vcsw:
 * voluntary context switches (times it blocked).  Timings of a loaded
 * machine are noisy; these are what a thread did, not how long it waited
 * for a CPU (tests/bench/README.md, "-j N by CPU time").  Not part of aeo. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static __thread double started, in_read, in_write;

static void report(const char *who) {
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
                 (double)ru.ru_stime.tv_usec * 1e-6;
    unsigned long long run = 0, wait = 0, slices = 0;
    FILE *s = fopen("/proc/thread-self/schedstat", "r");
    if (s) {
        if (fscanf(s, "%llu %llu %llu", &run, &wait, &slices) != 3) run = wait = 0;
        fclose(s);
    }
    const char *path = getenv("THREADCPU_OUT");
    FILE *f = path && *path ? fopen(path, "a") : stderr;
    if (!f) return;
    fprintf(f, "%s cpu=%.4f run=%.4f rqwait=%.4f wall=%.4f read=%.4f write=%.4f vcsw=%ld\n", who, cpu,
            (double)run * 1e-9, (double)wait * 1e-9, clock_s(CLOCK_MONOTONIC) - started, in_read, in_write,
            ru.ru_nvcsw);
    if (f != stderr) fclose(f);
}

__attribute__((constructor)) static void at_start(void) { started = clock_s(CLOCK_MONOTONIC); }
__attribute__((destructor)) static void at_exit_(void) { report("main"); }

typedef struct start_args {
    void *(*fn)(void *);
    void *arg;
} start_args;

static void *thread_start(void *p) {
    start_args a = *(start_args *)p;
    free(p);
    started = clock_s(CLOCK_MONOTONIC);
    void *r = a.fn(a.arg);
    report("worker");
    return r;
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
    static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
    start_args *a = malloc(sizeof *a);
    if (!a) return 11;   /* EAGAIN */
    a->fn = fn;
    a->arg = arg;
    int rc = real(t, attr, thread_start, a);
    if (rc) free(a);
    return rc;
}

ssize_t read(int fd, void *buf, size_t n) {
    static ssize_t (*real)(int, void *, size_t);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "read");
    double c = clock_s(CLOCK_THREAD_CPUTIME_ID);
    ssize_t r = real(fd, buf, n);
    in_read += clock_s(CLOCK_THREAD_CPUTIME_ID) - c;
    return r;
}

ssize_t write(int fd, const void *buf, size_t n) {
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "write");
    double c = clock_s(CLOCK_THREAD_CPUTIME_ID);
    ssize_t r = real(fd, buf, n);
    in_write += clock_s(CLOCK_THREAD_CPUTIME_ID) - c;
    return r;
}
