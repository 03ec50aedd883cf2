#!/usr/bin/env bash
# Regenerates the sample photos in this directory.
#
# The pictures are synthetic "photographs" drawn with ImageMagick 6
# (tested with 6.9.11): gradients for sky and water, blurred plasma
# fractals for clouds and textures, simple polygon silhouettes, and a
# little film grain. Every random step uses a fixed -seed, and object
# positions come from a tiny integer LCG below, so output is reproducible
# on the same ImageMagick version.
#
# Output: baseline (non-progressive) sRGB JPEG, 4:2:0, no metadata;
# quality 85 for the first four, 80 for the rest (each under 300 KB).
#
#   harbour-dawn.jpg   2400x1600  lead photo for ../harbour.json
#   harbour-quay.jpg   1600x1200  second photo for ../harbour.json
#   market-night.jpg   2400x1600  lead photo for ../seoul-market.json
#   market-stall.jpg   1600x1200  second photo for ../seoul-market.json
#   bridge-dusk.jpg    2400x1600  lead photo for ../bridge-closure.json
#   ferry-steps.jpg    1600x1200  second photo for ../bridge-closure.json
#   library-night.jpg  2000x1334  ../library-warm.json
#   rail-yard.jpg      2000x1334  ../rail-allotments.json
#   market-clock.jpg   1200x1200  ../brief-clock.json (a small photo)
#   island-ferry.jpg   2400x1600  lead photo for ../island-ferry.json
#   island-village.jpg 1600x1200  second photo for ../island-ferry.json
#   rail-forest.jpg    2000x1334  ../rail-forest.json
#   bathhouse.jpg      1600x1200  ../bathhouse.json (lettering in ../../fonts)
#   infirmary.jpg      2000x1334  ../edition/en/infirmary-beds.json
#   mill.jpg           2000x1334  ../edition/en/mill-buyout.json
#   playhouse.jpg      2000x1334  ../edition/en/playhouse-reopens.json
#   pitch-rain.jpg     2000x1334  ../edition/en/rugby-derby.json
#   cityhall-ko.jpg    2000x1334  ../edition/ko/budget.json (lettering in ../../fonts)
#   lights-square.jpg  2000x1334  ../edition/en/lights-switch-on.json
#   village-school.jpg 2000x1334  ../edition/en/school-merger.json
#   warehouse-stage.jpg 2000x1334 ../edition/ko/theatre-ko.json
#   stadium-ko.jpg     2000x1334  ../edition/ko/football-ko.json (lettering in ../../fonts)
#
# Usage: bash make-photos.sh [NAME...]   (run from anywhere; NAME is a file
# name without .jpg; without names, all of them)

set -euo pipefail

OUT="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

JPEG=(-colorspace sRGB -strip -interlace none -sampling-factor 2x2 -quality 85)
JPEG2=(-colorspace sRGB -strip -interlace none -sampling-factor 2x2 -quality 80)

# want NAME: true when NAME.jpg is to be made (every photo without arguments).
ARGS=("$@")
want() {
  local a
  (( ${#ARGS[@]} == 0 )) && return 0
  for a in "${ARGS[@]}"; do [[ $a == "$1" ]] && return 0; done
  return 1
}

# Deterministic pseudo-random integers in [0, $1): rnd N  -> sets $R
SEED=20261125
rnd() { SEED=$(( (SEED * 1103515245 + 12345) % 2147483648 )); R=$(( (SEED / 65536) % $1 )); }

###########################################################################
# 1. harbour-dawn.jpg — dawn over a breakwater, lighthouse, moored boats,
#    and the tidal-turbine platform offshore.
###########################################################################
if want harbour-dawn; then
W=2400; H=1600; HZ=1000   # horizon line

# Sky: deep blue to warm amber at the horizon.
convert -size ${W}x${HZ} gradient:'#3d5f8f'-'#f2b77a' "$TMP/sky.png"

# Clouds: blurred fractal plasma, stretched horizontally, screened on top.
convert -seed 11 -size 600x250 plasma:fractal -colorspace Gray \
        -blur 0x6 -resize ${W}x${HZ}\! -level 50%,90% \
        "$TMP/clouds.png"
convert "$TMP/sky.png" \( "$TMP/clouds.png" +level-colors black,'#f6d2b0' \) \
        -compose Screen -composite \
        "$TMP/sky2.png"

# Sun: soft radial glow sitting on the horizon.
convert -size ${W}x${HZ} xc:black -fill white \
        -draw "circle 1560,960 1560,905" -blur 0x40 \
        \( -size ${W}x${HZ} radial-gradient:'#9a6a40'-black -roll +360+460 \) \
        -compose Plus -composite "$TMP/sun.png"
convert "$TMP/sky2.png" "$TMP/sun.png" -compose Screen -composite "$TMP/skyall.png"

# Sea: dark gradient plus horizontally smeared noise for wave texture,
# and a shimmering column of reflected sunlight.
convert -size ${W}x$((H-HZ)) gradient:'#5a6f86'-'#141f2c' "$TMP/seabase.png"
convert -seed 12 -size 240x600 xc:gray50 +noise Gaussian -colorspace Gray \
        -resize ${W}x$((H-HZ))\! -blur 0x1 -level 30%,70% "$TMP/waves.png"
convert -seed 13 -size ${W}x$((H-HZ)) xc:black \
        -fill white -draw "rectangle 1500,0 1620,$((H-HZ))" -blur 0x60 \
        \( -size 120x600 xc:gray50 +noise Impulse -colorspace Gray \
           -resize ${W}x$((H-HZ))\! -blur 0x2 \) \
        -compose Multiply -composite -level 0%,60% \
        -fill '#ffc98a' -tint 100 "$TMP/glint.png"
convert "$TMP/seabase.png" "$TMP/waves.png" -compose Overlay -composite \
        "$TMP/glint.png" -compose Screen -composite "$TMP/sea.png"

convert "$TMP/skyall.png" "$TMP/sea.png" -append "$TMP/scene.png"

# Silhouettes: breakwater, lighthouse, turbine platform, boats with masts.
convert "$TMP/scene.png" -fill '#11161d' -stroke none \
  -draw "polygon 0,1040 980,1010 1010,1022 1010,1060 0,1140" \
  -draw "rectangle 880,880 930,1015" \
  -draw "polygon 870,880 940,880 905,845" \
  -draw "rectangle 895,860 915,880" \
  -fill '#2a2f36' \
  -draw "rectangle 1840,968 2000,990" \
  -draw "rectangle 1850,990 1858,1004" -draw "rectangle 1982,990 1990,1004" \
  -draw "rectangle 1905,930 1935,968" \
  -fill '#0d1117' \
  -draw "polygon 120,1270 620,1270 570,1330 170,1330" \
  -draw "rectangle 300,1180 380,1270" \
  -draw "polygon 700,1200 1060,1200 1020,1240 730,1240" \
  -stroke '#0d1117' -strokewidth 7 \
  -draw "line 250,1270 250,1010" -draw "line 250,1040 480,1260" \
  -draw "line 820,1200 820,1030" \
  -strokewidth 3 -draw "line 820,1060 1010,1198" \
  "$TMP/scene2.png"

# Film grain, gentle vignette, save.
convert "$TMP/scene2.png" -seed 14 -attenuate 0.35 +noise Gaussian \
        \( -size ${W}x${H} radial-gradient:white-'#808080' \) \
        -compose Multiply -composite \
        "${JPEG[@]}" "$OUT/harbour-dawn.jpg"
fi

###########################################################################
# 2. harbour-quay.jpg — overcast quayside: fish sheds, a cable drum, crates.
###########################################################################
if want harbour-quay; then
W=1600; H=1200; GY=820   # ground line

convert -size ${W}x${GY} gradient:'#7f8b96'-'#c9ced1' "$TMP/qsky.png"
convert -seed 21 -size 400x205 plasma:fractal -colorspace Gray -blur 0x4 \
        -resize ${W}x${GY}\! -level 35%,75% "$TMP/qclouds.png"
convert "$TMP/qsky.png" "$TMP/qclouds.png" -compose Overlay -composite \
        "$TMP/qsky2.png"

# Wet concrete: dark gradient, blotchy plasma, fine noise, vertical
# streaks of reflected light.
convert -seed 22 -size ${W}x$((H-GY)) gradient:'#5c6166'-'#2a2d30' \
        \( -size 400x95 plasma:fractal -colorspace Gray -blur 0x2 \
           -resize ${W}x$((H-GY))\! \) -compose SoftLight -composite \
        "$TMP/qground.png"

convert "$TMP/qsky2.png" "$TMP/qground.png" -append "$TMP/quay.png"

# Sheds (pitched roofs, doors), crane, cable drum, stacked crates.
convert "$TMP/quay.png" -stroke none \
  -fill '#3f4a55' -draw "polygon 60,820 60,520 260,420 460,520 460,820" \
  -fill '#33404c' -draw "polygon 470,820 470,560 640,470 810,560 810,820" \
  -fill '#4a5560' -draw "polygon 830,820 830,600 960,530 1090,600 1090,820" \
  -fill '#1c2228' -draw "rectangle 190,640 330,820" \
                  -draw "rectangle 580,680 700,820" \
                  -draw "rectangle 900,700 1020,820" \
  -fill '#d8c48a' -draw "rectangle 110,560 160,600" -draw "rectangle 370,560 420,600" \
  -stroke '#262c31' -strokewidth 14 \
  -draw "line 1230,820 1230,250" -draw "line 1230,262 1520,420" \
  -strokewidth 4 -draw "line 1500,410 1500,640" \
  -stroke none -fill '#7a3b22' \
  -draw "circle 1340,900 1340,790" \
  -fill '#2b2f33' -draw "circle 1340,900 1340,850" \
  -fill '#a5431f' -draw "rectangle 150,880 330,980" \
  -fill '#2f5f8a' -draw "rectangle 170,790 310,880" \
  -fill '#c58a1c' -draw "rectangle 360,900 520,990" \
  -fill '#11151a' -draw "rectangle 1480,640 1520,680" \
  "$TMP/quay2.png"

# Reflections of the sheds in the wet ground (flipped, blurred, faint).
convert "$TMP/quay2.png" -crop ${W}x300+0+520 +repage -flip -blur 0x8 \
        "$TMP/qrefl.png"
convert "$TMP/quay2.png" \( "$TMP/qrefl.png" -alpha set -channel A \
        -evaluate set 25% +channel \) -geometry +0+$GY -composite \
        -seed 23 -attenuate 0.4 +noise Gaussian \
        -modulate 100,85 \
        "${JPEG[@]}" "$OUT/harbour-quay.jpg"
fi

###########################################################################
# 3. market-night.jpg — a covered market lane at night, lanterns and
#    shop lights blurred into bokeh.
###########################################################################
if want market-night; then
W=2400; H=1600

# Base: near-black blue at the top, warm floor glow at the bottom.
convert -size ${W}x${H} gradient:'#0b1020'-'#3a2414' "$TMP/mbase.png"

# Lane in one-point perspective: stall fronts on both sides.
convert "$TMP/mbase.png" -stroke none \
  -fill '#1a1c26' -draw "polygon 0,0 1050,620 1050,980 0,1600" \
  -fill '#1d1a22' -draw "polygon 2400,0 1350,620 1350,980 2400,1600" \
  -fill '#2a2418' -draw "polygon 0,1600 1050,980 1350,980 2400,1600" \
  -fill '#0a0c14' -draw "rectangle 1050,620 1350,980" \
  -fill '#6b4a2a' -draw "polygon 0,260 1050,700 1050,740 0,420" \
  -fill '#5a2d2d' -draw "polygon 2400,260 1350,700 1350,740 2400,420" \
  -fill '#e8a552' -draw "polygon 60,560 1000,760 1000,900 60,1100" \
  -fill '#f0c070' -draw "polygon 2340,560 1400,760 1400,900 2340,1100" \
  -fill '#fff0c8' -draw "rectangle 1120,700 1280,900" \
  -fill '#1a1c26' \
  -draw "polygon 300,600 340,608 340,1020 300,1040" \
  -draw "polygon 600,660 625,665 625,960 600,970" \
  -draw "polygon 820,705 836,708 836,920 820,925" \
  -fill '#1d1a22' \
  -draw "polygon 2100,600 2060,608 2060,1020 2100,1040" \
  -draw "polygon 1800,660 1775,665 1775,960 1800,970" \
  -draw "polygon 1580,705 1564,708 1564,920 1580,925" \
  \( -seed 32 -size 600x400 plasma:fractal -colorspace Gray -blur 0x2 \
     -resize ${W}x${H}\! \) -compose SoftLight -composite \
  "$TMP/lane.png"

# Soft floor reflections, then blur the whole scene a touch (shallow focus).
convert "$TMP/lane.png" \
  \( -size ${W}x${H} xc:black -fill '#7a5228' \
     -draw "polygon 300,1600 1100,990 1300,990 2100,1600" -blur 0x50 \) \
  -compose Screen -composite -blur 0x3 "$TMP/lane2.png"

# Bokeh: lantern rows along the roof line + scattered shop lights.
DRAW=()
for i in $(seq 0 13); do             # two strings of lanterns
  x=$(( 60 + i * 75 ));  y=$(( 180 + i * 37 ))
  DRAW+=(-fill '#ff6a3a' -draw "circle $x,$y $((x+26-i)),$y")
  x=$(( 2340 - i * 75 )); DRAW+=(-fill '#ffb347' -draw "circle $x,$y $((x+26-i)),$y")
done
for i in $(seq 1 70); do             # scattered lights
  rnd 2400; x=$R; rnd 700; y=$(( 300 + R )); rnd 22; r=$(( 6 + R ))
  rnd 4
  case $R in 0) c='#ffd27a';; 1) c='#ff8a4c';; 2) c='#fff3d6';; 3) c='#7fd0ff';; esac
  DRAW+=(-fill "$c" -draw "circle $x,$y $((x+r)),$y")
