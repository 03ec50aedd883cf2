#!/usr/bin/env python3
"""Batches: `jopan render A.json B.json … -o OUTDIR/` (issue 9, item 5).

Usage: batch.py JOPAN_BINARY SOURCE_ROOT

Each article's file equals the one a single render writes, byte for byte;
--jobs 2 writes the same bytes and report as --jobs 1; a bad article fails
naming it and leaves OUTDIR as it was; off a terminal one summary line is
printed, none with --quiet.  Prints TAP.
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

JOPAN, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SAMPLES = [os.path.join(ROOT, "samples", n + ".json")
           for n in ("harbour", "seoul-market", "brief-bus", "rail-forest", "bathhouse")]
results = []


def jopan(*args):
    return subprocess.run([JOPAN, *args], capture_output=True, text=True, timeout=300)


def check(name, fn):
    try:
        fn()
        results.append((name, None))
    except AssertionError as e:
        results.append((name, str(e)))


def expect(p, code, what):
    assert p.returncode == code, f"{what}: exit {p.returncode}, expected {code}: {p.stderr!r}"


def tree(d):
    """The files in @d and their bytes."""
    return {n: open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))}


def same_as_single(tmp):
    out = os.path.join(tmp, "out") + "/"
    expect(jopan("render", *SAMPLES, "-o", out, "--jobs", "2"), 0, "batch")
    for src in SAMPLES:
        name = os.path.basename(src)[:-5] + ".pdf"
        single = os.path.join(tmp, name)
        expect(jopan("render", src, "-o", single), 0, "single")
        assert filecmp.cmp(single, out + name, shallow=False), f"{name} differs from a single render"
    assert sorted(os.listdir(out)) == sorted(os.path.basename(s)[:-5] + ".pdf" for s in SAMPLES), \
        f"OUTDIR holds {os.listdir(out)}"


def jobs_identical(tmp):
    out, report = os.path.join(tmp, "o"), os.path.join(tmp, "r.json")
    runs = []
    for jobs in ("1", "2", "4"):
        p = jopan("render", *SAMPLES, "-o", out + "/", "--jobs", jobs, "--report", report,
                  "--format", "png", "--dpi", "30")
        expect(p, 0, f"--jobs {jobs}")
        runs.append((tree(out), open(report, "rb").read(), p.stderr.splitlines()[:-1]))
        shutil.rmtree(out)
    assert runs[0] == runs[1] == runs[2], "--jobs 1, 2 and 4 wrote different bytes or findings"
    data = json.loads(runs[0][1])
    assert [a["article"] for a in data["articles"]] == SAMPLES, "report: articles out of order"
    assert data["findings"] == sum(a["findings"] for a in data["articles"]) > 0
    assert all("overset" in a["report"] for a in data["articles"]), "report: no overset"


def bad_article(tmp):
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    with open(os.path.join(out, "harbour.pdf"), "w") as f:
        f.write("the good file of an earlier run")
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write('{"headline": "x", "body": 3}')
    before = tree(out)
    p = jopan("render", SAMPLES[0], bad, *SAMPLES[1:], "-o", out + "/", "--jobs", "2")
    expect(p, 1, "a bad article")
    assert "bad.json" in p.stderr.splitlines()[-1], f"message does not name it: {p.stderr!r}"
    assert " articles in " not in p.stderr, f"a summary line for a failed run: {p.stderr!r}"
    assert tree(out) == before, f"OUTDIR changed: {os.listdir(out)}"


def usage_errors(tmp):
    other = os.path.join(tmp, "x")
    os.mkdir(other)
    shutil.copy(SAMPLES[0], other)
    p = jopan("render", SAMPLES[0], os.path.join(other, "harbour.json"), "-o", tmp + "/o/")
    expect(p, 2, "two articles of one name")
    assert "would both write" in p.stderr, p.stderr
    expect(jopan("render", *SAMPLES[:2]), 2, "no -o")
    expect(jopan("render", *SAMPLES[:2], "-o", tmp + "/o/", "--format", "doc"), 2, "--format doc")
    expect(jopan("render", SAMPLES[0], "-o", tmp + "/a.pdf", "--format", "png"), 2,
           "--format with a file")
    assert not os.path.exists(tmp + "/o"), "a failed run made OUTDIR"


def progress_lines(tmp):
    out = os.path.join(tmp, "out") + "/"
    p = jopan("render", *SAMPLES, "-o", out)
    expect(p, 0, "batch")
    summary = [l for l in p.stderr.splitlines() if " articles in " in l]
    assert len(summary) == 1 and summary[0].startswith("jopan: 5 articles in "), p.stderr
    assert p.stderr.endswith(" findings\n") and "\r" not in p.stderr, p.stderr
    p = jopan("render", *SAMPLES, "-o", out, "--quiet")
    expect(p, 0, "--quiet")
    assert " articles in " not in p.stderr, p.stderr


def stale_pages(tmp):
    """A run that writes fewer pages of an article than an earlier one
    leaves none of the earlier pages behind (nor another file)."""
    out = os.path.join(tmp, "out") + "/"
    two = SAMPLES[:3:2]
    expect(jopan("render", *two, "-o", out, "--format", "png", "--dpi", "20", "--quiet",
                 "--set", "page.size=120mm 160mm"), 0, "small pages")
    assert "harbour-3.png" in os.listdir(out), os.listdir(out)
    open(out + "notes.txt", "w").write("mine")
    open(out + "harbour-x.png", "w").write("mine too")
    expect(jopan("render", *two, "-o", out, "--format", "png", "--dpi", "20", "--quiet"), 0,
           "berliner pages")
    assert sorted(os.listdir(out)) == ["brief-bus.png", "harbour-x.png", "harbour.png", "notes.txt"], \
        sorted(os.listdir(out))


for name, fn in [("each file as a single render writes it", same_as_single),
                 ("an earlier run's extra pages are removed", stale_pages),
                 ("--jobs 1, 2, 4: the same bytes and report", jobs_identical),
                 ("a bad article fails by name and leaves OUTDIR", bad_article),
                 ("usage errors write nothing", usage_errors),
                 ("one summary line off a terminal, none with --quiet", progress_lines)]:
    with tempfile.TemporaryDirectory() as tmp:
        check(name, lambda: fn(tmp))

print(f"1..{len(results)}")
for i, (name, problem) in enumerate(results, 1):
    print(f"ok {i} - {name}" if problem is None else f"not ok {i} - {name}: {problem}")
sys.exit(1 if any(p for _, p in results) else 0)
