#!/usr/bin/env python3
"""Print-ready output (issue 10), checked with outside tools.

Usage: print.py JOPAN_BINARY SOURCE_ROOT [--sanitized]

(--sanitized: a build under the sanitizers, some ten times slower: the
samples' silence is checked on three of them, not all.)

- page boxes (pdfinfo -box) with and without bleed and marks;
- a photo that touches the trim runs on into the bleed (pdftoppm);
- --pdfx: qpdf --check clean; the PDF/X keys, XMP and the output intent
  (by name, or the --output-profile embedded); photos CMYK, a CMYK JPEG
  passed through byte for byte (pdfimages, qpdf); style CMYK colours used
  as given;
- Ghostscript renders every file; its separations (bitcmyk) put text, rules
  and folio on the black plate only, and no pixel over the ink limit;
- byte-identical output across runs, and with the photos' AVX2 code or
  without (JOPAN_NO_AVX2); SOURCE_DATE_EPOCH dates the file;
- --proof makes a PNG preview on newsprint's paper tone;
- bad print settings are usage or input errors naming the key.

Prints "ok - NAME" / "not ok - NAME: reason" per check.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from tap import report, summary

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import odd_photos  # noqa: E402

JOPAN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
HARBOUR = os.path.join(ROOT, "samples", "harbour.json")
SANITIZED = "--sanitized" in sys.argv[3:]
MM = 72 / 25.4


def jopan(*args, env=None):
    return subprocess.run([JOPAN, *args], capture_output=True, text=True, errors="replace",
                          timeout=300, env=env)


def render(article, out, *args):
    p = jopan("render", article, "-o", out, *args)
    if p.returncode != 0:
        raise RuntimeError(f"jopan render {' '.join(args)}: exit {p.returncode}: {p.stderr[-400:]}")
    return out


def boxes(pdf):
    """{"MediaBox": (x0, y0, x1, y1), …} of page 1."""
    text = subprocess.run(["pdfinfo", "-box", pdf], capture_output=True, text=True).stdout
    found = {}
    for m in re.finditer(r"^(\w+Box):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", text, re.M):
        found[m.group(1)] = tuple(float(v) for v in m.groups()[1:])
    return found


def near(a, b, tolerance=0.05):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


class Objects:
    """A PDF's objects as qpdf --json=2 gives them: get("3 0 R") is the
    object's dictionary (a stream's dictionary for a stream)."""

    def __init__(self, pdf):
        p = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", pdf], capture_output=True, text=True)
        self.objects = json.loads(p.stdout)["qpdf"][1]

    def get(self, ref):
        o = self.objects["trailer" if ref == "trailer" else "obj:" + ref]
        return o["value"] if "value" in o else o["stream"]["dict"]

    def info(self):
        return self.get(self.get("trailer")["/Info"])

    def catalog(self):
        return self.get(self.get("trailer")["/Root"])


def stream_bytes(pdf, ref, raw=True):
    number = ref.split()[0]
    flag = "--raw-stream-data" if raw else "--filtered-stream-data"
    return subprocess.run(["qpdf", f"--show-object={number}", flag, pdf],
                          capture_output=True).stdout


def separations(pdf, dpi=30):
    """The page's pixels as (c, m, y, k) bytes from Ghostscript's bitcmyk."""
    out = pdf + ".cmyk"
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=bitcmyk",
                    "-dGrayValues=256", f"-r{dpi}", "-dOverprint=/simulate",
                    f"-sOutputFile={out}", pdf], check=True, timeout=300)
    with open(out, "rb") as f:
        return f.read()


def check_boxes(d):
    page = (315 * MM, 470 * MM)
    cases = [
        ("no bleed, no marks", [], 0, 0),
        ("3mm bleed", ["--set", "page.bleed=3mm"], 3 * MM, 3 * MM),
        ("3mm bleed and crop marks", ["--set", "page.bleed=3mm", "--set", "page.marks=crop"],
         3 * MM, 3 * MM + 24),
        ("crop and registration marks, no bleed",
         ["--set", "page.marks=crop,registration"], 0, 24),
    ]
    for name, args, bleed, pad in cases:
        problems = []
        try:
            b = boxes(render(HARBOUR, os.path.join(d, "boxes.pdf"), *args))
            trim = (pad, pad, pad + page[0], pad + page[1])
            want = {"TrimBox": trim,
                    "BleedBox": (pad - bleed, pad - bleed, trim[2] + bleed, trim[3] + bleed),
                    "MediaBox": (0, 0, page[0] + 2 * pad, page[1] + 2 * pad)}
            for key, value in want.items():
                if key not in b or not near(b[key], value):
                    problems.append(f"{key} {b.get(key)}, expected {tuple(round(v, 2) for v in value)}")
        except RuntimeError as e:
            problems.append(str(e))
        report(f"page boxes: {name}", problems)


def check_bleed_photo(d):
    """With no margins the lead photo touches the trim's left edge: its
    pixels go on into the bleed, which stays white without the extension."""
    problems = []
    pdf = render(HARBOUR, os.path.join(d, "bleed.pdf"), "--set", "page.bleed=3mm",
                 "--set", "page.margins=12mm 0mm 12mm 0mm")
    base = os.path.join(d, "bleed")
    subprocess.run(["pdftoppm", "-r", "36", "-singlefile", pdf, base], check=True, timeout=120)
    _, _, rows = odd_photos.read_ppm(base + ".ppm")
    trim_x = int(3 * MM * 36 / 72)
    inked = [sum(1 for row in rows if sum(row[x]) < 600) for x in range(1, trim_x)]
    inside = sum(1 for row in rows if sum(row[trim_x + 2]) < 600)
    if inside < 20:
        problems.append(f"only {inside} dark pixels just inside the trim: no photo touches it?")
    elif min(inked) < 20:
        problems.append(f"the bleed's columns have {inked} dark pixels, the trim's edge {inside}")
    report("a photo touching the trim runs on into the bleed", problems)


def check_pdfx_keys(d):
    for flavour, args in (("PDF/X-1a", ["--pdfx"]), ("PDF/X-4", ["--set", "print.output=pdfx-4"])):
        problems = []
        pdf = render(HARBOUR, os.path.join(d, "x.pdf"), *args, "--set", "page.bleed=3mm",
                     "--set", "page.marks=crop,registration")
        check = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
        if check.returncode != 0 or "No syntax or stream encoding errors" not in check.stdout:
            problems.append(f"qpdf --check: {check.stdout[-300:]} {check.stderr[-300:]}")
        objects = Objects(pdf)
        info = objects.info()
        root = objects.catalog()
        version = "PDF/X-1:2003" if flavour == "PDF/X-1a" else "PDF/X-4"
        if info.get("/GTS_PDFXVersion") != f"u:{version}":
            problems.append(f"GTS_PDFXVersion {info.get('/GTS_PDFXVersion')}")
        if flavour == "PDF/X-1a" and info.get("/GTS_PDFXConformance") != "u:PDF/X-1a:2003":
            problems.append(f"GTS_PDFXConformance {info.get('/GTS_PDFXConformance')}")
        if info.get("/Trapped") != "/False":
            problems.append(f"Trapped {info.get('/Trapped')}")
        for key in ("/Title", "/Author", "/Subject", "/Creator", "/CreationDate", "/ModDate"):
            if not info.get(key):
                problems.append(f"no {key} in the document info")
        if not str(info.get("/Creator", "")).startswith("u:jopan "):
            problems.append(f"Creator {info.get('/Creator')} (expected jopan and its version)")
        intents = root.get("/OutputIntents", [])
        intent = intents[0] if intents else {}
        if intent.get("/S") != "/GTS_PDFX" or intent.get("/OutputConditionIdentifier") != "u:IFRA26":
            problems.append(f"output intent {intent}")
        if flavour == "PDF/X-4" and "/DestOutputProfile" not in intent:
            problems.append("PDF/X-4 without an embedded output profile")
        xmp = stream_bytes(pdf, root.get("/Metadata", "0 0 R"), raw=False).decode("utf-8", "replace")
        if f"<pdfxid:GTS_PDFXVersion>{version}<" not in xmp or "<pdf:Trapped>False<" not in xmp:
            problems.append("XMP metadata without the PDF/X version or Trapped")
        page = objects.get(objects.get(root["/Pages"])["/Kids"][0])
        if "/Group" in page:
            problems.append("a page keeps cairo's transparency group")
        images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
        spaces = [line.split()[5] for line in images.splitlines()[2:]]
        if not spaces or any(s != "cmyk" for s in spaces):
            problems.append(f"photo colour spaces {spaces}, expected cmyk")
        report(f"{flavour}: qpdf --check clean, PDF/X keys, XMP, output intent, CMYK photos",
               problems)
    return pdf


def check_profile(d, x4):
    """The built-in profile, taken out of a PDF/X-4 file, given back as the
    printer's: embedded in a PDF/X-1a intent as "Custom"."""
    problems = []
    intent = Objects(x4).catalog()["/OutputIntents"][0]
    icc = os.path.join(d, "press.icc")
    with open(icc, "wb") as f:
        f.write(stream_bytes(x4, intent["/DestOutputProfile"], raw=False))
    pdf = render(HARBOUR, os.path.join(d, "custom.pdf"), "--pdfx", "--output-profile", icc)
    intent = Objects(pdf).catalog()["/OutputIntents"][0]
    if intent.get("/OutputConditionIdentifier") != "u:Custom" or "/DestOutputProfile" not in intent:
        problems.append(f"output intent {intent}")
    else:
        embedded = stream_bytes(pdf, intent["/DestOutputProfile"], raw=False)
        if embedded != open(icc, "rb").read():
            problems.append("the embedded profile is not the file given")
    bad = os.path.join(d, "bad.icc")
    with open(bad, "wb") as f:
        f.write(b"not a profile" * 20)
    p = jopan("render", HARBOUR, "-o", os.path.join(d, "bad.pdf"), "--pdfx", "--output-profile", bad)
    if p.returncode != 1 or "bad.icc" not in p.stderr or os.path.exists(os.path.join(d, "bad.pdf")):
        problems.append(f"a broken profile: exit {p.returncode}: {p.stderr.strip()[-200:]!r}")
    p = jopan("render", HARBOUR, "-o", os.path.join(d, "none.pdf"), "--output-profile", "/nonexistent.icc")
    if p.returncode != 2 or "print.profile" not in p.stderr:
        problems.append(f"a missing profile: exit {p.returncode}: {p.stderr.strip()[-200:]!r}")
    report("--output-profile: embedded as the output intent; bad or missing files refused", problems)


