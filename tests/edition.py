#!/usr/bin/env python3
"""`jopan edition`: a whole edition in one run.

Usage: edition.py JOPAN_BINARY SOURCE_ROOT

On tests/editions/en.json (4 pages, the lead of page 2 jumping to page 4)
and ko.json (2 pages, the lead of page 1 jumping to page 2):

- the output folder holds page-NN.pdf, page-NN.png (--png), edition.pdf
  (every page, an outline of pages and stories), contact.png, report.json;
- --jobs 2 writes the same bytes as --jobs 1; a page written alone
  (--pages, --shard) is the same bytes as in the whole run;
- every story's words come back from edition.pdf, or the story reports
  overset;
- every page's folio carries its number, the title, its section and the
  date (a Korean date on the Korean edition);
- jump lines name pages that exist, and the page named carries the rest
  under its jump head, "Continued from" the page the story starts on;
- a bad article inside an edition exits 1 naming the edition, the page and
  the article, and leaves the output folder as it was; bad edition files
  exit 1 with their place; bad options exit 2.

Prints "ok - NAME" / "not ok - NAME: reason" per check and "N passed, M failed".
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

from tap import report, summary

JOPAN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
EDITIONS = os.path.join(ROOT, "tests", "editions")


def run(args, timeout=300):
    return subprocess.run([JOPAN] + args, capture_output=True, text=True, timeout=timeout)


def edition(path, out, *extra):
    return run(["edition", path, "-o", out, "--quiet"] + list(extra))


def pdftext(path, layout=False):
    args = ["pdftotext"] + (["-layout"] if layout else []) + [path, "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def files_of(folder):
    return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder))}


def story_words(article_path):
    """The words of a story's headline and body, as \\w runs."""
    a = json.load(open(article_path))
    text = a.get("headline", "") + " " + a.get("body", "")
    return re.findall(r"\w+", text)


def squeeze(text):
    # Hyphenation and Korean syllable breaks split words across lines:
    # compare runs of word characters with everything else taken out.
    return "".join(re.findall(r"\w+", text.replace("-\n", "")))


def stories(ed_path):
    ed = json.load(open(ed_path))
    base = os.path.dirname(ed_path)
    for i, page in enumerate(ed["pages"]):
        for entry in page["articles"]:
            src = entry if isinstance(entry, str) else entry["src"]
            yield i + 1, src, os.path.normpath(os.path.join(base, src))


def check_files(name, out, n, png):
    want = {"edition.pdf", "contact.png", "report.json"}
    want |= {f"page-{p:02d}.pdf" for p in range(1, n + 1)}
    if png:
        want |= {f"page-{p:02d}.png" for p in range(1, n + 1)}
    have = set(os.listdir(out))
    problems = [f"missing {sorted(want - have)}"] if want - have else []
    problems += [f"unexpected {sorted(have - want)}"] if have - want else []
    info = subprocess.run(["pdfinfo", os.path.join(out, "edition.pdf")], capture_output=True,
                          text=True).stdout
    if not re.search(rf"^Pages: +{n}$", info, re.M):
        problems.append(f"edition.pdf: expected {n} pages: {info}")
    report(f"{name}: the folder holds every file", problems)


def split_on(first, second, word, k, hyphen="-?"):
    """Does @word end a line of @first at its @k-th character (with a
    hyphen, or without as between Korean syllables) and its rest start a
    line of @second?"""
    ends = re.search(r"(^|\W)" + re.escape(word[:k]) + hyphen + r"\n", first)
    starts = re.search(r"(^|\n)" + re.escape(word[k:]) + r"(\W|$)", second)
    return bool(ends and starts)


