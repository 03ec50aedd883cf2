#!/usr/bin/env bash
# Regenerates the four sample photos in this directory.
#
# The pictures are synthetic "photographs" drawn with ImageMagick 6
# (tested with 6.9.11): gradients for sky and water, blurred plasma
# fractals for clouds and textures, simple polygon silhouettes, and a
# little film grain. Every random step uses a fixed -seed, and object
# positions come from a tiny integer LCG below, so output is reproducible
# on the same ImageMagick version.
#
# Output: baseline (non-progressive) sRGB JPEG, quality 85, 4:2:0, no
# metadata.
#
#   harbour-dawn.jpg   2400x1600  lead photo for ../harbour.json
#   harbour-quay.jpg   1600x1200  second photo for ../harbour.json
#   market-night.jpg   2400x1600  lead photo for ../seoul-market.json
#   market-stall.jpg   1600x1200  second photo for ../seoul-market.json
#
# Usage: bash make-photos.sh   (run from anywhere)

set -euo pipefail

OUT="$(cd "$(dirname "$0")" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

JPEG=(-colorspace sRGB -strip -interlace none -sampling-factor 2x2 -quality 85)

# Deterministic pseudo-random integers in [0, $1): rnd N  -> sets $R
SEED=20261125
rnd() { SEED=$(( (SEED * 1103515245 + 12345) % 2147483648 )); R=$(( (SEED / 65536) % $1 )); }

###########################################################################
# 1. harbour-dawn.jpg — dawn over a breakwater, lighthouse, moored boats,
#    and the tidal-turbine platform offshore.
###########################################################################
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

###########################################################################
# 2. harbour-quay.jpg — overcast quayside: fish sheds, a cable drum, crates.
###########################################################################
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

###########################################################################
# 3. market-night.jpg — a covered market lane at night, lanterns and
#    shop lights blurred into bokeh.
###########################################################################
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

###########################################################################
# 4. market-stall.jpg — close-up of a produce stall: crates of tangerines,
#    apples and cabbages under a warm bulb.
###########################################################################
W=1600; H=1200

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

ls -l "$OUT"/*.jpg