done
convert -size ${W}x${H} xc:black "${DRAW[@]}" -blur 0x9 "$TMP/bokeh.png"
convert "$TMP/bokeh.png" -blur 0x40 -evaluate multiply 1.6 "$TMP/halo.png"

convert "$TMP/lane2.png" "$TMP/halo.png" -compose Screen -composite \
        "$TMP/bokeh.png" -compose Screen -composite \
        -seed 31 -attenuate 0.5 +noise Gaussian \
        \( -size ${W}x${H} radial-gradient:white-'#5a5a5a' \) \
        -compose Multiply -composite \
        "${JPEG[@]}" "$OUT/market-night.jpg"
fi

###########################################################################
# 4. market-stall.jpg — close-up of a produce stall: crates of tangerines,
#    apples and cabbages under a warm bulb.
###########################################################################
if want market-stall; then
W=1600; H=1200
SEED=1839582509   # the LCG state market-night leaves: either can be made alone

convert -seed 41 -size 400x300 plasma:fractal -colorspace Gray -blur 0x3 \
        -resize ${W}x${H}\! -level 0%,400% +level-colors '#120b06','#5a3e24' \
        "$TMP/sbase.png"

# Crates (three rows receding slightly), then the fruit as shaded discs.
DRAW=(-stroke none); SHADE=(-stroke none); SHINE=(-stroke none)
DRAW+=(-fill '#8a6238' -draw "rectangle 0,250 1600,270")
DRAW+=(-fill '#7a5430' -draw "rectangle 0,600 1600,625")
DRAW+=(-fill '#6e4a2a' -draw "rectangle 0,960 1600,990")
row() {  # row Y0 Y1 RADIUS X-START X-END  colours...
  local y0=$1 y1=$2 rr=$3 xs=$4 xe=$5; shift 5
  local cols=("$@") n=${#@} x y r c
  for (( y = y0; y <= y1; y += rr )); do
    for (( x = xs; x < xe; x += rr * 2 - 8 )); do
      rnd 10; r=$(( rr + R - 5 )); rnd $n; c=${cols[$R]}
      rnd 14; local jx=$(( R - 7 ))
      DRAW+=(-fill '#150d06' -draw "circle $((x+jx+6)),$((y+8)) $((x+jx+6+r)),$((y+8))")
      DRAW+=(-fill "$c" -draw "circle $((x+jx)),$y $((x+jx+r)),$y")
      SHADE+=(-fill black -draw "circle $((x+jx)),$y $((x+jx+r)),$y")
      SHADE+=(-fill '#f0f0f0' -draw "circle $((x+jx-r/5)),$((y-r/5)) $((x+jx-r/5+r*2/3)),$((y-r/5))")
      SHINE+=(-fill white -draw "circle $((x+jx-r/3)),$((y-r/3)) $((x+jx-r/3+r/6)),$((y-r/3))")
    done
  done
}
row 110 230  46   20  760 '#f08a1c' '#e9801a' '#f59a2a'          # tangerines
row 110 230  50  820 1600 '#a81c22' '#c0282a' '#8e1a1e'          # apples
row 330 560  90   40  900 '#7fa64a' '#93b85c' '#6d9440'          # cabbages
row 360 560  58  930 1600 '#d9c07a' '#cfb06a' '#e2cc8c'          # pears
row 700 930 120   60 1600 '#3f7a34' '#4e8a3a' '#5e9a48'          # melons
convert "$TMP/sbase.png" "${DRAW[@]}" "$TMP/flat.png"
# Round the fruit: multiply by a blurred light/dark map, add soft glints.
convert -size ${W}x${H} xc:white "${SHADE[@]}" -blur 0x14 "$TMP/shade.png"
convert -size ${W}x${H} xc:black "${SHINE[@]}" -blur 0x8 \
        -evaluate multiply 0.5 "$TMP/shine.png"
convert "$TMP/flat.png" \( "$TMP/shade.png" -level 0%,100%,0.6 +level 35%,100% \) \
        -compose Multiply -composite \
        "$TMP/shine.png" -compose Screen -composite "$TMP/stall.png"

# Price tags (blank white cards), depth-of-field blur for top and bottom
# rows, warm bulb light from upper left, grain, save.
convert "$TMP/stall.png" -fill '#f4efe2' -stroke '#222' -strokewidth 2 \
  -draw "rectangle 330,190 470,260" -draw "rectangle 1150,520 1290,590" \
  "$TMP/stall2.png"
convert "$TMP/stall2.png" \( +clone -blur 0x12 \) \
  \( -size ${W}x${H} gradient:white-black -function Polynomial 4,-4,1 \) \
  -composite "$TMP/stall3.png"
convert "$TMP/stall3.png" \
  \( -size ${W}x${H} radial-gradient:'#fff2d8'-'#5a4a3a' -roll -400-300 \) \
  -compose Multiply -composite \
  -modulate 115,100 -seed 42 -attenuate 0.45 +noise Gaussian \
  "${JPEG[@]}" "$OUT/market-stall.jpg"
fi

###########################################################################
# 5. bridge-dusk.jpg — a three-arch steel bridge over a river at dusk,
#    lamps lit, a fenced barrier across the near end.
###########################################################################
if want bridge-dusk; then
SEED=20261126
W=2400; H=1600; WL=1000   # water line
convert -size ${W}x${WL} gradient:'#1e2a4a'-'#e99a5c' "$TMP/bsky.png"
convert -seed 51 -size 600x250 plasma:fractal -colorspace Gray -blur 0x5 \
        -resize ${W}x${WL}\! -level 45%,95% "$TMP/bclouds.png"
convert "$TMP/bsky.png" \( "$TMP/bclouds.png" +level-colors black,'#c98a7a' \) \
        -compose Screen -composite "$TMP/bsky2.png"
# Far bank: a city skyline of blocks, towers and a spire.
DRAW=(-fill '#2b2a3a' -stroke none)
x=0
while (( x < W )); do
  rnd 120; w=$(( 60 + R )); rnd 180; h=$(( 40 + R ))
  DRAW+=(-draw "rectangle $x,$(( 900 - h )) $(( x + w )),1000")
  x=$(( x + w - 6 ))
done
DRAW+=(-draw "polygon 1730,900 1760,640 1790,900" -draw "rectangle 430,760 500,1000")
convert "$TMP/bsky2.png" "${DRAW[@]}" "$TMP/bsky3.png"
# Windows lit in the skyline.
DRAW=(-stroke none)
for i in $(seq 1 140); do
  rnd $W; x=$R; rnd 90; y=$(( 830 + R ))
  DRAW+=(-fill '#f4c978' -draw "rectangle $x,$y $(( x + 5 )),$(( y + 7 ))")
done
convert "$TMP/bsky3.png" "${DRAW[@]}" "$TMP/bsky4.png"
POSTS=()
for x in 120 420 720 1020 1320 1620 1920 2220; do POSTS+=(-draw "line $x,780 $x,700"); done
# Bridge: deck, three steel arches under it, stone piers, lamp posts.
convert "$TMP/bsky4.png" -fill none -stroke '#1a1c24' -strokewidth 26 \
  -draw "path 'M -60,1000 Q 330,690 720,1000'" \
  -draw "path 'M 720,1000 Q 1200,640 1680,1000'" \
  -draw "path 'M 1680,1000 Q 2070,690 2460,1000'" \
  -strokewidth 8 -stroke '#22252e' \
  -draw "path 'M -20,990 Q 330,720 680,990'" \
  -draw "path 'M 760,990 Q 1200,680 1640,990'" \
  -draw "path 'M 1720,990 Q 2070,720 2420,990'" \
  -stroke none -fill '#1a1c24' -draw "rectangle 0,780 2400,812" \
  -fill '#3b3a40' -draw "rectangle 690,812 750,1000" -draw "rectangle 1650,812 1710,1000" \
  -stroke '#1a1c24' -strokewidth 5 "${POSTS[@]}" \
  "$TMP/bridge.png"
# Struts between arch and deck.
DRAW=(-stroke '#1a1c24' -strokewidth 4)
for x in $(seq 80 60 2340); do
  DRAW+=(-draw "line $x,812 $x,1000")
done
convert "$TMP/bridge.png" "${DRAW[@]}" "$TMP/bridge2.png"
# Keep struts only above the arches: mask them with the sky below each arch curve.
convert -size ${W}x${H} xc:black -fill white \
  -draw "path 'M -60,1000 Q 330,690 720,1000 Z'" \
  -draw "path 'M 720,1000 Q 1200,640 1680,1000 Z'" \
  -draw "path 'M 1680,1000 Q 2070,690 2460,1000 Z'" "$TMP/archmask.png"
convert "$TMP/bridge2.png" "$TMP/bridge.png" "$TMP/archmask.png" -crop ${W}x${WL}+0+0 +repage \
        -composite "$TMP/bridge3.png"
# Lamp glows along the deck.
DRAW=()
for x in 120 420 720 1020 1320 1620 1920 2220; do
  DRAW+=(-fill '#ffd890' -draw "circle $x,696 $(( x + 12 )),696")
done
convert -size ${W}x${WL} xc:black "${DRAW[@]}" -blur 0x6 \( +clone -blur 0x30 \) \
        -compose Screen -composite "$TMP/blamps.png"
convert "$TMP/bridge3.png" "$TMP/blamps.png" -compose Screen -composite "$TMP/bupper.png"
# River: the upper half mirrored, darkened, smeared by ripples.
convert "$TMP/bupper.png" -crop ${W}x$(( H - WL ))+0+$(( WL - (H - WL) )) +repage -flip \
        -seed 52 -spread 6 -blur 0x4 -modulate 70,90 \
        \( -size 200x600 xc:gray50 +noise Gaussian -colorspace Gray -resize ${W}x$(( H - WL ))\! \
           -blur 0x3 -level 35%,65% \) -compose Overlay -composite "$TMP/briver.png"
convert "$TMP/bupper.png" "$TMP/briver.png" -append "$TMP/bscene.png"
STRIPES=()
for i in 0 1 2 3 4 5 6 7 8; do
  x=$(( 1360 + i * 105 ))
  STRIPES+=(-draw "polygon $x,1350 $(( x + 50 )),1349 $(( x + 100 )),1279 $(( x + 50 )),1280")
done
# Near barrier: red and white striped boards on posts, lower right.
convert "$TMP/bscene.png" -stroke none -fill '#15161a' \
  -draw "rectangle 1380,1250 1400,1600" -draw "rectangle 2240,1250 2260,1600" \
  -fill '#d8d4cc' -draw "polygon 1360,1280 2300,1260 2300,1330 1360,1350" \
  -fill '#b3262a' "${STRIPES[@]}" \
  -fill '#0f1014' -draw "rectangle 1300,1400 2400,1600" \
  "$TMP/bscene2.png"
convert "$TMP/bscene2.png" -seed 53 -attenuate 0.2 +noise Gaussian \
        \( -size ${W}x${H} radial-gradient:white-'#707070' \) -compose Multiply -composite \
        "${JPEG2[@]}" "$OUT/bridge-dusk.jpg"
fi

###########################################################################
# 6. ferry-steps.jpg — stone river steps on an overcast day, a small
#    passenger boat alongside, warehouses on the far bank.
###########################################################################
if want ferry-steps; then
SEED=20262126
W=1600; H=1200; WL=520
convert -size ${W}x${WL} gradient:'#9aa3ab'-'#d3d6d6' "$TMP/fsky.png"
# Far bank: warehouses with pitched roofs and rows of windows.
DRAW=(-stroke none)
x=-20
for c in '#5d5550' '#6b625a' '#4f4a48' '#72685e' '#5a524c' '#675f58'; do
  rnd 90; w=$(( 230 + R )); rnd 60; h=$(( 150 + R ))
  DRAW+=(-fill "$c" -draw "polygon $x,$WL $x,$(( WL - h )) $(( x + w / 2 )),$(( WL - h - 50 )) $(( x + w )),$(( WL - h )) $(( x + w )),$WL")
  for (( wy = WL - h + 20; wy < WL - 20; wy += 34 )); do
    for (( wx = x + 18; wx < x + w - 24; wx += 36 )); do
      DRAW+=(-fill '#2e2c2c' -draw "rectangle $wx,$wy $(( wx + 14 )),$(( wy + 18 ))")
    done
  done
  x=$(( x + w + 8 ))
done
convert "$TMP/fsky.png" "${DRAW[@]}" "$TMP/fsky2.png"
# River: grey-green, with soft horizontal ripples.
convert -size ${W}x$(( H - WL )) gradient:'#6f7b78'-'#3a4644' \
        \( -seed 61 -size 160x700 xc:gray50 +noise Gaussian -colorspace Gray \
           -resize ${W}x$(( H - WL ))\! -blur 0x3 -level 35%,65% \) \
        -compose Overlay -composite "$TMP/fwater.png"
convert "$TMP/fsky2.png" "$TMP/fwater.png" -append "$TMP/fscene.png"
# Steps: stone slabs stepping down from the lower left into the water.
DRAW=(-stroke '#3d3833' -strokewidth 3)
for i in $(seq 0 9); do
  y=$(( 700 + i * 50 )); x2=$(( 760 - i * 55 ))
  DRAW+=(-fill '#a89c8a' -draw "rectangle 0,$y $x2,$(( y + 14 ))")
  DRAW+=(-fill '#8a7f70' -draw "rectangle 0,$(( y + 14 )) $x2,$(( y + 50 ))")
done
DRAW+=(-fill '#6d655b' -draw "polygon 0,560 820,640 820,700 0,700")
DRAW+=(-stroke '#22201e' -strokewidth 10 -draw "line 800,600 800,700" -draw "line 560,580 560,700")
DRAW+=(-strokewidth 6 -draw "line 560,600 800,620")
convert "$TMP/fscene.png" "${DRAW[@]}" "$TMP/fscene2.png"
# The boat: white hull with a blue band, cabin with windows, a wake.
convert "$TMP/fscene2.png" -stroke none \
  -fill '#e8e6e0' -draw "polygon 820,770 1540,760 1500,860 880,870" \
  -fill '#23507a' -draw "polygon 826,800 1534,792 1526,812 834,820" \
  -fill '#f1efe9' -draw "rectangle 940,660 1380,770" \
  -fill '#cfd3d4' -draw "rectangle 930,640 1400,662" \
  -fill '#2f3a42' -draw "rectangle 960,685 1040,735" -draw "rectangle 1060,685 1140,735" \
                  -draw "rectangle 1160,685 1240,735" -draw "rectangle 1260,685 1340,735" \
  -fill '#e0a21c' -draw "rectangle 1060,600 1120,640" \
  -fill '#1c2024' -draw "rectangle 1300,560 1310,640" \
  "$TMP/fscene3.png"
convert "$TMP/fscene3.png" \
  \( -size ${W}x${H} xc:black -fill white -draw "ellipse 1200,880 420,26 0,360" -blur 0x14 \) \
  -compose Screen -composite \
  -seed 62 -attenuate 0.25 +noise Gaussian -modulate 100,80 \
  "${JPEG2[@]}" "$OUT/ferry-steps.jpg"
fi

###########################################################################
# 7. library-night.jpg — a Victorian stone library at night, the tall
#    arched windows of its reading room lit.
###########################################################################
if want library-night; then
SEED=20263126
W=2000; H=1334
convert -size ${W}x${H} gradient:'#0c1430'-'#26345a' "$TMP/lsky.png"
# Facade: stone texture over most of the frame, cornice, plinth.
convert -seed 71 -size 500x300 plasma:fractal -colorspace Gray -blur 0x2 \
        -resize 1800x1100\! -level 20%,80% +level-colors '#2a2420','#6a5c4c' "$TMP/lstone.png"
convert "$TMP/lsky.png" "$TMP/lstone.png" -geometry +100+260 -composite \
  -stroke none -fill '#4a4036' -draw "rectangle 80,240 1920,290" \
  -fill '#3a322a' -draw "polygon 700,240 1000,120 1300,240" \
  -fill '#231e1a' -draw "rectangle 100,1180 1900,1334" "$TMP/lfacade.png"
# Windows: two storeys of arched windows, lit warm; shelves as dark bars.
DRAW=(-stroke none); SHELF=(-stroke none)
for col in 0 1 2 3 4 5 6; do
  x=$(( 190 + col * 240 ))
  for row in 0 1; do
    y=$(( 420 + row * 380 )); h=$(( 260 - row * 40 ))
    DRAW+=(-fill '#f2c46e' -draw "rectangle $x,$y $(( x + 120 )),$(( y + h ))" \
           -draw "circle $(( x + 60 )),$y $(( x + 120 )),$y")
    for (( sy = y + 40; sy < y + h; sy += 44 )); do
      SHELF+=(-fill '#5a3a1c' -draw "rectangle $x,$sy $(( x + 120 )),$(( sy + 8 ))")
    done
    SHELF+=(-fill '#3a2a1a' -draw "rectangle $(( x + 56 )),$(( y - 60 )) $(( x + 64 )),$(( y + h ))")
  done
done
convert "$TMP/lfacade.png" "${DRAW[@]}" "${SHELF[@]}" "$TMP/lwin.png"
# Light spill: the lit windows, blurred, screened back on as a glow.
convert -size ${W}x${H} xc:black "${DRAW[@]}" -blur 0x35 -evaluate multiply 0.8 "$TMP/lglow.png"
# Street lamp at the left, its halo, a wet pavement at the foot.
convert "$TMP/lwin.png" "$TMP/lglow.png" -compose Screen -composite \
  -stroke '#101010' -strokewidth 16 -draw "line 60,1334 60,700" \
  -stroke none -fill '#ffe6b0' -draw "circle 60,690 60,660" \
  "$TMP/lscene.png"
convert "$TMP/lscene.png" \
  \( -size ${W}x${H} xc:black -fill '#ffdca0' -draw "circle 60,690 60,600" -blur 0x60 \) \
  -compose Screen -composite -blur 0x1.2 \
  -seed 72 -attenuate 0.3 +noise Gaussian \
  \( -size ${W}x${H} radial-gradient:white-'#606060' \) -compose Multiply -composite \
  "${JPEG2[@]}" "$OUT/library-night.jpg"
fi

###########################################################################
# 8. rail-yard.jpg — a disused goods yard: tracks in perspective through
#    weeds, a brick engine shed, birch saplings, an overcast sky.
###########################################################################
if want rail-yard; then
SEED=20264126
W=2000; H=1334; HZ=560; VX=1150   # horizon and vanishing point
convert -size ${W}x${HZ} gradient:'#aab4bd'-'#dfe2e0' "$TMP/rsky.png"
convert -seed 81 -size ${W}x$(( H - HZ )) gradient:'#6f7a4a'-'#4a4a30' \
        \( -size 500x200 plasma:fractal -colorspace Gray -blur 0x1 -resize ${W}x$(( H - HZ ))\! \) \
        -compose SoftLight -composite "$TMP/rground.png"
convert "$TMP/rsky.png" "$TMP/rground.png" -append "$TMP/rbase.png"
# Tracks: pairs of rails converging on the vanishing point, sleepers between.
rails() {  # rails COLOUR -> adds to DRAW two tracks' rails and sleepers
  local c=$1 g y k
  for g in -900 300; do
    for (( k = 0; k < 14; k++ )); do
      y=$(( H - (k * k * 4) - k * 20 ))
      (( y <= HZ + 10 )) && break
      local t=$(( (y - HZ) * 1000 / (H - HZ) ))
      local xa=$(( VX + (g - 140) * t / 1000 )) xb=$(( VX + (g + 140) * t / 1000 ))
      DRAW+=(-fill '#3b2e22' -draw "rectangle $(( xa - 20 * t / 1000 )),$y $(( xb + 20 * t / 1000 )),$(( y + 22 * t / 1000 + 2 ))")
    done
    DRAW+=(-stroke "$c" -strokewidth 9 -draw "line $(( VX + (g - 140) )),$H $VX,$HZ" \
           -draw "line $(( VX + (g + 140) )),$H $VX,$HZ" -stroke none)
  done
}
DRAW=(-stroke none); rails '#6a5a4a'
# Engine shed: brick wall, arched doorway, slate roof.
DRAW+=(-fill '#7a3a26' -draw "polygon 0,330 560,380 560,640 0,700")
DRAW+=(-fill '#3a3c40' -draw "polygon 0,290 580,370 560,385 0,335")
DRAW+=(-fill '#1c1c1c' -draw "polygon 180,690 420,656 420,520 180,520" -draw "ellipse 300,520 120,60 180,360")
convert "$TMP/rbase.png" "${DRAW[@]}" "$TMP/ryard.png"
# Birch saplings: pale trunks, soft green crowns; weeds in the foreground.
DRAW=(-stroke none); LEAF=(-stroke none)
for i in $(seq 1 9); do
  rnd 1300; x=$(( 650 + R )); rnd 120; base=$(( 600 + R )); rnd 140; top=$(( 260 + R ))
  DRAW+=(-fill '#e4e0d6' -draw "rectangle $x,$top $(( x + 10 )),$base")
  for j in 1 2 3 4 5; do
    rnd 140; lx=$(( x - 70 + R )); rnd 160; ly=$(( top - 40 + R ))
    LEAF+=(-fill '#8aa04a' -draw "circle $lx,$ly $(( lx + 40 )),$ly")
  done
done
for i in $(seq 1 90); do
  rnd $W; x=$R; rnd 500; y=$(( 834 + R )); rnd 60; h=$(( 30 + R ))
  LEAF+=(-stroke '#9a9a4a' -strokewidth 4 -draw "line $x,$y $(( x + 8 )),$(( y - h ))" -stroke none)
done
convert "$TMP/ryard.png" "${DRAW[@]}" \( +clone -alpha transparent "${LEAF[@]}" -blur 0x5 \) \
  -composite -blur 0x1 -seed 82 -attenuate 0.3 +noise Gaussian -modulate 100,90 \
  "${JPEG2[@]}" "$OUT/rail-yard.jpg"
fi

###########################################################################
# 9. market-clock.jpg — a square crop of the market hall clock: white
#    dial, black ring and marks, hands at two minutes past twelve.
###########################################################################
if want market-clock; then
SEED=20265126
W=1200; H=1200; C=600
convert -seed 91 -size 300x300 plasma:fractal -colorspace Gray -blur 0x1 -resize ${W}x${H}\! \
        -level 25%,75% +level-colors '#5e5446','#b0a48c' "$TMP/cstone.png"
DRAW=(-stroke none -fill '#2a2620' -draw "circle $C,$C $C,90"
      -fill '#f2eee2' -draw "circle $C,$C $C,120"
      -fill none -stroke '#1a1a1a' -strokewidth 14 -draw "circle $C,$C $C,150")
for i in $(seq 0 59); do   # minute marks, longer every five
  a=$(( i * 6 ))
  if (( i % 5 == 0 )); then r0=370; sw=14; else r0=420; sw=4; fi
  DRAW+=(-strokewidth $sw -draw "$(awk -v a=$a -v r0=$r0 -v c=$C 'BEGIN { t = a * 3.14159265 / 180;
        printf "line %d,%d %d,%d", c + r0 * sin(t), c - r0 * cos(t), c + 445 * sin(t), c - 445 * cos(t) }')")
done
DRAW+=(-stroke '#111' -strokewidth 26 -draw "line $C,$C $C,330"
       -strokewidth 16 -draw "$(awk -v c=$C 'BEGIN { t = 12 * 3.14159265 / 180;
        printf "line %d,%d %d,%d", c, c, c + 400 * sin(t), c - 400 * cos(t) }')"
       -stroke none -fill '#111' -draw "circle $C,$C $(( C + 24 )),$C")