def check_words(name, ed_path, out):
    raw = pdftext(os.path.join(out, "edition.pdf"))
    text = squeeze(raw)
    rep = json.load(open(os.path.join(out, "report.json")))
    overset = {}
    for page in rep["pages"]:
        for s in page["report"].get("stories", []):
            overset[(page["page"], s["src"])] = s["overset"]["characters"]
        # A story the page could not hold at all is left off, and said so.
        for s in page["report"].get("left_off", []):
            overset[(page["page"], s["src"])] = s["characters"]
    pages = [pdftext(os.path.join(out, f"page-{p['page']:02d}.pdf")) for p in rep["pages"]]
    problems, split = [], []
    for number, src, path in stories(ed_path):
        missing = [w for w in story_words(path) if w not in text]
        # A word broken at a column's foot (hyphenated, or between Korean
        # syllables), its rest opening a column that pdftotext reads later,
        # on the same page or, at a jump, on another.
        halves = [w for w in missing if any(split_on(a, b, w, k) for a in pages for b in pages
                                            for k in range(1, len(w)))]
        # A word hyphenated at a jump: a page that ends in a hyphen (its
        # rest not on that page: another story's line may start with it).
        split += [f"page {number} {src}: {w!r} hyphenated across pages" for w in halves
                  if any(split_on(a, b, w, k, "-") and not split_on(a, a, w, k, "-")
                         for a in pages for b in pages if a is not b for k in range(1, len(w)))]
        missing = [w for w in missing if w not in halves]
        if missing and not overset.get((number, src)):
            problems.append(f"page {number} {src}: {len(missing)} words lost: {missing[:5]}")
    report(f"{name}: every story's words are in edition.pdf or reported overset", problems)
    report(f"{name}: no page ends in a hyphen at a jump", split)


def check_folios(name, ed_path, out, date):
    ed = json.load(open(ed_path))
    problems = []
    for i, page in enumerate(ed["pages"]):
        first = pdftext(os.path.join(out, f"page-{i + 1:02d}.pdf"), layout=True).split("\n")[0]
        words = first.split()
        want = [str(i + 1)] + ed["title"].split() + [page["section"]]
        if words[:len(want)] != want:
            problems.append(f"page {i + 1}: folio {first.strip()!r}: expected it to start {want}")
        if not first.rstrip().endswith(date):
            problems.append(f"page {i + 1}: folio {first.strip()!r}: expected the date {date!r}")
    report(f"{name}: folios carry number, title, section and date", problems)


def check_jumps(name, ed_path, out, on, frm):
    """Jump lines name pages that exist; the page named carries the rest."""
    ed = json.load(open(ed_path))
    n = len(ed["pages"])
    rep = json.load(open(os.path.join(out, "report.json")))
    problems = []
    texts = {p: pdftext(os.path.join(out, f"page-{p:02d}.pdf")) for p in range(1, n + 1)}
    seen = 0
    for p, text in texts.items():
        for m in re.finditer(on, text):
            seen += 1
            to = int(m.group(1))
            if not 1 <= to <= n or to == p:
                problems.append(f"page {p}: {m.group(0)!r} names no other page of the edition")
            elif not re.search(frm.replace(r"(\d+)", str(p)), texts[to]):
                problems.append(f"page {to} does not say it continues from page {p}")
        for m in re.finditer(frm, text):
            if int(m.group(1)) == p or not re.search(on.replace(r"(\d+)", str(p)),
                                                      texts.get(int(m.group(1)), "")):
                problems.append(f"page {p}: {m.group(0)!r}: that page does not jump here")
    jumps = [(j["from"], j["to"]) for j in rep["jumps"]]
    if seen != len(jumps) or not jumps:
        problems.append(f"{seen} jump lines for the jumps {jumps}")
    report(f"{name}: jump lines name existing pages, which carry the rest", problems)


CONTINUED = r"\((continued from page \d+|\d+면에서 계속)\)$"


def check_outline(name, ed_path, out):
    """Each page an entry, under it its stories' headlines (and the story
    it continues), leading to that page."""
    ed = json.load(open(ed_path))
    r = subprocess.run(["qpdf", "--json", "--json-key=outlines",
                        os.path.join(out, "edition.pdf")], capture_output=True, text=True)
    outlines = json.loads(r.stdout)["outlines"] if r.returncode == 0 else []
    problems = [] if len(outlines) == len(ed["pages"]) else [f"{len(outlines)} page entries"]
    for i, (entry, page) in enumerate(zip(outlines, ed["pages"])):
        if entry["destpageposfrom1"] != i + 1 or not entry["title"].startswith(str(i + 1)):
            problems.append(f"entry {i}: {entry['title']!r} to page {entry['destpageposfrom1']}")
        heads = [json.load(open(os.path.join(EDITIONS, a if isinstance(a, str) else a["src"])))
                 ["headline"] for a in page["articles"]]
        kids = [k["title"] for k in entry["kids"] if not re.search(CONTINUED, k["title"])]
        if kids != heads or any(k["destpageposfrom1"] != i + 1 for k in entry["kids"]):
            problems.append(f"page {i + 1}: stories {kids}, expected {heads} first")
    if not any(re.search(CONTINUED, k["title"]) for e in outlines for k in e["kids"]):
        problems.append("no continued story in the outline")
    report(f"{name}: edition.pdf's outline: pages, then their stories", problems)


