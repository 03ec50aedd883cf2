#!/usr/bin/env python3
"""End-to-end checks of the jopan CLI on the sample articles.

Usage: e2e.py JOPAN_BINARY SOURCE_ROOT

Renders every samples/*.json to PDF and PNG and checks the results with
poppler-utils (pdffonts, pdftotext, pdfimages, pdfinfo): fonts embedded and
subset, every word of the article back out of the PDF, photos passed through
as the very same JPEG bytes, page size, determinism, multi-page output, other
styles, `check` and `--report`, and the warnings for missing glyphs, raw HTML
and unknown keys.  Prints one "ok - NAME" / "not ok - NAME: reason" line per
check, then "N passed, M failed"; exits 1 if any check failed.
"""
import collections
import glob
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata

JOPAN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
MM = 72 / 25.4
PAGE_SIZES = {"berliner": (315, 470), "tabloid": (280, 430), "a4": (210, 297)}
passed = failed = 0


class Fail(Exception):
    """A failed check; its text is the reason printed after "not ok"."""


def check(name, fn, *args):
    """Runs fn(*args); a Fail (or any exception) makes the check fail."""
    global passed, failed
    try:
        fn(*args)
    except Fail as e:
        failed += 1
        print(f"not ok - {name}: {e}")
    except Exception:  # a bug in the check itself, or a tool that crashed
        failed += 1
        print(f"not ok - {name}: exception\n" + "".join(
            "#   " + l + "\n" for l in traceback.format_exc().splitlines()))
    else:
        passed += 1
        print(f"ok - {name}")
    sys.stdout.flush()


def throw(e):
    raise e


def run(*args, timeout=120):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)


def jopan(*args):
    return run(JOPAN, *args)


def expect_exit(p, code, what):
    if p.returncode != code:
        raise Fail(f"{what}: exit {p.returncode}, expected {code}; stderr: {p.stderr.strip()!r}")


# ---- words ----------------------------------------------------------------

QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                        "\u00ad": None})
HYPHENS = ("-", "\u2010", "\u00ad")


def norm(token):
    """NFC, casefold, straight quotes, no soft hyphens, no outer punctuation."""
    t = unicodedata.normalize("NFC", token).casefold().translate(QUOTES)
    is_punct = lambda c: unicodedata.category(c).startswith("P")
    a, b = 0, len(t)
    while a < b and is_punct(t[a]):
        a += 1
    while b > a and is_punct(t[b - 1]):
        b -= 1
    return t[a:b]


def strip_markdown(body):
    """The body's text without CommonMark block and emphasis markers."""
    out = []
    for line in body.split("\n"):
        s = line.lstrip()
        for marker in ("#", ">"):
            while s.startswith(marker):
                s = s[1:]
        s = s.lstrip()
        if s[:2] in ("- ", "* ", "+ "):
            s = s[2:]
        head, dot, rest = s.partition(". ")
        if dot and head.isdigit():
            s = rest
        out.append(s.replace("**", "").replace("*", "").replace("`", ""))
    return "\n".join(out)


def article_text(article):
    parts = [article.get(k) or "" for k in
             ("headline", "kicker", "subheadline", "byline", "dateline", "section")]
    for image in article.get("images") or []:
        parts += [image.get("caption") or "", image.get("credit") or ""]
    parts.append(strip_markdown(article["body"]))
    return "\n".join(parts)


DASHES = re.compile("[\u2013\u2014\u2015]")


def split_words(text):
    """Whitespace-separated tokens, also split at en and em dashes."""
    return [t for t in DASHES.sub(" ", text).split()]


def words(text):
    return collections.Counter(w for w in map(norm, split_words(text)) if w)


