/* `aeo repl` through a real pseudo-terminal: what a person at a keyboard
 * gets.  Each test starts the binary ($AEO, else build/aeo, run from the
 * repository root) on a fresh pty with a temporary HOME, types keys (Tab,
 * arrows, Ctrl-C, Ctrl-D) and waits for text on the screen, with a
 * generous timeout so that a slow (sanitizer) build still passes; the
 * timeout only decides failure, never success.
 *
 * Nothing depends on timing.  A line is typed only once its prompt is on
 * the screen and the line editor has the terminal in raw mode (read from
 * the master side, where Linux reports the terminal's settings: ICANON
 * off): libedit draws the prompt before it leaves
 * cooked mode, and a key typed in between is taken by the kernel's line
 * discipline (a Ctrl-D, for one, becomes an end-of-line mark).  The REPL
 * copes with such keys too, but that is not what these tests are about.
 *
 * Text checked is text the REPL prints itself (results, completion lists),
 * which reaches the terminal in one piece; what the line editor echoes is
 * checked through its effect (Enter on a completed line evaluates it). */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define TIMEOUT_MS 20000

typedef struct term {
    int fd;
    pid_t pid;
    char buf[1 << 17];
    size_t len;
    size_t mark;       /* expect() searches from here */
} term;

static char home[256];
static pid_t live = -1;    /* the REPL running, if a test failed before quit() */
static int live_fd = -1;   /* and its pty */