def whole_runs(tmp):
    for lang, date, on, frm in (
            ("en", "Sunday, June 30, 2024", r"Continued on page (\d+)", r"Continued from page (\d+)"),
            ("ko", "2024년 6월 30일 일요일", r"(\d+)면에 계속", r"(\d+)면에서 계속")):
        ed = os.path.join(EDITIONS, f"{lang}.json")
        n = len(json.load(open(ed))["pages"])
        one, two = os.path.join(tmp, f"{lang}-1"), os.path.join(tmp, f"{lang}-2")
        r1 = edition(ed, one, "--jobs", "1", "--png")
        r2 = edition(ed, two, "--jobs", "2", "--png")
        report(f"{lang}: runs", [f"exit {r.returncode}: {r.stderr}" for r in (r1, r2)
                                 if r.returncode != 0])
        if r1.returncode or r2.returncode:
            continue
        a, b = files_of(one), files_of(two)
        report(f"{lang}: --jobs 2 writes the same bytes as --jobs 1",
               [f"{k} differs" for k in a if a[k] != b.get(k)] + ([] if a.keys() == b.keys()
                                                                   else ["other files"]))
        check_files(lang, one, n, True)
        check_words(lang, ed, one)
        check_folios(lang, ed, one, date)
        check_jumps(lang, ed, one, on, frm)
        check_outline(lang, ed, one)
        if lang == "en":
            shard_run(ed, tmp, lang, n, a)
            continue
        # A page alone (its continued story composed too) is the same page.
        last = os.path.join(tmp, f"{lang}-last")
        r = edition(ed, last, "--pages", str(n))
        problems = [f"exit {r.returncode}: {r.stderr}"] if r.returncode else []
        if not problems:
            page = f"page-{n:02d}.pdf"
            if sorted(os.listdir(last)) != ["contact.png", "edition.pdf", page, "report.json"]:
                problems.append(f"wrote {sorted(os.listdir(last))}")
            elif open(os.path.join(last, page), "rb").read() != a[page]:
                problems.append(f"{page} differs from the whole run's")
        report(f"{lang}: --pages {n} writes that page, the same bytes", problems)


