#!/usr/bin/env python3
"""Odd but valid photos render, and look right, in PDF and PNG.

Usage: photos.py JOPAN_BINARY SOURCE_ROOT

The photos are made by odd_photos.py in a temporary folder: a 40000 x 8
panorama (wider than cairo's largest surface), an Adobe CMYK JPEG (inverted
inks), JPEGs with EXIF orientations, and a PNG with transparency.  Each is
rendered to PNG and to PDF; the PDF is rasterised with pdftoppm, and the
colours are counted in both: where the photo's colours are, and whether a
negative or an unturned photo shows instead.

Prints "ok - NAME" / "not ok - NAME: reason", then "N passed, M failed".
"""
import os
import subprocess
import sys
import tempfile

from tap import report, summary

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import odd_photos  # noqa: E402

JOPAN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
DPI = 36
RED, BLUE, GREEN, CYAN = (220, 30, 30), (30, 30, 220), (30, 200, 30), (0, 255, 255)


def article(d, name, src):
    path = os.path.join(d, name + ".json")
    with open(path, "w") as f:
        f.write('{\n  "headline": "An odd photo",\n  "body": "A few words of text.",\n'
                f'  "images": [{{"src": "{src}"}}]\n}}\n')
    return path


def render(d, name, src, fmt):
    """Renders the article around `src`; returns (problems, rows of pixels)."""
    out = os.path.join(d, f"{name}.{fmt}")
    p = subprocess.run([JOPAN, "render", article(d, name, src), "-o", out, "--dpi", str(DPI)],
                       capture_output=True, text=True, errors="replace", timeout=120)
    if p.returncode != 0:
        return [f"render {fmt}: exit {p.returncode}: {p.stderr.strip()[-300:]!r}"], None
    if fmt == "png":
        return [], odd_photos.read_png(out)[2]
    subprocess.run(["pdftoppm", "-r", str(DPI), "-singlefile", out, os.path.join(d, name)],
                   check=True, timeout=120)
    return [], odd_photos.read_ppm(os.path.join(d, name + ".ppm"))[2]


def where(rows, colour, tolerance=60):
    """(count, mean x, mean y) of the pixels near `colour`."""
    n = sx = sy = 0
    for y, row in enumerate(rows):
        for x, pixel in enumerate(row):
            if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour)):
                n, sx, sy = n + 1, sx + x, sy + y
    return (n, sx / n, sy / n) if n else (0, 0, 0)


def panorama(d):
    """Wider than cairo's largest surface (32767): decoded smaller, or a
    JPEG passed through on a stand-in."""
    with open(os.path.join(d, "panorama.png"), "wb") as f:
        f.write(odd_photos.png(40000, 8, lambda y: bytes(GREEN) * 40000))
    with open(os.path.join(d, "panorama.jpg"), "wb") as f:
        f.write(odd_photos.jpeg(5000, 1, lambda bx, by: GREEN))
    for src in ("panorama.png", "panorama.jpg"):
        for fmt in ("pdf", "png", "svg"):
            name = f"{src.replace('.', '-')}-{fmt}"
            if fmt == "svg":
                out = os.path.join(d, name + ".svg")
                p = subprocess.run([JOPAN, "render", article(d, name, src), "-o", out],
                                   capture_output=True, text=True, errors="replace", timeout=120)
                problems = [] if p.returncode == 0 and "<image" in open(out).read() else \
                    [f"render svg: exit {p.returncode}: {p.stderr.strip()[-300:]!r}"]
            else:
                problems, rows = render(d, name, src, fmt)
                if rows is not None and where(rows, GREEN)[0] == 0:
                    problems.append("the panorama is not on the page")
            report(f"a 40000 x 8 panorama ({src}) renders to {fmt.upper()}", problems)


def cmyk(d):
    # Cyan ink only: a negative would show red (or black, with the K inverted).
    with open(os.path.join(d, "cmyk.jpg"), "wb") as f:
        f.write(odd_photos.jpeg(4, 4, lambda bx, by: (255, 0, 0, 0), cmyk=True))
    for fmt in ("pdf", "png"):
        problems, rows = render(d, "cmyk-" + fmt, "cmyk.jpg", fmt)
        if rows is not None:
            # A PDF keeps the JPEG's CMYK: poppler shows its cyan ink as
            # (0, 172, 239); the PNG's decoded RGB is plain (0, 255, 255).
            cyan = where(rows, CYAN)[0] + where(rows, (0, 172, 239), 40)[0]
            red = where(rows, (255, 0, 0))[0]
            black = where(rows, (0, 0, 0), 40)[0]
            if cyan < 100:
                problems.append(f"{cyan} cyan pixels, {red} red, {black} black: a negative?")
        report(f"an Adobe CMYK JPEG is not a negative in {fmt.upper()}", problems)


def orientation(d):
    """Stored 16 x 8: a red block left of a blue one.  Shown, per EXIF:"""
    expect = {
        1: "red left of blue",
        3: "red right of blue",   # turned 180°
        6: "red above blue",      # turned 90° clockwise: the stored left edge is the top
        8: "red below blue",      # turned 90° anticlockwise
    }
    for value, want in expect.items():
        src = f"orientation-{value}.jpg"
        with open(os.path.join(d, src), "wb") as f:
            f.write(odd_photos.jpeg(2, 1, lambda bx, by: RED if bx == 0 else BLUE,
                                    orientation=value))
        for fmt in ("pdf", "png"):
            problems, rows = render(d, f"orientation-{value}-{fmt}", src, fmt)
            if rows is not None:
                (nr, rx, ry), (nb, bx, by) = where(rows, RED), where(rows, BLUE)
                dx, dy = bx - rx, by - ry
                seen = ("red left of blue" if dx > 0 else "red right of blue") \
                    if abs(dx) > abs(dy) else ("red above blue" if dy > 0 else "red below blue")
                if not nr or not nb:
                    problems.append(f"{nr} red and {nb} blue pixels")
                elif seen != want:
                    problems.append(f"{seen}, expected {want}")
            report(f"EXIF orientation {value} ({want}) in {fmt.upper()}", problems)