convert "$TMP/cstone.png" "${DRAW[@]}" -blur 0x1 \
  \( -size ${W}x${H} radial-gradient:white-'#6a6a6a' \) -compose Multiply -composite \
  -seed 92 -attenuate 0.3 +noise Gaussian "${JPEG2[@]}" "$OUT/market-clock.jpg"
fi

###########################################################################
# 10. island-ferry.jpg — a small car ferry leaving an island pier on a
#     clear winter morning, green hills behind, its wake behind it.
###########################################################################
if want island-ferry; then
SEED=20266126
W=2400; H=1600; HZ=760
convert -size ${W}x${HZ} gradient:'#6f9cc8'-'#d8e6ee' "$TMP/isky.png"
convert -seed 101 -size 600x200 plasma:fractal -colorspace Gray -blur 0x8 \
        -resize ${W}x${HZ}\! -level 55%,95% "$TMP/iclouds.png"
convert "$TMP/isky.png" "$TMP/iclouds.png" -compose Screen -composite \
  -stroke none -fill '#5e7a62' -draw "path 'M 0,760 Q 300,520 700,600 Q 1000,470 1400,640 L 1400,760 Z'" \
  -fill '#4a6850' -draw "path 'M 1100,760 Q 1600,560 2000,650 Q 2250,590 2400,640 L 2400,760 Z'" \
  -fill '#8a9aa6' -draw "path 'M 1900,760 Q 2100,690 2400,700 L 2400,760 Z'" \
  -blur 0x2 "$TMP/isky2.png"
