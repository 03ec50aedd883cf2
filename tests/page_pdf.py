#!/usr/bin/env python3
"""Composed pages, measured from the PDF (poppler) and the JSON report.

Usage: page_pdf.py JOPAN_BINARY SOURCE_ROOT

The page rules, each a function over what poppler reads back
(`pdftotext -bbox-layout`, `pdfinfo`, `pdftoppm`) and the report's
per-story modules:

- no two modules (stories, fixed boxes) overlap;
- no text lies outside its story's module (the page's folio aside);
- every story's words come back from its module, or its overset is reported;
- every column of a story starts at one top line, unless a photo sits above;
- less than 5 % of the type area is empty (ink measured up from each
  column's foot);
- every stretch of a column an inch deep with no ink, down to the next
  module or the foot, is a hole the report lists and a finding names, and
  every hole listed is there.

Each rule also runs on a case broken on purpose (a doctored report module,
a crafted word list, an article with words the page lacks, a page left
mostly empty) and must fail there: a check that cannot fail proves nothing.

The report's story entries are read from
  "stories": [{"src": ..., "page": N, "module": {"x", "y", "width", "height", …},
               "overset": {"lines", "characters"}}, ...]
(points, from the trim box's top left, as the photos' frames), and fixed
boxes from "page_details"[i]["boxes"].  The rules also run on one-story
pages (`jopan render`), whose module is the type area.

Prints "ok - NAME" / "not ok - NAME: reason" per check and "N passed, M failed".
"""
import collections
import configparser
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
EPS = 1.0  # points: poppler's boxes are the glyphs' font boxes, a little loose
NO_COMPOSE = "page composition is not in this build yet"
results = collections.Counter()


# Rules a page still breaks, for the helper who owns them (issue 8):
# reported with TODO, not counted.
TODO = set()


def report(name, problem):
    if problem and name in TODO:
        results["todo"] += 1
        print(f"not ok - {name}: {problem} # TODO issue 8")
        return
    results["failed" if problem else "passed"] += 1
    print(f"not ok - {name}: {problem}" if problem else f"ok - {name}")
    sys.stdout.flush()


def expect_failure(name, problem):
    """A case broken on purpose: the rule must catch it."""
    report(name + " (broken on purpose: caught)", None if problem else "the check passed")


# ---- reading the PDF ------------------------------------------------------------


def length(text):
    m = re.match(r"\s*([-\d.]+)\s*(mm|pt|cm|in|pc)?", text)
    return float(m.group(1)) * {"mm": MM, "pt": 1, "cm": 10 * MM, "in": 72, "pc": 12}[m.group(2) or "pt"]


def geometry(style):
    """The type area (x0, y0, x1, y1) and its columns, in trim points."""
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.read(os.path.join(ROOT, "styles", style + ".ini"))
    p = cp["page"]
    sizes = {"berliner": (315, 470), "a4": (210, 297), "tabloid": (280, 430)}
    w, h = (v * MM for v in sizes[p.get("size", "berliner")])
    top, right, bottom, left = [length(x) for x in p.get("margins").split()]
    cols, gutter = int(p.get("columns")), length(p.get("gutter"))
    colw = (w - left - right - (cols - 1) * gutter) / cols
    columns = [(left + i * (colw + gutter), left + i * (colw + gutter) + colw) for i in range(cols)]
    return (left, top, w - right, h - bottom), columns


def baseline(style):
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.read(os.path.join(ROOT, "styles", style + ".ini"))
    return length(cp["page"].get("baseline"))


