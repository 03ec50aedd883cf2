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
#   corn-street-books.png, teal-valley-ales.png, playhouse-panto.png and
#   hanbit-marathon.png, hanbit-water.png, hanbit-fishfest.png: the sample
#   edition's ads (../edition), 250 ppi PNG
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

###########################################################################
# The edition's ads (../edition/): PNG at 250 ppi, one to three columns.
###########################################################################
PNG=(-strip -depth 8 -units PixelsPerInch -density 250 -define png:exclude-chunks=date,time)

# corn-street-books.png — 1124x591 px = 114 x 60 mm, two columns.
W=1124; H=591; GREEN='#23452f'
convert -size ${W}x${H} xc:'#f6f1e4' \
  -stroke none -fill "$GREEN" -draw "rectangle 0,0 $W,150" \
  -fill '#c9a44a' -draw "rectangle 0,150 $W,160" \
  -fill '#8a2a1e' -draw "rectangle 860,250 900,470" -fill '#2a4a7a' -draw "rectangle 904,230 948,470" \
  -fill '#c9a44a' -draw "rectangle 952,270 986,470" -fill "$GREEN" -draw "rectangle 990,240 1036,470" \
  -fill '#5a3a22' -draw "rectangle 840,470 1060,486" \
  -font "$FONTS/NotoSerif-Bold.ttf" -fill white -pointsize 76 -gravity North -annotate +0+28 'Corn Street Books' \
  -gravity NorthWest -font "$FONTS/NotoSerif-Bold.ttf" -fill "$GREEN" -pointsize 54 \
  -annotate +50+200 'Give a book this Christmas' \
  -font "$FONTS/NotoSans-Regular.ttf" -fill '#222222' -pointsize 36 \
  -annotate +50+290 'Free gift wrapping · Signed local authors' \
  -annotate +50+345 'Story time for under-fives, Saturdays at 10' \
  -annotate +50+400 'Open late until 8 p.m. every Thursday' \
  -fill "$GREEN" -draw "rectangle 0,500 $W,$H" \
  -font "$FONTS/NotoSans-Bold.ttf" -fill white -pointsize 34 \
  -annotate +50+530 '22 Corn Street, Aldwick · next to the market hall' \
  -fill none -stroke '#111111' -strokewidth 5 -draw "rectangle 2,2 $(( W - 3 )),$(( H - 3 ))" \
  "${PNG[@]}" "$OUT/corn-street-books.png"

# teal-valley-ales.png — 1713x689 px = 174 x 70 mm, three columns.
W=1713; H=689; AMBER='#c8741e'; DARK='#2a1a10'
convert -size ${W}x${H} xc:"$DARK" \
  -stroke none -fill "$AMBER" -draw "polygon 120,160 300,160 280,600 140,600" \
  -fill '#f4ead4' -draw "polygon 116,120 304,120 300,200 120,200" \
  -fill '#e0a040' -draw "polygon 150,240 270,240 262,560 158,560" \
  -font "$FONTS/NotoSerif-Bold.ttf" -fill '#f4ead4' -pointsize 96 \
  -annotate +400+150 'TEAL VALLEY ALES' \
  -font "$FONTS/NotoSans-Regular.ttf" -fill "$AMBER" -pointsize 44 \
  -annotate +404+225 'Brewed by the river in Aldwick since 1871' \
  -font "$FONTS/NotoSerif-Bold.ttf" -fill white -pointsize 70 \
  -annotate +400+360 'Winter Warmer is back.' \
  -font "$FONTS/NotoSans-Regular.ttf" -fill '#f4ead4' -pointsize 40 \
  -annotate +404+440 'A dark ale with a hint of treacle, 5.2%.' \
  -annotate +404+500 'In good pubs across the valley until February.' \
  -fill '#b09a80' -pointsize 28 \
  -annotate +404+630 'Brewery shop open Tuesday to Saturday, Wharf Lane. Please drink responsibly.' \
  -fill none -stroke "$AMBER" -strokewidth 8 -draw "rectangle 4,4 $(( W - 5 )),$(( H - 5 ))" \
  "${PNG[@]}" "$OUT/teal-valley-ales.png"

# playhouse-panto.png — 1713x886 px = 174 x 90 mm, three columns.
W=1713; H=886; RED='#8e1b22'
convert -size ${W}x${H} xc:"$RED" \
  -stroke none -fill '#6a1016' -draw "polygon 0,0 260,0 200,886 0,886" -draw "polygon $W,0 $(( W - 260 )),0 $(( W - 200 )),886 $W,886" \
  -fill '#f2c94c' -draw "circle 856,200 856,110" -fill "$RED" -draw "circle 830,180 856,110" \
  -font "$FONTS/NotoSans-Bold.ttf" -fill '#f2c94c' -pointsize 44 -gravity North \
  -annotate +0+330 'THE ALDWICK PLAYHOUSE PRESENTS' \
  -font "$FONTS/NotoSerif-Bold.ttf" -fill white -pointsize 120 -annotate +0+400 'Jack and the Beanstalk' \
  -font "$FONTS/NotoSans-Regular.ttf" -fill '#fbe9c0' -pointsize 48 \
  -annotate +0+570 '11 December – 10 January · Tickets from £12' \
  -annotate +0+640 'Relaxed performance 3 January · Box office 01632 960 412' \
  -fill '#f2c94c' -pointsize 34 -annotate +0+760 'Our first pantomime in our restored home since 2019' \
  -fill none -stroke '#f2c94c' -strokewidth 8 -draw "rectangle 4,4 $(( W - 5 )),$(( H - 5 ))" \
  "${PNG[@]}" "$OUT/playhouse-panto.png"

