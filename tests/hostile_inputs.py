#!/usr/bin/env python3
"""Hostile inputs: each either renders or fails cleanly, within bounds.

Usage: hostile_inputs.py JOPAN_BINARY SOURCE_ROOT [--sanitized]

One case per class of input that once crashed jopan, hung it or made it
take gigabytes: JSON nested 80,000 deep, a 3 MB paragraph, a 100 MB body,
a 0.5 pt body face, a slot of 3:1e308mm, a PNG claiming 20000x20000 pixels,
a panorama 40000x8, a huge page, --dpi 1000 and 2400 previews, a FIFO as
the article.  Each must end with its expected exit code (0 or 3 when it
renders, 1 for bad input, 2 for a usage error) and a message, never by a
signal, within 30 s and, outside the sanitizer build (whose shadow memory
makes address-space limits meaningless), in 1 GB of address space.  A
rendered case leaves its output; a failed one leaves none.
Prints "ok"/"not ok" lines, then "N passed, M failed".
"""
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import zlib

JOPAN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
SANITIZED = "--sanitized" in sys.argv[3:]
SECONDS = 30 * (4 if SANITIZED else 1)
MEMORY = 1 << 30
passed = failed = 0


def limit_memory():
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def jopan(*args):
    try:
        return subprocess.run([JOPAN, *args], capture_output=True, text=True, timeout=SECONDS,
                              preexec_fn=limit_memory, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None


def png(width, height, payload=b""):
    """A PNG header claiming width x height, with payload as its image data."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", payload) + chunk(b"IEND", b"")


def panorama(width, height):
    """A valid RGB PNG of width x height: grey rows."""
    rows = b"".join(b"\x00" + bytes([128, 128, 128]) * width for _ in range(height))
    return png(width, height, zlib.compress(rows, 9))


def article(tmp, name, **fields):
    fields.setdefault("headline", "A hostile case")
    fields.setdefault("body", "A short body.")
    path = os.path.join(tmp, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fields, f)
    return path


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def case(name, build, codes, message=None):
    """build(tmp) returns (args, output); the run must exit with one of
    codes, print message (if given) on stderr, and leave output only when
    it rendered."""
    global passed, failed
    with tempfile.TemporaryDirectory(prefix="jopan-hostile-") as tmp:
        args, output = build(tmp)
        before = set(os.listdir(tmp))
        p = jopan(*args)
        left = set(os.listdir(tmp)) - before
        problem = None
        if p is None:
            problem = f"no answer within {SECONDS} s"
        elif p.returncode < 0 or p.returncode not in codes:
            problem = f"exit {p.returncode}, expected {codes}; stderr {p.stderr[-400:]!r}"
        elif message and message not in p.stderr:
            problem = f"stderr {p.stderr[-400:]!r} does not say {message!r}"
        elif p.returncode in (1, 2) and left:
            problem = f"a failed run left {sorted(left)} behind"
        elif output and p.returncode in (0, 3) and not os.path.exists(output):
            problem = f"rendered, but {os.path.basename(output)} is missing"
    if problem:
        failed += 1
        print(f"not ok - {name}: {problem}")
    else:
        passed += 1
        print(f"ok - {name}")
    sys.stdout.flush()


def deep_json(tmp):
    depth = 80000
    text = '{"headline": "H", "body": "x", "x": ' + "[" * depth + "]" * depth + "}"
    path = write(tmp, "deep.json", text.encode())
    return ["render", path, "-o", os.path.join(tmp, "out.pdf")], os.path.join(tmp, "out.pdf")


def long_paragraph(tmp):
    words = "harbour tide crane ferry quay pier lantern gull rope anchor ".split()
    body = " ".join(words[i % len(words)] for i in range(3 * 1024 * 1024 // 6))
    path = article(tmp, "long", body=body)
    return ["render", path, "-o", os.path.join(tmp, "out.pdf")], os.path.join(tmp, "out.pdf")


def huge_body(tmp):
    path = os.path.join(tmp, "huge.json")
    with open(path, "w") as f:
        f.write('{"headline": "H", "body": "')
        chunk = "word " * 20000
        for _ in range(100 * 1024 * 1024 // len(chunk)):
            f.write(chunk)
        f.write('"}')
    return ["render", path, "-o", os.path.join(tmp, "out.pdf")], os.path.join(tmp, "out.pdf")


def tiny_font(tmp):
    path = article(tmp, "tiny", body="Some words in a face half a point tall. " * 200)
    out = os.path.join(tmp, "out.pdf")
    return ["render", path, "-o", out, "--set", "body.font=Noto Serif 0.5"], out


def giant_slot(tmp):
    out = os.path.join(tmp, "out.pdf")
    return ["render", article(tmp, "slot"), "-o", out, "--slot", "3:1e308mm"], out


def claimed_png(tmp):
    write(tmp, "claim.png", png(20000, 20000, bytes(range(256)) * 1600))
    path = article(tmp, "claim", images=[{"src": "claim.png"}])
    return ["render", path, "-o", os.path.join(tmp, "out.pdf")], os.path.join(tmp, "out.pdf")


def panorama_strip(tmp, ext):
    write(tmp, "strip.png", panorama(40000, 8))
    path = article(tmp, "strip", images=[{"src": "strip.png", "caption": "A strip."}])
    out = os.path.join(tmp, "out." + ext)
    return ["render", path, "-o", out, "--dpi", "30"], out


def huge_page(tmp):
    out = os.path.join(tmp, "out.png")
    return ["render", article(tmp, "page"), "-o", out, "--set", "page.size=100000mm 100000mm"], out


def preview(tmp, dpi):
    out = os.path.join(tmp, "out.png")
    return ["render", article(tmp, "dpi"), "-o", out, "--dpi", str(dpi)], out


def fifo(tmp):
    path = os.path.join(tmp, "fifo.json")
    os.mkfifo(path)
    return ["render", path, "-o", os.path.join(tmp, "out.pdf")], os.path.join(tmp, "out.pdf")


def main():
    case("JSON nested 80,000 deep in an unused key", deep_json, (1,), "nest")
    case("a 3 MB paragraph", long_paragraph, (0, 1, 3))
    case("a 100 MB body", huge_body, (1,), "huge.json")
    case("a 0.5 pt body face", tiny_font, (0, 1, 2, 3))
    case("a slot of 3:1e308mm", giant_slot, (2,), "1e308")
    case("a 400 KB PNG claiming 20000x20000", claimed_png, (1,), "claim.png")
    case("a 40000x8 panorama to PDF", lambda t: panorama_strip(t, "pdf"), (0, 3))
    case("a 40000x8 panorama to PNG", lambda t: panorama_strip(t, "png"), (0, 3))
    case("a page 100 m square", huge_page, (1, 2), "page.size")
    case("--dpi 1000 to PNG", lambda t: preview(t, 1000), (0, 2, 3))
    case("--dpi 2400 to PNG", lambda t: preview(t, 2400), (2,), "dpi")
    case("a FIFO as the article", fifo, (1,), "fifo.json")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
