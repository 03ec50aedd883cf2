#!/usr/bin/env python3
"""`jopan edition --merge PARTDIR… -o OUTDIR` (issue 9, item 6).

Usage: merge_parts.py JOPAN_BINARY SOURCE_ROOT

Parts made by hand (page PDFs rendered from the samples, report.json
written here) merge into the same edition.pdf, contact.png and report as
one folder holding every page; the outline comes from the reports; a
missing or doubled page fails with a message and leaves OUTDIR as it was.
Prints TAP.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

JOPAN, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SAMPLES = ["harbour", "seoul-market", "brief-bus", "rail-forest", "bathhouse"]
results = []


def jopan(*args):
    return subprocess.run([JOPAN, *args], capture_output=True, text=True, timeout=300)


def expect(p, code, what):
    assert p.returncode == code, f"{what}: exit {p.returncode}, expected {code}: {p.stderr!r}"


def make_part(tmp, name, numbers):
    """A folder as `jopan edition --pages` would leave it."""
    d = os.path.join(tmp, name)
    os.makedirs(d, exist_ok=True)
    pages = []
    for n in numbers:
        src = os.path.join(ROOT, "samples", SAMPLES[n - 1] + ".json")
        expect(jopan("render", src, "-o", os.path.join(d, f"page-{n:02d}.pdf"), "--quiet"), 0, src)
        pages.append({"number": n, "section": f"Section {n}",
                      "stories": [{"headline": f"Story {n}"}], "overset": 0})
    with open(os.path.join(d, "report.json"), "w") as f:
        json.dump({"title": "The Example", "pages": pages, "findings": len(numbers)}, f)
    return d


def tree(d):
    return {n: open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))}


def shards_equal_whole(tmp):
    whole = make_part(tmp, "whole", [1, 2, 3, 4, 5])
    parts = [make_part(tmp, "p2", [3, 4]), make_part(tmp, "p1", [1, 2]), make_part(tmp, "p3", [5])]
    expect(jopan("edition", "--merge", whole, "-o", whole, "--quiet"), 0, "merge one folder")
    out = os.path.join(tmp, "out")
    p = jopan("edition", "--merge", *parts, "-o", out)
    expect(p, 0, "merge three parts")
    assert p.stderr == f"jopan: 5 pages from 3 parts in {out}\n", p.stderr
    a, b = tree(whole), tree(out)
    assert sorted(a) == sorted(b), f"{sorted(a)} != {sorted(b)}"
    for name in a:
        if name != "report.json":
            assert a[name] == b[name], f"{name} differs from the whole run's"
    ra, rb = json.loads(a["report.json"]), json.loads(b["report.json"])
    assert ra == rb, "the merged report differs"
    assert [p["number"] for p in rb["pages"]] == [1, 2, 3, 4, 5] and rb["findings"] == 5, rb
    info = subprocess.run(["pdfinfo", os.path.join(out, "edition.pdf")], capture_output=True,
                          text=True).stdout
    assert "Pages:           5" in info, info
    outline = subprocess.run(["qpdf", "--json", "--json-key=outlines",
                              os.path.join(out, "edition.pdf")], capture_output=True, text=True).stdout
    titles = [json.loads(l.split(":", 1)[1].rstrip(",")) for l in outline.splitlines()
              if l.strip().startswith('"title"')]
    assert titles == [t for n in range(1, 6) for t in (f"Story {n}", f"Page {n} — Section {n}")], titles


def bad_parts(tmp):
    p1, p2 = make_part(tmp, "p1", [1, 2]), make_part(tmp, "p2", [4])
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    with open(os.path.join(out, "edition.pdf"), "w") as f:
        f.write("an earlier good run")
    before = tree(out)
    p = jopan("edition", "--merge", p1, p2, "-o", out)
    expect(p, 1, "page 3 missing")
    assert "page 3: no page-03.pdf" in p.stderr, p.stderr
    p3 = make_part(tmp, "p3", [2, 3])
    p = jopan("edition", "--merge", p1, p3, p2, "-o", out)
    expect(p, 2, "page 2 twice")
    assert f"page 2 is in {p1} and in {p3}" in p.stderr, p.stderr
    os.unlink(os.path.join(p2, "report.json"))
    shutil.copy(os.path.join(p3, "page-03.pdf"), p2)
    p = jopan("edition", "--merge", p1, p2, "-o", out)
    expect(p, 1, "no report")
    assert os.path.join(p2, "report.json") in p.stderr, p.stderr
    assert tree(out) == before, f"OUTDIR changed: {sorted(os.listdir(out))}"
    expect(jopan("edition", "--merge", p1), 2, "no -o")
    expect(jopan("render", os.path.join(ROOT, "samples", "harbour.json"), "--shard", "1/2"), 2,
           "--shard for render")


for name, fn in [("parts merge as the whole folder does", shards_equal_whole),
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