def pdf_words(pdf, expected):
    """The words pdftotext finds, as a Counter.

    pdftotext -raw keeps the order in which text was drawn: the reading order
    (plain mode mixes lines of neighbouring columns set on the same baseline
    grid).  A word broken at a line end comes back as two tokens: the engine
    hyphenates ("genera\u00ad" + "tions") and breaks Korean between syllables
    ("골목" + "이").  Two neighbouring tokens are joined when the join is an
    expected word and joining does not raise the number of missing words:
    first after a hyphen, then at line ends, then anywhere (lines of several
    columns on one baseline come out as one line) if it lowers that number.
    A join can only restore a word whose two parts sit next to each other."""
    text = run("pdftotext", "-raw", "-enc", "UTF-8", pdf, "-").stdout
    tokens, ends = [], set()  # ends: indices of line-final tokens
    for line in text.split("\n"):
        toks = split_words(line)
        if toks:
            tokens += toks
            ends.add(len(tokens) - 1)
    got = collections.Counter(norm(t) for t in tokens)
    missing = lambda w, g: max(0, expected[w] - g) if w else 0

    def cost(joined, parts):
        """Change in missing words when parts become joined."""
        d = missing(joined, got[joined] + 1) - missing(joined, got[joined])
        for w in parts:
            d += missing(w, got[w] - 1) - missing(w, got[w])
        return d

    passes = [(lambda i: tokens[i].endswith(HYPHENS), 0), (lambda i: i in ends, 0),
              (lambda i: True, -1)]
    for candidate, threshold in passes:
        for i in range(len(tokens) - 1):
            last, first = tokens[i], tokens[i + 1]
            if not last or not first or not candidate(i):
                continue
            joins = [last + first]
            if last.endswith(HYPHENS):
                joins.insert(0, last.rstrip("".join(HYPHENS)) + first)
            for joined in joins:
                j, parts = norm(joined), [norm(last), norm(first)]
                if expected[j] and cost(j, parts) <= threshold:
                    got[j] += 1
                    for w in parts:
                        got[w] -= 1
                    tokens[i], tokens[i + 1] = "", joined
                    break
    del got[""]
    return +got


def check_words(pdf, expected):
    """Every expected word (a Counter) comes back from the PDF, as often."""
    missing = expected - pdf_words(pdf, expected)
    if missing:
        raise Fail(f"{sum(missing.values())} of {sum(expected.values())} words missing: "
                   + ", ".join(f"{w!r}x{n}" if n > 1 else repr(w)
                               for w, n in sorted(missing.items())[:60]))


# ---- PDF and image helpers -----------------------------------------------

def pdfinfo(pdf):
    out = run("pdfinfo", pdf).stdout
    info = dict(l.split(":", 1) for l in out.splitlines() if ":" in l)
    return {k.strip(): v.strip() for k, v in info.items()}


def page_size_pt(pdf):
    w, _, h = pdfinfo(pdf)["Page size"].split()[:3]
    return float(w), float(h)


def check_page_size(pdf, style):
    w_mm, h_mm = PAGE_SIZES[style]
    want = (w_mm * MM, h_mm * MM)
    got = page_size_pt(pdf)
    if abs(got[0] - want[0]) > 0.5 or abs(got[1] - want[1]) > 0.5:
        raise Fail(f"page is {got[0]} x {got[1]} pt, expected {want[0]:.2f} x {want[1]:.2f} "
                   f"({style} {w_mm} x {h_mm} mm)")


def jpeg_size(path):
    """(width, height) from a JPEG's SOF marker."""
    data = open(path, "rb").read()
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            raise ValueError(f"{path}: bad JPEG marker at {i}")
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    raise ValueError(f"{path}: no SOF marker")


def png_size(path):
    data = open(path, "rb").read(24)
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Fail(f"{path} is not a PNG")
    return struct.unpack(">II", data[16:24])


def photo_paths(json_path, article):
    base = os.path.dirname(json_path)
    return [os.path.join(base, im["src"]) for im in article.get("images") or []]


# ---- per-sample checks ---------------------------------------------------

def check_render_pdf(src, pdf):
    expect_exit(jopan("render", src, "-o", pdf), 0, "render")
    if not os.path.exists(pdf):
        raise Fail(f"{pdf} not written")


