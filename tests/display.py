#!/usr/bin/env python3
"""Display type, names, quotes and captions, measured from the PDF.

Usage: display.py JOPAN_BINARY SOURCE_ROOT

From pdftotext's word boxes: no Korean display line (headline, deck,
subhead, pull quote: the lines taller than the body's) ends inside a word on
the Korean samples; multi-line headlines are balanced (the shortest line at
least 60 % of the longest); the text has typographic quotes, not straight
ones (code spans aside); no byline, headline or caption credit line ends in
a hyphen; no caption line is wider than two columns.  Each check is also
run once on a case broken on purpose (a style set to the old behaviour, or
made-up lines) to prove that it can fail.  Prints "ok"/"not ok" lines, then
"N passed, M failed".
"""
import configparser
import html
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (shares the check runner)
from e2e import Fail, check, jopan, run  # noqa: E402

ROOT = e2e.ROOT
MM = 72 / 25.4
PUNCT = "\"'“”‘’()[]{}<>.,;:!?…·—–-«»「」『』、。*_#"
KOREAN_SAMPLES = ["island-ferry", "seoul-market", "rail-forest", "bathhouse"]
ENGLISH_SAMPLES = ["harbour", "bridge-closure", "rail-allotments", "library-warm", "rovers-lights"]


# ---- reading the PDF ------------------------------------------------------------