convert -size ${W}x$(( H - HZ )) gradient:'#4f8098'-'#1f4256' \
  \( -seed 102 -size 200x800 xc:gray50 +noise Gaussian -colorspace Gray -resize ${W}x$(( H - HZ ))\! \
     -blur 0x2 +level 35%,65% \) -compose Overlay -composite "$TMP/isea.png"
convert "$TMP/isky2.png" "$TMP/isea.png" -append "$TMP/iscene.png"
# Concrete pier on the left with bollards and a lamp post.
DRAW=(-stroke none -fill '#b8b4aa' -draw "polygon 0,1080 760,1000 760,1050 0,1180"
      -fill '#8a867c' -draw "polygon 0,1180 760,1050 760,1110 0,1300"
      -fill '#2a2a2a' -draw "rectangle 180,1030 210,1070" -draw "rectangle 520,1000 545,1030"
      -stroke '#2a2a2a' -strokewidth 8 -draw "line 640,1010 640,820" -stroke none
      -fill '#f0f0e8' -draw "rectangle 620,800 660,822")
# The ferry: white hull, red band, two decks of windows, blue funnel.
DRAW+=(-fill '#ecebe6' -draw "polygon 1140,960 2060,940 2020,1080 1180,1090"
       -fill '#b22a2a' -draw "polygon 1146,1000 2052,984 2046,1010 1150,1026"
       -fill '#f4f3ef' -draw "rectangle 1300,860 1900,950"
       -fill '#f8f8f6' -draw "rectangle 1420,790 1800,862"
       -fill '#2b3a48' -draw "rectangle 1320,885 1880,915" -draw "rectangle 1440,810 1780,838"
       -fill '#2c5a9a' -draw "rectangle 1690,720 1740,792"
       -fill '#1d1d1d' -draw "rectangle 1690,712 1740,724")