def check_render_png(src, tmp, name):
    png = os.path.join(tmp, name + ".png")
    expect_exit(jopan("render", src, "-o", png), 0, "render")
    pages = int(pdfinfo(os.path.join(tmp, name + ".pdf"))["Pages"])
    want = [name + ".png"] if pages == 1 else [f"{name}-{i}.png" for i in range(1, pages + 1)]
    have = sorted(os.path.basename(p) for p in glob.glob(os.path.join(tmp, name + "*.png")))
    if have != sorted(want):
        raise Fail(f"PNG files {have}, expected {want} for {pages} page(s)")
    w, h = png_size(os.path.join(tmp, want[0]))
    ew, eh = (round(x / 72 * 150) for x in page_size_pt(os.path.join(tmp, name + ".pdf")))
    if abs(w - ew) > 1 or abs(h - eh) > 1:
        raise Fail(f"{want[0]} is {w}x{h} px, expected about {ew}x{eh} at 150 dpi")


def check_fonts(pdf):
    lines = run("pdffonts", pdf).stdout.splitlines()[2:]
    if len(lines) < 2:
        raise Fail(f"{len(lines)} font(s), expected at least 2")
    for l in lines:
        cols = l.split()
        emb, sub = cols[-5], cols[-4]  # ... emb sub uni object ID
        if emb != "yes" or sub != "yes":
            raise Fail(f"font not embedded and subset: {l.strip()}")


def check_images(pdf, tmp, paths):
    rows = [l.split() for l in run("pdfimages", "-list", pdf).stdout.splitlines()[2:]]
    rows = [r for r in rows if r[2] == "image"]
    jpeg = [r for r in rows if r[8] == "jpeg"]
    if len(jpeg) < len(paths):
        raise Fail(f"{len(jpeg)} JPEG image(s) in the PDF ({len(rows)} in all), expected "
                   f">= {len(paths)}; encodings: {[r[8] for r in rows]}")
    sizes = collections.Counter((int(r[3]), int(r[4])) for r in jpeg)
    for p in paths:
        if sizes[jpeg_size(p)] == 0:
            raise Fail(f"no {jpeg_size(p)} px JPEG for {os.path.basename(p)}; "
                       f"PDF has {sorted(sizes)}")
    out = os.path.join(tmp, "extract")
    os.makedirs(out, exist_ok=True)
    run("pdfimages", "-j", pdf, os.path.join(out, "im"))
    extracted = {open(f, "rb").read() for f in glob.glob(os.path.join(out, "im-*.jpg"))}
    for p in paths:
        if open(p, "rb").read() not in extracted:
            raise Fail(f"{os.path.basename(p)}: no byte-identical JPEG in the PDF "
                       f"(re-encoded?)")
    shutil.rmtree(out)


def check_deterministic(src, tmp):
    outs = []
    for d in ("det1", "det2"):
        os.makedirs(os.path.join(tmp, d))
        outs.append(os.path.join(tmp, d, "x.pdf"))
        expect_exit(jopan("render", src, "-o", outs[-1]), 0, "render")
    a, b = (open(o, "rb").read() for o in outs)
    if a != b:
        at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        raise Fail(f"two renders differ ({len(a)} vs {len(b)} bytes, first at byte {at}: "
                   f"{a[at:at + 40]!r} vs {b[at:at + 40]!r})")


def sample_checks(src, tmp):
    name = os.path.splitext(os.path.basename(src))[0]
    article = json.load(open(src, encoding="utf-8"))
    pdf = os.path.join(tmp, name + ".pdf")
    check(f"{name}: render PDF", check_render_pdf, src, pdf)
    if not os.path.exists(pdf):
        return
    check(f"{name}: render PNG", check_render_png, src, tmp, name)
    check(f"{name}: fonts embedded and subset", check_fonts, pdf)
    check(f"{name}: every word in pdftotext", check_words, pdf, words(article_text(article)))
    check(f"{name}: photos passed through as JPEG", check_images, pdf, tmp,
          photo_paths(src, article))
    check(f"{name}: page size berliner", check_page_size, pdf, "berliner")
    check(f"{name}: deterministic PDF", check_deterministic, src, tmp)


