/* The REPL's line editor: libedit behind four calls, as lua.c keeps
 * readline behind its own few (open, read a line, close, and whether a
 * paste left more input waiting), plus the completion candidates a Tab
 * lists.  The editor knows nothing of sessions: Tab asks the completion
 * function it was opened with. */
#ifndef AEO_LANG_CLI_LINEEDIT_H
#define AEO_LANG_CLI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One completion: the whole word that replaces the one typed, and what to
 * append when it is the only candidate (" ", "/", or NULL). */
typedef struct aeo_lineedit_cand {
    char *word;
    const char *suffix;
} aeo_lineedit_cand;

typedef struct aeo_lineedit_cands {
    aeo_lineedit_cand *items;
    uint32_t n, cap;
    size_t start;         /* where the word being completed starts */
    size_t show_from;     /* bytes of each word not shown in a listing */
} aeo_lineedit_cands;

/* Adds the word [head][0, head_len) + [name] (copied; duplicates ignored). */
void aeo_lineedit_cands_add(aeo_lineedit_cands *cs, const char *head, size_t head_len, const char *name,
                            const char *suffix);
void aeo_lineedit_cands_free(aeo_lineedit_cands *cs);

/* Fills [cs] with the candidates for completing line[0, cursor), sorted. */
typedef void (*aeo_lineedit_complete_fn)(void *ud, const char *line, size_t cursor, aeo_lineedit_cands *cs);

typedef struct aeo_lineedit aeo_lineedit;

/* 1. Starts line editing on the terminal, with the saved history
 * ($XDG_STATE_HOME/aeo/history, else ~/.aeo_history); Tab calls
 * [complete] with [ud].  Ctrl-C abandons the line, not the session. */
aeo_lineedit *aeo_lineedit_open(aeo_lineedit_complete_fn complete, void *ud);
/* 2. Reads a line (without its newline; the caller frees it) after
 * [prompt]; NULL at end of input.  *[interrupted] is set when Ctrl-C
 * abandoned the line.  Non-blank lines go to the history, saved at once. */
char *aeo_lineedit_read(aeo_lineedit *ed, const char *prompt, bool *interrupted);
/* 3. Ends line editing ([ed] may be NULL). */
void aeo_lineedit_close(aeo_lineedit *ed);
/* Whether more input is already there: always without an editor (a
 * script); on a terminal, when a paste left lines to read. */
bool aeo_lineedit_input_waiting(const aeo_lineedit *ed);

#endif