convert "$TMP/iscene.png" "${DRAW[@]}" "$TMP/iscene2.png"
# Wake: a foamy white trail from the stern towards the left, and a soft shadow.
convert "$TMP/iscene2.png" \
  \( -size ${W}x${H} xc:black -fill white -draw "polygon 1160,1080 1200,1100 800,1250 500,1290" \
     -seed 103 -spread 20 -blur 0x10 -evaluate multiply 0.9 \) -compose Screen -composite \
  -seed 104 -attenuate 0.25 +noise Gaussian "${JPEG2[@]}" "$OUT/island-ferry.jpg"
fi

###########################################################################
# 11. island-village.jpg — an island village on a green slope above the
#     sea: small houses with blue, orange and green roofs.
###########################################################################
if want island-village; then
SEED=20267126
W=1600; H=1200
convert -seed 111 -size 400x200 plasma:fractal -colorspace Gray -blur 0x2 -resize ${W}x800\! \
        -level 20%,80% +level-colors '#3e5a30','#7e9a50' "$TMP/vhill.png"
# The hill's crest: sky above a curve, a farther island in the haze.
convert -size ${W}x${H} gradient:'#7aa6cc'-'#e6eef2' "$TMP/vsky.png"
convert -size ${W}x${H} xc:black -fill white -draw "path 'M 0,0 L 0,360 Q 700,150 1600,330 L 1600,0 Z'" \
        -blur 0x2 "$TMP/vmask.png"
convert "$TMP/vhill.png" -resize ${W}x${H}\! "$TMP/vsky.png" "$TMP/vmask.png" -composite \
  -stroke none -fill '#3c6f8c' -draw "polygon 0,1000 1600,960 1600,1200 0,1200" "$TMP/vbase.png"
# Houses: rows climbing the slope; each a wall and a coloured roof.
DRAW=(-stroke none)
for row in 0 1 2 3 4 5; do
  for i in $(seq 0 9); do
    rnd 5; (( R == 0 )) && continue
    rnd 60; x=$(( i * 160 + R + row * 20 - 40 )); rnd 40; w=$(( 80 + R ))
    rnd 30; y=$(( 880 - row * 90 + R - 15 - (row * (800 - x) * (800 - x) / 40000) / 10 )); rnd 4
    case $R in 0) c='#2f66a8';; 1) c='#d9682a';; 2) c='#3f8a5a';; 3) c='#b8483a';; esac
    DRAW+=(-fill '#eceae2' -draw "rectangle $x,$(( y - 40 )) $(( x + w )),$y")
    DRAW+=(-fill "$c" -draw "polygon $(( x - 8 )),$(( y - 38 )) $(( x + w / 2 )),$(( y - 66 )) $(( x + w + 8 )),$(( y - 38 ))")
    DRAW+=(-fill '#3a3a3a' -draw "rectangle $(( x + 14 )),$(( y - 28 )) $(( x + 30 )),$(( y - 12 ))")
  done
done
# Seawall and a few boats at the foot.
DRAW+=(-fill '#b0aca0' -draw "polygon 0,960 1600,930 1600,980 0,1010")
DRAW+=(-fill '#f2f2ee' -draw "polygon 300,1060 480,1056 460,1090 320,1092"
       -draw "polygon 1100,1040 1260,1036 1244,1066 1114,1068")
convert "$TMP/vbase.png" "${DRAW[@]}" -blur 0x1 -seed 112 -attenuate 0.25 +noise Gaussian \
  "${JPEG2[@]}" "$OUT/island-village.jpg"
fi

###########################################################################
# 12. rail-forest.jpg — an old railway kept as a park path: rails and
#     sleepers down the middle, paving either side, autumn trees.
###########################################################################
if want rail-forest; then
SEED=20268126
W=2000; H=1334; HZ=600; VX=1000
convert -size ${W}x${HZ} gradient:'#9cc0dc'-'#e4ecee' "$TMP/fsky0.png"
convert -size ${W}x$(( H - HZ )) gradient:'#b5aa98'-'#8a806e' "$TMP/fground.png"
convert "$TMP/fsky0.png" "$TMP/fground.png" -append "$TMP/ffbase.png"
# Grass verges narrowing to the vanishing point; paving in between.
DRAW=(-stroke none -fill '#6e7e3e' -draw "polygon 0,$HZ $(( VX - 20 )),$HZ 260,$H 0,$H"
      -draw "polygon $(( VX + 20 )),$HZ $W,$HZ $W,$H 1740,$H")
