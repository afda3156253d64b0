/* An LD_PRELOAD shim for `make test`'s fault-injection run (tests/fault/run.sh):
 * it makes the Nth call of one function fail, as jq's and Lua's tests do.
 *
 *   AEO_FAULT=write:N    the Nth write(2) fails with ENOSPC
 *   AEO_FAULT=read:N     the Nth read(2) fails with EIO
 *   AEO_FAULT=open:N     the Nth open/fopen fails with EACCES
 *   AEO_FAULT=malloc:N   the Nth malloc returns NULL (ENOMEM)
 *   AEO_FAULT_COUNT=FILE at exit, writes "write R\nread R\nopen O\nmalloc M\n"
 *                        (the calls made) to FILE, for the run that sizes N
 *
 * Writes to descriptor 2 are counted but never failed: the message that
 * reports a failure must get out for the run to be judged.  fopen is
 * wrapped beside open because glibc's stdio opens files through internal
 * calls that a shim cannot see.  Counters are atomic: aeo eval -j N calls
 * malloc from several threads. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { K_WRITE, K_READ, K_OPEN, K_MALLOC, K_COUNT };
static const char *const kind_names[K_COUNT] = {"write", "read", "open", "malloc"};

static atomic_long calls[K_COUNT];
static int fault_kind = -1;
static long fault_at;

extern void *__libc_malloc(size_t size);

__attribute__((constructor)) static void fault_init(void) {
    const char *f = getenv("AEO_FAULT");
    if (!f) return;
    for (int k = 0; k < K_COUNT; k++) {
        size_t n = strlen(kind_names[k]);
        if (strncmp(f, kind_names[k], n) == 0 && f[n] == ':') {
            fault_kind = k;
            fault_at = strtol(f + n + 1, NULL, 10);
        }
    }
}

/* Counts a call of [k]; true when this one is to fail. */
static int hit(int k) {
    long n = atomic_fetch_add(&calls[k], 1) + 1;
    return k == fault_kind && n == fault_at;
}

__attribute__((destructor)) static void fault_report(void) {
    const char *path = getenv("AEO_FAULT_COUNT");
    if (!path) return;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    char line[64];
    for (int k = 0; k < K_COUNT; k++) {
        int n = snprintf(line, sizeof line, "%s %ld\n", kind_names[k], (long)atomic_load(&calls[k]));
        if (n > 0) syscall(SYS_write, fd, line, (size_t)n);
    }
    syscall(SYS_close, fd);
}

void *malloc(size_t size) {
    if (hit(K_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(size);
}

ssize_t write(int fd, const void *buf, size_t n) {
    if (hit(K_WRITE) && fd != 2) {
        errno = ENOSPC;
        return -1;
    }
    return syscall(SYS_write, fd, buf, n);
}

ssize_t read(int fd, void *buf, size_t n) {
    if (hit(K_READ)) {
        errno = EIO;
        return -1;
    }
    return syscall(SYS_read, fd, buf, n);
}

int open(const char *path, int flags, ...) {
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    if (hit(K_OPEN)) {
        errno = EACCES;
        return -1;
    }
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

FILE *fopen(const char *path, const char *mode) {
    static FILE *(*real)(const char *, const char *);
    if (!real) {
        /* dlsym returns an object pointer; ISO C has no cast to a function
         * pointer, POSIX guarantees the bytes are one. */
        void *sym = dlsym(RTLD_NEXT, "fopen");
        memcpy(&real, &sym, sizeof real);
    }
    if (hit(K_OPEN)) {
        errno = EACCES;
        return NULL;
    }
    return real(path, mode);
}
