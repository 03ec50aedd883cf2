"""Odd and hostile photos for the tests, made in pure Python (no imaging
library needed): PNGs of any shape, baseline JPEGs whose 8x8 blocks are each
one flat colour (RGB or Adobe CMYK, with an EXIF orientation), a PNG whose
header claims more pixels than its data holds, and readers for the PNG and
PPM files jopan and pdftoppm write.

The JPEG encoder keeps only each block's DC coefficient (quantised by 1), so
a decoder gives the colours back exactly; that is all a pixel test needs.
"""
import struct
import zlib


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width, height, row, alpha=False):
    """A PNG; row(y) gives the bytes of row y (RGB or RGBA)."""
    raw = b"".join(b"\0" + row(y) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def png_with_data(width, height, idat):
    """An RGB PNG of width x height whose (intact) IDAT chunk holds `idat`."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))


def png_claiming(width, height, data_bytes=40_000_000):
    """A valid PNG header claiming width x height, with far less image data:
    a few hundred kilobytes that a decoder would first allocate gigabytes for."""
    return png_with_data(width, height, zlib.compress(bytes(data_bytes), 9))


def _huffman(bits, values):
    """Canonical codes (JPEG Annex C) for a DHT table: value -> (code, length)."""
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


# The standard luminance DC table (categories 0-11); the AC table holds
# only end-of-block, as code "0".
DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_VALUES = list(range(12))
AC_BITS = [1] + [0] * 15
AC_VALUES = [0]


class _Bits:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, code, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((code >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)  # byte stuffing
                self.acc, self.n = 0, 0

    def flush(self):
        while self.n:
            self.put(1, 1)
        return bytes(self.out)


def _segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _exif(orientation):
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\0" * 4
    return b"Exif\0\0" + b"MM\0*" + struct.pack(">I", 8) + ifd


def _ycbcr(r, g, b):
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
    cr = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
    return [max(0, min(255, round(v))) for v in (y, cb, cr)]


def jpeg(blocks_x, blocks_y, colour, cmyk=False, orientation=None):
    """A baseline JPEG of blocks_x x blocks_y blocks of 8x8 pixels;
    colour(bx, by) gives a block's (r, g, b), or with cmyk its inks
    (c, m, y, k), stored inverted with an Adobe APP14 marker as Photoshop
    writes them."""
    n = 4 if cmyk else 3
    out = b"\xff\xd8"
    out += _segment(0xEE, b"Adobe" + struct.pack(">HHHB", 100, 0, 0, 0)) if cmyk \
        else _segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    if orientation:
        out += _segment(0xE1, _exif(orientation))
    out += _segment(0xDB, b"\0" + bytes([1] * 64))
    out += _segment(0xC0, struct.pack(">BHHB", 8, blocks_y * 8, blocks_x * 8, n)
                    + b"".join(bytes([i + 1, 0x11, 0]) for i in range(n)))
    out += _segment(0xC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALUES)
                    + b"\x10" + bytes(AC_BITS) + bytes(AC_VALUES))
    out += _segment(0xDA, bytes([n]) + b"".join(bytes([i + 1, 0]) for i in range(n))
                    + b"\x00\x3f\x00")
    dc, ac = _huffman(DC_BITS, DC_VALUES), _huffman(AC_BITS, AC_VALUES)
    bits, previous = _Bits(), [0] * n
    for by in range(blocks_y):
        for bx in range(blocks_x):
            c = colour(bx, by)
            samples = [255 - v for v in c] if cmyk else _ycbcr(*c)
            for i, v in enumerate(samples):
                value = 8 * (v - 128)
                diff, previous[i] = value - previous[i], value
                size = abs(diff).bit_length()
                bits.put(*dc[size])
                if size:
                    bits.put(diff if diff >= 0 else diff + (1 << size) - 1, size)
                bits.put(*ac[0])
    return out + bits.flush() + b"\xff\xd9"


def jpeg_claiming(data, width, height):
    """The JPEG `data` with its frame header changed to claim width x height."""
    i = data.index(b"\xff\xc0")
    return data[:i + 5] + struct.pack(">HH", height, width) + data[i + 9:]


def read_png(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    i, idat = 8, b""
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and not interlace, (depth, ctype, interlace)
        elif kind == b"IDAT":
            idat += body
        i += 12 + length
    raw, bpp = zlib.decompress(idat), 3 if ctype == 2 else 4
    stride, rows, prior = width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prior[x], prior[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prior = line
    return width, height, rows


def read_ppm(path):
    """(width, height, rows of (r, g, b)) of a binary PPM (pdftoppm's)."""
    data = open(path, "rb").read()
    fields, i = [], 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    width, height = int(fields[1]), int(fields[2])
    pixels = data[i + 1:]
    return width, height, [[tuple(pixels[(y * width + x) * 3:(y * width + x) * 3 + 3])
                            for x in range(width)] for y in range(height)]
