#!/usr/bin/env python3
"""Bad input to the jopan CLI: exit codes, messages, and no harm to output.

Usage: bad_input.py JOPAN_BINARY SOURCE_ROOT

Each case runs `jopan render BAD -o T/out.pdf` (or another command line) and
checks the exit code (1 bad input, 2 usage), that stderr holds the expected
fragments (file name, line:col, what was expected), that no output file and
no temporary file is left behind, and that a good out.pdf already there is
not touched.  Then a small deterministic fuzz: mutants of harbour.json run
through `jopan check` must exit 0 or 1, never crash, and name the file.
Fixtures are in tests/data/bad/ (see its README.md); corrupt and truncated
photos and invalid UTF-8 are made in a temporary folder.

Prints "ok - NAME" / "not ok - NAME: reason" per check, then "N passed, M
failed"; exits 1 if any check failed.
"""
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

JOPAN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
BAD = os.path.join(ROOT, "tests", "data", "bad")
SAMPLE = os.path.join(ROOT, "samples", "harbour.json")
PHOTO = os.path.join(ROOT, "samples", "photos", "harbour-dawn.jpg")
GOOD_BYTES = b"%PDF-1.5 a good PDF from an earlier run\n"
passed = failed = 0


def report(name, problems):
    global passed, failed
    if problems:
        failed += 1
        print(f"not ok - {name}: " + "; ".join(problems))
    else:
        passed += 1
        print(f"ok - {name}")
    sys.stdout.flush()


def run(args, cwd=None, timeout=60):
    return subprocess.run([JOPAN] + args, capture_output=True, text=True, errors="replace",
                          cwd=cwd, timeout=timeout)


def bad_case(name, args, code, fragments, out="out.pdf", tmp=None):
    """Runs jopan twice with `args` (OUT in it stands for the output path):
    first with no output file, then over a good one that must survive."""
    problems = []
    d = tempfile.mkdtemp(dir=tmp)
    path = os.path.join(d, out)
    args = [path if a == "OUT" else a for a in args]
    for previous in (None, GOOD_BYTES):
        if previous is not None:
            with open(path, "wb") as f:
                f.write(previous)
        p = run(args)
        if p.returncode != code:
            problems.append(f"exit {p.returncode}, expected {code}")
        for fragment in fragments:
            if fragment not in p.stderr:
                problems.append(f"stderr lacks {fragment!r}")
        if not p.stderr.startswith("jopan: "):
            problems.append("message does not start with 'jopan: '")
        left = sorted(os.listdir(d))
        if previous is None and left:
            problems.append(f"left files behind: {left}")
        if previous is not None:
            if left != [out]:
                problems.append(f"files after the run: {left}, expected only {out}")
            elif open(path, "rb").read() != previous:
                problems.append(f"the good {out} was overwritten")
        if problems:
            problems.append(f"stderr: {p.stderr.strip()!r}")
            break
    shutil.rmtree(d)
    report(name, problems)


def fixture(name):
    return os.path.join(BAD, name)


def json_cases(tmp):
    """Articles from tests/data/bad/: (name, file, fragments)."""
    for name, file, fragments in [
        ("malformed JSON", "malformed.json",
         # json-glib stops at the token before the missing comma: line 2.
         ["malformed.json:2:", "Parse error", "expected"]),
        ("missing headline", "no-headline.json",
         ["no-headline.json:1:1: headline: required key is missing"]),
        ("headline not a string", "headline-number.json",
         ["headline-number.json:3:15: headline: expected a string"]),
        ("blank headline", "headline-blank.json",
         ["headline-blank.json:2:15: headline: must not be empty"]),
        ("empty body", "body-empty.json", ["body-empty.json:3:11: body:", "must not be empty"]),
        ("top level is an array", "top-array.json",
         ["top-array.json:1:1:", "expected a JSON object"]),
        ("images not an array", "images-not-array.json",
         ["images-not-array.json:4:13: images: expected an array"]),
        ("images[0].columns = 0", "columns-zero.json",
         ["columns-zero.json:7:18: images[0].columns: expected a whole number"]),
        ("images[0].columns = \"three\"", "columns-string.json",
         ["columns-string.json:7:18: images[0].columns: expected a whole number"]),
        ("images[0].focus = [2, 0]", "focus-out-of-range.json",
         ["focus-out-of-range.json:7:16: images[0].focus:", "two numbers from 0 to 1"]),
        ("missing photo", "missing-photo.json",
         ["missing-photo.json:6:14: images[0].src:", "no-such-photo.jpg", "no such file"]),
        ("corrupt photo (noise as .jpg)", "corrupt-photo.json",
         ["corrupt-photo.json:6:14: images[0].src:", "corrupt.jpg", "not a readable image"]),
        # json-glib keeps the last of two equal keys: the message must point there.
        ("duplicate key: place of the value used", "duplicate-key.json",
         ["duplicate-key.json:4:15: headline: expected a string"]),
    ]:
        bad_case(name, ["render", fixture(file), "-o", "OUT"], 1, fragments, tmp=tmp)