def words(pdf, page, pad=0.0):
    """The words of one page: (x0, y0, x1, y1, text), in trim points.
    Poppler's box of a word is its font's: from the descender to the
    ascender plus the face's own air, which rises well above the capitals
    (a 38 pt headline's box starts some 8 pt above its ink).  The top is
    taken a quarter of the box lower, about at the capitals."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out)
    boxes = [(float(a) - pad, float(b) - pad, float(c) - pad, float(d) - pad, html.unescape(t))
             for a, b, c, d, t in found]
    return [(x0, y0 + (y1 - y0) / 4, x1, y1, t) for x0, y0, x1, y1, t in boxes]


def n_pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def raster(pdf, page, dpi):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page),
                        "-singlefile", pdf, d + "/p"], check=True)
        data = open(d + "/p.pgm", "rb").read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    return int(m.group(1)), int(m.group(2)), data[m.end():]


# ---- the rules ---------------------------------------------------------------------


def rect(d):
    return (d["x"], d["y"], d["x"] + d["width"], d["y"] + d["height"])


def inside(r, outer, eps=EPS):
    return (r[0] >= outer[0] - eps and r[1] >= outer[1] - eps and r[2] <= outer[2] + eps
            and r[3] <= outer[3] + eps)


def overlaps(rects):
    """Pairs of modules that share more than a hairline."""
    problems = []
    for i in range(len(rects)):
        for j in range(i + 1, len(rects)):
            (na, a), (nb, b) = rects[i], rects[j]
            w = min(a[2], b[2]) - max(a[0], b[0])
            h = min(a[3], b[3]) - max(a[1], b[1])
            if w > EPS and h > EPS:
                problems.append(f"{na} and {nb} overlap by {w:.1f} x {h:.1f} pt")
    return "; ".join(problems) or None


def text_outside(page_words, modules, boxes, folio_bottom):
    """Words whose centre is in no module, or that stick out of the one
    their centre is in.  The folio (above the first module) is the page's."""
    problems = []
    for w in page_words:
        cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
        if cy < folio_bottom:
            continue
        home = [(n, r) for n, r in modules + boxes if inside((cx, cy, cx, cy), r, 0)]
        if not home:
            problems.append(f"{w[4]!r} at ({w[0]:.0f}, {w[1]:.0f}) is in no module")
        elif not inside(w[:4], home[0][1]):
            problems.append(f"{w[4]!r} at ({w[0]:.0f}, {w[1]:.0f}) sticks out of {home[0][0]}")
    return "; ".join(problems[:5]) or None


def letters(text):
    """The multiset of letters and digits, in either case (a style may set
    capitals): hyphens, spaces, markup and line breaks inside words (Korean)
    do not matter."""
    return collections.Counter(c for c in text.casefold() if c.isalnum())


def article_text(article):
    body = re.sub(r"\]\([^)]*\)", "]", article.get("body", ""))  # a link's target is not shown
    parts = [article.get(k, "") for k in ("kicker", "headline", "subheadline", "byline", "dateline")]
    for image in article.get("images", []):
        parts += [image.get("caption", ""), image.get("credit", "")]
    return " ".join(parts + [body])


def words_back(article, module_words, overset_chars):
    """The article's letters that are not on the page: none, or no more
    than the overset the report gives (and 0.2 % for ligatures and marks)."""
    want = letters(article_text(article))
    have = letters(" ".join(w[4] for w in module_words))
    missing = sum((want - have).values())
    allowed = overset_chars + 0.002 * sum(want.values())
    if missing > allowed:
        return f"{missing} of {sum(want.values())} letters missing, overset {overset_chars}"
    return None


def cut_words(article, module_words, columns, findings):
    """The overset finding's "cut about N words" against the words of
    the body's tail that are not on the page: within a quarter, or 10
    words."""
    said = [int(m.group(1)) for f in findings
            for m in [re.search(r"did not fit the slot; cut about (\d+) words", f["message"])] if m]
    if not said:
        return "no overset finding gives the words to cut"
    key = lambda w: "".join(c for c in w.casefold() if c.isalnum())
    col = lambda w: next((i for i, (a, b) in enumerate(columns) if w[0] < b), len(columns))
    ordered = sorted(module_words, key=lambda w: (col(w), round(w[3]), w[0]))
    page = [k for k in (key(w[4]) for w in ordered) if k]
    body = [key(w) for w in re.sub(r"\]\([^)]*\)", "]", article.get("body", "")).split()]
    body = [w for w in body if w]
    # The body read along the page's words in order (a word broken at a
    # line's end matches nothing and is passed over): where three body
    # words in a row last follow each other on the page, it stops.
    j, tail = 0, -1
    for i in range(len(body) - 2):
        k = next((k for k in range(j, min(j + 40, len(page) - 2)) if page[k:k + 3] == body[i:i + 3]),
                 None)
        if k is not None:
            j, tail = k + 1, i + 2
    actual = len(body) - 1 - tail
    if abs(said[0] - actual) > max(10, actual / 4):
        return f"the finding says cut about {said[0]} words, {actual} are not on the page"
    return None