def check_passthrough(d):
    """A CMYK JPEG goes into the PDF/X file byte for byte (with /Decode for
    Adobe's inverted inks); an RGB one is separated."""
    problems = []
    path = os.path.join(d, "cmyk.jpg")
    data = odd_photos.jpeg(8, 8, lambda bx, by: (255 if bx < 4 else 0, 0, 0, 40), cmyk=True)
    with open(path, "wb") as f:
        f.write(data)
    article = os.path.join(d, "cmyk.json")
    with open(article, "w") as f:
        json.dump({"headline": "A CMYK photo", "body": "Words.", "images": [{"src": "cmyk.jpg"}]}, f)
    pdf = render(article, os.path.join(d, "cmyk.pdf"), "--pdfx")
    images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
    rows = [line.split() for line in images.splitlines()[2:]]
    if len(rows) != 1 or rows[0][5] != "cmyk" or rows[0][8] != "jpeg":
        problems.append(f"pdfimages: {rows}")
    else:
        ref = f"{rows[0][10]} {rows[0][11]} R"
        if stream_bytes(pdf, ref) != data:
            problems.append("the JPEG's bytes changed")
        image = Objects(pdf).get(ref)
        if image.get("/Decode") != [1, 0, 1, 0, 1, 0, 1, 0]:
            problems.append(f"/Decode {image.get('/Decode')}: an Adobe JPEG is inverted")
    report("a CMYK JPEG passes through untouched (Adobe inversion declared)", problems)