# Sleepers then rails.
for (( k = 0; k < 40; k++ )); do
  y=$(( H - k * k * 3 / 4 - k * 6 )); (( y <= HZ + 4 )) && break
  t=$(( (y - HZ) * 1000 / (H - HZ) ))
  DRAW+=(-fill '#4a3a2c' -draw "rectangle $(( VX - 360 * t / 1000 )),$y $(( VX + 360 * t / 1000 )),$(( y + 30 * t / 1000 + 1 ))")
done
DRAW+=(-stroke '#5a4e44' -strokewidth 14 -draw "line $(( VX - 250 )),$H $VX,$HZ" -draw "line $(( VX + 250 )),$H $VX,$HZ")
convert "$TMP/ffbase.png" "${DRAW[@]}" "$TMP/ftrack.png"
# Trees: trunks on both verges, crowns of yellow and orange leaves.
DRAW=(-stroke none); LEAF=(-stroke none)
for side in -1 1; do
  for k in 0 1 2 3 4 5 6; do
    t=$(( 1000 - k * 130 )); (( t < 100 )) && t=100
    x=$(( VX + side * (300 + 700 * t / 1000) )); base=$(( HZ + (H - HZ) * t / 1000 ))
    top=$(( base - 900 * t / 1000 - 60 )); tw=$(( 6 + 30 * t / 1000 ))
    DRAW+=(-fill '#3a2e26' -draw "rectangle $(( x - tw / 2 )),$top $(( x + tw / 2 )),$base")
    for j in 1 2 3 4 5 6; do
      rnd 400; lx=$(( x + (R - 200) * t / 1000 )); rnd 300; ly=$(( top + (R - 100) * t / 1000 ))
      rnd 3; case $R in 0) c='#e0a630';; 1) c='#c9682a';; 2) c='#d8c040';; esac
      DRAW+=(-fill "$c" -draw "circle $lx,$ly $(( lx + 20 + 110 * t / 1000 )),$ly")
    done
  done
done
# Fallen leaves on the paving.
for i in $(seq 1 160); do
  rnd $W; x=$R; rnd $(( H - HZ )); y=$(( HZ + R )); rnd 3
  case $R in 0) c='#e0a630';; 1) c='#c9682a';; 2) c='#d8c040';; esac
  LEAF+=(-fill "$c" -draw "ellipse $x,$y 7,4 0,360")
done
convert "$TMP/ftrack.png" "${LEAF[@]}" "${DRAW[@]}" -blur 0x1.5 \
  -seed 121 -attenuate 0.25 +noise Gaussian -modulate 102,95 \
  "${JPEG2[@]}" "$OUT/rail-forest.jpg"
fi

###########################################################################
# 13. bathhouse.jpg — an old neighbourhood bathhouse at dusk: tiled
#     two-storey front, a tall brick chimney with its name down the side.
###########################################################################
if want bathhouse; then
SEED=20269126
W=1600; H=1200
FONT="$OUT/../../fonts/NanumGothicBold.ttf"
convert -size ${W}x${H} gradient:'#3a4a7a'-'#e8a070' "$TMP/hsky.png"
convert -seed 131 -size 400x300 plasma:fractal -colorspace Gray -blur 0x2 -resize 340x1000\! \
        -level 30%,70% +level-colors '#5a2a1e','#a4583a' "$TMP/hbrick.png"
# Mortar lines on the chimney.
DRAW=(-stroke '#6a4a3e' -strokewidth 2)
for (( y = 8; y < 1000; y += 22 )); do DRAW+=(-draw "line 0,$y 340,$y"); done
convert "$TMP/hbrick.png" "${DRAW[@]}" "$TMP/hchim.png"
convert "$TMP/hsky.png" \( "$TMP/hchim.png" -resize 150x1000\! \) -geometry +1180+30 -composite \
  -stroke none -fill '#d8d4c8' -draw "rectangle 60,640 1500,1200" \
  -fill '#9cc4d8' -draw "rectangle 60,640 1500,680" -draw "rectangle 60,930 1500,960" \
  -fill '#2a2e36' -draw "rectangle 40,620 1520,640" -draw "rectangle 1170,20 1340,40" \
  -fill '#f0d08a' -draw "rectangle 140,730 380,870" -draw "rectangle 460,730 700,870" \
                  -draw "rectangle 780,730 1020,870" \
  -fill '#ffe0a0' -draw "rectangle 560,1040 860,1200" \
  -fill '#2c3a5a' -draw "rectangle 140,980 480,1036" \
  "$TMP/hbase.png"
# Name sign and the chimney's vertical letters.
convert "$TMP/hbase.png" -font "$FONT" -fill '#f4f0e6' -pointsize 44 \
  -annotate +170+1024 '금성문화탕' \
  -fill '#f4f0e6' -pointsize 96 \
  -annotate +1207+200 '금' -annotate +1207+330 '성' -annotate +1207+460 '탕' \
  "$TMP/hbase2.png"
convert "$TMP/hbase2.png" \
  \( -size ${W}x${H} xc:black -fill '#ffd890' -draw "rectangle 560,1040 860,1200" \
     -draw "rectangle 140,730 1020,870" -blur 0x40 -evaluate multiply 0.6 \) \
  -compose Screen -composite -blur 0x1 -seed 132 -attenuate 0.25 +noise Gaussian \
  "${JPEG2[@]}" "$OUT/bathhouse.jpg"
fi

###########################################################################
# 14. infirmary.jpg — the Aldwick Infirmary's 1960s ward block at dusk:
#     a pale concrete grid of lit and dark windows, an ambulance bay.
###########################################################################
if want infirmary; then
SEED=20270126
W=2000; H=1334
convert -size ${W}x${H} gradient:'#1a2a4a'-'#7a86a0' "$TMP/fsky.png"
DRAW=(-stroke none -fill '#8c8a84' -draw "rectangle 160,220 1840,1120"
      -fill '#6e6c66' -draw "rectangle 160,200 1840,230")
LIT=(-stroke none)
for row in 0 1 2 3 4 5 6; do
  for col in $(seq 0 13); do
    x=$(( 200 + col * 117 )); y=$(( 270 + row * 118 ))
    rnd 10
    if (( R < 6 )); then c='#f4e6b8'; LIT+=(-fill '#f4e6b8' -draw "rectangle $x,$y $(( x + 80 )),$(( y + 70 ))")
    else c='#2a3040'; fi
    DRAW+=(-fill "$c" -draw "rectangle $x,$y $(( x + 80 )),$(( y + 70 ))")
  done
done
# Ambulance bay: a canopy, a white van with a green band, wet tarmac.
DRAW+=(-fill '#3a3c42' -draw "rectangle 0,1120 $W,$H"
       -fill '#d8d8d4' -draw "rectangle 620,1060 1380,1090"
       -fill '#f2f2ee' -draw "rectangle 760,1130 1100,1260" -draw "rectangle 1100,1170 1190,1260"
       -fill '#2e9a4a' -draw "rectangle 760,1200 1190,1220"
       -fill '#1a1a1a' -draw "circle 820,1262 850,1262" -draw "circle 1120,1262 1150,1262"
       -fill '#3a7ae0' -draw "rectangle 900,1118 960,1130")
convert "$TMP/fsky.png" "${DRAW[@]}" "$TMP/fbase.png"
convert "$TMP/fbase.png" \( -size ${W}x${H} xc:black "${LIT[@]}" -blur 0x25 -evaluate multiply 0.7 \) \
  -compose Screen -composite -blur 0x1 -seed 141 -attenuate 0.3 +noise Gaussian \
  \( -size ${W}x${H} radial-gradient:white-'#707070' \) -compose Multiply -composite \
  "${JPEG2[@]}" "$OUT/infirmary.jpg"
fi

###########################################################################
# 15. mill.jpg — a brick woollen mill on the river, its chimney, a weir,
#     an overcast morning.
###########################################################################
if want mill; then
SEED=20271126
W=2000; H=1334; HZ=820
convert -size ${W}x${HZ} gradient:'#9aa6b2'-'#dcdcd4' \
  \( -seed 151 -size 500x200 plasma:fractal -colorspace Gray -blur 0x6 -resize ${W}x${HZ}\! \) \
  -compose SoftLight -composite "$TMP/msky.png"
convert -size ${W}x$(( H - HZ )) gradient:'#6a7a7c'-'#2e3a3c' \
  \( -seed 152 -size 200x400 xc:gray50 +noise Gaussian -colorspace Gray -resize ${W}x$(( H - HZ ))\! \
     -blur 0x3 +level 35%,65% \) -compose Overlay -composite "$TMP/mriver.png"
convert "$TMP/msky.png" "$TMP/mriver.png" -append "$TMP/mbase.png"
convert -seed 153 -size 400x200 plasma:fractal -colorspace Gray -blur 0x1 -resize 1400x560\! \
  -level 25%,75% +level-colors '#5a2a1c','#9a5030' "$TMP/mbrick.png"
