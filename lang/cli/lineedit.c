/* The line editor: libedit behind the calls of lineedit.h.  See there.
 *
 * The terminal is read through a descriptor of our own, non-blocking
 * (read_key), so that a window resize or a `fg` while a line is being
 * edited redraws it, and a paste of many lines can be told apart from
 * typing (aeo_lineedit_input_waiting). */
#include "lang/cli/lineedit.h"

#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "runtime/arena.h"
#include "runtime/value.h"

#define HISTORY_SIZE 1000

static char *dup_n(const char *s, size_t n) {
    char *d = aeo_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void aeo_lineedit_cands_add(aeo_lineedit_cands *cs, const char *head, size_t head_len, const char *name, const char *suffix) {
    size_t n = head_len + strlen(name);
    char *w = aeo_xmalloc(n + 1);
    memcpy(w, head, head_len);
    strcpy(w + head_len, name);
    for (uint32_t i = 0; i < cs->n; i++) {
        if (strcmp(cs->items[i].word, w) == 0) {
            free(w);
            return;
        }
    }
    if (cs->n == cs->cap) {
        cs->cap = cs->cap ? cs->cap * 2 : 32;
        cs->items = aeo_xrealloc(cs->items, cs->cap * sizeof *cs->items);
    }
    cs->items[cs->n].word = w;
    cs->items[cs->n].suffix = suffix;
    cs->n++;
}

void aeo_lineedit_cands_free(aeo_lineedit_cands *cs) {
    for (uint32_t i = 0; i < cs->n; i++) free(cs->items[i].word);
    free(cs->items);
    memset(cs, 0, sizeof *cs);
}

struct aeo_lineedit {
    EditLine *el;
    History *hist;
    char *history_file;
    aeo_lineedit_complete_fn complete;
    void *ud;
    char prompt[16];
    int in;                    /* the terminal, opened apart and non-blocking */
    bool fresh;                /* no key read yet by this editor_read */
    size_t ahead;              /* bytes unread of those waiting when it began */
};
typedef struct aeo_lineedit editor;

/* Set by the signal handlers (libedit's own handlers, installed while it
 * reads a line, pass each signal on to these). */
static volatile sig_atomic_t got_sigint, got_sigwinch, got_sigcont;

static void on_signal(int sig) {
    if (sig == SIGINT) got_sigint = 1;
    else if (sig == SIGWINCH) got_sigwinch = 1;
    else if (sig == SIGCONT) got_sigcont = 1;
}

/* Keys reach libedit through read_key (EL_GETCFN), not libedit's own read,
 * for two reasons.
 *
 * Ctrl-C.  SIGINT only sets got_sigint.  libedit's read missed a Ctrl-C
 * that came after the prompt was drawn but before it blocked in read(2):
 * the line then stayed, and the key seemed lost (worse, libedit's handler
 * had put the terminal back in cooked mode for that read).  read_key waits
 * in pselect with SIGINT unblocked only there, so a Ctrl-C at any moment
 * of a line's editing abandons it; and it reads without blocking (from
 * its own open file description of the terminal, so that stdout stays
 * blocking), as Ctrl-C flushes the keys that pselect saw waiting.
 *
 * Ctrl-D typed ahead.  Between lines (while an input is evaluated, and
 * until libedit switches to raw mode after drawing the prompt) the
 * terminal is in cooked mode, where the kernel stores a Ctrl-D as an
 * end-of-line mark that reads as a NUL byte once raw mode is on.  libedit
 * took that NUL for quoted-insert (it binds the tty characters that raw
 * mode disables, all 0, to their functions, lnext last), which inserted
 * the next key literally: the next Ctrl-D showed as "^D" and, the line no
 * longer empty, no Ctrl-D could end the session.  A NUL among the bytes
 * that were waiting when raw mode began is read as the Ctrl-D it was, and
 * ^@ is bound back to em-set-mark (see editor_open). */
#define CTRL_D '\004'

/* After a stop (Ctrl-Z) and `fg`: raw mode again, and the line redrawn.
 * libedit's handler does the first in a line; this covers a later one. */
static void resume_editing(EditLine *el) {
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) == 0 && (t.c_lflag & ICANON)) {
        el_set(el, EL_PREP_TERM, 0);
        el_set(el, EL_PREP_TERM, 1);
    }
    el_set(el, EL_REFRESH);
}

/* Waits until a key can be read from [fd]: false (errno EINTR) if Ctrl-C
 * came first or comes meanwhile. */