# hanbit-marathon.png — 1713x689 px = 174 x 70 mm, three columns, Korean.
W=1713; H=689; BLUE='#1e5aa0'
convert -size ${W}x${H} xc:white \
  -stroke none -fill "$BLUE" -draw "rectangle 0,0 560,$H" \
  -fill white -draw "circle 280,200 280,150" \
  -fill none -stroke white -strokewidth 26 -draw "line 280,260 260,400" -draw "line 260,400 190,520" \
  -draw "line 260,400 340,500" -draw "line 340,500 320,600" -draw "line 270,300 180,340" -draw "line 270,300 370,280" \
  -stroke none -font "$FONTS/NanumGothicBold.ttf" -fill "$BLUE" -pointsize 92 \
  -annotate +620+160 '제7회 한빛 해안마라톤' \
  -fill '#d2461e' -pointsize 60 -annotate +624+270 '참가자 모집 (선착순 8000명)' \
  -font "$FONTS/NanumGothic.ttf" -fill '#222222' -pointsize 44 \
  -annotate +624+370 '2027년 3월 21일(일) 오전 8시, 한빛해변공원 출발' \
  -annotate +624+440 '풀코스 · 하프 · 10㎞ · 5㎞ 가족걷기' \
  -annotate +624+510 '접수: 12월 1~31일, 한빛시 누리집' \
  -fill '#666666' -pointsize 32 -annotate +624+630 '주최 한빛시 · 한빛시체육회   문의 (054) 000-2027' \
  -fill none -stroke "$BLUE" -strokewidth 8 -draw "rectangle 4,4 $(( W - 5 )),$(( H - 5 ))" \
  "${PNG[@]}" "$OUT/hanbit-marathon.png"

# hanbit-water.png — 1124x591 px = 114 x 60 mm, two columns: a city's
# public notice, in Korean.
W=1124; H=591; SKY='#0f6aa8'
convert -size ${W}x${H} xc:'#eef6fb' \
  -stroke none -fill "$SKY" -draw "rectangle 0,0 $W,130" \
  -fill '#5aa8d8' -draw "path 'M 900,200 Q 960,300 960,360 A 60,60 0 0 1 840,360 Q 840,300 900,200 Z'" \
  -font "$FONTS/NanumGothicBold.ttf" -fill white -pointsize 64 -gravity North -annotate +0+30 '겨울철 수도관 동파 주의' \
  -gravity NorthWest -fill "$SKY" -pointsize 46 -annotate +50+190 '영하 10도 아래로 내려가면' \
  -font "$FONTS/NanumGothic.ttf" -fill '#222222' -pointsize 38 \
  -annotate +50+270 '· 수돗물을 조금씩 틀어 두세요' \
  -annotate +50+330 '· 계량기함은 헌 옷으로 채워 주세요' \
  -annotate +50+390 '· 언 수도관은 미지근한 물로 녹이세요' \
  -fill "$SKY" -draw "rectangle 0,490 $W,$H" \
  -font "$FONTS/NanumGothicBold.ttf" -fill white -pointsize 36 \
  -annotate +50+520 '한빛시 상수도사업본부 · 동파 신고 ☎ 121' \
  -fill none -stroke "$SKY" -strokewidth 6 -draw "rectangle 2,2 $(( W - 3 )),$(( H - 3 ))" \
  "${PNG[@]}" "$OUT/hanbit-water.png"

# hanbit-fishfest.png — 1713x689 px = 174 x 70 mm, three columns: the
# fisheries cooperative's winter festival, in Korean.
W=1713; H=689; SEA='#0b3a5c'
convert -size ${W}x${H} gradient:"$SEA"-'#1f6f8b' \
  -stroke none -fill '#d8e4ea' -draw "ellipse 330,360 230,90 0,360" -fill "$SEA" -draw "circle 180,345 180,330" \
  -fill '#d8e4ea' -draw "polygon 540,360 640,280 640,440" -fill '#f2c14e' -draw "rectangle 230,355 460,372" \
  -font "$FONTS/NanumMyeongjoBold.ttf" -fill white -pointsize 104 -annotate +700+190 '한빛 겨울 방어 축제' \
  -font "$FONTS/NanumGothicBold.ttf" -fill '#f2c14e' -pointsize 56 -annotate +706+300 '12월 12일(토) ~ 14일(월)' \
  -font "$FONTS/NanumGothic.ttf" -fill white -pointsize 42 \
  -annotate +706+390 '한빛항 수협 위판장 앞 광장' \
  -annotate +706+460 '방어 맨손잡기 · 회 뜨기 시연 · 어시장 할인' \
  -fill '#cfe3ee' -pointsize 32 -annotate +706+620 '주최 한빛수협 · 후원 한빛시   입장 무료' \
  -fill none -stroke '#f2c14e' -strokewidth 8 -draw "rectangle 4,4 $(( W - 5 )),$(( H - 5 ))" \
  "${PNG[@]}" "$OUT/hanbit-fishfest.png"

ls -l "$OUT"/*.png "$OUT"/*.pdf
