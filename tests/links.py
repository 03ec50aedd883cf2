#!/usr/bin/env python3
"""Links in the text are live links in a screen PDF (issue 10, item 5),
checked with outside tools.

Usage: links.py JOPAN_BINARY SOURCE_ROOT

- an article with a CommonMark link, an autolink, a bare https:// URL
  broken across lines and a bare www. address: the PDF's link annotations
  (qpdf --json) carry their URIs, and each annotation's rectangle lies over
  its text where pdftotext -bbox finds it, not over the words around it;
- with bleed and marks too (the trim box off the media's corner);
- the link text is printed (nothing is lost), and the output is the same
  bytes twice;
- PDF/X-1a and PDF/X-4 files have no annotations: ISO 15930 allows none
  inside the bleed box but printer's marks, and the links lie in the text;
- the text dump has a "link" line under a line with a link.

Prints "ok - NAME" / "not ok - NAME: reason" per check.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from tap import report, summary

JOPAN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])

BODY = ("Read the [council's report](https://example.org/report?id=7&x='y') before the vote. "
        "The full text is at <https://example.com/tidal-energy/full-text-of-the-consent> and the "
        "map at https://maps.example.net/harbour_(east). 자세한 내용은 www.kinmarrow.example에서 "
        "볼 수 있다.\n\nA second paragraph without any address at all.")
# Each link's URI and the words of its text as printed (no trailing punctuation).
LINKS = {
    "https://example.org/report?id=7&x='y'": "council’s report",
    "https://example.com/tidal-energy/full-text-of-the-consent":
        "https://example.com/tidal-energy/full-text-of-the-consent",
    "https://maps.example.net/harbour_(east)": "https://maps.example.net/harbour_(east)",
    "http://www.kinmarrow.example": "www.kinmarrow.example",
}


def render(article, out, *args):
    p = subprocess.run([JOPAN, "render", article, "-o", out, *args], capture_output=True,
                       text=True, errors="replace", timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"jopan render {' '.join(args)}: exit {p.returncode}: {p.stderr[-400:]}")
    return out


def annotations(pdf):
    """[(subtype, uri, (x0, y0, x1, y1)), …] of every page's /Annots."""
    p = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", pdf], capture_output=True, text=True)
    objects = json.loads(p.stdout)["qpdf"][1]

    def get(ref):
        o = objects["obj:" + ref] if isinstance(ref, str) else None
        return ref if o is None else o.get("value", o.get("stream", {}).get("dict"))

    found = []
    for o in objects.values():
        page = o.get("value")
        if not isinstance(page, dict) or page.get("/Type") != "/Page":
            continue
        annots = get(page.get("/Annots", []))
        for ref in annots:
            a = get(ref)
            action = get(a.get("/A", {}))
            uri = action.get("/URI", "")
            found.append((a.get("/Subtype"), uri[2:] if uri.startswith("u:") else uri,
                          tuple(float(v) for v in a.get("/Rect", []))))
    return found


def words(pdf):
    """[(word, x0, y0, x1, y1)] of page 1 in points from the top, and its height."""
    html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    out = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                         r'([^<]*)</word>', html):
        out.append((m.group(5).replace("&amp;", "&").replace("&apos;", "'"),
                    *(float(v) for v in m.groups()[:4])))
    return out, height


def covered(rects, word, height):
    """Whether the centre of @word lies in one of the (PDF, y up) rectangles."""
    cx, cy = (word[1] + word[3]) / 2, height - (word[2] + word[4]) / 2
    return any(r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for r in rects)


def check_screen(d, article):
    problems = []
    # With bleed and marks the trim box moves off the media's corner.
    for args in ([], ["--set", "page.bleed=3mm", "--set", "page.marks=crop,registration"]):
        pdf = render(article, os.path.join(d, "links.pdf"), *args)
        problems += [f"{' '.join(args)}: {p}" if args else p for p in check_links(pdf)]
    report("link annotations: URIs, and rectangles over their text (qpdf, pdftotext -bbox)",
           problems)
    once, again = (open(render(article, os.path.join(d, f"run{i}.pdf")), "rb").read() for i in (1, 2))
    report("a PDF with links is the same bytes twice", [] if once == again else ["the two files differ"])


def check_links(pdf):
    found = annotations(pdf)
    problems = []
    uris = sorted({uri for kind, uri, _ in found})
    if any(kind != "/Link" for kind, _, _ in found) or uris != sorted(LINKS):
        problems.append(f"annotations {sorted(set(found))}, expected links to {sorted(LINKS)}")
    page_words, height = words(pdf)
    text = " ".join(w[0] for w in page_words)
    for uri, shown in LINKS.items():
        rects = [r for _, u, r in found if u == uri]
        over = "".join(w[0] for w in page_words if covered(rects, w, height))
        # The words under the link, less the sentence's punctuation and the
        # Korean particle that share the last word, are its text.
        over = re.sub(r"[.,]$|에서$", "", over)
        if over != shown.replace(" ", ""):
            problems.append(f"{uri}: its rectangles {rects} cover {over!r}, expected {shown!r}")
        if shown.split()[0].split("/")[0] not in text:
            problems.append(f"{shown!r} is not printed")
    if len([r for _, u, r in found if "tidal-energy" in u]) < 2:
        problems.append("the long URL is not marked on each line it covers")
    return problems


def check_pdfx(d, article):
    problems = []
    for flavour, args in (("PDF/X-1a", ["--pdfx"]), ("PDF/X-4", ["--set", "print.output=pdfx-4"])):
        pdf = render(article, os.path.join(d, "x.pdf"), *args)
        if annotations(pdf):
            problems.append(f"{flavour}: annotations {annotations(pdf)}")
        check = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
        if check.returncode != 0:
            problems.append(f"{flavour}: qpdf --check: {check.stdout[-300:]}")
    report("PDF/X-1a and PDF/X-4 files have no link annotations", problems)


def check_dump(d, article):
    dump = open(render(article, os.path.join(d, "links.txt"))).read()
    lines = [line for line in dump.splitlines() if line.startswith("  link ")]
    problems = [] if {line.split("uri=")[1] for line in lines} == set(LINKS) else [
        f"link lines {lines}"]
    report("the text dump has a link line for each line a link covers", problems)


def main():
    with tempfile.TemporaryDirectory() as d:
        article = os.path.join(d, "links.json")
        with open(article, "w") as f:
            json.dump({"id": "links", "lang": "en", "headline": "Tide scheme approved",
                       "byline": "By A. Writer", "body": BODY}, f)
        for check in (check_screen, check_pdfx, check_dump):
            try:
                check(d, article)
            except Exception as e:  # one broken check must not hide the others
                report(check.__name__, [f"{type(e).__name__}: {e}"])
    sys.exit(summary())


if __name__ == "__main__":
    main()