static bool wait_key(EditLine *el, int fd) {
    sigset_t intr, old, during;
    sigemptyset(&intr);
    sigaddset(&intr, SIGINT);
    sigprocmask(SIG_BLOCK, &intr, &old);
    during = old;
    sigdelset(&during, SIGINT);
    bool ok = true;
    for (;;) {
        if (got_sigint) {
            ok = false;
            break;
        }
        fd_set in;
        FD_ZERO(&in);
        FD_SET(fd, &in);
        int n = pselect(fd + 1, &in, NULL, NULL, NULL, &during);
        if (n > 0 || (n < 0 && errno != EINTR)) break;   /* read(2) reports an error */
        if (got_sigwinch) {
            got_sigwinch = 0;
            el_resize(el);
        }
        if (got_sigcont) {
            got_sigcont = 0;
            resume_editing(el);
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (!ok) errno = EINTR;
    return ok;
}

/* libedit's read function: 1 and a character in *[wc]; 0 at end of input;
 * -1 on an error or Ctrl-C (errno EINTR).  Multibyte input is decoded as
 * libedit's own read does. */
static int read_key(EditLine *el, wchar_t *wc) {
    editor *ed = NULL;
    el_get(el, EL_CLIENTDATA, &ed);
    if (ed->fresh) {
        /* libedit has just switched to raw mode: what is waiting was typed
         * in cooked mode. */
        int n = 0;
        ed->ahead = ioctl(ed->in, FIONREAD, &n) == 0 && n > 0 ? (size_t)n : 0;
        ed->fresh = false;
    }
    char buf[MB_LEN_MAX];
    size_t len = 0;
    for (;;) {
        if (!wait_key(el, ed->in)) return -1;
        ssize_t n = read(ed->in, buf + len, 1);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;   /* EAGAIN: flushed by Ctrl-C */
        if (n < 0) return -1;
        if (n == 0) {
            errno = 0;
            return 0;
        }
        if (ed->ahead > 0) {
            ed->ahead--;
            if (buf[len] == '\0') buf[len] = CTRL_D;
        }
        len++;
        for (;;) {
            mbstate_t st;
            memset(&st, 0, sizeof st);
            size_t r = mbrtowc(wc, buf, len, &st);
            if (r == (size_t)-2) {
                if (len >= sizeof buf) {
                    errno = EILSEQ;
                    return -1;
                }
                break;                                   /* read on */
            }
            if (r != (size_t)-1) return 1;
            if (len == 1) {                              /* an invalid byte: drop it */
                len = 0;
                break;
            }
            buf[0] = buf[len - 1];                       /* keep the last byte only */
            len = 1;
        }
    }
}

static char *prompt_fn(EditLine *el) {
    editor *ed = NULL;
    el_get(el, EL_CLIENTDATA, &ed);
    return ed->prompt;
}

static int terminal_width(void) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

/* Lists the candidates below the line, in columns. */
static void list_candidates(const aeo_lineedit_cands *cs) {
    size_t w = 1;
    for (uint32_t i = 0; i < cs->n; i++) {
        size_t n = strlen(cs->items[i].word + cs->show_from) + (strcmp(cs->items[i].suffix ? cs->items[i].suffix : "", "/") == 0);
        if (n > w) w = n;
    }
    size_t cols = (size_t)terminal_width() / (w + 2);
    if (cols == 0) cols = 1;
    size_t rows = (cs->n + cols - 1) / cols;
    fputc('\n', stdout);
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            size_t i = c * rows + r;
            if (i >= cs->n) break;
            const aeo_lineedit_cand *cd = &cs->items[i];
            bool slash = cd->suffix && strcmp(cd->suffix, "/") == 0;
            int used = printf("%s%s", cd->word + cs->show_from, slash ? "/" : "");
            if (c + 1 < cols && i + rows < cs->n) printf("%*s", (int)(w + 2) - used, "");
        }
        fputc('\n', stdout);
    }
    fflush(stdout);
}

/* Tab: complete the word before the cursor, or list the choices. */
static unsigned char on_tab(EditLine *el, int ch) {
    (void)ch;
    editor *ed = NULL;
    el_get(el, EL_CLIENTDATA, &ed);
    const LineInfo *li = el_line(el);
    size_t cursor = (size_t)(li->cursor - li->buffer);
    char *line = dup_n(li->buffer, cursor);
    aeo_lineedit_cands cs = {0};
    ed->complete(ed->ud, line, cursor, &cs);
    unsigned char rc = CC_REFRESH;
    size_t typed = cursor - cs.start;
    if (cs.n == 0) {
        rc = CC_REFRESH_BEEP;
    } else if (cs.n == 1) {
        el_insertstr(el, cs.items[0].word + typed);
        if (cs.items[0].suffix) el_insertstr(el, cs.items[0].suffix);
    } else {
        size_t common = strlen(cs.items[0].word);
        for (uint32_t i = 1; i < cs.n; i++) {
            size_t k = 0;
            while (k < common && cs.items[i].word[k] == cs.items[0].word[k]) k++;
            common = k;
        }
        if (common > typed) {
            char *ins = dup_n(cs.items[0].word + typed, common - typed);
            el_insertstr(el, ins);
            free(ins);
        } else {
            list_candidates(&cs);
            rc = CC_REDISPLAY;
        }
    }
    aeo_lineedit_cands_free(&cs);
    free(line);
    return rc;
}

