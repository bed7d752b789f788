#!/usr/bin/env python3
"""Every RPC and every reason code is named by at least one test.

Lists every RPC of protos/subsidy/v1/*.proto (service by service) and every stable reason code
the service gives (the UPPER_SNAKE codes declared in server/, calc/, formats/ and client/: `constexpr char kX[] =
"CODE"`, the literal reasons of FailedPrecondition("CODE", …) / WithReason(…, "CODE") and of
result reasons pushed as {"CODE", …}), and fails (exit 1, listing them) when one of them is not
named in any test file under tests/: a *_test.* file or a golden case file (tests/golden/*.textproto).

"Named" is a whole-word match outside whole-line comments: an RPC by its method name as gRPC
(GetCaller, AsyncGetCaller), Connect (AdminService/GetCaller) or connect-es (getCaller) spell
it; a reason by its code (LPR_UNCONFIRMED) or by the constant that declares it
(kLprUnconfirmed). Helpers (tests/support, tests/reference, the console's seeder) do not count.

Every reason code and every FundAlert kind also has a message a person reads: an entry in
data/messages.textproto (reasons { code … }, alerts { code … }) whose every text has a zh_cn (with
no Latin letters outside its {parameters}) and an en; an entry naming a code the service no longer
gives fails too.

Usage: scripts/check-test-names.py [SOURCE_DIR]   (default: this script's repository)
Python 3, standard library only.
"""
import codecs
import pathlib
import re
import sys

CODE = r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*"
# Where reason codes are declared: the service (server/), the engines (calc/), the file readers
# (formats/) and subsidyctl's own texts (client/).
REASON_DIRS = ("server", "calc", "formats", "client")
REASON_PATTERNS = [
    # inline constexpr char kLprUnconfirmed[] = "LPR_UNCONFIRMED";  (also string_view constants)
    re.compile(r"constexpr\s+(?:char|absl::string_view|std::string_view|const\s+char\s*\*)\s+"
               r"(?P<const>k[A-Za-z0-9_]+)\s*(?:\[\s*\])?\s*=\s*\"(?P<code>" + CODE + r")\""),
    # FailedPrecondition("ALREADY_REVERSED", …)
    re.compile(r"\bFailedPrecondition\(\s*\"(?P<code>" + CODE + r")\""),
    # WithReason(absl::FailedPreconditionError(…), "LPR_NOT_AVAILABLE")
    re.compile(r"\bWithReason\((?:[^;]*?),\s*\"(?P<code>" + CODE + r")\"\s*\)", re.S),
    # reasons.push_back({"CODE", …}) / flags.emplace_back(…)
    re.compile(r"\b(?:reasons|flags)\s*(?:\.|->)\s*(?:push_back|emplace_back)\(\s*\{?\s*\"(?P<code>" + CODE + r")\""),
]
# Test files: *_test.<ext> anywhere under tests/, and the golden cases the tests compare against.
TEST_NAME = re.compile(r"_test\.(?:cc|h|ts|mjs|js|py|sh)$")
NOT_TESTS = ("tests/support/", "tests/reference/")
HASH_COMMENTS = (".py", ".sh", ".textproto")


def rpcs(root):
    """[(service, method, file)] in the order of the protos."""
    out = []
    for proto in sorted((root / "protos" / "subsidy" / "v1").glob("*.proto")):
        service = None
        for line in proto.read_text(encoding="utf-8").splitlines():
            line = line.split("//", 1)[0]
            m = re.match(r"\s*service\s+(\w+)\s*\{", line)
            if m:
                service = m.group(1)
                continue
            m = re.match(r"\s*rpc\s+(\w+)\s*\(", line)
            if m:
                out.append((service or "?", m.group(1), proto.relative_to(root).as_posix()))
    return out


def reasons(root):
    """{code: (where declared, {constant names})}."""
    found = {}
    for d in REASON_DIRS:
        for path in sorted((root / d).rglob("*")):
            if path.suffix not in (".cc", ".h") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for pattern in REASON_PATTERNS:
                for m in pattern.finditer(text):
                    code = m.group("code")
                    line = text.count("\n", 0, m.start()) + 1
                    where, consts = found.setdefault(code, (f"{path.relative_to(root).as_posix()}:{line}", set()))
                    if "const" in m.groupdict() and m.group("const"):
                        consts.add(m.group("const"))
    return found


