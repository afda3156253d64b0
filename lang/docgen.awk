# Generates the table behind `aeo explain CODE` from lang/README.md, so the
# documentation of each diagnostic code has one source: the reference.
# Each "### CODE summary" section, up to the next heading, becomes one entry;
# the <!-- ... --> markers of the documentation tests are dropped.
BEGIN {
    print "/* Generated from lang/README.md by lang/docgen.awk; do not edit. */"
    print "#include \"lang/diag_docs.h\""
    print "const aeo_diag_doc aeo_diag_docs[] = {"
    open = 0
}
# C string escaping, character by character (awk implementations disagree
# on backslashes in gsub replacements).
function esc(s,    out, i, c) {
    out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\" || c == "\"") out = out "\\" c
        else out = out c
    }
    return out
}
function close_entry() {
    if (open) { print "    \"\"},"; open = 0 }
}
# Lines inside ``` fences are text, even when they start with '#' (an aeo
# comment).
/^```/ { fence = !fence }
!fence && /^##?#? / {
    close_entry()
    if ($0 ~ /^### [EW][0-9][0-9][0-9][0-9]/) {
        code = $2
        printf "    {\"%s\",\n", code
        open = 1
        line = $0
        sub(/^### /, "", line)
        printf "     \"%s\\n\"\n", esc(line)
    }
    next
}
open && /^<!--.*-->$/ { next }
open {
    line = $0
    printf "     \"%s\\n\"\n", esc(line)
}
END {
    close_entry()
    print "    {0, 0}};"
}
