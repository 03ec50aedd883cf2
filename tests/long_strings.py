#!/usr/bin/env python3
"""End-to-end check that long strings stay in their columns.

Usage: long_strings.py JOPAN_BINARY SOURCE_ROOT

Renders articles whose body and caption hold a long URL, a 300-character
hash, a run of numbers (1 2 3 ... 399), a German compound and a long Korean
word (keep-all) to PDF, reads every word's box back with `pdftotext -bbox`,
and checks that no word crosses the right edge of the column it starts in
(the columns from styles/berliner.ini), that the hash comes back in pieces
of several characters (not letter-spaced), and that every number is there.
Prints "ok - NAME" / "not ok - NAME: reason" lines; exits 1 on a failure.
"""
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import tempfile

JOPAN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
MM = 72 / 25.4
PAGE_WIDTH = 315 * MM  # berliner

URL = ("https://example.org/archive/2026/11/25/kinmarrow-votes-to-put-its-fierce-tide-to-work_"
       "tidal-energy-consultation-responses.html?utm_source=newsletter&utm_medium=email")
HASH = "".join(hashlib.sha256(str(i).encode()).hexdigest().upper() for i in range(5))[:300]
COMPOUND = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstaltsformular"
KOREAN = "가나다라마바사아자차카타파하" * 4
NUMBERS = " ".join(str(i) for i in range(1, 400))


def columns():
    """The [left, right] of each body column, from berliner.ini."""
    ini = open(os.path.join(ROOT, "styles", "berliner.ini"), encoding="utf-8").read()
    page = ini.split("[page]")[1].split("[")[0]
    value = lambda key: re.search(r"^%s\s*=\s*(.+)$" % key, page, re.M).group(1).split()
    mm = lambda text: float(text.rstrip("m")) * MM
    margins = [mm(m) for m in value("margins")]
    n, gutter = int(value("columns")[0]), mm(value("gutter")[0])
    width = (PAGE_WIDTH - margins[1] - margins[3] - (n - 1) * gutter) / n
    return [(margins[3] + c * (width + gutter), margins[3] + c * (width + gutter) + width)
            for c in range(n)]


def words(pdf):
    """(text, xMin, xMax) of every word pdftotext finds."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True,
                         check=True).stdout
    found = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">'
                         r"([^<]*)</word>", out):
        found.append((html.unescape(m.group(3)), float(m.group(1)), float(m.group(2))))
    return found


def render(tmp, name, article, *args):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(article, f, ensure_ascii=False)
    pdf = os.path.join(tmp, name + ".pdf")
    subprocess.run([JOPAN, "render", path, "-o", pdf, *args], check=True,
                   capture_output=True)
    return words(pdf)


def check_columns(found, cols):
    """No piece of a long string crosses the right edge of the column it
    starts in (the headline, over several columns, is not one)."""
    strings = (URL, HASH, COMPOUND, KOREAN, NUMBERS)
    for text, x0, x1 in found:
        if not any(text.rstrip(".,-") in s for s in strings):
            continue
        for left, right in cols:
            if left - 1 <= x0 < right and x1 > right + 0.5:
                raise AssertionError("%r runs from %.1f to %.1f past its column's edge at %.1f"
                                     % (text, x0, x1, right))


def main():
    cols = columns()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        photo = os.path.join(ROOT, "samples", "photos", "harbour-dawn.jpg")
        latin = {"id": "strings", "lang": "en", "headline": "Long strings",
                 "images": [{"src": photo, "columns": 1,
                             "caption": "The plan is at %s for all to read." % URL}],
                 "body": "The register lists %s as its checksum.\n\nDetails: %s and more.\n\n"
                         "Counted: %s.\n\nThe form, %s, was late." % (HASH, URL, NUMBERS, COMPOUND)}
        korean = {"id": "korean", "lang": "ko", "headline": "긴 낱말",
                  "images": [{"src": photo, "columns": 1,
                              "caption": "시장 상인회는 오늘 %s 문제를 논의했다." % KOREAN}],
                  "body": "시장 상인회는 %s 문제를 오늘 논의했다." % KOREAN}
        cases = [
            ("latin-total-fit", latin, ()),
            ("latin-first-fit", latin, ("--set", "body.line-breaking=greedy")),
            ("korean-keep-all", korean, ("--set", "body.korean-break=keep-all")),
        ]
        for name, article, args in cases:
            try:
                found = render(tmp, name, article, *args)
                check_columns(found, cols)
                if article is latin:
                    hex_words = [t for t, _, _ in found if re.fullmatch(r"[0-9A-F]+\.?", t)]
                    pieces = sum(len(t.rstrip(".")) for t in hex_words if len(t) >= 8)
                    assert pieces >= 290, "the hash is letter-spaced: %r" % hex_words[:12]
                    numbers = {t.rstrip(".") for t, _, _ in found}
                    missing = [n for n in NUMBERS.split() if n not in numbers]
                    assert not missing, "numbers lost: %s" % missing[:10]
                print("ok - %s" % name)
            except Exception as e:  # noqa: BLE001 — every failure is reported
                failed += 1
                print("not ok - %s: %s" % (name, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
