#!/bin/sh
# jopan set-up: installs what it needs (Debian 12), builds, and then
#   ./setup.sh demo   renders the samples to out/*.pdf and out/*.png, the
#                     page files in samples/pages/ to out/pages/ and the sample
#                     editions to out/edition/ and out/edition-ko/
#   ./setup.sh test   runs the whole test suite in four builds: the normal one, one under
#                     ASan+UBSan, a release build (-O3) and a clang build, all with -Werror
# Both are idempotent; run as root or with sudo available.
set -eu
cd "$(dirname "$0")"

PACKAGES="gcc libc6-dev pkg-config meson ninja-build python3 libglib2.0-dev libpango1.0-dev libharfbuzz-dev
libcairo2-dev libfontconfig-dev libjson-glib-dev libcmark-dev libhyphen-dev hyphen-en-us
libgdk-pixbuf-2.0-dev libpoppler-glib-dev poppler-utils clang
g++ libqpdf-dev qpdf liblcms2-dev libturbojpeg0-dev libjpeg-dev zlib1g-dev libpng-dev ghostscript"

# image.c and image-header.c inflate PNG image data with libdeflate.
PACKAGES="$PACKAGES libdeflate-dev"

install_packages () {
  missing=""
  for p in $PACKAGES; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  echo "setup: installing$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

# build DIR [meson options…]: an existing build folder is configured again
# with the options, so that none (-Dwerror=true, a sanitizer) is silently
# ignored because the folder was set up differently before.  Compiler
# errors are shown; the rest of ninja's output is not.
build () {
  dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null || return 1
  else
    meson setup "$dir" "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" >"$dir/ninja.log" 2>&1 || { cat "$dir/ninja.log"; return 1; }
}

# summary DIR…: meson's results as "N passed, M failed", per build folder
# when there are several, then the total as the closing line.  A folder
# with no results (its build failed) counts as one failure.
summary () {
  python3 - "$@" <<'PY'
import json, os, sys
total = [0, 0]
for folder in sys.argv[1:]:
    counts = [0, 0]
    log = folder + "/meson-logs/testlog.json"
    for line in open(log) if os.path.exists(log) else ['{"result": "BUILD FAILED"}']:
        ok = json.loads(line)["result"] in ("OK", "EXPECTEDFAIL", "SKIP")
        counts[0 if ok else 1] += 1
    total = [total[0] + counts[0], total[1] + counts[1]]
    if len(sys.argv) > 2:
        print(f"{folder}: {counts[0]} passed, {counts[1]} failed")
print(f"{total[0]} passed, {total[1]} failed")
PY
}

# check LABEL DIR [meson options…]: builds DIR with the options, with -Werror,
# and runs every test suite in it.
check () {
  label=$1; dir=$2; shift 2
  rm -f "$dir/meson-logs/testlog.json"
  if build "$dir" -Dwerror=true "$@"; then
    meson test -C "$dir" --print-errorlogs --timeout-multiplier "${timeouts:-1}" || status=1
  else
    echo "$label: the build failed"
    status=1
  fi
  echo "$label:"; summary "$dir"
}

case "${1:-}" in
  demo)
    install_packages
    build build
    mkdir -p out
    for article in samples/*.json; do
      name=$(basename "$article" .json)
      build/src/cli/jopan render --data-dir . "$article" -o "out/$name.pdf"
      build/src/cli/jopan render --data-dir . "$article" -o "out/$name.png"
      echo "setup: out/$name.pdf and out/$name.png"
    done
    # Composed pages: several stories, ads and jumps (samples/pages/).
    mkdir -p out/pages
    for page in samples/pages/*.json; do
      name=$(basename "$page" .json)
      build/src/cli/jopan page --data-dir . "$page" -o "out/pages/$name.pdf" 2>/dev/null
      build/src/cli/jopan page --data-dir . "$page" -o "out/pages/$name.png" --dpi 100 2>/dev/null
      echo "setup: out/pages/$name.pdf and its PNG pages"
    done
    # The sample editions (samples/edition/): run only once `jopan edition`
    # exists; its help then lists --shard.
    if build/src/cli/jopan edition --help 2>&1 | grep -q -e '--shard'; then
      build/src/cli/jopan edition --data-dir . samples/edition/edition.json -o out/edition --png --quiet
      build/src/cli/jopan edition --data-dir . samples/edition/ko/edition.json -o out/edition-ko --png --quiet
      echo "setup: out/edition/ and out/edition-ko/ (edition.pdf, page-NN.pdf and .png, contact.png)"
    fi
    ;;
  test)
    install_packages
    status=0
    check "plain build" build --buildtype=debugoptimized -Db_sanitize=none
    # The same tests under AddressSanitizer and UndefinedBehaviorSanitizer
    # (the options are read by sanitized programs only).
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0
    export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    # Sanitized programs run 3-10 times slower: their tests get 3 times the time.
    timeouts=3
    check "sanitizer build" build-asan --buildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false
    timeouts=1
    # -O3 and clang warn where the debug build does not (values that may be
    # used uninitialised after inlining, missing initialisers).
    check "release build" build-release --buildtype=release -Db_sanitize=none
    CC=clang CXX=clang++ check "clang build" build-clang --buildtype=debugoptimized -Db_sanitize=none
    echo "all builds:"; summary build build-asan build-release build-clang
    exit $status
    ;;
  *)
    echo "usage: ./setup.sh demo|test" >&2
    exit 2
    ;;
esac
