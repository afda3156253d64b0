#!/usr/bin/env python3
"""Drives `aeo lsp` with a script of messages and prints what it answers.

    python3 tests/lsp/drive.py SCRIPT

SCRIPT has one item per line: a JSON-RPC message (framed with
Content-Length here), `RAW <Python bytes literal>` sent exactly as written
(for framing tests), or a comment starting with '#'.  ${ROOT} stands for the
file: URI of the current directory (the repository root), in the script and,
put back, in the output; ${TEXT:PATH} is the text of file PATH as a JSON
string (a didOpen's text).  Everything is written at once and stdin closed, so
the server's read-ahead sees the whole script (lsp.c: cancellation and
diagnostics are exact then).  Each message the server writes is printed as
its JSON body on one line, after checking its framing; a frame that is not
"Content-Length: N\\r\\n\\r\\n" and N bytes of JSON is printed as BAD FRAME.
The exit status is the server's.
"""
import ast, json, os, subprocess, sys

aeo = os.environ.get("AEO", "build/aeo")
root = "file://" + os.getcwd()
data = bytearray()
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    line = line.replace("${ROOT}", root)
    while "${TEXT:" in line:
        i = line.index("${TEXT:")
        j = line.index("}", i)
        text = open(line[i + 7:j], encoding="utf-8").read()
        line = line[:i] + json.dumps(text) + line[j + 1:]
    if line.startswith("RAW "):
        data += ast.literal_eval(line[4:])
        continue
    body = json.dumps(json.loads(line), ensure_ascii=False).encode("utf-8")
    data += b"Content-Length: %d\r\n\r\n" % len(body) + body
p = subprocess.run([aeo, "lsp"] + sys.argv[2:], input=bytes(data), stdout=subprocess.PIPE, timeout=60)
out = p.stdout
while out:
    head, sep, rest = out.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"Content-Length: "):
        print("BAD FRAME", out[:80])
        break
    n = int(head[16:])
    body, out = rest[:n], rest[n:]
    try:
        json.loads(body)
    except ValueError:
        print("BAD FRAME", body[:80])
        break
    print(body.decode("utf-8").replace(root, "${ROOT}"))
sys.exit(p.returncode)