def check_plates(d):
    """Body text, rules (pull quote, column rules) and folio: the black plate
    only.  The RGB file, separated by Ghostscript, uses all four."""
    problems = []
    article = os.path.join(d, "text.json")
    with open(article, "w") as f:
        json.dump({"headline": "On the black plate", "kicker": "Print", "byline": "By A. Writer",
                   "body": "Body text, " * 200 + "\n\n> A pull quote with its rule.\n\n"
                   + "More text. " * 300}, f)
    neutral = ["--set", "kicker.color=#111111", "--set", "quote.color=#222222"]
    pdfx = render(article, os.path.join(d, "plates.pdf"), "--pdfx", *neutral)
    rgb = render(article, os.path.join(d, "plates-rgb.pdf"), *neutral)
    for name, pdf, want_colour in (("PDF/X", pdfx, False), ("RGB", rgb, True)):
        px = separations(pdf)
        coloured = sum(1 for i in range(0, len(px), 4) if px[i] or px[i + 1] or px[i + 2])
        black = sum(1 for i in range(3, len(px), 4) if px[i] > 200)
        if black < 500:
            problems.append(f"{name}: only {black} black pixels")
        if (coloured > 0) != want_colour:
            problems.append(f"{name}: {coloured} pixels with cyan, magenta or yellow")
    text = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdfx, "-"],
                          capture_output=True).stdout
    if b"/JopanFillOP gs 0 0 0 1 k" not in text or re.search(rb"\brg\b|\bRG\b", text):
        problems.append("no overprinting K-only fill, or an RGB operator left")
    report("text, rules and folio on the black plate only, overprinting", problems)


