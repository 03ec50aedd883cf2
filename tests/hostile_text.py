#!/usr/bin/env python3
"""Text outside the body is protected: every word reaches the page or is
counted as overset, per element, in the report.

Usage: hostile_text.py JOPAN_BINARY SOURCE_ROOT

One case per class of text that used to be cut or pushed off the page with
exit 0 and no finding: headlines, kickers, decks and bylines too long for
the page; captions and credits too long for their photo's room (on a page
and in a slot); forced breaks (CR, CR LF, U+2028, U+2029) inside any field;
nested list markers; a folio's section and date.  For each, the words that
pdftotext does not find must be covered by the report's overset characters,
the report must name the element, and --strict must exit 3 when anything
was cut.  Prints "ok"/"not ok" lines, then "N passed, M failed".
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (shares the word round trip and the check runner)
from e2e import Fail, check, jopan, words, article_text, pdf_words  # noqa: E402

ROOT = e2e.ROOT
PHOTOS = os.path.join(ROOT, "samples", "photos")
FILLER = "harbour tide crane ferry quay pier lantern gull rope anchor".split()


def numbered(prefix, n):
    """n distinct words, so each missing one can be told apart."""
    return " ".join(f"{prefix}{i}{FILLER[i % len(FILLER)]}" for i in range(n))


def body(paragraphs=6):
    return "\n\n".join(f"Body paragraph {i} carries a few ordinary words to fill its column."
                       for i in range(paragraphs))


def photo(name, caption="", credit=""):
    return {"src": os.path.join(PHOTOS, name), "caption": caption, "credit": credit}


def render(tmp, name, article, *args):
    """Renders article to NAME.pdf with --report; returns (process, report)."""
    src = os.path.join(tmp, name + ".json")
    with open(src, "w", encoding="utf-8") as f:
        json.dump(article, f, ensure_ascii=False)
    pdf, report = os.path.join(tmp, name + ".pdf"), os.path.join(tmp, name + "-report.json")
    p = jopan("render", src, "-o", pdf, "--report", report, "--strict", *args)
    if p.returncode not in (0, 3):
        raise Fail(f"exit {p.returncode}: {p.stderr.strip()!r}")
    with open(report, encoding="utf-8") as f:
        return p, json.load(f), pdf


def expect_nothing_lost(tmp, name, article, *args, cut=(), extra=""):
    """Every word (of the article, and of extra) is on the page or counted;
    the elements in cut must be reported as overset, and --strict then
    exits 3."""
    p, report, pdf = render(tmp, name, article, *args)
    expected = words(article_text(article) + "\n" + extra)
    missing = expected - pdf_words(pdf, expected)
    missing_chars = sum(len(w) * n for w, n in missing.items())
    overset = report["overset"]
    elements = {e["element"] for e in overset.get("elements", [])}
    if missing_chars > overset["characters"]:
        raise Fail(f"{sum(missing.values())} words ({missing_chars} characters) missing, "
                   f"only {overset['characters']} characters reported overset; missing: "
                   + ", ".join(sorted(missing)[:12]))
    for element in cut:
        if element not in elements:
            raise Fail(f"{element} not reported as overset (report: {sorted(elements)})")
    if cut and p.returncode != 3:
        raise Fail(f"--strict exit {p.returncode} with overset {sorted(elements)}, expected 3")
    # A short story alone on a page leaves it partly empty: that finding
    # (underset) is the only one a story with nothing lost may have.
    others = [f for f in report["findings"] if f["kind"] != "underset"]
    if not cut and (missing or (p.returncode != 0 and others)):
        raise Fail(f"exit {p.returncode}, missing {sorted(missing)[:12]}, "
                   f"findings {report['findings'][:3]}")


def long_headline(tmp):
    # At a lead's size: a brief's small headline in two columns fits the page.
    expect_nothing_lost(tmp, "headline", {"headline": numbered("h", 200), "body": body(),
                                          "weight": "lead"},
                        cut=("headline",))


def long_header_parts(tmp):
    article = {"headline": "A short head", "kicker": numbered("k", 300),
               "subheadline": numbered("d", 3000), "byline": numbered("b", 200), "body": body()}
    expect_nothing_lost(tmp, "parts", article, cut=("deck",))


def long_byline_and_subhead(tmp):
    article = {"headline": "Bylines", "byline": numbered("b", 1500),
               "body": body(3) + "\n\n## " + numbered("s", 1500) + "\n\n" + body(3)}
    expect_nothing_lost(tmp, "byline", article)


def long_captions(tmp, *args):
    article = {"headline": "Captions", "body": body(30),
               "images": [photo("harbour-dawn.jpg", "lead " + numbered("c", 300), "Credit"),
                          photo("harbour-quay.jpg", "second " + numbered("s", 300),
                                numbered("r", 100))]}
    cut = ("images[1].caption",) if args else ()
    expect_nothing_lost(tmp, "captions", article, *args, cut=cut)


def caption_in_small_slot(tmp):
    article = {"headline": "A caption longer than its slot", "body": body(3), "weight": "lead",
               "images": [photo("harbour-dawn.jpg", numbered("c", 66), "Credit")]}
    expect_nothing_lost(tmp, "slot-caption", article, "--slot", "1:24",
                        cut=("images[0].caption",))


def forced_breaks(tmp):
    article = {"headline": "First half\rsecond half\r\nthird\u2028fourth\u2029fifth",
               "subheadline": "deck one\u2029deck two", "byline": "By One\rand Two",
               "images": [photo("harbour-dawn.jpg", "caption one\u2028caption two\rcaption three",
                                "credit\u2029name")],
               "body": "Body one\u2028body two\u2029body three and\rbody four.\n\nNext para\u0085graph."}
    expect_nothing_lost(tmp, "breaks", article)


def nested_lists(tmp):
    article = {"headline": "Lists", "body": "Intro.\n\n- outer item\n  - inner item\n"
                                            "    1. deepest item\n- last item\n"}
    p, report, pdf = render(tmp, "lists", article)
    text = e2e.run("pdftotext", "-raw", "-enc", "UTF-8", pdf, "-").stdout
    for marker, n in (("\u2022", 2), ("\u2013", 1), ("1.", 1)):
        if text.count(marker) < n:
            raise Fail(f"marker {marker!r} found {text.count(marker)} times, expected {n}")
    expect_nothing_lost(tmp, "lists", article)


def long_folio(tmp):
    article = {"headline": "Folio", "section": numbered("sec", 80), "date": numbered("dt", 40),
               "body": body()}
    expect_nothing_lost(tmp, "folio", article, cut=("section", "date"), extra=article["date"])


def main():
    with tempfile.TemporaryDirectory(prefix="jopan-hostile-") as tmp:
        for name, fn, *args in [
            ("headline longer than the page", long_headline),
            ("kicker, deck and byline longer than the page", long_header_parts),
            ("byline and subhead taller than a column", long_byline_and_subhead),
            ("captions and credits longer than their room, on a page", long_captions),
            ("captions and credits longer than their room, in a slot", long_captions,
             "--slot", "3:60"),
            ("a 66-word caption in a small slot", caption_in_small_slot),
            ("CR, CR LF, NEL, U+2028, U+2029 in every field", forced_breaks),
            ("nested list markers", nested_lists),
            ("folio section and date longer than the folio", long_folio),
        ]:
            check(name, fn, tempfile.mkdtemp(dir=tmp), *args)
    print(f"{e2e.passed} passed, {e2e.failed} failed")
    return 1 if e2e.failed else 0


if __name__ == "__main__":
    sys.exit(main())