def shard_run(ed, tmp, lang, n, a):
    """--shard 2/2: the second half of the pages, the same bytes as in the whole run."""
    shard = os.path.join(tmp, f"{lang}-shard")
    r = edition(ed, shard, "--shard", "2/2")
    problems = [f"exit {r.returncode}: {r.stderr}"] if r.returncode else []
    if not problems:
        pages = sorted(f for f in os.listdir(shard) if f.startswith("page-"))
        want = [f"page-{p:02d}.pdf" for p in range(n // 2 + 1, n + 1)]
        problems += [f"wrote {pages}, expected {want}"] if pages != want else []
        problems += [f"{p} differs" for p in pages if p in want
                     and open(os.path.join(shard, p), "rb").read() != a[p]]
    report(f"{lang}: --shard 2/2 writes the second half, the same bytes", problems)


def check_command(tmp):
    """`jopan check EDITION.json` composes every page and writes nothing."""
    ed = os.path.join(tmp, "check.json")
    shutil.copy(os.path.join(EDITIONS, "ko.json"), ed)
    text = open(ed).read().replace("../../samples/", os.path.join(ROOT, "samples") + "/")
    write(ed, text)
    before = sorted(os.listdir(tmp))
    r = run(["check", ed])
    problems = [] if r.returncode == 0 else [f"exit {r.returncode}: {r.stderr}"]
    problems += [] if "2 page(s)" in r.stdout else [f"stdout {r.stdout!r}"]
    problems += [] if sorted(os.listdir(tmp)) == before else ["wrote files"]
    pages = [int(n) for n in re.findall(r"^jopan: page (\d+):", r.stderr, re.M)]
    problems += [] if pages == sorted(pages) else [f"findings out of page order: {pages}"]
    report("check EDITION.json: every page, nothing written", problems)
    findings = int(re.search(r"(\d+) finding", r.stdout).group(1)) if r.returncode == 0 else 0
    report("check EDITION.json: findings counted",
           [] if findings == len(pages) and findings > 0 else [f"{findings} for {pages}"])


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def bad_article(tmp):
    """A bad article on page 2: exit 1, the message names the edition, the
    page and the article; the folder of a good run is untouched."""
    d = os.path.join(tmp, "bad")
    os.makedirs(d)
    for f in ("library-warm.json", "brief-clock.json"):
        shutil.copy(os.path.join(ROOT, "samples", f), d)
    os.symlink(os.path.join(ROOT, "samples", "photos"), os.path.join(d, "photos"))
    write(os.path.join(d, "broken.json"), '{ "headline": 12, "body": "x" }\n')
    ed = os.path.join(d, "ed.json")
    good = {"title": "T", "date": "2024-06-30",
            "pages": [{"section": "A", "articles": ["library-warm.json"]},
                      {"section": "B", "articles": ["brief-clock.json"]}]}
    write(ed, json.dumps(good, indent=1))
    out = os.path.join(d, "out")
    r = edition(ed, out)
    if r.returncode != 0:
        report("bad article: a good run first", [r.stderr])
        return
    before = files_of(out)
    good["pages"][1]["articles"].append("broken.json")
    write(ed, json.dumps(good, indent=1))
    r = edition(ed, out)
    problems = [] if r.returncode == 1 else [f"exit {r.returncode}, expected 1"]
    for part in ("ed.json", "pages[1]", "broken.json", "headline"):
        if part not in r.stderr:
            problems.append(f"message {r.stderr.strip()!r} lacks {part!r}")
    problems += untouched(d, out, before)
    report("bad article inside an edition: exit 1, named, folder untouched", problems)


def untouched(d, out, before):
    """What a failed run changed: the output folder @out against its files
    @before, and a temporary folder left in @d."""
    problems = []
    if files_of(out) != before:
        problems.append("the output folder changed")
    if [f for f in os.listdir(d) if f.startswith(".out.")]:
        problems.append("a temporary folder was left")
    return problems


def first_bad_article(tmp):
    """Bad articles on pages 2 and 4 of 4: page 2's is named at --jobs 1 and
    2, the same message every time (a guard for any loading on threads);
    one on the last page alone fails too; the folder of a good run is
    untouched."""
    d = os.path.join(tmp, "bad2")
    os.makedirs(d)
    names = ["library-warm.json", "brief-clock.json", "rovers-lights.json", "brief-lifeboat.json"]
    for f in names:
        shutil.copy(os.path.join(ROOT, "samples", f), d)
    os.symlink(os.path.join(ROOT, "samples", "photos"), os.path.join(d, "photos"))
    write(os.path.join(d, "broken.json"), '{ "headline": 12, "body": "x" }\n')
    write(os.path.join(d, "cut.json"), '{ "headline": "Cut", "body": ')
    ed = os.path.join(d, "ed.json")
    pages = [{"section": "S%d" % i, "articles": [n]} for i, n in enumerate(names)]
    write(ed, json.dumps({"title": "T", "date": "2024-06-30", "pages": pages}, indent=1))
    out = os.path.join(d, "out")
    r = edition(ed, out, "--jobs", "2")
    if r.returncode != 0:
        report("first bad article: a good run first", [r.stderr])
        return
    before = files_of(out)
    problems = []
    for bad, named in ((((1, "broken.json"), (3, "cut.json")), "broken.json"),
                       (((3, "cut.json"),), "cut.json")):
        for page, name in bad:
            pages[page]["articles"].append(name)
        write(ed, json.dumps({"title": "T", "date": "2024-06-30", "pages": pages}, indent=1))
        runs = [edition(ed, out, "--jobs", str(jobs)) for jobs in (1, 2, 2, 2)]
        for page, name in bad:
            pages[page]["articles"].remove(name)
        page = bad[0][0]
        for r in runs:
            if r.returncode != 1:
                problems.append(f"exit {r.returncode}, expected 1")
            if r.stderr != runs[0].stderr:
                problems.append(f"message {r.stderr.strip()!r} != {runs[0].stderr.strip()!r}")
            for part in (named, f"pages[{page}].articles[1]"):
                if part not in r.stderr:
                    problems.append(f"message {r.stderr.strip()!r} lacks {part!r}")
        problems += untouched(d, out, before)
    report("two bad articles: the first in page order named, at --jobs 1 and 2", problems)


BAD_EDITIONS = [
    # name, text, fragments of the message
    ("not json", '{ "pages": [ }', ["ed.json:1:"]),
    ("trailing comma", '{ "pages": [ { "articles": ["a.json"] }, ] }', ["ed.json:1:"]),
    ("no pages", '{ "title": "T" }', ["ed.json:1:", "pages", "required key is missing"]),
    ("empty pages", '{ "pages": [] }', ["ed.json:1:", "pages", "expected an array of 1 to"]),
    ("page not object", '{ "pages": [ "a.json" ] }', ["ed.json:1:", "pages[0]", "expected a page"]),
    ("no articles", '{ "pages": [ { "section": "A" } ] }', ["pages[0].articles", "missing"]),
    ("title a number", '{ "title": 3, "pages": [ { "articles": ["a.json"] } ] }',
     ["ed.json:1:", "title", "expected a string"]),
    ("bad lang", '{ "lang": "k o", "pages": [ { "articles": ["a.json"] } ] }',
     ["lang", "BCP 47"]),
    ("jump beyond",
     '{ "pages": [ { "articles": [ { "src": "a.json", "jump": 9 } ] } ] }',
     ["ed.json:1:", "pages[0].articles[0].jump", "page 9 does not exist"]),
    ("jump to itself",
     '{ "pages": [ { "articles": [ "b.json" ] }, { "articles": [ { "src": "a.json", "jump": 2 } ] } ] }',
     ["pages[1].articles[0].jump", "another page"]),
    ("jumps in a circle",
     '{ "pages": [ { "articles": [ { "src": "a.json", "jump": 2 } ] },\n'
     '  { "articles": [ { "src": "b.json", "jump": 1 } ] } ] }',
     ["ed.json:", "pages[", "lead back to page"]),
    ("missing article", '{ "pages": [ { "articles": [ "a.json" ] }, { "articles": [ "none.json" ] } ] }',
     ["none.json", "pages[1].articles[0]"]),
    ("pages given twice", '{ "pages": [ { "articles": [ "a.json" ] } ],\n  "pages": [ { "articles": [ "b.json" ] } ] }',
     ["ed.json:2:3: pages: the key is given twice in this object"]),
    # The style an edition names is the edition's mistake: exit 1, not 2 as for --style.
    ("unknown style", '{ "style": "nosuch", "pages": [ { "articles": [ "a.json" ] } ] }',
     ['unknown style "nosuch"', "(named by ", "ed.json: style)"]),
    ("missing style file", '{ "style": "none.ini", "pages": [ { "articles": [ "a.json" ] } ] }',
     ["none.ini", "(named by ", "ed.json: style)"]),
]


def bad_editions(tmp):
    d = os.path.join(tmp, "badjson")
    os.makedirs(d)
    shutil.copy(os.path.join(ROOT, "samples", "brief-clock.json"), os.path.join(d, "a.json"))
    shutil.copy(os.path.join(ROOT, "samples", "brief-lifeboat.json"), os.path.join(d, "b.json"))
    os.symlink(os.path.join(ROOT, "samples", "photos"), os.path.join(d, "photos"))
    for name, text, fragments in BAD_EDITIONS:
        ed = os.path.join(d, "ed.json")
        write(ed, text)
        out = os.path.join(d, "out")
        r = edition(ed, out)
        problems = [] if r.returncode == 1 else [f"exit {r.returncode}, expected 1: {r.stderr}"]
        problems += [f"message {r.stderr.strip()!r} lacks {f!r}" for f in fragments
                     if f not in r.stderr]
        problems += ["wrote an output folder"] if os.path.exists(out) else []
        report(f"bad edition ({name}): exit 1 at its place", problems)


def unknown_keys(tmp):
    """Unknown keys are warnings: the edition's on stderr and in
    report.json, a page's in that page's findings."""
    d = os.path.join(tmp, "unknown")
    os.makedirs(d)
    shutil.copy(os.path.join(ROOT, "samples", "brief-clock.json"), os.path.join(d, "a.json"))
    os.symlink(os.path.join(ROOT, "samples", "photos"), os.path.join(d, "photos"))
    ed = os.path.join(d, "ed.json")
    write(ed, '{ "title": "T", "colour": 1,\n  "pages": [ { "articles": ["a.json"], "sectoin": "A" } ] }')
    out = os.path.join(d, "out")
    r = edition(ed, out)
    problems = [] if r.returncode == 0 else [f"exit {r.returncode}: {r.stderr}"]
    if not problems:
        rep = json.load(open(os.path.join(out, "report.json")))
        if not any("ed.json:1:27: colour: unknown key" in w for w in rep["warnings"]):
            problems.append(f"report warnings {rep['warnings']}")
        found = [f["message"] for f in rep["pages"][0]["report"]["findings"]]
        if not any("ed.json:2:51: pages[0].sectoin: unknown key" in m for m in found):
            problems.append(f"page findings {found}")
    report("unknown keys: warnings with their place", problems)


def deep_continuation(tmp):
    """A continuation deeper than the page that carries it leaves room for
    (a story of its own under it) ends there: the rest is the story's
    overset on the page it starts on, and the page's own story is set."""
    d = os.path.join(tmp, "deep")
    os.makedirs(d)
    a = json.load(open(os.path.join(ROOT, "samples", "bridge-closure.json")))
    a["body"] = "\n\n".join([a["body"]] * 3)
    a["images"] = []
    write(os.path.join(d, "long.json"), json.dumps(a))
    b = os.path.join(ROOT, "samples", "brief-lifeboat.json")
    shutil.copy(b, os.path.join(d, "b.json"))
    ed = os.path.join(d, "ed.json")
    write(ed, json.dumps({"title": "T", "pages": [
        {"articles": [{"src": "long.json", "jump": 2,
                       "slot": {"column": 1, "columns": 2, "top": 0, "depth": 20}}]},
        {"articles": ["b.json"]}]}, indent=1))
    out = os.path.join(d, "out")
    r = edition(ed, out)
    problems = [] if r.returncode == 0 else [f"exit {r.returncode}: {r.stderr}"]
    if not problems:
        rep = json.load(open(os.path.join(out, "report.json")))
        lead = rep["pages"][0]["report"]["stories"][0]
        if lead["src"] != "long.json" or lead["overset"]["lines"] == 0:
            problems.append(f"page 1's story: {lead}")
        found = [f["message"] for f in rep["pages"][1]["report"]["findings"]]
        problems += [m for m in found if "deeper than page" in m]
        headline = squeeze(json.load(open(b))["headline"])
        if headline not in squeeze(pdftext(os.path.join(out, "page-02.pdf"))):
            problems.append("page 2's own story is not on it")
    report("a continuation deeper than its page: the rest is overset where it starts", problems)


def usage_cases(tmp):
    ed = os.path.join(EDITIONS, "en.json")
    theirs = os.path.join(tmp, "theirs")
    os.makedirs(theirs)
    write(os.path.join(theirs, "notes.txt"), "mine")
    cases = [
        ("no -o", ["edition", ed], None),
        ("bad --pages", ["edition", ed, "-o", os.path.join(tmp, "u1"), "--pages", "0-3"], None),
        ("--pages beyond", ["edition", ed, "-o", os.path.join(tmp, "u2"), "--pages", "5"], None),
        ("bad --shard", ["edition", ed, "-o", os.path.join(tmp, "u3"), "--shard", "3/2"], None),
        ("bad --jobs", ["edition", ed, "-o", os.path.join(tmp, "u4"), "--jobs", "-1"], None),
        ("a folder of other files", ["edition", ed, "-o", theirs], theirs),
    ]
    for name, args, keep in cases:
        r = run(args)
        problems = [] if r.returncode == 2 else [f"exit {r.returncode}, expected 2: {r.stderr}"]
        if keep and os.listdir(keep) != ["notes.txt"]:
            problems.append("the folder changed")
        report(f"usage ({name}): exit 2", problems)


def read_png(path):
    """(width, height, rows of RGB bytes) of an 8-bit RGB or RGBA PNG, not interlaced."""
    data = open(path, "rb").read()
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = int.from_bytes(data[pos:pos + 4], "big"), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = (int.from_bytes(body[0:4], "big"),
                                           int.from_bytes(body[4:8], "big"), body[8], body[9])
            assert depth == 8 and color in (2, 6) and body[12] == 0, f"{path}: PNG kind"
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2,
                    min((a, b, c), key=lambda v: (abs(a + b - c - v), [a, b, c].index(v)))][f]
            line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line[x * bpp + k] for x in range(width) for k in range(3)))
        prev = line
    return width, height, rows


