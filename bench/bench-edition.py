#!/usr/bin/env python3
"""bench-edition — `jopan edition` on the sample edition: pages a second and memory.

Usage: bench-edition.py JOPAN SOURCE_ROOT [PAGES]

samples/edition/edition.json (12 pages) is repeated until it has PAGES
pages (default 48; jumps moved with their copy, paths made absolute) and
rendered to PDF by the jopan tool at --jobs 1 and --jobs 2: pages a
second by the wall clock and by CPU time (on a shared machine the wall
clock says little), their ratio, and the peak RSS (wait4) at 12 and PAGES
pages, and at --jobs 2 once more with each repeat's articles, photos and
advertisements copied to files of their own (a real edition's photos are
all different; the plain repeat decodes each photo once for four pages),
and the editor's loop: page 3 written again into the whole run's folder
(an update) against the whole run.  Issue 9's targets: >= 60 pages/s on two cores, --jobs 2 >= 1.7 x
--jobs 1, RSS(48) <= 1.5 x RSS(12).  A benchmark, never a test.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

JOPAN, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
PAGES = int(sys.argv[3]) if len(sys.argv) > 3 else 48
SAMPLE = os.path.join(ROOT, "samples", "edition", "edition.json")


def absolute(entry, base):
    """An article or box entry with its src made absolute."""
    if isinstance(entry, str):
        return os.path.normpath(os.path.join(base, entry))
    entry = dict(entry)
    entry["src"] = os.path.normpath(os.path.join(base, entry["src"]))
    return entry


def repeated(pages):
    """The sample edition repeated to @pages pages, each copy's jumps moved with it."""
    edition = json.load(open(SAMPLE, encoding="utf-8"))
    base, one = os.path.dirname(SAMPLE), edition["pages"]
    out = []
    while len(out) < pages:
        shift = len(out)
        for page in one[: pages - len(out)]:
            page = dict(page)
            page["articles"] = [absolute(a, base) for a in page.get("articles", [])]
            page["boxes"] = [absolute(b, base) for b in page.get("boxes", [])]
            for a in page["articles"]:
                if isinstance(a, dict) and "jump" in a:
                    a["jump"] += shift
            out.append(page)
    # A jump past the last page of a cut copy: dropped (its story is then overset).
    for page in out:
        for a in page["articles"]:
            if isinstance(a, dict) and a.get("jump", 0) > len(out):
                del a["jump"]
    edition["pages"] = out
    return edition


def own_copy(path, where, copies):
    """@path copied into @where once (its copy's path): a file of the copy's own."""
    if path not in copies:
        os.makedirs(where, exist_ok=True)
        copies[path] = os.path.join(where, os.path.basename(path))
        shutil.copyfile(path, copies[path])
    return copies[path]


def distinct(edition, tmp):
    """@edition with every repeat's articles, photos and advertisements in
    files of its own, as in a real edition: no photo is the same file as
    another page's, so none is decoded or encoded once for several copies."""
    edition = json.loads(json.dumps(edition))
    one = len(json.load(open(SAMPLE, encoding="utf-8"))["pages"])
    copies = {}
    for n, page in enumerate(edition["pages"]):
        k = n // one
        if k == 0:
            continue
        where = os.path.join(tmp, f"copy-{k}")
        for entry in page["articles"] + page["boxes"]:
            src = entry if isinstance(entry, str) else entry["src"]
            if src.endswith(".json"):
                article = json.load(open(src, encoding="utf-8"))
                for image in article.get("images", []):
                    image["src"] = own_copy(os.path.normpath(os.path.join(os.path.dirname(src), image["src"])),
                                            where, copies)
                target = os.path.join(where, os.path.basename(src))
                os.makedirs(where, exist_ok=True)
                with open(target, "w", encoding="utf-8") as f:
                    json.dump(article, f, ensure_ascii=False)
            else:
                target = own_copy(src, where, copies)
            if isinstance(entry, str):
                page["articles"][page["articles"].index(entry)] = target
            else:
                entry["src"] = target
    return edition


def run(edition_path, out, jobs, *extra, keep=False):
    """Wall seconds, CPU seconds and peak RSS (KiB) of one `jopan edition` run
    (into a new folder unless @keep)."""
    if not keep:
        shutil.rmtree(out, ignore_errors=True)
    start = time.monotonic()
    child = subprocess.Popen([JOPAN, "edition", edition_path, "-o", out, "--jobs", str(jobs),
                              "--quiet", *extra], stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - start
    err = child.stderr.read().decode()
    child.stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        sys.exit(f"bench-edition: jopan edition failed: {err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for n in sorted({12, PAGES}):
            paths[n] = os.path.join(tmp, f"edition-{n}.json")
            with open(paths[n], "w", encoding="utf-8") as f:
                json.dump(repeated(n), f, ensure_ascii=False)
        paths["distinct"] = os.path.join(tmp, f"edition-{PAGES}-distinct.json")
        with open(paths["distinct"], "w", encoding="utf-8") as f:
            json.dump(distinct(repeated(PAGES), tmp), f, ensure_ascii=False)
        out = os.path.join(tmp, "out")
        print(f"jopan edition: samples/edition/edition.json repeated to {PAGES} pages, PDF")
        rates, rss = {}, {}
        for jobs in (1, 2):
            wall, cpu, peak = run(paths[PAGES], out, jobs)
            rates[jobs] = PAGES / wall
            rss[PAGES] = peak if jobs == 2 else rss.get(PAGES, 0)
            print(f"  --jobs {jobs}: {wall:.2f} s = {PAGES / wall:.1f} pages/s, "
                  f"{PAGES / cpu:.1f} pages a CPU second, peak RSS {peak} KiB")
        print(f"  --jobs 2 / --jobs 1: {rates[2] / rates[1]:.2f} x   (targets: >= 1.7 x; "
              f">= 60 pages/s on two cores)")
        wall, cpu, peak = run(paths["distinct"], out, 2)
        print(f"  --jobs 2, each copy's photos and adverts files of its own (none decoded once for "
              f"several pages, as in a real edition): {wall:.2f} s = {PAGES / wall:.1f} pages/s, "
              f"{PAGES / cpu:.1f} pages a CPU second, peak RSS {peak} KiB")
        # The editor's loop: one page fixed and written again into the
        # whole run's folder (an update: the other pages kept, edition.pdf,
        # contact.png and report.json joined again).
        whole, _, _ = run(paths[PAGES], out, 2)
        update, _, _ = run(paths[PAGES], out, 2, "--pages", "3", keep=True)
        print(f"  one page written again into the {PAGES}-page folder (--pages 3): {update:.2f} s, "
              f"the whole run {whole:.2f} s: {whole / update:.1f} x faster")
        _, _, rss[12] = run(paths[12], out, 2)
        print(f"  peak RSS at --jobs 2: 12 pages {rss[12]} KiB, {PAGES} pages {rss[PAGES]} KiB: "
              f"{rss[PAGES] / rss[12]:.2f} x   (target <= 1.5 x)")
        print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


main()