def check_ink_limit(d):
    problems = []
    # The style's red (0 100 90 20) is 210%: under a 200% limit the style
    # must give another (the preflight says so, check_preflight).
    red = ["--set", "kicker.color=#b0191e cmyk(0 100 80 10)",
           "--set", "quote.color=#b0191e cmyk(0 100 80 10)"]
    for limit in (240, 200):
        pdf = render(HARBOUR, os.path.join(d, f"ink{limit}.pdf"), "--pdfx",
                     "--set", f"print.ink-limit={limit}%", *red)
        px = separations(pdf, 20)
        worst = max(px[i] + px[i + 1] + px[i + 2] + px[i + 3] for i in range(0, len(px), 4))
        # JPEG's requantisation may move a pixel by a step or two.
        if worst > limit * 255 / 100 + 8:
            problems.append(f"{limit}%: a pixel of {worst * 100 / 255:.0f}%")
    report("no pixel over the ink limit (240%, 200%)", problems)


def check_style_cmyk(d):
    problems = []
    pdf = render(HARBOUR, os.path.join(d, "kicker.pdf"), "--pdfx",
                 "--set", "kicker.color=#b0191e cmyk(0 100 90 20)")
    text = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"],
                          capture_output=True).stdout
    if b"0 1 0.9 0.2 k" not in text:
        problems.append("the kicker's CMYK is not in the page")
    p = jopan("render", HARBOUR, "-o", os.path.join(d, "k.pdf"), "--set", "kicker.color=cmyk(0 120 0 0)")
    if p.returncode != 2 or "kicker.color" not in p.stderr:
        problems.append(f"cmyk(0 120 0 0): exit {p.returncode}: {p.stderr.strip()[-200:]!r}")
    for bad in ("print.output=cmyk", "print.ink-limit=500%", "print.intent=vivid", "print.max-ppi=10"):
        p = jopan("render", HARBOUR, "-o", os.path.join(d, "k.pdf"), "--set", bad)
        if p.returncode != 2 or bad.split("=")[0] not in p.stderr:
            problems.append(f"--set {bad}: exit {p.returncode}: {p.stderr.strip()[-200:]!r}")
    report("style colours given in CMYK print as given; bad print keys refused", problems)