def column_tops(module_words, columns, photos, pitch):
    """The first words of each grid column of a story, under its headline
    and deck (large lines that cross a gutter), start on one grid line: no
    column's first word more than half a line from another's, except in a
    column under a photo."""
    heights = collections.Counter(round(w[3] - w[1], 1) for w in module_words)
    if not heights:
        return None
    body = heights.most_common(1)[0][0]
    head = -1e9
    rows = collections.defaultdict(list)
    for w in module_words:
        if w[3] - w[1] > 1.5 * body:
            rows[round(w[3])].append(w)
    for bottom, row in rows.items():
        x0, x1 = min(w[0] for w in row), max(w[2] for w in row)
        if any(x0 < b < x1 for _, b in columns[:-1]):
            head = max(head, bottom)
    tops = {}
    for w in module_words:
        for i, (a, b) in enumerate(columns):
            if w[1] >= head and w[0] >= a - EPS and w[2] <= b + EPS:
                tops[i] = min(tops.get(i, w[1]), w[1])
    free = {i: t for i, t in tops.items()
            if not any(p[0] < columns[i][1] and p[2] > columns[i][0] and p[3] <= t + EPS
                       for p in photos)}
    if free and max(free.values()) - min(free.values()) > pitch / 2:
        return "columns start at " + ", ".join(f"{i + 1}: {t:.1f}" for i, t in sorted(free.items()))
    return None


def empty_share(pdf, page, area, columns, dpi=36):
    """The share of the type area left blank at the columns' feet."""
    w, h, px = raster(pdf, page, dpi)
    s = dpi / 72
    empty = 0.0
    for a, b in columns:
        xa, xb = int(a * s) + 1, int(b * s) - 1
        lowest = area[1]
        for y in range(min(int(area[3] * s), h - 1), int(area[1] * s), -1):
            if min(px[y * w + xa: y * w + xb]) < 200:
                lowest = y / s
                break
        empty += max(0.0, area[3] - lowest)
    return empty / (len(columns) * (area[3] - area[1]))


def ink_runs(pdf, page, top, bottom, columns, solid, least, dpi=36):
    """Per column, the stretches [(top, depth)] in points, @least deep or
    more, between @top and @bottom with no ink across the column's width;
    photos and boxes (@solid rects: a white sky or an ad's white ground is
    no hole) count as ink."""
    w, h, px = raster(pdf, page, dpi)
    s = dpi / 72
    out = []
    for a, b in columns:
        xa, xb = int(a * s) + 1, int(b * s) - 1
        over = [r for r in solid if r[0] < b and a < r[2]]
        runs, run = [], None
        for y in range(int(top * s), min(int(bottom * s), h - 1) + 1):
            yp = y / s
            empty = y < int(bottom * s) and min(px[y * w + xa: y * w + xb]) >= 200 \
                and not any(r[1] <= yp <= r[3] for r in over)
            if empty and run is None:
                run = yp
            elif not empty and run is not None:
                if yp - run >= least:
                    runs.append((run, yp - run))
                run = None
        out.append(runs)
    return out


def holes_reported(pdf, page, rep, details, area, columns, pitch, inch=72.0):
    """Every stretch of a column an inch or more deep with nothing in it,
    down to the next module, box or photo or the type area's foot
    (measured in the raster: a short headline's white beside it is none),
    is in the report's composition "holes" and named by an underset
    finding; and every hole reported is seen there."""
    comp = [c for c in rep.get("composition", []) if c.get("page", 1) == details["number"]]
    if not comp:
        return "no composition for the page in the report"
    said = comp[0].get("holes", [])
    modules = [rect(s["module"]) for s in rep.get("stories", []) if s.get("page", 1) == page]
    solid = [rect(q) for q in details.get("photos", []) + details.get("boxes", [])]
    top = min((m[1] for m in modules + solid), default=area[1])
    floors = [m[1] for m in modules + solid] + [area[3]]
    problems = []
    runs = ink_runs(pdf, page, top, area[3], columns, solid, inch - 2 * pitch)
    for i, col_runs in enumerate(runs):
        mine = [h for h in said if h["column"] == i + 1]
        for y, depth in col_runs:
            floor = any(abs(y + depth - f) <= 2 * pitch for f in floors)
            # White beside a short headline at a story's top is no hole.
            head = any(abs(y - m[1]) <= 2 * pitch and m[0] < columns[i][1] and columns[i][0] < m[2]
                       for m in modules)
            seen = any(h["y"] < y + depth and y < h["y"] + h["height"]
                       and h["depth"] >= depth - 2 * pitch for h in mine)
            if floor and not head and depth >= inch + 2 * pitch and not seen:
                problems.append(f"column {i + 1}: {depth:.0f} pt empty from y {y:.0f}, not reported")
        for h in mine:
            if not any(y < h["y"] + h["height"] and h["y"] < y + depth
                       and depth >= h["depth"] - 2 * pitch for y, depth in col_runs):
                problems.append(f"column {i + 1}: a hole of {h['depth']:.0f} pt from y "
                                f"{h['y']:.0f} reported, not seen")
    found = " ".join(f["message"] for f in rep.get("findings", []) if f.get("kind") == "underset")
    for col in sorted({h["column"] for h in said}):
        if f"column {col}," not in found:
            problems.append(f"no underset finding names column {col}")
    return "; ".join(problems) or None