def made_cases(tmp):
    """Bad input made here: invalid UTF-8, a truncated JPEG, style files."""
    d = os.path.join(tmp, "made")
    os.makedirs(d)
    text = b'{\n  "headline": "Caf\xff au lait",\n  "body": "Text."\n}\n'
    with open(os.path.join(d, "utf8.json"), "wb") as f:
        f.write(text)
    offset = text.index(b"\xff")
    bad_case("invalid UTF-8", ["render", os.path.join(d, "utf8.json"), "-o", "OUT"], 1,
             ["utf8.json:2:", f"invalid UTF-8 at byte offset {offset}"], tmp=tmp)

    data = open(PHOTO, "rb").read()
    with open(os.path.join(d, "half.jpg"), "wb") as f:
        f.write(data[:len(data) // 2])
    with open(os.path.join(d, "truncated.json"), "w") as f:
        f.write('{\n  "headline": "Half a photo",\n  "body": "Text.",\n'
                '  "images": [{"src": "half.jpg"}]\n}\n')
    bad_case("truncated JPEG", ["render", os.path.join(d, "truncated.json"), "-o", "OUT"], 1,
             ["truncated.json:4:22: images[0].src:", "half.jpg", "is damaged", "truncated"], tmp=tmp)

    style = open(os.path.join(ROOT, "styles", "berliner.ini"), encoding="utf-8").read()
    line = style[:style.index("[body]")].count("\n") + 2  # the line after [body]
    for file, key, fragments in [("unknown-key.ini", "frobnicate = 1", ["unknown key"]),
                                 ("bad-value.ini", "leading = banana", ["expected a length"])]:
        with open(os.path.join(d, file), "w", encoding="utf-8") as f:
            f.write(style.replace("[body]\n", f"[body]\n{key}\n", 1))
        bad_case(f"style file: {key}", ["render", SAMPLE, "--style", os.path.join(d, file),
                                        "-o", "OUT"], 1, [f"{file}:{line}:"] + fragments, tmp=tmp)


def photo_cases(tmp):
    """Photos refused when the article loads, before anything is decoded, with
    the same message for `check` and `render` (made by odd_photos.py)."""
    import odd_photos
    import zlib
    d = os.path.join(tmp, "photos")
    os.makedirs(d)
    small = odd_photos.jpeg(2, 1, lambda bx, by: (200, 40, 40))
    good_png = odd_photos.png(64, 64, lambda y: bytes([40, 90, 200]) * 64)
    rows = b"".join(b"\0" + bytes([40, 90, 200]) * 64 for y in range(64))
    photos = {
        # A few hundred kilobytes that would make the decoder allocate 1.6 GB.
        "claims.png": (odd_photos.png_claiming(20000, 20000),
                       ["20000 x 20000 pixels (400 megapixels)", "limit is 150 megapixels"]),
        "wide.png": (odd_photos.png_claiming(70000, 10, 1000), ["70000 x 10", "65535"]),
        "sof.jpg": (odd_photos.jpeg_claiming(small, 30000, 30000),
                    ["30000 x 30000 pixels (900 megapixels)"]),
        "cut.jpg": (small[:len(small) - 20], ["is damaged", "truncated"]),
        "noscan.jpg": (small[:small.index(b"\xff\xda")] + b"\xff\xd9",
                       ["is damaged", "no image data"]),
        "cut.png": (good_png[:len(good_png) // 2], ["is damaged", "truncated"]),
        # Intact chunks whose image data stops short or is not a zlib
        # stream: `check` used to pass them and `render` to fail.
        "short.png": (odd_photos.png_with_data(64, 64, zlib.compress(rows[:len(rows) // 2])),
                      ["is damaged", "stops short"]),
        "garbage.png": (odd_photos.png_with_data(64, 64, b"\x78\x9c" + bytes(range(256)) * 4),
                        ["is damaged", "image data is corrupt"]),
        "filter.png": (odd_photos.png_with_data(64, 64, zlib.compress(
                           rows[:193 * 10] + b"\x07" + rows[193 * 10 + 1:])),
                       ["is damaged", "unknown filter type"]),
        "bad-crc.png": (good_png[:40] + bytes([good_png[40] ^ 0xFF]) + good_png[41:],
                        ["is damaged", "checksum"]),
    }
    for file, (data, fragments) in photos.items():
        with open(os.path.join(d, file), "wb") as f:
            f.write(data)
        article = os.path.join(d, file.replace(".", "-") + ".json")
        with open(article, "w") as f:
            f.write('{\n  "headline": "An odd photo",\n  "body": "Text.",\n'
                    f'  "images": [{{"caption": "A photo.", "src": "{file}"}}]\n}}\n')
        where = [f"{os.path.basename(article)}:4:45: images[0].src:", f'photo "{file}"']
        for command, out in [("render", "out.pdf"), ("render", "out.png"), ("check", "out.pdf")]:
            bad_case(f"photo {file}: {command} {out}", [command, article, "-o", "OUT"], 1,
                     where + fragments, out, tmp)
    # The preview limit: a usage error before anything is drawn.
    for name, args, fragments in [
        ("--dpi 2400", ["--dpi", "2400"], ["--dpi 2400", "18 to 1200"]),
        ("--dpi 1200 to PNG: over 100 megapixels", ["--dpi", "1200"],
         ["megapixels", "the limit is 100 megapixels"])]:
        bad_case(name, ["render", SAMPLE, "-o", "OUT"] + args, 2, fragments, "out.png", tmp)


def usage_cases(tmp):
    """Usage errors (exit 2) and a missing article (exit 1)."""
    for name, args, code, fragments, out in [
        ("--set body.frobnicate=1", ["--set", "body.frobnicate=1"], 2,
         ["body.frobnicate", "unknown key"], "out.pdf"),
        ("--set nosuch.key=1", ["--set", "nosuch.key=1"], 2, ["nosuch", "unknown group"], "out.pdf"),
        ("--set body.leading=banana", ["--set", "body.leading=banana"], 2,
         ["body.leading=banana", "expected a length"], "out.pdf"),
        ("--set without a dot", ["--set", "bodyleading"], 2, ["GROUP.KEY=VALUE"], "out.pdf"),
        ("--set page.columns=0", ["--set", "page.columns=0"], 2, ["page.columns=0"], "out.pdf"),
        ("--style nosuchstyle", ["--style", "nosuchstyle"], 2, ["nosuchstyle"], "out.pdf"),
        ("--style with a missing file", ["--style", os.path.join(tmp, "none.ini")], 1,
         ["none.ini"], "out.pdf"),
        ("--dpi 0", ["--dpi", "0"], 2, ["--dpi"], "out.png"),
        ("unknown output extension", [], 2, ["out.xyz", "unknown output format"], "out.xyz"),
    ]:
        bad_case(name, ["render", SAMPLE, "-o", "OUT"] + args, code, fragments, out, tmp)
    missing = os.path.join(tmp, "no-such-article.json")
    bad_case("nonexistent article", ["render", missing, "-o", "OUT"], 1,
             ["no-such-article.json"], tmp=tmp)
    p = run(["render", SAMPLE, "-o", os.path.join(tmp, "no-such-dir", "out.pdf")])
    report("output into a missing folder", [] if p.returncode == 1 and "no-such-dir" in p.stderr
           else [f"exit {p.returncode}, expected 1 naming the path: {p.stderr.strip()!r}"])
    for name, args, fragments in [("no arguments", [], ["expected a command"]),
                                  ("unknown command", ["frobnicate", SAMPLE], ["frobnicate"]),
                                  ("render without an article", ["render"], ["render"]),
                                  ("unknown option", ["render", SAMPLE, "--frobnicate"], [])]:
        p = run(args, cwd=tmp)
        problems = [f"exit {p.returncode}, expected 2"] if p.returncode != 2 else []
        problems += [f"stderr lacks {f!r}" for f in fragments if f not in p.stderr]
        report(name, problems + ([f"stderr: {p.stderr.strip()!r}"] if problems else []))


def nul_case(tmp):
    """A \\u0000 escape must not silently cut the text short (nothing is lost):
    an error naming the file, the words in the output, or a warning."""
    d = tempfile.mkdtemp(dir=tmp)
    p = run(["render", fixture("nul-escape.json"), "-o", os.path.join(d, "out.txt")])
    problems = []
    if p.returncode == 1:
        if "nul-escape.json" not in p.stderr:
            problems.append(f"exit 1 without the file name: {p.stderr.strip()!r}")
    elif p.returncode == 0:
        dump = open(os.path.join(d, "out.txt"), encoding="utf-8", errors="replace").read()
        if "After" not in dump.replace("\u00ad", "") and "nul-escape.json" not in p.stderr:
            problems.append("exit 0 but the text after \\u0000 (\"After the null.\") is gone "
                            "from the output, with no message")
    else:
        problems.append(f"exit {p.returncode}: {p.stderr.strip()!r}")
    report("\\u0000 in a string: not silently truncated", problems)


def mutate(data, rng):
    """One random edit of the bytes: delete, flip, insert JSON syntax, truncate."""
    op = rng.choice(["delete", "flip", "insert", "truncate"])
    i = rng.randrange(len(data))
    if op == "delete":
        return data[:i] + data[i + 1:], f"delete byte {i}"
    if op == "flip":
        b = data[i] ^ rng.randrange(1, 256)
        return data[:i] + bytes([b]) + data[i + 1:], f"byte {i} = 0x{b:02x}"
    if op == "insert":
        c = rng.choice(b'"{}[],:\\')
        return data[:i] + bytes([c]) + data[i:], f"insert {chr(c)!r} at {i}"
    return data[:i], f"truncate at {i}"


def fuzz(tmp, n=300, budget=60):
    d = os.path.join(tmp, "fuzz")
    os.makedirs(d)
    shutil.copytree(os.path.join(ROOT, "samples", "photos"), os.path.join(d, "photos"))
    data = open(SAMPLE, "rb").read()
    rng = random.Random(1234)
    mutants = []
    for k in range(n):
        mutant, what = mutate(data, rng)
        name = f"m{k:03d}.json"
        with open(os.path.join(d, name), "wb") as f:
            f.write(mutant)
        mutants.append((name, what))
    before = set(os.listdir(d))
    deadline = time.time() + budget

    def one(m):
        name, what = m
        if time.time() > deadline:
            return None
        try:
            p = run(["check", name], cwd=d, timeout=10)
        except subprocess.TimeoutExpired:
            return f"{name} ({what}): timed out after 10 s"
        first = p.stderr.splitlines()[0] if p.stderr else ""
        if p.returncode < 0:
            return f"{name} ({what}): killed by signal {-p.returncode}: {p.stderr.strip()[-300:]!r}"
        if p.returncode not in (0, 1):
            return f"{name} ({what}): exit {p.returncode}: {p.stderr.strip()[-300:]!r}"
        if p.returncode == 1 and not (first.startswith("jopan: ") and name in first):
            return f"{name} ({what}): exit 1 with message {p.stderr.strip()!r}"
        return p.returncode

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(one, mutants))
    ran = [r for r in results if r is not None]
    errors = [r for r in ran if isinstance(r, str)]
    print(f"# fuzz: {len(ran)} of {n} mutants ran: {ran.count(0)} exit 0, {ran.count(1)} exit 1,"
          f" {len(errors)} wrong")
    problems = errors[:5] + ([f"... and {len(errors) - 5} more"] if len(errors) > 5 else [])
    # A sanitizer build runs each check several times slower: 30 mutants at least.
    if len(ran) < min(n // 3, 30):
        problems.append(f"only {len(ran)} mutants ran in {budget} s")
    extra = set(os.listdir(d)) - before
    if extra:
        problems.append(f"check wrote files: {sorted(extra)[:5]}")
    report(f"fuzz: {len(ran)} mutants of harbour.json, `check` exits 0 or 1 and names the file",
           problems)


def main():
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="jopan-bad-") as tmp:
        json_cases(tmp)
        made_cases(tmp)
        photo_cases(tmp)
        usage_cases(tmp)
        nul_case(tmp)
        fuzz(tmp)
    print(f"# {time.time() - start:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