static const char *aeo_bin(void) {
    const char *a = getenv("AEO");
    return a && *a ? a : "build/aeo";
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what the pty has for up to [ms] milliseconds (a NUL read, which
 * would hide the rest from strstr, is kept as '@'). */
static void pump(term *t, int ms) {
    struct pollfd p = {t->fd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return;
    if (t->len + 1 >= sizeof t->buf) return;
    ssize_t n = read(t->fd, t->buf + t->len, sizeof t->buf - 1 - t->len);
    if (n > 0) {
        for (size_t i = t->len; i < t->len + (size_t)n; i++)
            if (t->buf[i] == '\0') t->buf[i] = '@';
        t->len += (size_t)n;
        t->buf[t->len] = '\0';
    }
}

/* Waits until [text] appears after the last match; true if it did. */
static bool expect(term *t, const char *text) {
    long end = now_ms() + TIMEOUT_MS;
    for (;;) {
        char *at = strstr(t->buf + t->mark, text);
        if (at) {
            t->mark = (size_t)(at - t->buf) + strlen(text);
            return true;
        }
        if (now_ms() > end) {
            print_message("expected \"%s\" on the screen; it shows:\n%s\n", text, t->buf + t->mark);
            return false;
        }
        pump(t, 50);
    }
}

/* Waits until the terminal is in raw mode (the line editor reads keys), or
 * in cooked mode when [raw] is false (the REPL is busy between lines). */
static bool tty_mode(term *t, bool raw) {
    long end = now_ms() + TIMEOUT_MS;
    for (;;) {
        struct termios tio;
        if (tcgetattr(t->fd, &tio) == 0 && !(tio.c_lflag & ICANON) == raw) return true;
        if (now_ms() > end) {
            print_message("the terminal never went to %s mode; the screen shows:\n%s\n", raw ? "raw" : "cooked",
                          t->buf + t->mark);
            return false;
        }
        pump(t, 1);
    }
}

static bool editing(term *t) { return tty_mode(t, true); }

/* Waits for the prompt [text] and for the line editor to read keys. */
static bool prompt(term *t, const char *text) { return expect(t, text) && editing(t); }

static void type(term *t, const char *keys) {
    size_t n = strlen(keys);
    while (n > 0) {
        ssize_t w = write(t->fd, keys, n);
        if (w <= 0 && errno != EINTR) return;
        if (w > 0) {
            keys += w;
            n -= (size_t)w;
        }
    }
}

/* Why no pty can be opened here, or NULL.  A machine without /dev/ptmx, or
 * a chroot or container without /dev/pts mounted, cannot run these tests:
 * each is skipped (cmocka's skip(), which the TAP output shows as
 * "# SKIP"), with the reason printed once, instead of failing.  Setting
 * AEO_TEST_NO_PTY pretends to be such a place, so that the skipping itself
 * can be tested (tests/golden/cli/pkg_pty_skip). */
static const char *no_pty;
static char no_pty_why[300];

static const char *probe_pty(void) {
    const char *fake = getenv("AEO_TEST_NO_PTY");
    if (fake && *fake) return "AEO_TEST_NO_PTY is set";
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0) {
        snprintf(no_pty_why, sizeof no_pty_why, "posix_openpt: %s", strerror(errno));
        return no_pty_why;
    }
    const char *why = NULL;
    if (grantpt(m) != 0 || unlockpt(m) != 0) {
        snprintf(no_pty_why, sizeof no_pty_why, "grantpt/unlockpt: %s", strerror(errno));
        why = no_pty_why;
    } else {
        const char *name = ptsname(m);
        int s = name ? open(name, O_RDWR | O_NOCTTY) : -1;
        if (s < 0) {
            snprintf(no_pty_why, sizeof no_pty_why, "%s: %s", name ? name : "ptsname", strerror(errno));
            why = no_pty_why;
        } else {
            close(s);
        }
    }
    close(m);
    return why;
}

/* Starts `aeo repl ARGS...` on a new pty, with HOME=[home] and
 * XDG_STATE_HOME=[xdg] (unset when NULL). */
static void spawn(term *t, const char *xdg, const char *const *args) {
    memset(t, 0, sizeof *t);
    if (no_pty) skip();
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(m >= 0);
    assert_int_equal(grantpt(m), 0);
    assert_int_equal(unlockpt(m), 0);
    char slave[256];
    snprintf(slave, sizeof slave, "%s", ptsname(m));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setsid();
        int s = open(slave, O_RDWR);
        if (s < 0) _exit(126);
        ioctl(s, TIOCSCTTY, 0);
        struct winsize ws = {24, 100, 0, 0};
        ioctl(s, TIOCSWINSZ, &ws);
        dup2(s, 0);
        dup2(s, 1);
        dup2(s, 2);
        if (s > 2) close(s);
        close(m);
        setenv("HOME", home, 1);
        if (xdg) setenv("XDG_STATE_HOME", xdg, 1);
        else unsetenv("XDG_STATE_HOME");
        setenv("TERM", "xterm", 1);
        setenv("NO_COLOR", "1", 1);
        const char *argv[16] = {aeo_bin(), "repl"};
        int n = 2;
        for (int i = 0; args[i] && n < 15; i++) argv[n++] = args[i];
        argv[n] = NULL;
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    t->fd = m;
    t->pid = pid;
    live = pid;
    live_fd = m;
}

/* Waits for the REPL to exit, with status 0. */
static void wait_exit(term *t) {
    long end = now_ms() + TIMEOUT_MS;
    int status = 0;
    pid_t r;
    while ((r = waitpid(t->pid, &status, WNOHANG)) == 0) {
        if (now_ms() > end) fail_msg("the REPL did not exit on Ctrl-D; the screen shows:\n%s", t->buf + t->mark);
        pump(t, 20);
    }
    assert_int_equal(r, t->pid);
    live = -1;
    live_fd = -1;
    close(t->fd);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the REPL ended with %s %d; the screen shows:\n%s", WIFEXITED(status) ? "exit status" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), t->buf);
}

/* One Ctrl-D on the empty line at the next prompt: the REPL must exit. */
static void quit(term *t) {
    assert_true(prompt(t, "aeo> "));
    type(t, "\x04");
    wait_exit(t);
}

static const char *const catalog_args[] = {"rules/examples", "--as-of", "2021-06-01", "--facts",
                                           "rules/examples/enterprises.jsonl", NULL};

static int setup(void **state) {
    (void)state;
    if (access(aeo_bin(), X_OK) != 0) {
        print_message("%s is not built\n", aeo_bin());
        return -1;
    }
    snprintf(home, sizeof home, "%s/aeo-pty.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(home)) return -1;
    no_pty = probe_pty();
    if (no_pty) print_message("repl_pty: no pseudo-terminal can be opened here (%s); its tests are skipped\n", no_pty);
    return 0;
}

/* After each test: a REPL left running by a failed one is killed. */
static int end_test(void **state) {
    (void)state;
    if (live > 0) {
        kill(live, SIGKILL);
        waitpid(live, NULL, 0);
        live = -1;
    }
    if (live_fd >= 0) {
        close(live_fd);
        live_fd = -1;
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_banner_and_prompt(void **state) {
    (void)state;
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(expect(&t, "aeo repl: catalog example_aeo: 6 measures"));
    assert_true(expect(&t, "facts: record 1 of rules/examples/enterprises.jsonl: 91210100MA0000001G"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "1 + 41\r");
    assert_true(expect(&t, "42 : int"));
    quit(&t);
}

static void test_tab_completes_commands(void **state) {
    (void)state;
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":mea\t\r");              /* -> ":measures " */
    assert_true(expect(&t, "E01  applies    Lower inspection rate"));
    assert_true(expect(&t, "5 apply, 1 not, 0 undecided, 0 errors"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":re\t");                 /* two candidates: listed */
    assert_true(expect(&t, "reload"));
    assert_true(expect(&t, "reset"));
    type(&t, "s\t\r");                 /* -> ":reset " */
    assert_true(expect(&t, "no what-if edits"));
    quit(&t);
}

static void test_tab_completes_fact_paths(void **state) {
    (void)state;
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(prompt(&t, "aeo> "));
    type(&t, "enterprise.cr\t\r");     /* -> enterprise.credit */
    assert_true(expect(&t, "\"advanced\" : \"advanced\" | \"general\""));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "enterprise.ad\t.ci\t\r"); /* nested record: enterprise.address.city */
    assert_true(expect(&t, "unknown (enterprise.address)"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "enterprise.credit == \"gen\t\r");   /* enum value, closing quote */
    assert_true(expect(&t, "false : bool"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "enterprise.registered_area.sta\t\"08\")\r");   /* method */
    assert_true(expect(&t, "true : bool"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "enterprise.c\t");        /* credit, certified_on: listed */
    assert_true(expect(&t, "certified_on"));
    assert_true(expect(&t, "credit"));
    type(&t, "\x15");                  /* Ctrl-U */
    type(&t, ":set enterprise.smu\t= true\r");
    assert_true(expect(&t, "enterprise.smuggling_case_open = true"));
    assert_true(expect(&t, "E01  applies -> not"));
    quit(&t);
}

static void test_tab_completes_measure_ids_and_files(void **state) {
    (void)state;
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":explain E0\t");         /* E01 ... E06 */
    assert_true(expect(&t, "E01  E02  E03  E04  E05  E06"));
    type(&t, "4\r");
    assert_true(expect(&t, "E04 \"Guidance toward advanced certification\": not"));
    assert_true(expect(&t, "<- decides"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":load rules/exa\t\r");   /* -> rules/examples/ */
    assert_true(expect(&t, "catalog example_aeo: 6 measures"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":facts rules/examples/ent\t2\r");
    assert_true(expect(&t, "facts: record 2 of rules/examples/enterprises.jsonl: 91211400MA0000002F"));
    quit(&t);
}

/* Tab after :facts offers the catalog's examples with the files. */
static void test_tab_completes_examples(void **state) {
    (void)state;
    term t;
    const char *args[] = {"tests/golden/cli/example_tests.aeo", "--as-of", "2021-06-01", NULL};
    spawn(&t, NULL, args);
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":facts dal\t\r");       /* -> ":facts dalian " */
    assert_true(expect(&t, "facts: example dalian"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "enterprise.address.city\r");
    assert_true(expect(&t, "\"Dalian\" : string"));
    quit(&t);
}

static void test_ctrl_c_abandons_input(void **state) {
    (void)state;
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(prompt(&t, "aeo> "));
    type(&t, "[1, 2,\r");
    assert_true(prompt(&t, "...> "));
    type(&t, "3");
    type(&t, "\x03");                  /* Ctrl-C */
    assert_true(expect(&t, "^C"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "6 * 7\r");               /* the session goes on; [1, 2, is gone */
    assert_true(expect(&t, "42 : int"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "partial input\x03");
    assert_true(expect(&t, "^C"));
    quit(&t);                          /* Ctrl-D on the empty line exits */
}

/* A Ctrl-D typed while the REPL is busy, the terminal in cooked mode, is
 * not lost (the kernel keeps it as an end-of-line mark, which reads as a
 * NUL in raw mode): the session ends once the input is done.  Busy here:
 * reading facts from a FIFO that the test has not written yet. */
static void test_ctrl_d_typed_while_busy(void **state) {
    (void)state;
    char fifo[450], cmd[600];
    snprintf(fifo, sizeof fifo, "%s/facts.fifo", home);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(prompt(&t, "aeo> "));
    snprintf(cmd, sizeof cmd, ":facts %s\r", fifo);
    type(&t, cmd);
    assert_true(tty_mode(&t, false));  /* the line is read; :facts waits for the FIFO */
    type(&t, "\x04");
    long end = now_ms() + TIMEOUT_MS;
    int w;
    while ((w = open(fifo, O_WRONLY | O_NONBLOCK)) < 0) {   /* until the REPL opens it */
        assert_true(errno == ENXIO && now_ms() < end);
        pump(&t, 5);
    }
    FILE *in = fopen("rules/examples/enterprises.jsonl", "rb");
    assert_non_null(in);
    char line[4096];
    assert_non_null(fgets(line, sizeof line, in));
    fclose(in);
    int flags = fcntl(w, F_GETFL);
    fcntl(w, F_SETFL, flags & ~O_NONBLOCK);
    assert_int_equal(write(w, line, strlen(line)), (ssize_t)strlen(line));
    close(w);
    snprintf(cmd, sizeof cmd, "facts: record 1 of %s: 91210100MA0000001G", fifo);
    assert_true(expect(&t, cmd));
    wait_exit(&t);                     /* no key typed since */
    unlink(fifo);
}

static void test_history_survives_restart(void **state) {
    (void)state;
    char xdg[400], path[450];
    snprintf(xdg, sizeof xdg, "%s/state", home);
    snprintf(path, sizeof path, "%s/aeo/history", xdg);
    term t;
    spawn(&t, xdg, catalog_args);
    assert_true(prompt(&t, "aeo> "));
    type(&t, "100 + 23\r");
    assert_true(expect(&t, "123 : int"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "\"h\" + \"i\"\r");
    assert_true(expect(&t, "\"hi\" : string"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "\x1b[A\x1b[A\r");        /* Up, Up: 100 + 23 again */
    assert_true(expect(&t, "123 : int"));
    quit(&t);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char text[4096] = {0};
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "100\\040+\\04023"));

    spawn(&t, xdg, catalog_args);      /* a new session remembers */
    assert_true(prompt(&t, "aeo> "));
    type(&t, "\x1b[A\x1b[A\r");
    assert_true(expect(&t, "\"hi\" : string"));
    quit(&t);
}

static void test_history_falls_back_to_home(void **state) {
    (void)state;
    char path[450];
    snprintf(path, sizeof path, "%s/.aeo_history", home);
    unlink(path);
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":as-of\r");
    assert_true(expect(&t, "as_of = 2021-06-01"));
    quit(&t);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_paste_and_multiline(void **state) {
    (void)state;
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(prompt(&t, "aeo> "));
    /* A def pasted from a file, broken before its operator. */
    type(&t, "def pasted = enterprise.credit == \"advanced\"\r    && enterprise.imports == false\r");
    assert_true(expect(&t, "def pasted : bool"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "pasted\r");
    assert_true(expect(&t, "false : bool"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "measure X1 \"typed\" {\r");
    assert_true(prompt(&t, "...> "));
    type(&t, "tier: advanced\r");
    assert_true(prompt(&t, "...> "));
    type(&t, "}\r");
    assert_true(expect(&t, "measure X1 \"typed\": applies"));
    quit(&t);
}

static void test_reload_sees_edited_files(void **state) {
    (void)state;
    char dir[400], file[450], cmd[1000];
    snprintf(dir, sizeof dir, "%s/rules", home);
    snprintf(file, sizeof file, "%s/catalog.aeo", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp rules/examples/catalog.aeo '%s'", dir, file);
    assert_int_equal(system(cmd), 0);
    const char *args[] = {dir, "--as-of", "2021-06-01", "--facts", "rules/examples/enterprises.jsonl", NULL};
    term t;
    spawn(&t, NULL, args);
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":set enterprise.exports = false\r");
    assert_true(expect(&t, "(no measure changed)"));
    FILE *f = fopen(file, "a");
    assert_non_null(f);
    fputs("\nmeasure E07 \"Added while the REPL ran\" { tier: advanced  when: !enterprise.exports }\n", f);
    fclose(f);
    assert_true(prompt(&t, "aeo> "));
    type(&t, ":reload\r");
    assert_true(expect(&t, "reloaded catalog example_aeo: 7 measures"));
    assert_true(prompt(&t, "aeo> "));
    type(&t, "E07\r");                 /* the what-if edit was kept */
    assert_true(expect(&t, "true : bool"));
    quit(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_banner_and_prompt, end_test),
        cmocka_unit_test_teardown(test_tab_completes_commands, end_test),
        cmocka_unit_test_teardown(test_tab_completes_fact_paths, end_test),
        cmocka_unit_test_teardown(test_tab_completes_measure_ids_and_files, end_test),
        cmocka_unit_test_teardown(test_tab_completes_examples, end_test),
        cmocka_unit_test_teardown(test_ctrl_c_abandons_input, end_test),
        cmocka_unit_test_teardown(test_ctrl_d_typed_while_busy, end_test),
        cmocka_unit_test_teardown(test_history_survives_restart, end_test),
        cmocka_unit_test_teardown(test_history_falls_back_to_home, end_test),
        cmocka_unit_test_teardown(test_paste_and_multiline, end_test),
        cmocka_unit_test_teardown(test_reload_sees_edited_files, end_test),
    };
    return cmocka_run_group_tests_name("repl_pty", tests, setup, teardown);
}