def bands_reported(pdf, page, rep, details, columns, pitch, least=3):
    """White across a story: under the text of a story two columns wide
    or more, the depth no column of its module has ink in (photos and
    boxes count as ink), measured in the raster.  @least lines or more
    of it, past the line of air above a story below and a line's slack
    (the hairline or box edge at the module's foot is not looked at),
    is in the report's composition "bands", and a band reported is blank
    in every column and as deep as it says; an underset finding names the
    story unless the holes finding names every column under it."""
    comp = [c for c in rep.get("composition", []) if c.get("page", 1) == details["number"]]
    if not comp:
        return "no composition for the page in the report"
    said = {b["src"]: b for b in comp[0].get("bands", [])}
    holes = comp[0].get("holes", [])
    w, h, px = raster(pdf, page, 72)
    solid = [rect(q) for q in details.get("photos", []) + details.get("boxes", [])]
    found = " ".join(f["message"] for f in rep.get("findings", [])
                     if f.get("kind") == "underset" and "white across" in f["message"])
    problems = []

    def blank(x0, x1, y):
        return min(px[y * w + int(x0) + 1: y * w + int(x1) - 1]) >= 200 \
            and not any(r[0] < x1 and x0 < r[2] and r[1] <= y <= r[3] for r in solid)

    for s in rep.get("stories", []):
        if s.get("page", 1) != page or s["module"]["columns"] < 2:
            continue
        m = rect(s["module"])
        cols = [(a, b) for a, b in columns if a >= m[0] - EPS and b <= m[2] + EPS]
        depths = []
        for a, b in cols:
            # From above the hairline or box edge at the module's foot.
            y = int(m[3] - pitch)
            while y > m[1] and blank(a, b, y):
                y -= 1
            depths.append(m[3] - y)
        across = min(depths, default=0)
        band = said.pop(s["src"], None)
        if band is None:
            if across >= (least + 2) * pitch:
                problems.append(f"{s['src']}: {across:.0f} pt blank under its text in every column, "
                                f"no band reported")
            continue
        if band["lines"] < least or across < (band["lines"] - 1) * pitch:
            problems.append(f"{s['src']}: a band of {band['lines']} lines reported, "
                            f"{across:.0f} pt blank seen")
        under = {c["column"] for c in holes if abs(c["y"] - (m[3] - across)) <= 3 * pitch}
        named = all(any(a >= columns[c - 1][0] - EPS and b <= columns[c - 1][1] + EPS
                        for c in under) for a, b in cols)
        if not named and s["src"] not in found:
            problems.append(f"{s['src']}: no underset finding names its band")
    for src in said:
        problems.append(f"{src}: a band reported for no story of the page")
    return "; ".join(problems) or None


# ---- the pages -------------------------------------------------------------------


def front_block(module_words, columns, photos, module, pitch):
    """A lead on its front page shows its photo and a good block of body:
    at least a third of its module's depth, or 10 lines, a column.  Body
    lines are the words of the module's most common height, counted by
    column and baseline."""
    if not any(inside(q, module) for q in photos):
        return "the lead's photo is not on its front page"
    heights = collections.Counter(round(w[3] - w[1]) for w in module_words)
    if not heights:
        return "no words"
    body = heights.most_common(1)[0][0]
    lines = {(i, round(w[3])) for w in module_words if abs(round(w[3] - w[1]) - body) <= 1
             for i, (a, b) in enumerate(columns) if w[0] >= a - EPS and w[2] <= b + EPS}
    want = min(10, (module[3] - module[1]) / pitch / 3)
    have = len(lines) / max(1, len(columns))
    return None if have >= want - 1e-6 else f"{have:.1f} body lines a column, want {want:.1f}"


def continuation(page_words, columns, lead):
    """A jumped story continues across every column of its continuation
    page, and is overset only if it needs more than that page."""
    empty = [i + 1 for i, (a, b) in enumerate(columns)
             if not any(w[0] >= a - EPS and w[2] <= b + EPS for w in page_words)]
    if empty:
        return f"no text in columns {empty} of the continuation page"
    lines = lead.get("overset", {}).get("lines", 0)
    return f"{lines} lines overset" if lines else None