# ---- articles written for a check ---------------------------------------

def write_article(tmp, name, article, text=None):
    """Writes an article (with absolute photo paths) into tmp; returns its path."""
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text if text is not None else json.dumps(article, ensure_ascii=False, indent=2))
    return path


def check_multipage(tmp):
    """The harbour story with its body 4 times over: several pages."""
    article = json.load(open(os.path.join(ROOT, "samples", "harbour.json"), encoding="utf-8"))
    for im in article["images"]:
        im["src"] = os.path.join(ROOT, "samples", im["src"])
    article["body"] = "\n\n".join([article["body"]] * 4)
    src = write_article(tmp, "long.json", article)
    pdf = os.path.join(tmp, "long.pdf")
    expect_exit(jopan("render", src, "-o", pdf), 0, "render")
    pages = int(pdfinfo(pdf)["Pages"])
    if pages < 2:
        raise Fail(f"{pages} page for a body of 4 x the harbour story")
    check_words(pdf, words(article_text(article)))  # all 4 copies of each word
    expect_exit(jopan("render", src, "-o", os.path.join(tmp, "long.png")), 0, "render PNG")
    have = sorted(os.path.basename(p) for p in glob.glob(os.path.join(tmp, "long*.png")))
    want = sorted(f"long-{i}.png" for i in range(1, pages + 1))
    if have != want:
        raise Fail(f"PNG files {have}, expected {want}")


def check_style(tmp, args, style, sample="harbour"):
    """Renders a sample with other style options: page size and every word."""
    src = os.path.join(ROOT, "samples", sample + ".json")
    pdf = os.path.join(tmp, "style.pdf")
    expect_exit(jopan("render", src, "-o", pdf, *args), 0, " ".join(args))
    check_page_size(pdf, style)
    check_words(pdf, words(article_text(json.load(open(src, encoding="utf-8")))))


def check_check(tmp):
    d = os.path.join(tmp, "check")
    os.makedirs(d)
    shutil.copy(os.path.join(ROOT, "samples", "harbour.json"), d)
    shutil.copytree(os.path.join(ROOT, "samples", "photos"), os.path.join(d, "photos"))
    before = set(os.listdir(d))
    p = jopan("check", os.path.join(d, "harbour.json"))
    expect_exit(p, 0, "check")
    if set(os.listdir(d)) != before:
        raise Fail(f"check wrote {sorted(set(os.listdir(d)) - before)}")
    report = os.path.join(tmp, "r.json")
    expect_exit(jopan("check", os.path.join(d, "harbour.json"), "--report", report), 0,
                "check --report")
    data = json.load(open(report, encoding="utf-8"))
    for key in ("pages", "overset", "findings"):
        if key not in data:
            raise Fail(f"report has no {key!r}: {sorted(data)}")
    if set(os.listdir(d)) != before:
        raise Fail(f"check --report wrote {sorted(set(os.listdir(d)) - before)}")


def check_missing_glyph(tmp):
    article = {"headline": "A scribe's sign", "body": "The sign \U00013000 is old.\n"}
    src = write_article(tmp, "glyph.json", article)
    pdf = os.path.join(tmp, "glyph.pdf")
    p = jopan("render", src, "-o", pdf)
    expect_exit(p, 0, "render")
    if "U+13000" not in p.stderr:
        raise Fail(f"no warning naming U+13000; stderr: {p.stderr.strip()!r}")
    os.unlink(pdf)
    p = jopan("render", src, "-o", pdf, "--strict")
    expect_exit(p, 3, "render --strict")
    if not os.path.exists(pdf):
        raise Fail("--strict exit 3 but no PDF written (3 means rendered)")