def pdf_lines(pdf):
    """Every text line of every page: {"page", "x0", "x1", "y0", "y1", "words"}."""
    out = run("pdftotext", "-bbox-layout", "-enc", "UTF-8", pdf, "-").stdout
    lines = []
    for page, body in enumerate(re.findall(r"<page .*?</page>", out, re.S)):
        for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
                             body, re.S):
            words = [html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", m.group(5))]
            if words:
                lines.append({"page": page, "x0": float(m.group(1)), "y0": float(m.group(2)),
                              "x1": float(m.group(3)), "y1": float(m.group(4)), "words": words})
    return lines


def text_of(line):
    return " ".join(line["words"])


def body_height(lines):
    """The most common line height: the body's."""
    heights = {}
    for l in lines:
        h = round(l["y1"] - l["y0"], 1)
        heights[h] = heights.get(h, 0) + 1
    return max(heights, key=heights.get)


def norm(word):
    return word.strip(PUNCT)


def strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def vocabulary(*paths):
    words = set()
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for s in strings(json.load(f)):
                words.update(norm(w) for w in re.split(r"[\s\u2028\u2029]+", s))
    return words


def render(tmp, src, name, *args):
    pdf = os.path.join(tmp, name + ".pdf")
    p = jopan("render", src, "-o", pdf, *args)
    if p.returncode != 0:
        raise Fail(f"{name}: exit {p.returncode}: {p.stderr.strip()!r}")
    return pdf


# ---- the checks, on lines ----------------------------------------------------------

def is_hangul(c):
    return "\uac00" <= c <= "\ud7a3"


def display_breaks(lines, vocab):
    """Display lines (taller than the body's) whose last word is Hangul and no whole word."""
    h = body_height(lines)
    bad = []
    for l in lines:
        if l["y1"] - l["y0"] <= 1.15 * h:
            continue
        last = norm(l["words"][-1])
        if any(is_hangul(c) for c in last) and last not in vocab:
            bad.append(text_of(l))
    return bad


def headline_runs(lines):
    """Runs of headline lines: over twice the body's height, the same height, one under the other."""
    h = body_height(lines)
    runs, cur = [], []
    for l in sorted((l for l in lines if l["y1"] - l["y0"] > 2 * h), key=lambda l: (l["page"], l["y0"])):
        lh = l["y1"] - l["y0"]
        if (cur and l["page"] == cur[-1]["page"] and abs(lh - (cur[-1]["y1"] - cur[-1]["y0"])) < 0.5
                and 0 <= l["y0"] - cur[-1]["y0"] < 1.6 * lh and abs(l["x0"] - cur[-1]["x0"]) < 3):
            cur.append(l)
        else:
            if len(cur) > 1:
                runs.append(cur)
            cur = [l]
    if len(cur) > 1:
        runs.append(cur)
    return runs


def unbalanced(lines):
    """Headlines whose shortest line is under 60 % of the longest."""
    bad = []
    for r in headline_runs(lines):
        widths = [l["x1"] - l["x0"] for l in r]
        if min(widths) < 0.6 * max(widths):
            bad.append(" | ".join(text_of(l) for l in r) + f" ({min(widths) / max(widths):.2f})")
    return bad


def hyphen_ends(lines, fields):
    """Lines that end in a hyphen and belong to one of fields (byline, headline, credit)."""
    bad = []
    for l in lines:
        t = text_of(l)
        if t.endswith(("-", "\u2010")) and any(t.upper() in f.upper() for f in fields):
            bad.append(t)
    return bad


def caption_geometry(style):
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.read(os.path.join(ROOT, "styles", style + ".ini"), encoding="utf-8")
    p = cp["page"]

    def length(s):
        m = re.match(r"\s*([-\d.]+)\s*(mm|pt)?", s)
        return float(m.group(1)) * (MM if m.group(2) == "mm" else 1)

    width = {"berliner": 315, "tabloid": 280, "a4": 210}[p.get("size").strip()] * MM
    margins = [length(x) for x in p.get("margins").split()]
    columns, gutter = int(p.get("columns")), length(p.get("gutter"))
    column = (width - margins[1] - margins[3] - (columns - 1) * gutter) / columns
    return 2 * column + gutter


def wide_captions(lines, captions, limit):
    """Caption lines (three words or more of a caption) wider than limit."""
    bad = []
    for l in lines:
        t = text_of(l)
        if len(l["words"]) >= 3 and any(t in c for c in captions) and l["x1"] - l["x0"] > limit + 0.5:
            bad.append(f"{t} ({l['x1'] - l['x0']:.1f} pt)")
    return bad


def straight_quotes(pdf, allowed=()):
    text = run("pdftotext", "-enc", "UTF-8", pdf, "-").stdout
    for a in allowed:
        text = text.replace(a, "")
    return [c for c in text if c in "'\""]


# ---- the cases ------------------------------------------------------------------------

def sample(name):
    return os.path.join(ROOT, "samples", name + ".json")


def korean_display_words(tmp):
    bad = []
    for name in KOREAN_SAMPLES:
        vocab = vocabulary(sample(name))
        for style in ("berliner", "tabloid", "a4"):
            pdf = render(tmp, sample(name), f"{name}-{style}", "--style", style)
            bad += display_breaks(pdf_lines(pdf), vocab)
    page = os.path.join(ROOT, "samples", "pages", "ko-front.json")
    pdf = os.path.join(tmp, "ko-front.pdf")
    if jopan("page", page, "-o", pdf).returncode not in (0, 3):
        raise Fail("ko-front.json did not render")
    bad += display_breaks(pdf_lines(pdf), vocabulary(*[sample(n) for n in KOREAN_SAMPLES + [
        "brief-bus", "brief-coldwave", "brief-kimjang"]], page))
    if bad:
        raise Fail(f"{len(bad)} display lines end inside a Korean word: {bad[:4]}")


def korean_display_words_broken(tmp):
    """Display groups set to syllable breaking and no balance: the check finds the breaks."""
    args = []
    for g in ("headline", "deck", "subhead", "quote"):
        args += ["--set", f"{g}.korean-break=syllable", "--set", f"{g}.balance=false"]
    bad = []
    for name in KOREAN_SAMPLES:
        pdf = render(tmp, sample(name), name + "-broken", "--style", "tabloid", *args)
        bad += display_breaks(pdf_lines(pdf), vocabulary(sample(name)))
    if not bad:
        raise Fail("syllable-broken display lines were not found")


def balanced_headlines(tmp):
    bad, runs = [], 0
    for name in KOREAN_SAMPLES + ENGLISH_SAMPLES:
        for style in ("berliner", "tabloid", "a4"):
            lines = pdf_lines(render(tmp, sample(name), f"{name}-{style}", "--style", style))
            runs += len(headline_runs(lines))
            bad += unbalanced(lines)
    if runs < 5:
        raise Fail(f"only {runs} multi-line headlines found: the check sees too little")
    if bad:
        raise Fail(f"{len(bad)} of {runs} headlines unbalanced: {bad[:3]}")


def balanced_headlines_broken(tmp):
    """Made-up headline lines, the last a runt: the check finds them."""
    lines = [{"page": 0, "x0": 30, "x1": 30 + w, "y0": y, "y1": y + 40, "words": ["word"]}
             for w, y in ((600, 100), (580, 141), (200, 182))]
    lines += [{"page": 0, "x0": 30, "x1": 180, "y0": 300 + 11 * i, "y1": 310 + 11 * i, "words": ["body"]}
              for i in range(20)]
    if not unbalanced(lines):
        raise Fail("a headline with a runt last line passed as balanced")


QUOTED = {
    "lang": "en",
    "kicker": "Workers' rights",
    "headline": "Workers' unrest abroad 'behind' missionary's arrest",
    "subheadline": "\"We were never told,\" a relative says of the '90s contracts",
    "byline": "By Kim Min-ji",
    "images": [{"src": os.path.join(ROOT, "samples", "photos", "harbour-dawn.jpg"),
                "caption": "The quay at dawn, where \"nobody\" waits for the 'last' boat.",
                "credit": "O'Neill"}],
    "body": "He said \"it's fine\" and that was that. Type `a=\"b\"` to see it.\n\n"
            "> \"We will stay,\" she said.\n",
}


def write(tmp, name, article):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(article, f, ensure_ascii=False)
    return path


def smart_quotes(tmp):
    pdf = render(tmp, write(tmp, "quotes", QUOTED), "quotes")
    left = straight_quotes(pdf, allowed=('a="b"',))
    if left:
        raise Fail(f"{len(left)} straight quotes left in the text")
    text = run("pdftotext", "-enc", "UTF-8", pdf, "-").stdout
    for mark in ("Workers’", "‘behind’", "“We were never told,”", "’90s", "O’NEILL", "“nobody”", "it’s"):
        if mark not in text:
            raise Fail(f"{mark!r} not in the text")
    if 'a="b"' not in text:
        raise Fail("the code span's straight quotes were changed")


def smart_quotes_broken(tmp):
    pdf = render(tmp, write(tmp, "quotes", QUOTED), "quotes-straight", "--set", "headline.smart-quotes=false")
    if not straight_quotes(pdf, allowed=('a="b"',)):
        raise Fail("straight quotes in the headline were not found")


NAMES = {
    "lang": "en",
    "kicker": "Joong-Ang Daily exclusive",
    "headline": "Kim Jong-un meets Park Hyun-ju of Joong-Ang at Pyongyang talks",
    "byline": "By Park Hyun-ju and Lee Seung-hoon, Joong-Ang Ilbo correspondents in Seoul",
    "images": [{"src": os.path.join(ROOT, "samples", "photos", "harbour-dawn.jpg"),
                "caption": "Delegates arrive at the quay.",
                "credit": "Joong-Ang Ilbo/Park Hyun-ju and Lee Seung-hoon"}],
    "body": " ".join(["The talks went on until late, officials said."] * 30),
}


def no_hyphen_ends(tmp):
    path = write(tmp, "names", NAMES)
    fields = [NAMES["headline"], NAMES["byline"], NAMES["kicker"], NAMES["images"][0]["credit"]]
    bad = []
    for slot in ("1:50", "2:50"):
        for style in ("berliner", "tabloid", "a4"):
            pdf = os.path.join(tmp, f"names-{style}-{slot[0]}.pdf")
            p = jopan("render", path, "-o", pdf, "--style", style, "--slot", slot)
            if p.returncode != 0:
                raise Fail(f"exit {p.returncode}: {p.stderr.strip()!r}")
            bad += hyphen_ends(pdf_lines(pdf), fields)
    if bad:
        raise Fail(f"{len(bad)} byline, headline or credit lines end in a hyphen: {bad[:4]}")


def no_hyphen_ends_broken(tmp):
    lines = [{"page": 0, "x0": 0, "x1": 100, "y0": 0, "y1": 10, "words": ["By", "Park", "Hyun-"]},
             {"page": 0, "x0": 0, "x1": 100, "y0": 10, "y1": 20, "words": ["ju", "and", "Lee"]}]
    if hyphen_ends(lines, [NAMES["byline"]]) != ["By Park Hyun-"]:
        raise Fail("a byline line ending in a hyphen was not found")


def caption_width(tmp):
    bad, seen = [], 0
    for name in ["harbour", "seoul-market", "island-ferry", "bridge-closure"]:
        with open(sample(name), encoding="utf-8") as f:
            captions = [i.get("caption", "") for i in json.load(f).get("images", [])]
        for style in ("berliner", "tabloid", "a4"):
            lines = pdf_lines(render(tmp, sample(name), f"{name}-{style}", "--style", style))
            seen += sum(1 for l in lines if len(l["words"]) >= 3 and any(text_of(l) in c for c in captions))
            bad += wide_captions(lines, captions, caption_geometry(style))
    if seen < 10:
        raise Fail(f"only {seen} caption lines found")
    if bad:
        raise Fail(f"{len(bad)} caption lines wider than two columns: {bad[:3]}")


def caption_width_broken(tmp):
    caption = "First light over Carrow Sound, where four tidal turbines are to be anchored"
    lines = [{"page": 0, "x0": 31, "x1": 31 + 3 * 160, "y0": 0, "y1": 8, "words": caption.split()}]
    if not wide_captions(lines, [caption], caption_geometry("berliner")):
        raise Fail("a caption line three columns wide was not found")


def main():
    with tempfile.TemporaryDirectory(prefix="jopan-display-") as tmp:
        for name, fn in [
            ("Korean display lines end between words", korean_display_words),
            ("  ... and the check finds syllable breaks", korean_display_words_broken),
            ("headlines balanced (shortest line >= 60 % of the longest)", balanced_headlines),
            ("  ... and the check finds a runt line", balanced_headlines_broken),
            ("typographic quotes, code spans untouched", smart_quotes),
            ("  ... and the check finds straight quotes", smart_quotes_broken),
            ("no hyphen at the end of a byline, headline or credit line", no_hyphen_ends),
            ("  ... and the check finds one", no_hyphen_ends_broken),
            ("caption lines at most two columns wide", caption_width),
            ("  ... and the check finds a wide one", caption_width_broken),
        ]:
            d = tempfile.mkdtemp(dir=tmp)
            check(name, fn, d)
    print(f"{e2e.passed} passed, {e2e.failed} failed")
    return 1 if e2e.failed else 0


if __name__ == "__main__":
    sys.exit(main())