def briefs_overset(rep):
    """A brief is never overset on a page with room (the sample fronts have
    it: their rails hold secondaries that can give up lines)."""
    over = [f"{s['src']}: {s['overset']['lines']} lines" for s in rep.get("stories", [])
            if s.get("weight") == "brief" and s.get("overset", {}).get("lines", 0) > 0]
    return ", ".join(over) or None


def closed_modules(rep, pitch):
    """Every story's module closes at its depth: no more than 3 empty
    lines a column inside it (a short story leaves the page's foot free,
    not a hole under its text; up to 3 is the feet's balance, which keeps
    and subheads can leave 2 or 3 lines apart), and no brief set wider
    than 2 columns."""
    problems = []
    for s in rep.get("stories", []):
        m = s["module"]
        empty = s.get("underset", {}).get("lines", 0) / max(1, m["columns"])
        if empty > 3:
            problems.append(f"{s['src']}: {empty:.0f} empty lines a column inside its module")
        if s.get("weight") == "brief" and m["columns"] > 2 and not m.get("fixed"):
            problems.append(f"{s['src']}: a brief across {m['columns']} columns")
    return "; ".join(problems) or None


def short_pages(tmp):
    """A page with too little copy (en-page4: two short stories): the
    modules close at their stories' depth, the brief in 1 or 2 columns."""
    path = os.path.join(ROOT, "samples", "pages", "en-page4.json")
    pdf, rep_path = os.path.join(tmp, "p4.pdf"), os.path.join(tmp, "p4.report.json")
    p = jopan(["page", path, "-o", pdf, "--report", rep_path])
    if p.returncode != 0:
        report("en-page4.json: jopan page", f"exit {p.returncode}: {p.stderr.strip()}")
        return
    rep = json.load(open(rep_path))
    report("en-page4.json: modules close at their depth, briefs in 1-2 columns",
           closed_modules(rep, baseline("berliner")))
    # Broken on purpose: the page as the solver set it before (a hole of
    # 134 lines in the first module, the brief across 5 columns).
    doctored = {"stories": [
        {"src": "rovers", "weight": "secondary", "module": {"columns": 5}, "underset": {"lines": 134}},
        {"src": "roadworks", "weight": "brief", "module": {"columns": 5}, "underset": {"lines": 0}}]}
    broken = closed_modules(doctored, 11)
    expect_failure("a hole inside a module", broken and "empty lines" in broken and broken)
    expect_failure("a brief across 5 columns", broken and "a brief across" in broken and broken)


def body_lines(module_words, columns):
    """The body lines in a story's module: words of its most common
    height, counted by column and baseline."""
    heights = collections.Counter(round(w[3] - w[1]) for w in module_words)
    if not heights:
        return 0
    body = heights.most_common(1)[0][0]
    return len({(i, round(w[3])) for w in module_words if abs(round(w[3] - w[1]) - body) <= 1
                for i, (a, b) in enumerate(columns) if w[0] >= a - EPS and w[2] <= b + EPS})


def starved(rep, pdf, columns, want=18):
    """A secondary story that does not fit shows a few inches of body
    (18 lines) at least, else the solver leaves it off and reports it: no
    headline over nothing."""
    pw = words(pdf, 1)
    problems = []
    for s in rep.get("stories", []):
        if s.get("weight") != "secondary" or s.get("overset", {}).get("lines", 0) == 0:
            continue
        module = rect(s["module"])
        cols = [(a, b) for a, b in columns if a >= module[0] - EPS and b <= module[2] + EPS]
        have = body_lines([w for w in pw if inside(w[:4], module)], cols)
        if have < want:
            problems.append(f"{s['src']}: {have} body lines, overset {s['overset']['lines']}")
    return "; ".join(problems) or None


def overfull_finding(rep):
    """A page with more copy than it holds says so once, naming every
    story that is overset (a desk then moves or jumps one)."""
    over = [s["src"] for s in rep.get("stories", []) if s.get("overset", {}).get("lines", 0) > 0]
    if not over:
        return None
    found = [f["message"] for f in rep.get("findings", []) if "more than fit" in f.get("message", "")]
    if not found:
        return f"no page finding for the overset stories {over}"
    missing = [src for src in over if src not in found[0]]
    return f"the page finding does not name {missing}" if missing else None


def jopan(args, cwd=None):
    env = dict(os.environ, JOPAN_DATA_DIR=ROOT)
    return subprocess.run([JOPAN] + args, capture_output=True, text=True, env=env, cwd=cwd)


