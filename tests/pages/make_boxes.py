#!/usr/bin/env python3
"""Writes the test ads: ad.png (an image box) and ad.pdf (a one-page PDF
box, drawn as vectors), small and deterministic, with no library but the
standard one.  Run it here to remake them: python3 make_boxes.py
"""
import struct
import zlib


def png(path, width, height):
    """A banner: a dark blue field, a light band across its middle."""
    rows = []
    for y in range(height):
        band = height // 3 <= y < 2 * height // 3
        pixel = bytes((230, 200, 60)) if band else bytes((20, 40, 110))
        rows.append(b"\0" + pixel * width)
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", raw))
        f.write(chunk(b"IEND", b""))


def pdf(path, pages, width=400, height=150):
    """A PDF of `pages` pages, each a framed rectangle with a word."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for _ in range(pages):
        stream = ("0.8 0.1 0.1 rg 10 10 %d %d re f 1 1 1 rg BT /F1 48 Tf 40 55 Td (ADVERT) Tj ET"
                  % (width - 20, height - 20))
        objects.append("<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>"
                       % (width, height, len(objects)))
        kids.append("%d 0 R" % len(objects))
    objects[1] = "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(kids), pages)
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (i + 1, body)).encode()
    xref = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)).encode()
    out += "".join("%010d 00000 n \n" % o for o in offsets).encode()
    out += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref)).encode()
    with open(path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    png("ad.png", 300, 100)
    pdf("ad.pdf", 1)
