/* `aeo repl` through a real pseudo-terminal: what a person at a keyboard
 * gets.  Each test starts the binary ($AEO, else build/aeo, run from the
 * repository root) on a fresh pty with a temporary HOME, types keys (Tab,
 * arrows, Ctrl-C, Ctrl-D) and waits for text on the screen, with a
 * generous timeout so that a slow (sanitizer) build still passes; the
 * timeout only decides failure, never success.
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

static const char *aeo_bin(void) {
    const char *a = getenv("AEO");
    return a && *a ? a : "build/aeo";
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what the pty has for up to [ms] milliseconds. */
static void pump(term *t, int ms) {
    struct pollfd p = {t->fd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return;
    if (t->len + 1 >= sizeof t->buf) return;
    ssize_t n = read(t->fd, t->buf + t->len, sizeof t->buf - 1 - t->len);
    if (n > 0) {
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

/* Starts `aeo repl ARGS...` on a new pty, with HOME=[home] and
 * XDG_STATE_HOME=[xdg] (unset when NULL). */
static void spawn(term *t, const char *xdg, const char *const *args) {
    memset(t, 0, sizeof *t);
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
}

/* Ctrl-D on an empty line, once the prompt is back.  A Ctrl-D typed in the
 * instant before the line editor puts the terminal in raw mode is taken by
 * the terminal's own line discipline, so it is typed again until the
 * process ends. */
static void quit(term *t) {
    assert_true(expect(t, "aeo> "));
    long end = now_ms() + TIMEOUT_MS;
    int status = 0;
    for (;;) {
        type(t, "\x04");
        long next = now_ms() + 1000;
        pid_t r = 0;
        while (now_ms() < next && (r = waitpid(t->pid, &status, WNOHANG)) == 0) pump(t, 20);
        if (r == t->pid) break;
        if (now_ms() > end) {
            kill(t->pid, SIGKILL);
            waitpid(t->pid, &status, 0);
            fail_msg("the REPL did not exit on Ctrl-D; the screen shows:\n%s", t->buf + t->mark);
        }
    }
    close(t->fd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
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
    assert_true(expect(&t, "aeo repl: catalog example_aeo: 5 measures"));
    assert_true(expect(&t, "facts: record 1 of rules/examples/enterprises.jsonl: 91210100MA0000001G"));
    assert_true(expect(&t, "aeo> "));
    type(&t, "1 + 41\r");
    assert_true(expect(&t, "42 : int"));
    quit(&t);
}

static void test_tab_completes_commands(void **state) {
    (void)state;
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(expect(&t, "aeo> "));
    type(&t, ":mea\t\r");              /* -> ":measures " */
    assert_true(expect(&t, "E01  applies    Lower inspection rate"));
    assert_true(expect(&t, "4 apply, 1 not, 0 undecided, 0 errors"));
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
    assert_true(expect(&t, "aeo> "));
    type(&t, "enterprise.cr\t\r");     /* -> enterprise.credit */
    assert_true(expect(&t, "\"advanced\" : \"advanced\" | \"general\""));
    type(&t, "enterprise.ad\t.ci\t\r"); /* nested record: enterprise.address.city */
    assert_true(expect(&t, "unknown (enterprise.address)"));
    type(&t, "enterprise.credit == \"gen\t\r");   /* enum value, closing quote */
    assert_true(expect(&t, "false : bool"));
    type(&t, "enterprise.registered_area.sta\t\"08\")\r");   /* method */
    assert_true(expect(&t, "true : bool"));
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
    assert_true(expect(&t, "aeo> "));
    type(&t, ":explain E0\t");         /* E01 ... E05 */
    assert_true(expect(&t, "E01  E02  E03  E04  E05"));
    type(&t, "4\r");
    assert_true(expect(&t, "E04 \"Guidance toward advanced certification\": not"));
    assert_true(expect(&t, "<- decides"));
    type(&t, ":load rules/exa\t\r");   /* -> rules/examples/ */
    assert_true(expect(&t, "catalog example_aeo: 5 measures"));
    type(&t, ":facts rules/examples/ent\t2\r");
    assert_true(expect(&t, "facts: record 2 of rules/examples/enterprises.jsonl: 91211400MA0000002F"));
    quit(&t);
}

static void test_ctrl_c_abandons_input(void **state) {
    (void)state;
    term t;
    spawn(&t, NULL, catalog_args);
    assert_true(expect(&t, "aeo> "));
    type(&t, "[1, 2,\r");
    assert_true(expect(&t, "...> "));
    type(&t, "3");
    type(&t, "\x03");                  /* Ctrl-C */
    assert_true(expect(&t, "^C"));
    assert_true(expect(&t, "aeo> "));
    type(&t, "6 * 7\r");               /* the session goes on; [1, 2, is gone */
    assert_true(expect(&t, "42 : int"));
    type(&t, "partial input\x03");
    assert_true(expect(&t, "^C"));
    quit(&t);                          /* Ctrl-D on the empty line exits */
}

static void test_history_survives_restart(void **state) {
    (void)state;
    char xdg[400], path[450];
    snprintf(xdg, sizeof xdg, "%s/state", home);
    snprintf(path, sizeof path, "%s/aeo/history", xdg);
    term t;
    spawn(&t, xdg, catalog_args);
    assert_true(expect(&t, "aeo> "));
    type(&t, "100 + 23\r");
    assert_true(expect(&t, "123 : int"));
    type(&t, "\"h\" + \"i\"\r");
    assert_true(expect(&t, "\"hi\" : string"));
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
    assert_true(expect(&t, "aeo> "));
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
    assert_true(expect(&t, "aeo> "));
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
    assert_true(expect(&t, "aeo> "));
    /* A def pasted from a file, broken before its operator. */
    type(&t, "def pasted = enterprise.credit == \"advanced\"\r    && enterprise.imports == false\r");
    assert_true(expect(&t, "def pasted : bool"));
    type(&t, "pasted\r");
    assert_true(expect(&t, "false : bool"));
    type(&t, "measure X1 \"typed\" {\r");
    assert_true(expect(&t, "...> "));
    type(&t, "tier: advanced\r");
    assert_true(expect(&t, "...> "));
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
    assert_true(expect(&t, "aeo> "));
    type(&t, ":set enterprise.exports = false\r");
    assert_true(expect(&t, "(no measure changed)"));
    FILE *f = fopen(file, "a");
    assert_non_null(f);
    fputs("\nmeasure E06 \"Added while the REPL ran\" { tier: advanced  when: !enterprise.exports }\n", f);
    fclose(f);
    type(&t, ":reload\r");
    assert_true(expect(&t, "reloaded catalog example_aeo: 6 measures"));
    type(&t, "E06\r");                 /* the what-if edit was kept */
    assert_true(expect(&t, "true : bool"));
    quit(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_banner_and_prompt),
        cmocka_unit_test(test_tab_completes_commands),
        cmocka_unit_test(test_tab_completes_fact_paths),
        cmocka_unit_test(test_tab_completes_measure_ids_and_files),
        cmocka_unit_test(test_ctrl_c_abandons_input),
        cmocka_unit_test(test_history_survives_restart),
        cmocka_unit_test(test_history_falls_back_to_home),
        cmocka_unit_test(test_paste_and_multiline),
        cmocka_unit_test(test_reload_sees_edited_files),
    };
    return cmocka_run_group_tests_name("repl_pty", tests, setup, teardown);
}