def stories_of(rep):
    """[(name, page, module rect, overset characters, src)] from a report."""
    out = []
    for i, s in enumerate(rep.get("stories", [])):
        for m in s.get("modules", [dict(s["module"], page=s.get("page", 1))]):
            out.append((f"story {i + 1}", m.get("page", 1), rect(m),
                        s.get("overset", {}).get("characters", 0), s.get("src")))
    return out


def check_page(name, pdf, rep, articles, style, min_fill=True):
    """Every rule on every page of a rendered document."""
    area, columns = geometry(style)
    pitch = baseline(style)
    stories = stories_of(rep)
    for page in range(1, n_pages(pdf) + 1):
        details = rep["page_details"][page - 1]
        modules = [(n, r) for n, p, r, _, _ in stories if p == page]
        boxes = [(f"box {b['src']}", rect(b)) for b in details.get("boxes", [])]
        photos = [rect(p) for p in details.get("photos", [])]
        pw = words(pdf, page)
        tag = f"{name} p{page}"
        report(f"{tag}: no overlapping modules", overlaps(modules + boxes))
        folio = min((r[1] for _, r in modules + boxes), default=area[1])
        report(f"{tag}: no text outside its module", text_outside(pw, modules, boxes, folio))
        for n, p, r, overset, src in stories:
            if p != page:
                continue
            mw = [w for w in pw if inside(w[:4], r)]
            cols = [(a, b) for a, b in columns if a >= r[0] - EPS and b <= r[2] + EPS]
            report(f"{tag}: {n}: columns start at one top line",
                   column_tops(mw, cols, [q for q in photos if inside(q, r)], pitch))
            # The report may name the file as the page file does, or resolved.
            key = next((k for k in articles if src and os.path.basename(k) == os.path.basename(src)), None)
            report(f"{tag}: {n}: every word comes back",
                   words_back(articles[key], mw, overset) if key else f"no article for {src!r}")
        if min_fill:
            share = empty_share(pdf, page, area, columns)
            report(f"{tag}: less than 5 % of the type area empty",
                   None if share < 0.05 else f"{share:.1%} empty")


def one_story(tmp, article, style="berliner"):
    """A one-story page: its module is the type area under the folio's line
    (the folio's words, above it, are the page's)."""
    pdf, rep_path = os.path.join(tmp, "one.pdf"), os.path.join(tmp, "one.json")
    p = jopan(["render", article, "-o", pdf, "--report", rep_path, "--style", style])
    assert p.returncode == 0, p.stderr
    rep = json.load(open(rep_path))
    area, _ = geometry(style)
    top = area[1] + baseline(style)
    rep["stories"] = [{"src": article, "page": 1, "module": {
        "x": area[0], "y": top, "width": area[2] - area[0], "height": area[3] - top},
        "overset": rep.get("overset", {})}]
    return pdf, rep


def broken_cases(tmp):
    """Every rule, on a case broken on purpose."""
    harbour = os.path.join(ROOT, "samples", "harbour.json")
    pdf, rep = one_story(tmp, harbour)
    area, columns = geometry("berliner")
    module = rect(rep["stories"][0]["module"])
    pw = words(pdf, 1)
    # overlap: a box doctored into the story's module
    expect_failure("overlap", overlaps([("story", module), ("box", (100, 900, 300, 1000))]))
    report("touching modules do not overlap",
           overlaps([("a", (0, 0, 100, 100)), ("b", (100, 0, 200, 100)), ("c", (0, 100, 200, 150))]))
    # text outside: the module doctored 40 pt narrower
    narrow = (module[0], module[1], module[2] - 40, module[3])
    folio = module[1]
    expect_failure("text outside its module", text_outside(pw, [("story", narrow)], [], folio))
    report("harbour: no text outside the type area", text_outside(pw, [("story", module)], [], folio))
    # words: an article with a paragraph the page does not have
    article = json.load(open(harbour))
    report("harbour: every word comes back", words_back(article, pw, 0))
    more = dict(article, body=article["body"] + "\n\nQuokkas juggle zebras whimsically beyond "
                "Xylophone Fjord while seven grumpy walruses quietly knit mauve jackets for "
                "every puzzled harbour pilot.")
    expect_failure("words missing, no overset reported", words_back(more, pw, 0))
    report("words missing but reported as overset", words_back(more, pw, 150))
    # column tops: a crafted word list, one column a line lower
    line = [(10, 100, 60, 110, "a"), (70, 100, 120, 110, "b"), (130, 111, 180, 121, "c")]
    cols = [(5, 65), (65, 125), (125, 185)]
    expect_failure("a column starts a line lower", column_tops(line, cols, [], 11))
    report("a column lower under a photo is fine", column_tops(line, cols, [(125, 40, 185, 108)], 11))
    # every rule on the two samples, one story a page
    for sample in ("harbour.json", "seoul-market.json"):
        path = os.path.join(ROOT, "samples", sample)
        pdf, rep = one_story(tmp, path)
        # Alone on its page, without --fill, a story's module closes at its
        # depth and the empty area is reported: the 5 % rule is for full pages.
        check_page(sample, pdf, rep, {path: json.load(open(path))}, "berliner", min_fill=False)
    # empty share: a one-paragraph story leaves most of the page blank
    short = os.path.join(tmp, "short.json")
    json.dump({"headline": "A short one", "body": "Only a few words stand here."}, open(short, "w"))
    p = jopan(["render", short, "-o", os.path.join(tmp, "short.pdf")])
    assert p.returncode == 0, p.stderr
    share = empty_share(os.path.join(tmp, "short.pdf"), 1, area, columns)
    expect_failure("a mostly empty page", None if share < 0.05 else f"{share:.0%} empty")


