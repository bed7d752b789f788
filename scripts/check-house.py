#!/usr/bin/env python3
"""The house's size limits, checked in CI (ARCHITECTURE.md, "The house").

No source file of ours over 600 lines and no function over 80 (from its signature to its closing
brace), in calc/, formats/, server/ and client/; tests and generated code aside. Prints each
breach and exits 1; prints one summary line and exits 0 when there is none.

Functions are found by a small scanner (comments, strings, raw strings and preprocessor lines
skipped; a brace opens a function when what precedes it ends like a signature), not a compiler:
it is meant for code written in the house style.
Usage: scripts/check-house.py [ROOT]
"""
import pathlib
import re
import sys

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
DIRS = ("calc", "formats", "server", "client")
SIGNATURE_END = re.compile(r"(\)|\bconst|\boverride|\bfinal|\bnoexcept|\bmutable)\s*$")
NOT_FUNCTION = re.compile(r"^\s*(if|for|while|switch|catch|do|else|return|try)\b|=")
TYPE_OR_NAMESPACE = re.compile(r"\b(class|struct|union|enum|namespace)\b")


def blank_out(text):
    """The text with comments, string/char literals and preprocessor lines blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":  # a preprocessor line, with its continuations
            while i < n and not (text[i] == "\n" and text[i - 1] != "\\"):
                out.append("\n" if text[i] == "\n" else " ")
                i += 1
            continue
        if c in " \t":
            out.append(c)
            i += 1
            continue
        at_line_start = c == "\n"
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            k = text.find("(", i)
            delim = ")" + text[i + 2:k] + '"'
            j = text.find(delim, k)
            j = n if j < 0 else j + len(delim)
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c == "'" and i > 0 and text[i - 1].isalnum():  # a digit separator: 60'000
            out.append(" ")
            i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (j + 1 - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(path):
    text = blank_out(path.read_text(encoding="utf-8"))
    stack = []  # per open brace: ("func", start_line) | ("scope", None) | ("other", None)
    header_start, header = None, []
    line = 1
    found = []
    for c in text:
        if c == "\n":
            line += 1
        if c in "{};":
            in_function = any(kind == "func" for kind, _ in stack)
            if c == "{":
                h = "".join(header).strip()
                if in_function:
                    stack.append(("other", None))
                elif TYPE_OR_NAMESPACE.search(h) and "(" not in h:
                    stack.append(("scope", None))
                elif "(" in h and SIGNATURE_END.search(h) and not NOT_FUNCTION.search(h):
                    stack.append(("func", header_start or line))
                else:
                    stack.append(("other", None))
            elif c == "}" and stack:
                kind, start = stack.pop()
                if kind == "func" and line - start + 1 > MAX_FUNCTION_LINES:
                    name = re.sub(r"\s+", " ", signature_of(text, start))
                    found.append((start, line - start + 1, name))
            header, header_start = [], None
            continue
        if not c.isspace() and header_start is None:
            header_start = line
        header.append(c)
    return found


def signature_of(text, start_line):
    return text.split("\n")[start_line - 1].strip()[:100]


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    breaches, files, functions = [], 0, 0
    for d in DIRS:
        for path in sorted((root / d).rglob("*")):
            if path.suffix not in (".h", ".cc") or "gen" in path.parts:
                continue
            files += 1
            rel = path.relative_to(root)
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > MAX_FILE_LINES:
                breaches.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
            for start, length, name in long_functions(path):
                functions += 1
                breaches.append(f"{rel}:{start}: a function of {length} lines (at most {MAX_FUNCTION_LINES}): {name}")
    if breaches:
        print("\n".join(breaches))
        print(f"check-house: {len(breaches)} breaches of the house's limits (ARCHITECTURE.md)")
        return 1
    print(f"check-house: {files} files in {', '.join(DIRS)}: none over {MAX_FILE_LINES} lines, "
          f"no function over {MAX_FUNCTION_LINES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