DRAW=(-stroke none)
for row in 0 1 2 3; do
  for col in $(seq 0 10); do
    x=$(( 60 + col * 122 )); y=$(( 60 + row * 120 ))
    DRAW+=(-fill '#d8d0b8' -draw "rectangle $x,$y $(( x + 70 )),$(( y + 84 ))"
           -fill '#3a3a3a' -draw "rectangle $(( x + 6 )),$(( y + 6 )) $(( x + 64 )),$(( y + 78 ))")
  done
done
convert "$TMP/mbrick.png" "${DRAW[@]}" "$TMP/mfront.png"
convert "$TMP/mbase.png" "$TMP/mfront.png" -geometry +300+260 -composite \
  -stroke none -fill '#3a3c40' -draw "polygon 280,270 1720,270 1640,200 360,200" \
  -fill '#7a3a26' -draw "polygon 1780,820 1800,90 1870,90 1890,820" \
  -fill '#2a2a2a' -draw "rectangle 1792,80 1878,100" \
  -fill '#e8ece8' -draw "polygon 0,1010 $W,950 $W,975 0,1040" \
  -fill '#4a3a2e' -draw "rectangle 0,800 300,830" -draw "rectangle 1700,800 $W,830" \
  -blur 0x1 -seed 154 -attenuate 0.3 +noise Gaussian -modulate 100,85 \
  "${JPEG2[@]}" "$OUT/mill.jpg"
fi

###########################################################################
# 16. playhouse.jpg — a Victorian theatre front at night: a canopy of
#     bulbs, three tall lit doors, posters and a queue in silhouette.
###########################################################################
if want playhouse; then
SEED=20272126
W=2000; H=1334
convert -seed 161 -size 500x300 plasma:fractal -colorspace Gray -blur 0x2 -resize ${W}x${H}\! \
  -level 25%,75% +level-colors '#2a2228','#6a5a58' "$TMP/pwall.png"
DRAW=(-stroke none -fill '#16121a' -draw "rectangle 0,0 $W,120"
      -fill '#3a1a22' -draw "rectangle 200,520 1800,600"
      -fill '#ffd88a' -draw "rectangle 360,700 640,1150" -draw "rectangle 860,700 1140,1150" -draw "rectangle 1360,700 1640,1150"
      -fill '#c23a3a' -draw "rectangle 140,720 300,960" -draw "rectangle 1700,720 1860,960"
      -fill '#f0e6d0' -draw "rectangle 160,740 280,800" -draw "rectangle 1720,740 1840,800"
      -fill '#1c1c20' -draw "rectangle 0,1150 $W,$H")
BULBS=(-stroke none)
for (( x = 220; x <= 1780; x += 40 )); do
  BULBS+=(-fill '#fff2c0' -draw "circle $x,540 $(( x + 7 )),540" -draw "circle $x,585 $(( x + 7 )),585")
done
QUEUE=(-stroke none -fill '#0c0c10')
for i in $(seq 0 13); do
  rnd 60; x=$(( 120 + i * 130 + R )); rnd 60; h=$(( 230 + R ))
  QUEUE+=(-draw "ellipse $x,$(( H - h + 20 )) 26,32 0,360" -draw "roundrectangle $(( x - 40 )),$(( H - h + 50 )) $(( x + 40 )),$H 20,20")
done
convert "$TMP/pwall.png" "${DRAW[@]}" "${BULBS[@]}" "$TMP/pbase.png"
convert "$TMP/pbase.png" \( -size ${W}x${H} xc:black "${BULBS[@]}" -fill '#ffd88a' \
    -draw "rectangle 360,700 1640,1150" -blur 0x30 -evaluate multiply 0.7 \) -compose Screen -composite \
  "${QUEUE[@]}" -blur 0x1.2 -seed 162 -attenuate 0.3 +noise Gaussian \
  "${JPEG2[@]}" "$OUT/playhouse.jpg"
fi

###########################################################################
# 17. pitch-rain.jpg — a rugby pitch under floodlights in the rain: the
#     posts, a scrum in dark and amber shirts, streaks of rain.
###########################################################################
if want pitch-rain; then
SEED=20273126
W=2000; H=1334; HZ=520
convert -size ${W}x${HZ} gradient:'#05070c'-'#1a2030' "$TMP/tsky.png"
convert -seed 171 -size ${W}x$(( H - HZ )) gradient:'#3a6a34'-'#1e4420' \
  \( -size 400x200 plasma:fractal -colorspace Gray -blur 0x2 -resize ${W}x$(( H - HZ ))\! \) \
  -compose SoftLight -composite "$TMP/tgrass.png"
convert "$TMP/tsky.png" "$TMP/tgrass.png" -append \
  -stroke '#e8e8e8' -strokewidth 6 -draw "line 0,900 $W,880" -draw "line 0,640 $W,632" \
  -strokewidth 14 -draw "line 1500,640 1500,180" -draw "line 1700,636 1700,180" -draw "line 1500,470 1700,466" \
  -stroke none -fill '#2a2a30' -draw "polygon 0,520 700,460 700,520" \
  -fill '#ffffff' -draw "circle 120,90 140,90" -draw "circle 1900,70 1920,70" "$TMP/tbase.png"
MEN=(-stroke none)
for i in $(seq 0 15); do
  rnd 700; x=$(( 400 + R )); rnd 140; y=$(( 760 + R ))
  if (( i % 2 == 0 )); then c='#1a1a28'; else c='#d8902a'; fi
  MEN+=(-fill "$c" -draw "roundrectangle $(( x - 34 )),$(( y - 90 )) $(( x + 34 )),$y 14,14"
        -fill '#e8e8e8' -draw "rectangle $(( x - 28 )),$y $(( x + 28 )),$(( y + 40 ))"
        -fill '#2a1a14' -draw "circle $x,$(( y - 110 )) $(( x + 20 )),$(( y - 110 ))")
done
convert "$TMP/tbase.png" "${MEN[@]}" \
  \( -size ${W}x${H} xc:black -fill white -draw "circle 120,90 120,20" -draw "circle 1900,70 1900,0" -blur 0x50 \) \
  -compose Screen -composite \
  \( -size ${W}x${H} xc:black -seed 172 +noise Random -colorspace Gray -threshold 99.6% -motion-blur 0x30+100 \) \
  -compose Screen -composite -blur 0x1 -seed 173 -attenuate 0.3 +noise Gaussian \
  "${JPEG2[@]}" "$OUT/pitch-rain.jpg"
fi

###########################################################################
# 18. cityhall-ko.jpg — 한빛시청: a glass-and-stone city hall on a winter
#     afternoon, a plaza with a banner and people crossing it.
###########################################################################
if want cityhall-ko; then
SEED=20274126
W=2000; H=1334
FONT="$OUT/../../fonts/NanumGothicBold.ttf"
convert -size ${W}x${H} gradient:'#8ab0d8'-'#e6eef2' "$TMP/ksky.png"
DRAW=(-stroke none -fill '#c8c4ba' -draw "rectangle 240,260 1760,1000"
      -fill '#5a7a96' -draw "rectangle 700,200 1300,1000"
      -fill '#b0aca2' -draw "rectangle 200,990 1800,1020"
      -fill '#9a968e' -draw "rectangle 0,1020 $W,$H")
for (( x = 720; x < 1300; x += 60 )); do DRAW+=(-fill '#7a9ab4' -draw "rectangle $x,220 $(( x + 4 )),1000"); done
for (( y = 320; y < 1000; y += 110 )); do
  for (( x = 280; x < 660; x += 90 )); do DRAW+=(-fill '#4a5a6a' -draw "rectangle $x,$y $(( x + 56 )),$(( y + 70 ))"); done
  for (( x = 1340; x < 1720; x += 90 )); do DRAW+=(-fill '#4a5a6a' -draw "rectangle $x,$y $(( x + 56 )),$(( y + 70 ))"); done
done
DRAW+=(-fill '#1e5aa0' -draw "rectangle 760,420 1240,520")
for i in $(seq 0 11); do
  rnd 1800; x=$(( 100 + R )); rnd 200; y=$(( 1120 + R ))
  DRAW+=(-fill '#2a2a30' -draw "ellipse $x,$(( y - 96 )) 14,16 0,360" -draw "roundrectangle $(( x - 22 )),$(( y - 80 )) $(( x + 22 )),$y 10,10")
done
convert "$TMP/ksky.png" "${DRAW[@]}" -font "$FONT" -fill white -pointsize 60 \
  -annotate +790+492 '한빛시청' -pointsize 40 -annotate +1020+492 '시민과 함께' \
  -blur 0x1 -seed 181 -attenuate 0.25 +noise Gaussian "${JPEG2[@]}" "$OUT/cityhall-ko.jpg"
fi