def composed_pages(tmp):
    """The test pages of tests/pages/, composed by `jopan page`."""
    for page in ("five-ad.json", "slot-pdf.json"):
        path = os.path.join(ROOT, "tests", "pages", page)
        pdf, rep_path = os.path.join(tmp, page + ".pdf"), os.path.join(tmp, page + ".report.json")
        p = jopan(["page", path, "-o", pdf, "--report", rep_path])
        if NO_COMPOSE in p.stderr:
            print(f"ok - {page} # SKIP {NO_COMPOSE}")
            continue
        if p.returncode != 0:
            report(f"{page}: jopan page", f"exit {p.returncode}: {p.stderr.strip()}")
            continue
        plan = json.load(open(path))
        articles = {}
        for entry in plan["articles"]:
            src = entry if isinstance(entry, str) else entry["src"]
            articles[src] = json.load(open(os.path.join(os.path.dirname(path), src)))
        rep = json.load(open(rep_path))
        if not rep.get("stories"):
            report(f"{page}: the report has per-story modules", "no \"stories\" in the report")
            continue
        check_page(page, pdf, rep, articles, plan.get("style", "berliner"),
                   min_fill=page == "five-ad.json")
        style = plan.get("style", "berliner")
        area, columns = geometry(style)
        details = rep["page_details"][0]
        report(f"{page}: every hole of an inch is reported",
               holes_reported(pdf, 1, rep, details, area, columns, baseline(style)))
        report(f"{page}: white across a story is reported",
               bands_reported(pdf, 1, rep, details, columns, baseline(style)))
        if page == "five-ad.json":
            # Library opens on Sundays ends 5 lines short in both its
            # columns: the report without its band, with a band 9 lines
            # deep, and without the finding must each fail.
            comp = rep["composition"][0]
            expect_failure("white across a story the report leaves out", bands_reported(
                pdf, 1, dict(rep, composition=[dict(comp, bands=[])]), details, columns, 11)
                if comp.get("bands") else None)
            expect_failure("a band deeper than the white", bands_reported(
                pdf, 1, dict(rep, composition=[dict(comp, bands=[dict(b, lines=b["lines"] + 4)
                                                                 for b in comp["bands"]])]),
                details, columns, 11) if comp.get("bands") else None)
            expect_failure("a band no finding names", bands_reported(
                pdf, 1, dict(rep, findings=[f for f in rep["findings"] if "white across" not in f["message"]]),
                details, columns, 11) if comp.get("bands") else None)
        if page == "slot-pdf.json":
            # Columns 4 and 5 beside its fixed slot are empty: the report
            # without its holes, and with one where the first column is full.
            comp = rep["composition"][0]
            expect_failure("a hole the report leaves out", holes_reported(
                pdf, 1, dict(rep, composition=[dict(comp, holes=[])]), details, area, columns, 11)
                if comp.get("holes") else None)
            fake = {"column": 1, "top": 100.0, "depth": 200.0, "y": 200.0, "height": 200.0}
            expect_failure("a hole reported where the column is full", holes_reported(
                pdf, 1, dict(rep, composition=[dict(comp, holes=comp.get("holes", []) + [fake])],
                             findings=rep["findings"] + [{"kind": "underset", "message": "column 1,"}]),
                details, area, columns, 11))


