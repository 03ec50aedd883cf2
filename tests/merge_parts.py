#!/usr/bin/env python3
"""`jopan edition --merge PARTDIR… -o OUTDIR` (issue 9, item 6).

Usage: merge_parts.py JOPAN_BINARY SOURCE_ROOT

The test editions (English and Korean) rendered whole, and in shards
(--shard I/N, --pages, the odd pages and the even ones) merged: the
merged folder holds the very bytes of the whole run (pages, edition.pdf
with its outline, contact.png, report.json); a missing or doubled page, or a part without its report,
fails with a message and leaves OUTDIR as it was.  Prints TAP.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

JOPAN, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
EDITIONS = os.path.join(ROOT, "tests", "editions")
results = []


def jopan(*args):
    return subprocess.run([JOPAN, *args], capture_output=True, text=True, timeout=300)


def expect(p, code, what):
    assert p.returncode == code, f"{what}: exit {p.returncode}, expected {code}: {p.stderr!r}"


def edition(name, out, *args):
    expect(jopan("edition", os.path.join(EDITIONS, name), "-o", out, "--quiet", *args), 0,
           f"edition {name} {' '.join(args)}")
    return out


def tree(d):
    return {n: open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))}


def shards_equal_whole(tmp):
    for name in ("en.json", "ko.json"):
        whole = edition(name, os.path.join(tmp, name + "-whole"))
        n = len([f for f in os.listdir(whole) if f.startswith("page-")])
        k = min(n, 3)
        parts = [edition(name, os.path.join(tmp, f"{name}-{i}"), "--shard", f"{i}/{k}")
                 for i in reversed(range(1, k + 1))]
        out = os.path.join(tmp, name + "-merged")
        p = jopan("edition", "--merge", *parts, "-o", out)
        expect(p, 0, "merge the shards")
        assert p.stderr == f"jopan: {n} pages from {k} parts in {out}\n", p.stderr
        a, b = tree(whole), tree(out)
        assert sorted(a) == sorted(b), f"{name}: {sorted(a)} != {sorted(b)}"
        assert [f for f in a if a[f] != b[f]] == [], \
            f"{name}: {[f for f in a if a[f] != b[f]]} differ from the whole run's"
        # Merged into the folder of one of the parts (a copy).
        into = os.path.join(tmp, name + "-into")
        shutil.copytree(parts[-1], into)
        expect(jopan("edition", "--merge", into, *parts[:-1], "-o", into, "--quiet"), 0,
               "merge in place")
        assert tree(into) == a, f"{name}: merging into a part's folder differs"
        # Parts that are no runs of consecutive pages: the odd pages and
        # the even ones (each part's edition.pdf holds its pages in order;
        # its outline and report go back to their pages).
        odd, even = (",".join(str(i) for i in range(first, n + 1, 2)) for first in (1, 2))
        parts = [edition(name, os.path.join(tmp, f"{name}-{which}"), "--pages", pages)
                 for which, pages in (("even", even), ("odd", odd))]
        interleaved = os.path.join(tmp, name + "-interleaved")
        expect(jopan("edition", "--merge", *parts, "-o", interleaved, "--quiet"), 0,
               "merge odd and even pages")
        b = tree(interleaved)
        assert [f for f in a if a[f] != b.get(f)] == [], \
            f"{name}: {[f for f in a if a[f] != b.get(f)]} of odd and even pages differ"
    check = subprocess.run(["qpdf", "--check", os.path.join(out, "edition.pdf")],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout


def bad_parts(tmp):
    p1 = edition("en.json", os.path.join(tmp, "p1"), "--pages", "1-2")
    p3 = edition("en.json", os.path.join(tmp, "p3"), "--pages", "4-")
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    with open(os.path.join(out, "edition.pdf"), "w") as f:
        f.write("an earlier good run")
    before = tree(out)
    p = jopan("edition", "--merge", p1, p3, "-o", out)
    expect(p, 1, "page 3 missing")
    assert "page 3: no page-03.pdf" in p.stderr, p.stderr
    p2 = edition("en.json", os.path.join(tmp, "p2"), "--pages", "2-3")
    p = jopan("edition", "--merge", p1, p2, p3, "-o", out)
    expect(p, 2, "page 2 twice")
    assert f"page 2 is in {p1} and in {p2}" in p.stderr, p.stderr
    p2b = os.path.join(tmp, "p2b")
    shutil.copytree(p2, p2b)
    os.unlink(os.path.join(p2b, "page-02.pdf"))
    os.unlink(os.path.join(p2b, "report.json"))
    p = jopan("edition", "--merge", p1, p2b, p3, "-o", out)
    expect(p, 1, "no report")
    assert os.path.join(p2b, "report.json") in p.stderr, p.stderr
    assert tree(out) == before, f"OUTDIR changed: {sorted(os.listdir(out))}"
    expect(jopan("edition", "--merge", p1), 2, "no -o")
    expect(jopan("edition", "--merge", p1, "-o", out, "--shard", "1/2"), 2, "--merge --shard")
    expect(jopan("render", os.path.join(ROOT, "samples", "harbour.json"), "--shard", "1/2"), 2,
           "--shard for render")
    # More shards than pages: the empty one writes nothing and succeeds.
    empty = os.path.join(tmp, "empty")
    p = jopan("edition", os.path.join(EDITIONS, "ko.json"), "-o", empty, "--shard", "1/3")
    expect(p, 0, "an empty shard")
    assert "no pages" in p.stderr and not os.path.exists(empty), p.stderr


def png_size(path):
    head = open(path, "rb").read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def parts_without_sheet(tmp):
    """A part whose contact.png is gone (or another part's, without its
    pages): its pages are drawn from their PDFs; the others' thumbnails
    still come from their sheets."""
    whole = edition("en.json", os.path.join(tmp, "whole"))
    a = edition("en.json", os.path.join(tmp, "a"), "--pages", "1-2")
    b = edition("en.json", os.path.join(tmp, "b"), "--pages", "3-4")
    os.unlink(os.path.join(b, "contact.png"))
    out = os.path.join(tmp, "out")
    expect(jopan("edition", "--merge", a, b, "-o", out, "--quiet"), 0, "merge without a sheet")
    assert png_size(os.path.join(out, "contact.png")) == png_size(os.path.join(whole, "contact.png"))
    with open(os.path.join(b, "contact.png"), "wb") as f:
        f.write(open(os.path.join(a, "contact.png"), "rb").read())
    expect(jopan("edition", "--merge", a, b, "-o", out, "--quiet"), 0, "merge with a foreign sheet")
    assert png_size(os.path.join(out, "contact.png")) == png_size(os.path.join(whole, "contact.png"))


def text_of(pdf):
    return subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout


def update_in_place(tmp):
    """A part written into the folder of an earlier run of its edition
    joins it: the other pages are kept, the jump page of a page written
    again is written too, and the folder holds the bytes of a whole run;
    plain pages into a folder of PDF/X pages (or the other way round) are
    refused.  A part into another edition's folder replaces it, as before."""
    whole = edition("en.json", os.path.join(tmp, "whole"), "--png")
    up = os.path.join(tmp, "up")
    shutil.copytree(whole, up)
    p = jopan("edition", os.path.join(EDITIONS, "en.json"), "-o", up, "--pages", "2")
    expect(p, 0, "update page 2")
    assert "page 4 is written again too: it carries the rest of a story from page 2" in p.stderr, \
        p.stderr
    assert f"{up} updated: 2 pages written again, 2 kept from the earlier run" in p.stderr, p.stderr
    a, b = tree(whole), tree(up)
    assert sorted(a) == sorted(b), f"{sorted(b)} after the update, {sorted(a)} before"
    assert [f for f in a if a[f] != b[f]] == [], \
        f"{[f for f in a if a[f] != b[f]]} differ from the whole run's"
    assert not [n for n in os.listdir(tmp) if "update" in n], os.listdir(tmp)

    # Page 3's story gets a new headline: page 3 is written again, the
    # others keep their bytes, edition.pdf and report.json hold all four.
    plan = json.load(open(os.path.join(EDITIONS, "en.json")))
    story = os.path.join(tmp, "harbour.json")
    article = json.load(open(os.path.join(ROOT, "samples", "harbour.json")))
    article["headline"] = "Harbour board backs the tidal scheme at last"
    json.dump(article, open(story, "w"))
    for page in plan["pages"]:
        for i, entry in enumerate(page["articles"]):
            src = entry if isinstance(entry, str) else entry["src"]
            path = story if src.endswith("/harbour.json") else os.path.normpath(
                os.path.join(EDITIONS, src))
            page["articles"][i] = path if isinstance(entry, str) else dict(entry, src=path)
        for box in page.get("boxes", []):
            box["src"] = os.path.normpath(os.path.join(EDITIONS, box["src"]))
    changed = os.path.join(tmp, "changed.json")
    json.dump(plan, open(changed, "w"))
    os.symlink(os.path.join(ROOT, "samples", "photos"), os.path.join(tmp, "photos"))
    expect(jopan("edition", changed, "-o", up, "--pages", "3", "--quiet"), 0, "update page 3")
    b = tree(up)
    assert [f for f in a if a[f] != b[f]] == ["contact.png", "edition.pdf", "page-03.pdf",
                                              "page-03.png", "report.json"], \
        f"{[f for f in a if a[f] != b[f]]} changed"
    assert "tidal scheme at last" in text_of(os.path.join(up, "page-03.pdf"))
    text = text_of(os.path.join(up, "edition.pdf"))
    assert "tidal scheme at last" in text and text.count("\f") == 4, text.count("\f")
    report = json.load(open(os.path.join(up, "report.json")))
    assert [q["page"] for q in report["pages"]] == [1, 2, 3, 4], report["pages"]

    # A folder of PDF/X pages for the press takes no plain pages (nor the
    # other way round): refused, the folder as it was.
    press = edition("en.json", os.path.join(tmp, "press"), "--pdfx")
    before = tree(press)
    p = jopan("edition", os.path.join(EDITIONS, "en.json"), "-o", press, "--pages", "3")
    expect(p, 2, "plain pages into a PDF/X folder")
    assert "its pages are PDF/X files for the press and those written again are not: give --pdfx" \
        in p.stderr, p.stderr
    assert tree(press) == before, "the PDF/X folder changed"
    expect(jopan("edition", os.path.join(EDITIONS, "en.json"), "-o", press, "--pages", "3",
                 "--pdfx", "--quiet"), 0, "PDF/X pages into a PDF/X folder")
    p = jopan("edition", os.path.join(EDITIONS, "en.json"), "-o", up, "--pages", "3", "--pdfx")
    expect(p, 2, "PDF/X pages into a plain folder")
    assert "its pages are not PDF/X files and those written again are" in p.stderr, p.stderr
    assert not [n for n in os.listdir(tmp) if "update" in n], os.listdir(tmp)

    # PNGs at another resolution than the folder's: refused.
    p = jopan("edition", os.path.join(EDITIONS, "en.json"), "-o", up, "--pages", "3", "--dpi",
              "100")
    expect(p, 2, "PNGs at 100 dpi into a folder of 150 dpi PNGs")
    assert "its PNG pages are 1861 pixels wide and those written again 1241: give the earlier " \
        "run's --dpi (150)" in p.stderr, p.stderr
    assert not [n for n in os.listdir(tmp) if "update" in n], os.listdir(tmp)

    # Another edition's folder: the part replaces it.
    other = edition("ko.json", os.path.join(tmp, "other"))
    expect(jopan("edition", os.path.join(EDITIONS, "en.json"), "-o", other, "--pages", "1",
                 "--quiet"), 0, "a part into another edition's folder")
    assert sorted(os.listdir(other)) == ["contact.png", "edition.pdf", "page-01.pdf",
                                         "report.json"], os.listdir(other)


for name, fn in [("shards and --pages parts merge into the whole run's bytes", shards_equal_whole),
                 ("a part without its contact.png still merges", parts_without_sheet),
                 ("a part into an earlier run's folder updates it", update_in_place),
                 ("a missing, doubled or reportless page fails and leaves OUTDIR", bad_parts)]:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            fn(tmp)
            results.append((name, None))
        except AssertionError as e:
            results.append((name, str(e)))

print(f"1..{len(results)}")
for i, (name, problem) in enumerate(results, 1):
    print(f"ok {i} - {name}" if problem is None else f"not ok {i} - {name}: {problem}")
sys.exit(1 if any(p for _, p in results) else 0)