SEGMENTS = {0x3f: 0, 0x06: 1, 0x5b: 2, 0x4f: 3, 0x66: 4, 0x6d: 5, 0x7d: 6, 0x07: 7, 0x7f: 8,
            0x6f: 9}


def sheet_label(png, spread, side, digits=1):
    """The number drawn under a slot of contact.png (its seven segments read back)."""
    width, _, rows = png
    tw = (width - 5 * 24) // 8
    x0 = 24 + (spread % 4) * (2 * tw + 24) + side * tw
    top = 24 + (spread // 4) * (300 + 36 + 24) + 300 + 8
    left = x0 + tw / 2 - (digits * 16 - 6) / 2
    # Each segment's middle, in units of half a digit's height (10 px).
    middles = [(0.5, 0), (1, 0.5), (1, 1.5), (0.5, 2), (0, 1.5), (0, 0.5), (0.5, 1)]

    def dark(x, y):
        return any(rows[int(y) + j][3 * (int(x) + i)] < 128 for i in (-1, 0, 1) for j in (-1, 0, 1))
    number = ""
    for d in range(digits):
        bits = sum(1 << s for s, (u, v) in enumerate(middles)
                   if dark(left + d * 16 + u * 10, top + v * 10))
        number += str(SEGMENTS.get(bits, "?"))
    return number


def sheet_flag(png, spread, side):
    """The number on the red tab at the top right of a slot's page (a
    Berliner page: 300 px high, its right edge some 201.5 px into the
    slot), or None where the corner is not red."""
    width, _, rows = png
    tw = (width - 5 * 24) // 8
    right = 24 + (spread % 4) * (2 * tw + 24) + side * tw + 201.5
    top = 24 + (spread // 4) * (300 + 36 + 24)

    def pixel(x, y):
        return rows[int(y)][3 * int(x):3 * int(x) + 3]
    red = pixel(right - 3, top + 3)
    if not (red[0] > 180 and red[1] < 60 and red[2] < 60):
        return None
    # One digit: its tab 20 px wide, the digit's left 15 px in from the right.
    left, top = right - 15, top + 5
    middles = [(0.5, 0), (1, 0.5), (1, 1.5), (0.5, 2), (0, 1.5), (0, 0.5), (0.5, 1)]

    def white(x, y):
        return any(min(pixel(x + i, y + j)) > 200 for i in (-1, 0, 1) for j in (-1, 0, 1))
    bits = sum(1 << s for s, (u, v) in enumerate(middles) if white(left + u * 10, top + v * 10))
    return str(SEGMENTS.get(bits, "?"))


def contact_flags(tmp):
    """A page with findings is flagged on contact.png: a red tab at its top
    right with their number (the test edition: page 1 two, page 4 three);
    a page without none."""
    out = os.path.join(tmp, "flags")
    r = edition(os.path.join(EDITIONS, "en.json"), out)
    problems = [f"exit {r.returncode}: {r.stderr}"] if r.returncode else []
    if not problems:
        report_pages = json.load(open(os.path.join(out, "report.json")))["pages"]
        want = [str(p["findings"]) if p["findings"] else None for p in report_pages]
        png = read_png(os.path.join(out, "contact.png"))
        got = [sheet_flag(png, 0, 1), sheet_flag(png, 1, 0), sheet_flag(png, 1, 1),
               sheet_flag(png, 2, 0)]
        problems += [] if got == want and want == ["2", None, None, "3"] else \
            [f"flags {got}, the report's findings {want}"]
    report("contact.png flags each page with findings, with their number", problems)


def slot_is_empty(png, spread, side):
    width, _, rows = png
    tw = (width - 5 * 24) // 8
    x0 = 24 + (spread % 4) * (2 * tw + 24) + side * tw
    y = 24 + (spread // 4) * (300 + 36 + 24) + 150
    return all(rows[y][3 * x:3 * x + 3] == bytes((217, 217, 217)) for x in range(x0, x0 + tw))


def contact_numbers(tmp):
    """--pages 1,4: the sheet shows page 1 alone, then 4 on the left of its
    spread, each over its own number (not 1 and 2)."""
    out = os.path.join(tmp, "en-1-4")
    r = edition(os.path.join(EDITIONS, "en.json"), out, "--pages", "1,4")
    problems = [f"exit {r.returncode}: {r.stderr}"] if r.returncode else []
    if not problems:
        png = read_png(os.path.join(out, "contact.png"))
        labels = [sheet_label(png, 0, 1), sheet_label(png, 1, 0)]
        problems += [f"numbers {labels}, expected ['1', '4']"] if labels != ["1", "4"] else []
        problems += [f"slot {s}|{side} holds a page, expected none"
                     for s, side in ((0, 0), (1, 1)) if not slot_is_empty(png, s, side)]
        problems += [f"slot {s}|{side} holds no page"
                     for s, side in ((0, 1), (1, 0)) if slot_is_empty(png, s, side)]
    report("--pages 1,4: contact.png numbers each page with its own number", problems)


def jumps_that_carried(tmp):
    """A jump given to a brief that fits on its page carries nothing over:
    report.json's `jumps` lists only the story that did continue."""
    ed = json.load(open(os.path.join(EDITIONS, "en.json")))
    for page in ed["pages"]:
        page["articles"] = [a if isinstance(a, dict) else {"src": a} for a in page["articles"]]
        for a in page["articles"]:
            a["src"] = os.path.normpath(os.path.join(EDITIONS, a["src"]))
        for b in page.get("boxes", []):
            b["src"] = os.path.normpath(os.path.join(EDITIONS, b["src"]))
    ed["pages"][0]["articles"][2]["jump"] = 3
    path, out = os.path.join(tmp, "fits.json"), os.path.join(tmp, "fits")
    json.dump(ed, open(path, "w"))
    r = edition(path, out)
    problems = [f"exit {r.returncode}: {r.stderr}"] if r.returncode else []
    if not problems:
        jumps = [(j["from"], j["to"]) for j in json.load(open(os.path.join(out, "report.json")))["jumps"]]
        problems += [f"jumps {jumps}, expected [(2, 4)]"] if jumps != [(2, 4)] else []
    report("report.json lists only the jumps that carried text", problems)


def no_summary_on_failure(tmp):
    """A run that fails once under way (OUTDIR holds a file of the user's)
    prints its error and no summary line ("0 pages in 0.00 s")."""
    out = os.path.join(tmp, "users")
    os.makedirs(out)
    write(os.path.join(out, "notes.txt"), "mine\n")
    r = run(["edition", os.path.join(EDITIONS, "ko.json"), "-o", out])
    problems = [] if r.returncode == 2 else [f"exit {r.returncode}, expected 2"]
    problems += [f"stderr {r.stderr!r}"] if " pages in " in r.stderr or "notes.txt" not in r.stderr else []
    report("a failed run prints no summary line", problems)


def for_the_press(tmp):
    """`--pdfx` makes every page PDF/X (GTS_PDFXVersion, an output intent)
    as `page --pdfx` does; without it no page is; a broken
    `--output-profile` fails with the file's name and writes nothing."""
    ed = os.path.join(EDITIONS, "en.json")
    problems = []
    for flag, want in (("--pdfx", True), (None, False)):
        out = os.path.join(tmp, "press" if flag else "plain")
        r = run(["edition", ed, "-o", out, "--quiet"] + ([flag] if flag else []))
        if r.returncode != 0:
            problems.append(f"{flag}: exit {r.returncode}: {r.stderr}")
            continue
        for name in sorted(n for n in os.listdir(out) if n.startswith("page-")):
            data = open(os.path.join(out, name), "rb").read()
            x = b"GTS_PDFXVersion" in data and b"/OutputIntents" in data
            if x != want:
                problems.append(f"{flag}: {name} {'is not' if want else 'is'} PDF/X")
    bad = os.path.join(tmp, "bad.icc")
    write(bad, "not a profile" * 20)
    out = os.path.join(tmp, "badprofile")
    r = run(["edition", ed, "-o", out, "--pdfx", "--output-profile", bad])
    if r.returncode != 1 or "bad.icc" not in r.stderr or os.path.exists(out):
        problems.append(f"a broken profile: exit {r.returncode}: {r.stderr[-200:]!r}")
    report("edition --pdfx: every page PDF/X for the press; a broken profile refused", problems)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for_the_press(tmp)
        contact_flags(tmp)
        no_summary_on_failure(tmp)
        jumps_that_carried(tmp)
        contact_numbers(tmp)
        whole_runs(tmp)
        bad_article(tmp)
        first_bad_article(tmp)
        check_command(tmp)
        unknown_keys(tmp)
        deep_continuation(tmp)
        bad_editions(tmp)
        usage_cases(tmp)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