def check_determinism(d):
    problems = []
    for args in ([], ["--pdfx"], ["--set", "print.output=pdfx-4"]):
        a = open(render(HARBOUR, os.path.join(d, "a.pdf"), *args), "rb").read()
        b = open(render(HARBOUR, os.path.join(d, "b.pdf"), *args), "rb").read()
        if a != b:
            problems.append(f"{args}: two runs differ")
    # The photos' AVX2 code (where the processor has it) and the plain
    # code make the same bytes.
    a = open(os.path.join(d, "a.pdf"), "rb").read()
    p = jopan("render", HARBOUR, "-o", os.path.join(d, "plain-code.pdf"), "--set", "print.output=pdfx-4",
              env=dict(os.environ, JOPAN_NO_AVX2="1"))
    if p.returncode != 0 or open(os.path.join(d, "plain-code.pdf"), "rb").read() != a:
        problems.append(f"JOPAN_NO_AVX2=1: exit {p.returncode}, a file that differs")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1000000000")
    p = subprocess.run([JOPAN, "render", HARBOUR, "-o", os.path.join(d, "c.pdf"), "--pdfx"], env=env,
                       capture_output=True)
    info = subprocess.run(["pdfinfo", "-isodates", os.path.join(d, "c.pdf")], capture_output=True,
                          text=True).stdout
    if p.returncode != 0 or "2001-09-09T01:46:40" not in info:
        problems.append(f"SOURCE_DATE_EPOCH=1000000000 gives {re.findall(r'CreationDate:.*', info)}")
    report("byte-identical across runs; dated by SOURCE_DATE_EPOCH", problems)


def check_ghostscript(d):
    problems = []
    for name in sorted(os.listdir(d)):
        if name.endswith(".pdf"):
            p = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage",
                                os.path.join(d, name)], capture_output=True, text=True, timeout=300)
            if p.returncode != 0 or "rror" in p.stdout + p.stderr:
                problems.append(f"{name}: {(p.stdout + p.stderr).strip()[-200:]!r}")
    report("Ghostscript renders every PDF written here without an error", problems)


def check_proof(d):
    problems = []
    plain = render(HARBOUR, os.path.join(d, "plain.png"), "--dpi", "20")
    proof = render(HARBOUR, os.path.join(d, "proof.png"), "--dpi", "20", "--proof")
    _, _, a = odd_photos.read_png(plain)
    _, _, b = odd_photos.read_png(proof)
    corner_plain, corner_proof = a[2][2], b[2][2]
    if corner_plain != (255, 255, 255):
        problems.append(f"the plain preview's paper is {corner_plain}")
    if not (150 < corner_proof[0] < 250 and corner_proof[2] < corner_proof[0]):
        problems.append(f"the proof's paper is {corner_proof}: expected newsprint's grey-yellow")
    report("--proof: the preview on newsprint's paper", problems)


def figures_differ(low, ppis):
    """The low-resolution findings' "prints at N dpi" figures against the
    report's photo ppi: None when they agree, else what differs."""
    said = sorted(int(m.group(1)) for m in (re.search(r"prints at (\d+) dpi", t) for t in low) if m)
    printed = sorted(round(v) for v in ppis if isinstance(v, (int, float)))
    return None if said == printed else f"the findings say {said} dpi, the photos print at {printed}"