def check_every_script(tmp):
    """Arabic and Hebrew names and emoji inside English text print (their
    words come back from pdftotext, right to left in the right order), Hanja
    in serif text stay serif, and a character no font has is reported once
    per article with its count."""
    words = ["محمد", "العلي", "דוד", "לוי", "😀", "👍", "❤", "金大中"]
    body = ("The imam, محمد العلي, met the cantor, דוד לוי, at the harbour. One reader wrote: "
            "great work 😀👍 and thanks ❤ to the crew. The scholar signed 金大中.\n\n"
            + "".join(f"Paragraph {i} has a hieroglyph \U00013000 in it.\n\n" for i in range(12)))
    src = write_article(tmp, "scripts.json", {"headline": "Readers write", "lang": "en", "body": body})
    pdf = os.path.join(tmp, "scripts.pdf")
    p = jopan("render", src, "-o", pdf)
    expect_exit(p, 0, "render")
    text = unicodedata.normalize("NFC", run("pdftotext", pdf, "-").stdout)
    joined = re.sub(r"\s+", "", text)  # Hanja may break between characters
    missing = [w for w in words if w not in joined]
    if missing:
        raise Fail(f"not in the PDF's text: {missing}")
    if "לוי דוד" in text or "العلي محمد" in text:
        raise Fail("a right-to-left name came out reversed")
    fonts = run("pdffonts", pdf).stdout
    for face in ["NotoNaskhArabic", "NotoSerifHebrew", "Symbola", "NotoSerifCJKkr"]:
        if face not in fonts:
            raise Fail(f"{face} not embedded: {fonts}")
    found = [l for l in p.stderr.splitlines() if "missing-glyph" in l]
    if len(found) != 1 or "U+13000" not in found[0] or "12 times" not in found[0]:
        raise Fail(f"expected one missing-glyph finding with its count 12, got {found}")


def check_korean_convention(tmp):
    """A Korean story in the bundled style: the dateline 【서울】 leads the
    text, the byline and the writer's address follow it, after the last
    paragraph's words."""
    src = os.path.join(ROOT, "samples", "seoul-market.json")
    pdf = os.path.join(tmp, "ko.pdf")
    expect_exit(jopan("render", src, "-o", pdf), 0, "render")
    text = re.sub(r"\s+", "", run("pdftotext", pdf, "-").stdout)
    article = json.load(open(src, encoding="utf-8"))
    last = re.sub(r"\s+", "", article["body"].strip().split("\n")[-1])[-12:]
    if "【서울】" not in text:
        raise Fail("no 【서울】 dateline in the text")
    byline = text.find("김민지기자minji@hanbit.example")
    if byline < 0 or byline < text.find(last):
        raise Fail(f"the byline and address do not follow the last paragraph ({last!r})")


def check_raw_html(tmp):
    body = "First paragraph.\n\n<div class=\"ad\">\nAdvert\n</div>\n\nSecond <b>bold</b> one.\n"
    src = write_article(tmp, "html.json", {"headline": "Raw HTML", "body": body})
    p = jopan("render", src, "-o", os.path.join(tmp, "html.pdf"))
    expect_exit(p, 0, "render")
    lines = [l for l in p.stderr.splitlines() if "raw HTML" in l]
    for n in (3, 7):  # the block on body line 3, the inline tag on line 7
        if not any(f"body line {n}" in l and "html.json" in l for l in lines):
            raise Fail(f"no raw HTML warning naming html.json and body line {n}; "
                       f"stderr: {p.stderr.strip()!r}")


def check_unknown_key(tmp):
    text = '{\n  "headline": "Hello",\n  "frobnicate": 42,\n  "body": "Text."\n}\n'
    src = write_article(tmp, "unknown.json", None, text)
    p = jopan("render", src, "-o", os.path.join(tmp, "unknown.pdf"))
    expect_exit(p, 0, "render")
    want = "unknown.json:3:17: frobnicate: unknown key"  # line 3, the value's column
    if want not in p.stderr:
        raise Fail(f"expected {want!r} in stderr: {p.stderr.strip()!r}")


