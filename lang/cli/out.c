/* The output layer of the aeo command: every byte any command writes to
 * stdout goes through the one write function below, which remembers the
 * errno of the first write that fails.
 *
 * Why a stream of our own: stdio hides the errno.  A buffered fputs that
 * fails in the middle of a command sets errno, then a hundred calls later
 * fflush or ferror only says "there was an error" and errno holds whatever
 * the last unrelated call left (hence the old generic EIO).  glibc's own
 * stdout also writes through internal calls that an LD_PRELOAD shim
 * cannot see (tests/fault/).  So aeo_cli_out_init replaces stdout with a
 * cookie stream (fopencookie, glibc and musl) whose write function is
 * write(2) in a loop: printf, fputs, the diagnostics renderer and libedit
 * keep writing to `stdout` unchanged, and the first failure's errno is
 * kept (EPIPE, ENOSPC, EBADF, ...).  aeo_cli_out_finish, which main()
 * calls after the command, flushes, closes and turns a failure into exit
 * status 2 and one message "aeo: writing output: <strerror>".
 *
 * The invariants:
 *   - after a failed write every later write fails at once with the same
 *     errno, so a command never writes past a hole in its output;
 *   - a closed descriptor 1 (`aeo ... >&-`) is remembered at start (the
 *     first write fails with EBADF; a command that writes nothing to stdout
 *     does not fail) and /dev/null takes the slot, so no file the command opens later gets
 *     descriptor 1 and receives the output meant for stdout;
 *   - EINTR (a signal handler, eval's SIGINT) retries: a record is never
 *     cut by a signal.
 * SIGPIPE keeps its default action: when the reader goes away (`aeo eval
 * ... | head -1`) aeo dies quietly, as Unix filters do.  Where SIGPIPE is
 * ignored by the parent, the write fails with EPIPE and that is reported
 * like any other failed write (exit 2). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "lang/cli/cli.h"

/* errno of the first failed write, or 0.  Atomic: with eval -j N the
 * thread whose turn it is writes while another may flush or ask. */
static _Atomic int out_errno;
static bool out_reported;    /* the message has been printed */
static bool out_installed;
static bool out_closed;      /* descriptor 1 was closed when aeo started */

static ssize_t cookie_write(void *cookie, const char *buf, size_t size) {
    (void)cookie;
    if (out_closed && !out_errno) out_errno = EBADF;
    if (out_errno) {
        errno = out_errno;
        return -1;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(STDOUT_FILENO, buf + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            out_errno = n < 0 ? errno : EIO;
            errno = out_errno;
            /* glibc treats a short count as an error too; report what
             * went out so its buffer bookkeeping stays right. */
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)size;
}

static int cookie_close(void *cookie) {
    (void)cookie;
    if (close(STDOUT_FILENO) != 0 && errno != EINTR && !out_errno) {
        out_errno = errno;
        return -1;
    }
    return 0;
}

void aeo_cli_out_init(void) {
    if (fcntl(STDOUT_FILENO, F_GETFD) < 0 && errno == EBADF) {
        out_closed = true;
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0 && fd != STDOUT_FILENO) {
            dup2(fd, STDOUT_FILENO);
            close(fd);
        }
    }
    cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
    FILE *f = fopencookie(NULL, "w", io);
    if (!f) return;   /* no memory this early: keep glibc's stdout */
    /* As glibc's stdout: line-buffered on a terminal (a prompt or a
     * result shows at once), fully buffered otherwise. */
    setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, 64 * 1024);
    stdout = f;
    out_installed = true;
}

bool aeo_cli_out_flush(void) {
    fflush(stdout);
    return out_errno == 0 && !ferror(stdout);
}

bool aeo_cli_out_failed(void) { return out_errno != 0 || ferror(stdout); }

/* Pieces at least this large skip stdout's buffer. */
#define OUT_DIRECT ((size_t)32 * 1024)

bool aeo_cli_out_write(const char *data, size_t len) {
    if (!out_installed || len < OUT_DIRECT) return fwrite(data, 1, len, stdout) == len && !out_errno;
    /* What the buffer holds goes first; the stream's lock keeps another
     * thread's flush from coming between. */
    flockfile(stdout);
    bool ok = fflush_unlocked(stdout) == 0 && cookie_write(NULL, data, len) == (ssize_t)len;
    funlockfile(stdout);
    return ok;
}

void aeo_cli_out_report(void) {
    if (out_reported || !aeo_cli_out_failed()) return;
    out_reported = true;
    fprintf(stderr, "aeo: writing output: %s\n", strerror(out_errno ? out_errno : EIO));
}

int aeo_cli_out_finish(int status) {
    fflush(stdout);
    bool bad = ferror(stdout) != 0;
    if (out_installed) {
        if (fclose(stdout) != 0) bad = true;
        /* Nothing may write to the closed stream; exit()'s own flush of
         * the remaining streams skips it once it is gone. */
        stdout = stderr;
        out_installed = false;
    }
    if (bad || out_errno) {
        if (!out_reported) {
            out_reported = true;
            fprintf(stderr, "aeo: writing output: %s\n", strerror(out_errno ? out_errno : EIO));
        }
        /* A signal's status (eval interrupted: 130, 143) says more. */
        if (status < 128) status = EXIT_USAGE;
    }
    return status;
}