def check_ppi(d):
    """The report gives each photo's effective ppi; print.min-ppi finds the
    ones under it, and says so when under half of it."""
    problems = []
    rep = os.path.join(d, "ppi.json")
    p = jopan("check", HARBOUR, "--report", rep, "--set", "print.min-ppi=400")
    data = json.load(open(rep)) if os.path.exists(rep) else {}
    ppis = [f.get("ppi") for page in data.get("page_details", []) for f in page.get("photos", [])]
    if not ppis or any(not isinstance(v, (int, float)) or not 300 < v < 400 for v in ppis):
        problems.append(f"photo ppi {ppis}")
    low = [f["message"] for f in data.get("findings", []) if f.get("kind") == "low-resolution"]
    if len(low) != len(ppis) or any("below 400" not in m for m in low):
        problems.append(f"findings {low}")
    # The finding measures the frame as placed, which the flow may have
    # grown (harbour's quay photo is): its figure is the report's ppi.
    if figures_differ(low, ppis):
        problems.append(figures_differ(low, ppis))
    # Broken on purpose: a finding giving the frame as first sized (the
    # quay photo's 356 dpi, as the old check said) must be caught.
    stale = [re.sub(r"prints at \d+ dpi", "prints at 356 dpi", t) if "quay" in t else t for t in low]
    if not figures_differ(stale, ppis):
        problems.append(f"a finding's stale figure not caught: {stale}")
    p = jopan("check", HARBOUR, "--report", rep, "--set", "print.min-ppi=800")
    data = json.load(open(rep))
    low = [f["message"] for f in data.get("findings", []) if f.get("kind") == "low-resolution"]
    if not low or any("under half" not in m for m in low):
        problems.append(f"under half of 800: {low}")
    p = jopan("check", HARBOUR, "--strict", "--set", "print.min-ppi=800")
    if p.returncode != 3:
        problems.append(f"--strict under half the minimum: exit {p.returncode}")
    report("photos' effective ppi in the report; print.min-ppi findings", problems)


GRADIENT_AD = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] "
    b"/Resources << /Shading << /Sh1 5 0 R >> >> /Contents 4 0 R >>",
    None,
    b"<< /ShadingType 2 /ColorSpace /DeviceRGB /Coords [0 0 200 0] /Function << /FunctionType 2 "
    b"/Domain [0 1] /C0 [1 0 0] /C1 [0 0 1] /N 1 >> /Extend [true true] >>",
]


def placed_images(pdf):
    """pdfimages -list's rows: (width, height, x-ppi, y-ppi, encoding)."""
    out = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True).stdout
    return [(int(r[3]), int(r[4]), int(r[12]), int(r[13]), r[8])
            for r in (line.split() for line in out.splitlines()[2:]) if len(r) > 13]


def check_max_ppi(d):
    """Photos placed finer than print.max-ppi (harbour's are 351 and 302
    ppi; the default is 200, twice newsprint's 100 lpi screen) are
    downsampled to it in the PDF/X file, and the file is bounded
    by the pixels it keeps (the lossless separation took 1.8 bytes a pixel;
    the ink limit itself is check_ink_limit's)."""
    problems = []
    plain = placed_images(render(HARBOUR, os.path.join(d, "ppi-rgb.pdf")))
    if sorted(r[2] for r in plain) != [302, 351]:
        problems.append(f"the sample's photos changed: {plain}")
    for max_ppi in (200, 300, 150):
        args = ["--set", f"print.max-ppi={max_ppi}"] if max_ppi != 200 else []
        pdf = render(HARBOUR, os.path.join(d, f"ppi{max_ppi}.pdf"), "--pdfx", *args)
        rows = placed_images(pdf)
        pixels = sum(r[0] * r[1] for r in rows)
        if len(rows) != 2 or any(not max_ppi - 2 <= r[2] <= max_ppi + 1 or r[4] != "jpeg" for r in rows):
            problems.append(f"max-ppi {max_ppi}: {rows}")
        if os.path.getsize(pdf) > 100_000 + pixels // 2:
            problems.append(f"max-ppi {max_ppi}: {os.path.getsize(pdf)} bytes for {pixels} pixels")
    wide = render(HARBOUR, os.path.join(d, "ppi-wide.pdf"), "--pdfx", "--set", "print.max-ppi=2400")
    if sorted(r[:2] for r in placed_images(wide)) != sorted(r[:2] for r in plain):
        problems.append(f"max-ppi 2400 changed the pixels: {placed_images(wide)}")
    report("photos over print.max-ppi downsampled to it; the file bounded by its pixels", problems)


