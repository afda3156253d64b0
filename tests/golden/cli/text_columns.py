#!/usr/bin/env python3
"""Checks that a table aeo printed lines up on a terminal.

    text_columns.py SKIP ROWS [RIGHT]  < output

Reads the output, skips SKIP lines, then takes a header line and ROWS
rows.  Cells are separated by two or more spaces.  Each cell's position is
measured in display columns with Python's own Unicode tables
(unicodedata.east_asian_width: W and F count 2; combining marks 0), not
aeo's, so the check is independent of the code it checks.  Cells listed in
RIGHT (comma-separated indexes from 0) are right-aligned: their last
columns must agree; every other cell's first column must agree with the
header's.  Prints one line: the columns, or each row that does not agree.
"""
import re
import sys
import unicodedata


def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def cells(line):
    """(start, end) display columns of each cell, end exclusive."""
    out = []
    for m in re.finditer(r"\S+(?: \S+)*", line):
        start = width(line[: m.start()])
        out.append((start, start + width(m.group(0))))
    return out


def main():
    skip, rows = int(sys.argv[1]), int(sys.argv[2])
    right = {int(x) for x in sys.argv[3].split(",")} if len(sys.argv) > 3 else set()
    lines = sys.stdin.read().split("\n")[skip : skip + 1 + rows]
    head = cells(lines[0])
    want = [e if i in right else s for i, (s, e) in enumerate(head)]
    bad = 0
    for n, line in enumerate(lines[1:], 1):
        got = cells(line)
        pos = [e if i in right else s for i, (s, e) in enumerate(got)]
        if pos != want:
            print("row %d: %s, header: %s" % (n, pos, want))
            bad += 1
    if bad == 0:
        print("%d rows, %d columns aligned with the header at %s" % (len(lines) - 1, len(head), want))
    sys.exit(1 if bad else 0)


main()
