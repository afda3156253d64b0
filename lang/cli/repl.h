/* The REPL: `aeo repl [PATH...] [--facts FILE] [--as-of DATE]`.
 *
 * An interactive session over one catalog and one facts record.  The
 * catalog is the rule files plus the declarations typed in the session;
 * the record is a JSON tree plus the what-if edits made to it.  Input is a
 * CEL expression (evaluated against the record and printed with its static
 * type), a declaration (added to the session), or a command (:help lists
 * them).  On a terminal the line editor is libedit, with persistent history
 * and Tab completion; on any other stdin the REPL reads a script: no
 * prompt, no banner, results on stdout, diagnostics on stderr, and exit
 * status 1 if any input failed. */
#ifndef AEO_LANG_CLI_REPL_H
#define AEO_LANG_CLI_REPL_H

/* Runs the REPL with the arguments after `repl`, accepting only the
 * [options] listed (the repl entry of main.c's command table, as `aeo help
 * --options repl` prints it; NULL ends the list); returns the exit status
 * (0 ok, 1 some input failed in a script, 2 usage or I/O error at start). */
int aeo_repl_main(int argc, char **argv, const char *const *options);

#endif