def write_pdf(path, objects, content):
    """A small PDF by hand (an ad with an RGB gradient)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objects, 1):
        offsets.append(len(out))
        if o is None:
            o = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def print_findings(*args):
    p = jopan("check", *args)
    return p.returncode, [line for line in p.stderr.splitlines() if line.startswith("jopan: print: ")]


def check_photo_cache(d):
    """With JOPAN_PHOTO_CACHE, separated photos are kept on disk and found
    again: the file is the same cold, warm, without the cache and after a
    cache file is damaged; another ink limit is another entry."""
    problems = []
    cache = os.path.join(d, "photo-cache")
    env = dict(os.environ, JOPAN_PHOTO_CACHE=cache)
    plain = render(HARBOUR, os.path.join(d, "cache-none.pdf"), "--pdfx")
    outs, sizes = [], {}
    for name in ("cold", "warm", "damaged"):
        out = os.path.join(d, f"cache-{name}.pdf")
        p = jopan("render", HARBOUR, "-o", out, "--pdfx", env=env)
        if p.returncode != 0:
            problems.append(f"{name}: exit {p.returncode}: {p.stderr[-300:]}")
            outs.append(b"")
            continue
        outs.append(open(out, "rb").read())
        kept = sorted(os.listdir(cache)) if os.path.isdir(cache) else []
        if len(kept) != 2:
            problems.append(f"{name}: the cache holds {kept}")
        elif name == "warm":
            sizes = {k: os.path.getsize(os.path.join(cache, k)) for k in kept}
            with open(os.path.join(cache, kept[0]), "r+b") as f:
                f.truncate(sizes[kept[0]] // 2)
        elif name == "damaged" and {k: os.path.getsize(os.path.join(cache, k)) for k in kept} != sizes:
            problems.append("a damaged cache file was not written again")
    if any(o != open(plain, "rb").read() for o in outs):
        problems.append("the cache changed the file")
    jopan("render", HARBOUR, "-o", os.path.join(d, "cache-220.pdf"), "--pdfx",
          "--set", "print.ink-limit=220%", env=env)
    kept = os.listdir(cache) if os.path.isdir(cache) else []
    if len(kept) != 4:
        problems.append(f"another ink limit: the cache holds {kept}")
    report("JOPAN_PHOTO_CACHE keeps separated photos; the same file cold, warm and damaged", problems)


def check_preflight(d):
    """Each crafted input makes its finding, naming page and object; the
    samples (articles and pages, RGB and PDF/X) make none."""
    ink_jpeg = os.path.join(d, "ink.jpg")
    with open(ink_jpeg, "wb") as f:
        f.write(odd_photos.jpeg(8, 8, lambda bx, by: (255, 255, 255, 255), cmyk=True))
    ink_article = os.path.join(d, "ink.json")
    with open(ink_article, "w") as f:
        json.dump({"headline": "Too much ink", "body": "Words.", "images": [{"src": "ink.jpg"}]}, f)
    write_pdf(os.path.join(d, "gradient.pdf"), GRADIENT_AD, b"q 0 0 200 100 re W n /Sh1 sh Q")
    page = os.path.join(d, "ad-page.json")
    with open(page, "w") as f:
        json.dump({"title": "Ads", "date": "2026-11-26", "style": "berliner",
                   "articles": [os.path.join(ROOT, "samples", "brief-bus.json")],
                   "boxes": [{"src": "gradient.pdf", "columns": 5, "depth": "120mm",
                              "position": "foot"}]}, f)
    cases = [
        ("small type in several inks", [HARBOUR, "--pdfx", "--set", "credit.font=Noto Sans 6",
                                        "--set", "credit.color=#3366cc"],
         r"page 1: credit line \"TAMSIN GALE\": 6.0 pt type in 3 inks"),
        ("reversed type under 10 pt", [HARBOUR, "--set", "caption.color=#ffffff"],
         r"page 1: caption line \"First light.*reversed \(light\) type of 7.5 pt"),
        ("text in the bleed", [HARBOUR, "--set", "page.margins=1mm", "--set", "page.bleed=3mm"],
         r"page 1: folio line .* reaches within 3mm of the trim"),
        ("RGB left in a PDF/X file", [page, "--pdfx"],
         r"RGB left in a PDF/X file: page 1: Shading /\w+ is RGB"),
        ("ink over the limit", [ink_article, "--pdfx"],
         r"ink over the limit: page 1: image /\w+ \(object \d+\) reaches 400% ink, over the limit of 240%"),
        ("a style colour over the limit", [HARBOUR, "--pdfx", "--set", "print.ink-limit=200%"],
         r"ink over the limit: page 1: the fill colour 0 1 0.9 0.2 \(CMYK\) is 210% ink, over the limit of 200%"),
    ]
    for name, args, pattern in cases:
        code, found = print_findings(*args)
        problems = [] if any(re.search(pattern, line) for line in found) else \
            [f"no finding like {pattern!r} in {found}"]
        code, _ = print_findings(*args, "--strict")
        if code != 3:
            problems.append(f"--strict: exit {code}")
        report(f"preflight finds {name}", problems)
    problems = []
    samples = [os.path.join(ROOT, "samples", n) for n in sorted(os.listdir(os.path.join(ROOT, "samples")))
               if n.endswith(".json")]
    samples += [os.path.join(ROOT, "samples", "pages", n)
                for n in sorted(os.listdir(os.path.join(ROOT, "samples", "pages")))]
    if SANITIZED:
        samples = [HARBOUR, os.path.join(ROOT, "samples", "seoul-market.json"),
                   os.path.join(ROOT, "samples", "pages", "en-brief.json")]
    for sample in samples:
        for args in ([], ["--pdfx"]):
            code, found = print_findings(sample, *args)
            if found:
                problems.append(f"{os.path.basename(sample)} {args}: {found[:2]}")
    report(f"preflight is silent on the {len(samples)} samples, RGB and PDF/X", problems)


def check_outline(d):
    """The outline lists each story the page placed (the report's stories)
    by its headline, in the screen PDF and in PDF/X."""
    problems = []
    page = os.path.join(ROOT, "samples", "pages", "en-front.json")
    for args in ([], ["--pdfx"]):
        pdf, rep = os.path.join(d, "outline.pdf"), os.path.join(d, "outline.json")
        p = jopan("page", page, "-o", pdf, "--report", rep, *args)
        stories = json.load(open(rep)).get("stories", []) if os.path.exists(rep) else []
        want = [json.load(open(os.path.join(os.path.dirname(page), s["src"])))["headline"]
                for s in stories]
        j = subprocess.run(["qpdf", "--json=2", "--json-key=outlines", pdf], capture_output=True,
                           text=True).stdout
        titles = [o["title"] for o in json.loads(j)["outlines"]] if p.returncode in (0, 3) else []
        if not want or sorted(titles) != sorted(want):
            problems.append(f"{args}: outline {titles}, expected {want}")
    report("the outline lists each story's headline", problems)


def main():
    with tempfile.TemporaryDirectory() as d:
        for check in (check_boxes, check_bleed_photo):
            check(d)
        x4 = check_pdfx_keys(d)
        for check in (lambda dd: check_profile(dd, x4), check_passthrough, check_plates,
                      check_ink_limit, check_style_cmyk, check_determinism, check_ghostscript,
                      check_proof, check_ppi, check_max_ppi, check_photo_cache, check_preflight, check_outline):
            check(d)
    sys.exit(summary())


if __name__ == "__main__":
    main()
