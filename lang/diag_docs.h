/* The documentation of each diagnostic code, for `aeo explain CODE`.  The
 * table is generated at build time from lang/README.md (lang/docgen.awk),
 * so the reference is the single source. */
#ifndef AEO_LANG_DIAG_DOCS_H
#define AEO_LANG_DIAG_DOCS_H

typedef struct aeo_diag_doc {
    const char *code;   /* "E0103"; NULL ends the table */
    const char *text;   /* the section of lang/README.md */
} aeo_diag_doc;

extern const aeo_diag_doc aeo_diag_docs[];

#endif