def alpha(d):
    # Left half transparent, right half half-transparent red: laid on white.
    def row(y):
        return bytes([220, 30, 30, 0]) * 8 + bytes([220, 30, 30, 128]) * 8
    with open(os.path.join(d, "alpha.png"), "wb") as f:
        f.write(odd_photos.png(16, 16, row, alpha=True))
    problems, rows = render(d, "alpha-pdf", "alpha.png", "pdf")
    listing = subprocess.run(["pdfimages", "-list", os.path.join(d, "alpha-pdf.pdf")],
                             capture_output=True, text=True).stdout
    if "smask" in listing:
        problems.append("the PDF carries a soft mask: " + listing.strip().splitlines()[-1])
    for fmt in ("pdf", "png"):
        if fmt == "png":
            problems, rows = render(d, "alpha-png", "alpha.png", "png")
        if rows is not None and where(rows, (237, 142, 142), 25)[0] == 0:
            problems.append(f"{fmt}: no pink (half red on white) pixels")
        report(f"a PNG with transparency is laid on white in {fmt.upper()}", problems)
        problems = []


def pdf_advert(d):
    """An advertisement given as a one-page PDF keeps its JPEG in the page's
    PDF byte for byte: drawn for print, not decoded and deflated again."""
    ad = os.path.join(ROOT, "samples", "ads", "solnae-bakery.pdf")
    article_path = os.path.join(ROOT, "samples", "harbour.json")
    page = os.path.join(d, "ad-page.json")
    with open(page, "w") as f:
        f.write('{"style": "berliner", "articles": [{"src": "%s", "weight": "lead"}],\n'
                ' "boxes": [{"src": "%s", "columns": 2, "depth": "60mm", "position": "foot"}]}\n'
                % (article_path, ad))
    pdf = os.path.join(d, "ad-page.pdf")
    p = subprocess.run([JOPAN, "page", page, "-o", pdf], capture_output=True, text=True)
    problems = [] if p.returncode == 0 else [f"exit {p.returncode}: {p.stderr.strip()}"]
    jpegs = []
    for src, prefix in ((ad, "own"), (pdf, "page")):
        if not problems:
            subprocess.run(["pdfimages", "-j", src, os.path.join(d, prefix)], check=True)
            jpegs.append({open(os.path.join(d, n), "rb").read() for n in os.listdir(d)
                          if n.startswith(prefix + "-") and n.endswith(".jpg")})
    if not problems and len(jpegs[0]) != 1:
        problems.append(f"expected the advert to hold one JPEG, found {len(jpegs[0])}")
    elif not problems and not jpegs[0] <= jpegs[1]:
        listing = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
        problems.append("the advert's JPEG is not in the page's PDF as it is:\n" + listing)
    report("a PDF advert's JPEG passes into the page's PDF byte for byte", problems)


def mutants(d, n=100):
    """Damaged photos: `check` refuses exactly those `render` would fail on
    (the photo is validated once, the same way), and nothing crashes.  A
    fixed number of mutants of a JPEG, an Adobe CMYK JPEG and a PNG."""
    import random
    rng = random.Random(2026)
    originals = [("m.jpg", odd_photos.jpeg(3, 2, lambda bx, by: (bx * 80, by * 100, 50),
                                           orientation=6)),
                 ("m.jpg", odd_photos.jpeg(2, 2, lambda bx, by: (bx * 200, 0, by * 200, 10),
                                           cmyk=True)),
                 ("m.png", odd_photos.png(20, 12, lambda y: bytes([y * 10, 100, 200, 128]) * 20,
                                          alpha=True))]
    problems, outcomes = [], {}
    for k in range(n):
        name, data = originals[k % len(originals)]
        data = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            i, op = rng.randrange(len(data)), rng.choice(["flip", "delete", "insert", "cut"])
            if op == "flip":
                data[i] ^= 1 << rng.randrange(8)
            elif op == "delete":
                del data[i]
            elif op == "insert":
                data.insert(i, rng.randrange(256))
            elif i > 0:
                del data[i:]
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        src = article(d, "mutant", name)
        codes = []
        for args in (["check", src], ["render", src, "-o", os.path.join(d, "m.png"), "--dpi", "18"],
                     ["render", src, "-o", os.path.join(d, "m.pdf")]):
            p = subprocess.run([JOPAN] + args, capture_output=True, text=True, errors="replace",
                               timeout=60)
            codes.append(p.returncode)
            if p.returncode == 1 and "mutant.json:4:" not in p.stderr:
                problems.append(f"mutant {k}: {args[0]} exit 1 without the place: {p.stderr!r}")
            if "CRITICAL" in p.stderr or "WARNING" in p.stderr:
                problems.append(f"mutant {k}: {args[0]}: {p.stderr.strip()[-200:]!r}")
        outcomes[tuple(codes)] = outcomes.get(tuple(codes), 0) + 1
        if codes not in ([0, 0, 0], [1, 1, 1]):
            problems.append(f"mutant {k} of {name} (seeded, reproducible): check, render PNG, "
                            f"render PDF exit {codes}")
    print(f"# mutants (check, PNG, PDF): {outcomes}")
    report(f"{n} damaged photos: check and render agree, nothing crashes", problems[:5])


def main():
    with tempfile.TemporaryDirectory(prefix="jopan-photos-") as d:
        panorama(d)
        cmyk(d)
        orientation(d)
        alpha(d)
        pdf_advert(d)
        mutants(d)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