def check_hard_break(tmp):
    """A line ended by a hard break ("two spaces\\n") is not justified: a
    justified lone word would be letter-spaced ("H a r d") and lost."""
    body = ("Hard  \nbreak after one word, in a justified paragraph that runs on "
            "long enough to fill a few lines of the narrow body column.\n")
    src = write_article(tmp, "break.json", {"headline": "Hard break", "body": body})
    pdf = os.path.join(tmp, "break.pdf")
    expect_exit(jopan("render", src, "-o", pdf), 0, "render")
    check_words(pdf, words("Hard break " + body))


def check_environment(tmp):
    """Only the tool reads the environment: --data-dir (or JOPAN_DATA_DIR)
    names the styles and fonts, SOURCE_DATE_EPOCH dates the PDF (unset, the
    library's fixed date; not a number, a usage error)."""
    src = os.path.join(ROOT, "samples", "harbour.json")
    pdf = os.path.join(tmp, "dated.pdf")
    env = {k: v for k, v in os.environ.items() if k not in ("JOPAN_DATA_DIR", "SOURCE_DATE_EPOCH")}

    def tool(extra_env, *args):
        return subprocess.run([JOPAN, *args], capture_output=True, text=True, timeout=120,
                              env=dict(env, **extra_env))
    for epoch, date in [({}, "2000-01-01T00:00:00"),
                        ({"SOURCE_DATE_EPOCH": "1700000000"}, "2023-11-14T22:13:20")]:
        expect_exit(tool(epoch, "render", "--data-dir", ROOT, src, "-o", pdf), 0, "--data-dir")
        info = run("pdfinfo", "-isodates", pdf).stdout
        if not re.search(r"CreationDate:\s+" + date, info):
            raise Fail(f"with {epoch}: expected CreationDate {date}: {info!r}")
    p = tool({"SOURCE_DATE_EPOCH": "yesterday"}, "render", "--data-dir", ROOT, src, "-o", pdf)
    expect_exit(p, 2, "SOURCE_DATE_EPOCH=yesterday")
    if "SOURCE_DATE_EPOCH=yesterday" not in p.stderr:
        raise Fail(f"the message does not name SOURCE_DATE_EPOCH: {p.stderr.strip()!r}")


def main():
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="jopan-e2e-") as tmp:
        samples = sorted(glob.glob(os.path.join(ROOT, "samples", "*.json")))
        check("samples/*.json exist", lambda: samples or throw(Fail("none found")))
        for src in samples:
            d = os.path.join(tmp, os.path.splitext(os.path.basename(src))[0])
            os.makedirs(d)
            sample_checks(src, d)
        for name, fn, *args in [
            ("multi-page article", check_multipage),
            ("--style tabloid", check_style, ["--style", "tabloid"], "tabloid"),
            ("--style a4", check_style, ["--style", "a4"], "a4"),
            ("--set page.columns=4", check_style, ["--set", "page.columns=4"], "berliner"),
            ("Korean, --set body.korean-break=keep-all", check_style,
             ["--set", "body.korean-break=keep-all"], "berliner", "seoul-market"),
            ("Korean, --set body.korean-break=auto", check_style,
             ["--set", "body.korean-break=auto"], "berliner", "seoul-market"),
            ("Korean, --style tabloid", check_style, ["--style", "tabloid"], "tabloid",
             "seoul-market"),
            ("check and --report", check_check),
            ("missing glyph warning, --strict exit 3", check_missing_glyph),
            ("Arabic, Hebrew, emoji and Hanja print; missing glyphs once with a count",
             check_every_script),
            ("Korean dateline and byline", check_korean_convention),
            ("raw HTML warning", check_raw_html),
            ("unknown key warning", check_unknown_key),
            ("hard line break: the line before is not justified", check_hard_break),
            ("--data-dir and SOURCE_DATE_EPOCH", check_environment),
        ]:
            d = tempfile.mkdtemp(dir=tmp)
            check(name, fn, d, *args)
    print(f"# {time.time() - start:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