###########################################################################
# 19. lights-square.jpg — a market square at night: a tall spruce hung
#     with lights, strings of bulbs between the roofs, a crowd below.
###########################################################################
if want lights-square; then
SEED=20275126
W=2000; H=1334
convert -size ${W}x${H} gradient:'#050a1e'-'#1a2444' "$TMP/qsky.png"
DRAW=(-stroke none -fill '#0e1018' -draw "polygon 0,560 200,500 420,540 420,1334 0,1334"
      -draw "polygon 1560,520 1760,460 2000,520 2000,1334 1560,1334"
      -fill '#123a22' -draw "polygon 1000,180 700,1080 1300,1080" -fill '#3a2a1a' -draw "rectangle 980,1080 1020,1160")
LIGHTS=(-stroke none)
for i in $(seq 1 140); do
  rnd 900; y=$(( 200 + R )); rnd 1000; half=$(( (y - 180) * 300 / 900 ))
  x=$(( 1000 - half + R * half * 2 / 1000 ))
  LIGHTS+=(-fill '#ffe9a8' -draw "circle $x,$y $(( x + 5 )),$y")
done
for (( x = 20; x < 2000; x += 46 )); do
  y1=$(( 300 + (x - 1000) * (x - 1000) / 9000 ))
  LIGHTS+=(-fill '#ffd27a' -draw "circle $x,$y1 $(( x + 5 )),$y1")
done
LIGHTS+=(-fill '#fff6d0' -draw "polygon 1000,130 1014,168 1054,168 1022,192 1034,230 1000,206 966,230 978,192 946,168 986,168")
CROWD=(-stroke none -fill '#06060a')
for i in $(seq 0 40); do
  rnd 2000; x=$R; rnd 120; h=$(( 180 + R ))
  CROWD+=(-draw "ellipse $x,$(( H - h )) 22,26 0,360" -draw "roundrectangle $(( x - 34 )),$(( H - h + 24 )) $(( x + 34 )),$H 16,16")
done
convert "$TMP/qsky.png" "${DRAW[@]}" "${LIGHTS[@]}" \
  \( -size ${W}x${H} xc:black "${LIGHTS[@]}" -blur 0x18 -evaluate multiply 1.6 \) -compose Screen -composite \
  "${CROWD[@]}" -blur 0x1 -seed 191 -attenuate 0.3 +noise Gaussian "${JPEG2[@]}" "$OUT/lights-square.jpg"
fi

###########################################################################
# 20. village-school.jpg — a small Victorian stone school with a bell
#     turret and a tarmac playground behind railings, a grey morning.
###########################################################################
if want village-school; then
SEED=20276126
W=2000; H=1334
convert -size ${W}x${H} gradient:'#b8c2ca'-'#e4e6e2' \
  \( -seed 201 -size 500x300 plasma:fractal -colorspace Gray -blur 0x8 -resize ${W}x${H}\! \) \
  -compose SoftLight -composite "$TMP/ssky.png"
convert -seed 202 -size 400x200 plasma:fractal -colorspace Gray -blur 0x1 -resize 1300x520\! \
  -level 25%,75% +level-colors '#6a6458','#a8a090' "$TMP/sstone.png"
convert "$TMP/ssky.png" "$TMP/sstone.png" -geometry +350+480 -composite \
  -stroke none -fill '#3e4448' -draw "polygon 320,490 1000,220 1680,490" \
  -fill '#8a8478' -draw "rectangle 940,120 1060,260" -fill '#3e4448' -draw "polygon 920,130 1000,50 1080,130" \
  -fill '#2a2a2a' -draw "circle 1000,200 1000,175" \
  -fill '#f0ece0' -draw "rectangle 470,560 650,800" -draw "rectangle 1350,560 1530,800" \
  -draw "rectangle 820,580 1180,800" -fill '#6a8aa0' \
  -draw "rectangle 480,570 640,790" -draw "rectangle 1360,570 1520,790" -draw "rectangle 830,590 1170,790" \
  -fill '#4a2a22' -draw "rectangle 950,860 1050,1000" \
  -fill '#55585a' -draw "rectangle 0,1000 $W,$H" \
  -fill '#e8d84a' -draw "rectangle 300,1120 700,1130" -draw "circle 1300,1170 1300,1110" -fill '#55585a' -draw "circle 1300,1170 1300,1120" \
  "$TMP/sbase.png"
DRAW=(-stroke '#1e2226' -strokewidth 8 -draw "line 0,1040 $W,1040" -draw "line 0,1240 $W,1240")
for (( x = 10; x < W; x += 44 )); do DRAW+=(-draw "line $x,1020 $x,1300"); done
convert "$TMP/sbase.png" "${DRAW[@]}" -blur 0x1 -seed 203 -attenuate 0.3 +noise Gaussian -modulate 100,90 \
  "${JPEG2[@]}" "$OUT/village-school.jpg"
fi

###########################################################################
# 21. warehouse-stage.jpg — an old cold store turned theatre: the great
#     steel door open on a harbour at night, a lit stage, rows of seats.
###########################################################################
if want warehouse-stage; then
SEED=20277126
W=2000; H=1334
convert -seed 211 -size 500x300 plasma:fractal -colorspace Gray -blur 0x2 -resize ${W}x${H}\! \
  -level 25%,75% +level-colors '#1a1a1e','#4a4a50' "$TMP/wwall.png"
DRAW=(-stroke none -fill '#0a1a30' -draw "rectangle 600,160 1400,700"
      -fill '#12304a' -draw "rectangle 600,520 1400,700")
for i in $(seq 1 26); do
  rnd 800; x=$(( 600 + R )); rnd 60; y=$(( 470 + R ))
  DRAW+=(-fill '#ffcf7a' -draw "circle $x,$y $(( x + 4 )),$y")
done
DRAW+=(-fill '#6a3a22' -draw "rectangle 560,140 600,720" -draw "rectangle 1400,140 1440,720" -draw "rectangle 560,120 1440,160"
       -fill '#3a3026' -draw "polygon 200,720 1800,720 2000,860 0,860"
       -stroke '#2a2a2a' -strokewidth 10 -draw "line 0,80 $W,80" -draw "line 0,40 $W,40" -stroke none)
SEATS=(-stroke none)
for row in 0 1 2 3; do
  y=$(( 960 + row * 100 ))
  for (( x = 40 + row * 10; x < W; x += 90 )); do
    SEATS+=(-fill '#7a1e24' -draw "roundrectangle $x,$y $(( x + 70 )),$(( y + 80 )) 10,10")
  done
done
convert "$TMP/wwall.png" "${DRAW[@]}" "$TMP/wbase.png"
convert "$TMP/wbase.png" \
  \( -size ${W}x${H} xc:black -fill '#fff0c8' -draw "polygon 700,0 900,0 1100,760 500,760" \
     -draw "polygon 1100,0 1300,0 1500,760 900,760" -blur 0x40 -evaluate multiply 0.25 \) -compose Screen -composite \
  "${SEATS[@]}" -blur 0x1 -seed 212 -attenuate 0.3 +noise Gaussian "${JPEG2[@]}" "$OUT/warehouse-stage.jpg"
fi

###########################################################################
# 22. stadium-ko.jpg — a full stadium at dusk: blue stands dotted with
#     fans and scarves, the pitch, floodlight towers, a scoreboard.
###########################################################################
if want stadium-ko; then
SEED=20278126
W=2000; H=1334
FONT="$OUT/../../fonts/NanumGothicBold.ttf"
convert -size ${W}x${H} gradient:'#2a3a6a'-'#e09a6a' "$TMP/dsky.png"
DRAW=(-stroke none -fill '#1a2a5a' -draw "polygon 0,300 $W,360 $W,900 0,900"
      -fill '#2e7a34' -draw "polygon 0,900 $W,900 $W,$H 0,$H"
      -fill '#e8e8e8' -draw "rectangle 0,1000 $W,1008" -draw "rectangle 980,900 988,$H"
      -fill '#222222' -draw "rectangle 760,170 1240,300"
      -fill '#3a3a3a' -draw "rectangle 80,40 110,320" -draw "rectangle 1890,40 1920,360"
      -fill '#fffbe0' -draw "rectangle 40,20 150,70" -draw "rectangle 1850,20 1960,70")
FANS=(-stroke none)
for i in $(seq 1 900); do
  rnd $W; x=$R; rnd 560; y=$(( 330 + R ))
  rnd 10
  if (( R < 5 )); then c='#3a6ad8'; elif (( R < 8 )); then c='#f0f0f0'; else c='#e8c090'; fi
  FANS+=(-fill "$c" -draw "circle $x,$y $(( x + 6 )),$y")
done
convert "$TMP/dsky.png" "${DRAW[@]}" "${FANS[@]}" -font "$FONT" -fill '#ffd24a' -pointsize 70 \
  -annotate +800+260 '한빛 2 : 1' \
  \( -size ${W}x${H} xc:black -fill white -draw "rectangle 40,20 150,70" -draw "rectangle 1850,20 1960,70" -blur 0x60 \) \
  -compose Screen -composite -blur 0x1.2 -seed 221 -attenuate 0.3 +noise Gaussian "${JPEG2[@]}" "$OUT/stadium-ko.jpg"
fi

ls -l "$OUT"/*.jpg
