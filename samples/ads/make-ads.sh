#!/usr/bin/env bash
# Regenerates the two sample ads in this directory with ImageMagick 6
# (tested with 6.9.11) and the project's own fonts (../../fonts).
#
#   aldwick-mutual.png  2884x787 px at 250 ppi = 293 x 80 mm: five columns
#                       of the berliner type area, for an English page's foot
#   solnae-bakery.pdf   one page, 114 x 60 mm (two berliner columns), a
#                       Korean bakery; drawn as a 300 ppi image and wrapped
#                       in a one-page PDF by a few lines of python3
#
# The businesses, rates, addresses and slogans are invented for the project.
# Both are byte-identical when made again with the same ImageMagick version.
#
# Usage: bash make-ads.sh   (run from anywhere)

set -euo pipefail

OUT="$(cd "$(dirname "$0")" && pwd)"
FONTS="$OUT/../../fonts"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

###########################################################################
# aldwick-mutual.png — a building society's savings ad.
###########################################################################
W=2884; H=787; NAVY='#1d3557'
convert -size ${W}x${H} xc:white \
  -stroke none -fill "$NAVY" -draw "rectangle 0,0 820,$H" \
  -fill white -draw "circle 410,250 410,110" \
  -fill "$NAVY" -draw "polygon 330,270 410,190 490,270 470,270 470,330 350,330 350,270" \
  -fill white -draw "rectangle 395,285 425,330" \
  -fill none -stroke "$NAVY" -strokewidth 10 \
  -draw "path 'M 300,352 Q 355,330 410,352 Q 465,374 520,352'" \
  -stroke none \
  -font "$FONTS/NotoSerif-Bold.ttf" -fill white -pointsize 78 \
  -gravity North -annotate -1032+430 'ALDWICK MUTUAL' \
  -font "$FONTS/NotoSans-Regular.ttf" -pointsize 40 \
  -annotate -1032+545 'Building Society · since 1868' \
  -gravity NorthWest \
  -font "$FONTS/NotoSerif-Bold.ttf" -fill "$NAVY" -pointsize 100 \
  -annotate +900+70 'A warmer winter starts with a plan.' \
  -font "$FONTS/NotoSans-Bold.ttf" -fill '#b5452a' -pointsize 92 \
  -annotate +900+270 'Winter Saver  4.10% AER' \
  -font "$FONTS/NotoSans-Regular.ttf" -fill '#222222' -pointsize 52 \
  -annotate +900+400 'Save from £1 a month. Take your money out whenever you need it.' \
  -annotate +900+470 'Ask in branch, 14 Corn Street, Aldwick — open Monday to Saturday.' \
  -fill '#555555' -pointsize 30 \
  -annotate +900+680 'Rate variable, correct on 26 November 2026. Aldwick Mutual is a member of the national deposit protection scheme. Terms apply.' \
  -fill none -stroke '#111111' -strokewidth 6 -draw "rectangle 3,3 $(( W - 4 )),$(( H - 4 ))" \
  -strip -depth 8 -units PixelsPerInch -density 250 -define png:exclude-chunks=date,time \
  "$OUT/aldwick-mutual.png"

###########################################################################
# solnae-bakery.pdf — a market bakery's ad, in Korean.
###########################################################################
W=1346; H=709; BROWN='#5b3216'
convert -size ${W}x${H} xc:'#fbf5e8' \
  -stroke none -fill '#d9a25a' -draw "ellipse 1120,250 150,90 0,360" \
  -fill '#b87a34' -draw "ellipse 1120,232 130,60 180,360" \
  -stroke '#fbf5e8' -strokewidth 10 -fill none \
  -draw "line 1060,200 1030,262" -draw "line 1130,190 1100,262" -draw "line 1200,200 1170,262" \
  -stroke none \
  -font "$FONTS/NanumMyeongjoBold.ttf" -fill "$BROWN" -pointsize 150 \
  -annotate +70+210 '솔내제과' \
  -font "$FONTS/NanumGothicBold.ttf" -fill '#9a4a1c' -pointsize 48 \
  -annotate +76+300 '1966년부터 솔내시장 한자리' \
  -fill "$BROWN" -pointsize 56 \
  -annotate +76+440 '단팥빵 · 찹쌀도넛 · 카스텔라' \
  -font "$FONTS/NanumGothic.ttf" -fill '#333333' -pointsize 40 \
  -annotate +76+540 '매일 아침 7시, 첫 빵이 나옵니다' \
  -fill "$BROWN" -draw "rectangle 0,600 $W,$H" \
  -fill '#fbf5e8' -pointsize 36 \
  -annotate +76+668 '솔내시장 중앙통로 23호  |  매주 월요일 쉽니다' \
  -fill none -stroke "$BROWN" -strokewidth 8 -draw "rectangle 4,4 $(( W - 5 )),$(( H - 5 ))" \
  -strip "$TMP/bakery.png"
# Debian's ImageMagick policy forbids writing PDF, so the page is written
# here: one page of 114 x 60 mm holding the picture as a JPEG (DCTDecode).
convert "$TMP/bakery.png" -colorspace sRGB -sampling-factor 1x1 -quality 92 "$TMP/bakery.jpg"
python3 - "$TMP/bakery.jpg" "$OUT/solnae-bakery.pdf" $W $H <<'PY'
import sys
jpg, out, w, h = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = open(jpg, "rb").read()
pw, ph = 114 / 25.4 * 72, 60 / 25.4 * 72
draw = f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode()
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2f} {ph:.2f}] "
        f"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB "
        f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(data)} >>\nstream\n".encode()
        + data + b"\nendstream",
        f"<< /Length {len(draw)} >>\nstream\n".encode() + draw + b"\nendstream"]
pdf, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
for i, o in enumerate(objs, 1):
    offsets.append(len(pdf))
    pdf += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
xref = len(pdf)
pdf += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
pdf += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
pdf += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
open(out, "wb").write(pdf)
PY

ls -l "$OUT"/aldwick-mutual.png "$OUT"/solnae-bakery.pdf