def fronts(tmp):
    """The sample front pages: the lead, which jumps, shows its photo and a
    good block of body before the jump.  tests/pages/ko-overfull.json is
    ko-front with the two stories it gave up (bathhouse, the cold-wave
    brief), tests/pages/en-overfull.json en-front's old five stories
    (library-warm overset, rail-allotments left off): more copy than the
    page holds, on purpose, so that the checks of an overset page see one."""
    for page, where in (("en-front.json", "samples"), ("ko-front.json", "samples"),
                        ("en-overfull.json", "tests"), ("ko-overfull.json", "tests")):
        path = os.path.join(ROOT, where, "pages", page)
        pdf, rep_path = os.path.join(tmp, page + ".pdf"), os.path.join(tmp, page + ".report.json")
        p = jopan(["page", path, "-o", pdf, "--report", rep_path])
        if p.returncode != 0:
            report(f"{page}: jopan page", f"exit {p.returncode}: {p.stderr.strip()}")
            continue
        rep = json.load(open(rep_path))
        style = json.load(open(path)).get("style", "berliner")
        _, columns = geometry(style)
        module = rect(rep["stories"][0]["module"])
        mw = [w for w in words(pdf, 1) if inside(w[:4], module)]
        cols = [(a, b) for a, b in columns if a >= module[0] - EPS and b <= module[2] + EPS]
        photos = [rect(q) for q in rep["page_details"][0].get("photos", [])]
        report(f"{page}: the lead's photo and a good block of body on the front",
               front_block(mw, cols, photos, module, baseline(style)))
        report(f"{page}: no brief overset", briefs_overset(rep))
        area, _ = geometry(style)
        details = rep["page_details"][0]
        report(f"{page}: every hole of an inch is reported",
               holes_reported(pdf, 1, rep, details, area, columns, baseline(style)))
        report(f"{page}: white across a story is reported",
               bands_reported(pdf, 1, rep, details, columns, baseline(style)))
        if rep["stories"][0].get("jump") and n_pages(pdf) > 1:
            report(f"{page}: the lead's continuation takes the whole page",
                   continuation(words(pdf, 2), columns, rep["stories"][0]))
        if page == "en-overfull.json":
            # library-warm.json, overset in its module (its body says
            # nothing twice, so where the page stops in it is plain).
            over = next(s for s in rep["stories"] if s["src"].endswith("library-warm.json"))
            ow = [w for w in words(pdf, 1) if inside(w[:4], rect(over["module"]))]
            article = json.load(open(os.path.join(os.path.dirname(path), over["src"])))
            report(f"{page}: the overset finding's words to cut",
                   cut_words(article, ow, columns, rep["findings"]))
            expect_failure("words to cut three times too many", cut_words(
                article, ow, columns, [{"message": re.sub(r"cut about (\d+)",
                                                 lambda m: f"cut about {int(m.group(1)) * 3}",
                                                 f["message"])} for f in rep["findings"]]))
        if page == "en-overfull.json":  # its secondary overset: the starved check sees one
            doctored = {"stories": rep["stories"] + [{"src": "x.json", "weight": "brief",
                                                     "overset": {"lines": 3}}]}
            expect_failure("a brief overset", briefs_overset(doctored))
            expect_failure("a secondary with too few body lines", starved(rep, pdf, columns, 500)
                           if any(s.get("weight") == "secondary" and s["overset"]["lines"]
                                  for s in rep["stories"]) else None)
            expect_failure("an overset story the page finding does not name",
                           overfull_finding(dict(rep, stories=doctored["stories"])))
            expect_failure("a continuation in the module's columns",
                           continuation([(0, 0, 10, 10, "x")], columns, rep["stories"][0]))
            expect_failure("a continuation overset",
                           continuation(words(pdf, 2), columns, {"overset": {"lines": 201}}))
            # Broken on purpose: the same page without its photos, and a
            # module as deep as the page (a third of it is more than shown).
            expect_failure("a lead without its photo", front_block(mw, cols, [], module, 11))
            expect_failure("a lead with two lines of body",
                           front_block([w for w in mw if w[3] < module[1] + 300], cols, photos,
                                       module, baseline(style)))


def main():
    with tempfile.TemporaryDirectory(prefix="jopan-page-pdf-") as tmp:
        broken_cases(tmp)
        composed_pages(tmp)
        fronts(tmp)
        short_pages(tmp)
    print(f"{results['passed']} passed, {results['failed']} failed, {results['todo']} to do")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
