# Prints every comment of an .aeo file, one per line, without its trailing
# blanks: the text after // or # outside strings (quoted, raw, triple-quoted,
# bytes), as the lexer reads them.  Used to check that `aeo fmt` keeps every
# comment exactly once (fmt_comment_count.cmd).
{ text = text $0 "\n" }
function ident(c) { return c ~ /[A-Za-z0-9_]/ }
END {
    n = length(text); i = 1
    while (i <= n) {
        c = substr(text, i, 1)
        if (c == "\"" || c == "'") {
            raw = 0
            for (j = i - 1; j >= 1 && j >= i - 2 && substr(text, j, 1) ~ /[rRbB]/; j--)
                if (substr(text, j, 1) ~ /[rR]/) raw = 1
            if (j >= 1 && j < i - 1 && ident(substr(text, j, 1))) raw = 0
            q = c
            if (substr(text, i, 3) == q q q) {
                i += 3
                while (i <= n && substr(text, i, 3) != q q q) i += (!raw && substr(text, i, 1) == "\\") ? 2 : 1
                i += 3
                continue
            }
            i++
            while (i <= n && substr(text, i, 1) != q && substr(text, i, 1) != "\n")
                i += (!raw && substr(text, i, 1) == "\\") ? 2 : 1
            i++
            continue
        }
        if (ident(c)) {
            while (i <= n && ident(substr(text, i, 1))) i++
            continue
        }
        if (c == "#" || substr(text, i, 2) == "//") {
            j = i
            while (j <= n && substr(text, j, 1) != "\n") j++
            s = substr(text, i, j - i)
            sub(/[ \t\r]+$/, "", s)
            print s
            i = j
            continue
        }
        i++
    }
}