/* Creates [dir] and its parents (mode 0700). */
static void make_dirs(const char *dir) {
    char *p = aeo_xstrdup(dir);
    for (char *q = p + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        mkdir(p, 0700);
        *q = '/';
    }
    mkdir(p, 0700);
    free(p);
}

/* $XDG_STATE_HOME/aeo/history, else ~/.aeo_history; NULL if neither. */
static char *history_path(void) {
    const char *x = getenv("XDG_STATE_HOME");
    aeo_buf b = {0};
    if (x && x[0] == '/') {
        aeo_buf_printf(&b, "%s/aeo", x);
        make_dirs(b.data);
        aeo_buf_puts(&b, "/history");
        return b.data;
    }
    const char *home = getenv("HOME");
    if (!home || !*home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home || !*home) return NULL;
    aeo_buf_printf(&b, "%s/.aeo_history", home);
    return b.data;
}

/* 1. Starts line editing on the terminal, with the saved history. */
aeo_lineedit *aeo_lineedit_open(aeo_lineedit_complete_fn complete, void *ud) {
    editor *ed = aeo_xcalloc(1, sizeof *ed);
    ed->complete = complete;
    ed->ud = ud;
    const char *tty = ttyname(STDIN_FILENO);
    ed->in = tty ? open(tty, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) : -1;
    if (ed->in < 0) ed->in = STDIN_FILENO;     /* then a read may block */
    HistEvent ev;
    ed->hist = history_init();
    history(ed->hist, &ev, H_SETSIZE, HISTORY_SIZE);
    history(ed->hist, &ev, H_SETUNIQUE, 1);
    ed->history_file = history_path();
    if (ed->history_file) history(ed->hist, &ev, H_LOAD, ed->history_file);
    /* stdout is the output layer's stream (out.c), which has no
     * descriptor: libedit is given the terminal's descriptors apart. */
    ed->el = el_init_fd("aeo", stdin, stdout, stderr, STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO);
    el_set(ed->el, EL_CLIENTDATA, ed);
    el_set(ed->el, EL_EDITOR, "emacs");
    el_set(ed->el, EL_SIGNAL, 1);
    el_set(ed->el, EL_PROMPT, prompt_fn);
    el_set(ed->el, EL_HIST, history, ed->hist);
    /* The wide form: libedit keeps these strings, where the narrow el_set
     * would copy them and never free the copies. */
    el_wset(ed->el, EL_ADDFN, L"aeo-complete", L"complete the word before the cursor", on_tab);
    el_set(ed->el, EL_BIND, "^I", "aeo-complete", NULL);
    /* Emacs's binding of ^@ (Ctrl-Space), in place of the quoted-insert
     * libedit leaves there (see read_key). */
    el_set(ed->el, EL_BIND, "^@", "em-set-mark", NULL);
    el_set(ed->el, EL_GETCFN, read_key);
    el_source(ed->el, NULL);
    /* Ctrl-C abandons the input line, not the session; a window size
     * change or a `fg` during a line is handled by read_key.  SA_RESTART:
     * a signal while an input is evaluated must not fail its I/O. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGWINCH, &sa, NULL);
    sigaction(SIGCONT, &sa, NULL);
    return ed;
}

/* 2. Reads a line (without its newline; free it) after [prompt]; NULL at
 * end of input.  *[interrupted] is set when Ctrl-C abandoned the line.
 * Non-blank lines go to the history, saved at once (mode 0600). */
char *aeo_lineedit_read(aeo_lineedit *ed, const char *prompt, bool *interrupted) {
    snprintf(ed->prompt, sizeof ed->prompt, "%s", prompt);
    *interrupted = false;
    /* A Ctrl-C while the last input was evaluated had no line to abandon
     * (the kernel, in cooked mode, showed it and dropped what was typed). */
    got_sigint = got_sigwinch = got_sigcont = 0;
    ed->fresh = true;
    ed->ahead = 0;
    int count = 0;
    const char *line = el_gets(ed->el, &count);
    if (!line) {
        if (count < 0 && got_sigint) {
            *interrupted = true;
            got_sigint = 0;
        }
        return NULL;
    }
    char *out = aeo_xstrdup(line);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r')) out[--n] = '\0';
    if (out[strspn(out, " \t")] != '\0') {
        HistEvent ev;
        history(ed->hist, &ev, H_ENTER, out);
        if (ed->history_file) {
            int fd = open(ed->history_file, O_WRONLY | O_CREAT, 0600);
            if (fd >= 0) close(fd);
            history(ed->hist, &ev, H_SAVE, ed->history_file);
        }
    }
    return out;
}

/* 3. Ends line editing. */
void aeo_lineedit_close(aeo_lineedit *ed) {
    if (!ed) return;
    el_end(ed->el);
    if (ed->in != STDIN_FILENO) close(ed->in);
    history_end(ed->hist);
    free(ed->history_file);
    free(ed);
}

/* Whether more input is already there: always in a script; on a terminal,
 * when a paste left lines to read. */
bool aeo_lineedit_input_waiting(const aeo_lineedit *ed) {
    if (!ed) return true;
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