def test_files(root):
    out = []
    for path in sorted((root / "tests").rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or "node_modules" in path.parts or rel.startswith(NOT_TESTS):
            continue
        if TEST_NAME.search(path.name) or (rel.startswith("tests/golden/") and path.suffix == ".textproto"):
            out.append(path)
    return out


def without_comment_lines(path):
    """The file's text without its whole-line comments (a mention in a comment tests nothing)."""
    kept = []
    in_block = False
    hash_comments = path.suffix in HASH_COMMENTS
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        s = line.strip()
        if in_block:
            if "*/" in s:
                in_block = False
            continue
        if s.startswith("//") or (hash_comments and s.startswith("#")):
            continue
        if not hash_comments and s.startswith("/*"):
            in_block = "*/" not in s
            continue
        kept.append(line)
    return "\n".join(kept)


TOKEN = re.compile(r'\s+|#[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|[{}\[\]:;,<>]|[^\s{}\[\]:;,<>"\'#]+')


def read_textproto(path):
    """A protobuf text-format file as nested dicts: {field: [values]} (a message is a dict, a scalar
    its text). Enough of the format for the data files: fields, nested messages, lists, strings."""
    text = path.read_text(encoding="utf-8")
    tokens = [t for t in TOKEN.findall(text) if t.strip() and not t.startswith("#")]
    pos = 0

    def scalar(tok):
        if tok[0] in "\"'":
            return codecs.escape_decode(tok[1:-1].encode("utf-8"))[0].decode("utf-8")
        return tok

    def value():
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok in "{<":
            return message("}" if tok == "{" else ">")
        out = scalar(tok)
        while pos < len(tokens) and tokens[pos][0] in "\"'":  # adjacent strings concatenate
            out += scalar(tokens[pos])
            pos += 1
        return out

    def message(end):
        nonlocal pos
        fields = {}
        while pos < len(tokens) and tokens[pos] != end:
            name = tokens[pos]
            pos += 1
            if tokens[pos] == ":":
                pos += 1
            if tokens[pos] == "[":
                pos += 1
                while tokens[pos] != "]":
                    fields.setdefault(name, []).append(value())
                    if tokens[pos] == ",":
                        pos += 1
                pos += 1
            else:
                fields.setdefault(name, []).append(value())
            if pos < len(tokens) and tokens[pos] in ",;":
                pos += 1
        pos += 1
        return fields

    return message(None)


def alert_kinds(root):
    """The FundAlert.Kind names of protos/subsidy/v1/fund.proto (not KIND_UNSPECIFIED)."""
    text = (root / "protos" / "subsidy" / "v1" / "fund.proto").read_text(encoding="utf-8")
    m = re.search(r"message\s+FundAlert\s*\{.*?enum\s+Kind\s*\{(?P<body>[^}]*)\}", text, re.S)
    if not m:
        return []
    names = re.findall(r"^\s*(" + CODE + r")\s*=", m.group("body"), re.M)
    return [n for n in names if not n.endswith("_UNSPECIFIED")]


def catalogue_problems(root, all_reasons):
    """What data/messages.textproto lacks: a line per problem ([] when there is none)."""
    path = root / "data" / "messages.textproto"
    if not path.is_file():
        return [f"  {path.relative_to(root).as_posix()} is missing"]
    try:
        data = read_textproto(path)
    except (IndexError, ValueError, UnicodeDecodeError) as e:
        return [f"  {path.relative_to(root).as_posix()} does not read: {e!r}"]
    problems = []
    for section, codes, what in (("reasons", sorted(all_reasons), "reason code"),
                                 ("alerts", alert_kinds(root), "FundAlert kind")):
        entries = {e.get("code", [""])[0]: e for e in data.get(section, []) if isinstance(e, dict)}
        for code in codes:
            texts = entries.get(code, {}).get("texts", [])
            where = f"  {code}  ({what}" + (f", declared at {all_reasons[code][0]})" if code in all_reasons else ")")
            if not texts or any(not isinstance(t, dict) or not t.get("zh_cn", [""])[0] for t in texts):
                problems.append(where + ": no zh-CN message")
            elif any(not t.get("en", [""])[0] for t in texts):
                problems.append(where + ": no en message")
            elif any(re.search(r"[A-Za-z]", re.sub(r"\{[a-z][a-z0-9_]*\}", "", t["zh_cn"][0])) for t in texts):
                problems.append(where + ": a zh-CN message has Latin letters outside its {parameters}")
        for code in sorted(set(entries) - set(codes)):
            problems.append(f"  {code}  ({section} in data/messages.textproto): no such {what} in the service")
    return problems


def word(alternatives):
    return re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![A-Za-z0-9_])")


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent).resolve()
    all_rpcs = rpcs(root)
    # A FundAlert kind named by a constant (calc/funds/rules.h: a monitoring rule's kind) is an
    # alert kind with its alerts { … } texts, not a reason code.
    kinds = set(alert_kinds(root))
    all_reasons = {c: v for c, v in reasons(root).items() if c not in kinds}
    files = test_files(root)
    # Never pass vacuously: a parser that finds nothing is a broken check, not a clean tree.
    if not all_rpcs or not all_reasons or not files:
        print(f"check-test-names: found {len(all_rpcs)} RPCs, {len(all_reasons)} reason codes, {len(files)} test files "
              f"under {root}: the check cannot run", file=sys.stderr)
        return 1
    corpus = "\n".join(without_comment_lines(f) for f in files)

    untested_rpcs = []
    for service, method, proto in all_rpcs:
        spellings = [method, "Async" + method, "PrepareAsync" + method, method[0].lower() + method[1:]]
        if not word(spellings).search(corpus):
            untested_rpcs.append((service, method, proto))
    untested_reasons = []
    for code, (where, consts) in sorted(all_reasons.items()):
        if not word([code, *sorted(consts)]).search(corpus):
            untested_reasons.append((code, where))

    services = sorted({s for s, _, _ in all_rpcs})
    unread = catalogue_problems(root, all_reasons)
    if unread:
        print(f"check-test-names: {len(unread)} problems with the messages a person reads (data/messages.textproto: "
              f"a zh_cn and an en text for every reason code and alert kind):")
        for line in unread:
            print(line)
    if untested_rpcs or untested_reasons:
        print(f"check-test-names: {len(untested_rpcs)} of {len(all_rpcs)} RPCs and {len(untested_reasons)} of "
              f"{len(all_reasons)} reason codes are named by no test file under tests/ ({len(files)} test files read)")
        if untested_rpcs:
            print("RPCs no test names:")
            for service in services:
                for s, method, proto in untested_rpcs:
                    if s == service:
                        print(f"  {service}.{method}  ({proto})")
        if untested_reasons:
            print("Reason codes no test names:")
            for code, where in untested_reasons:
                print(f"  {code}  (declared at {where})")
        print("Add a test that calls each RPC and one that provokes each reason, naming it.")
        return 1
    if unread:
        return 1
    print(f"check-test-names: every one of {len(all_rpcs)} RPCs in {len(services)} services and {len(all_reasons)} "
          f"reason codes is named by a test ({len(files)} test files); every reason code and alert kind has a "
          f"zh-CN and an en message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
