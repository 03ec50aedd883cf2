#!/bin/sh
# jopan set-up: installs what it needs (Debian 12), builds, and then
#   ./setup.sh demo   renders the samples to out/*.pdf and out/*.png
#   ./setup.sh test   runs the whole test suite, then again under ASan+UBSan
# Both are idempotent; run as root or with sudo available.
set -eu
cd "$(dirname "$0")"

PACKAGES="gcc libc6-dev pkg-config meson ninja-build python3 libglib2.0-dev libpango1.0-dev
libcairo2-dev libfontconfig-dev libjson-glib-dev libcmark-dev libhyphen-dev hyphen-en-us
libgdk-pixbuf-2.0-dev poppler-utils clang"

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

# build DIR [meson options…]
build () {
  dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir" >/dev/null
}

# Prints meson's results as one closing line: "N passed, M failed".
summary () {
  python3 - "$1" <<'PY'
import json, sys
passed = failed = 0
for line in open(sys.argv[1] + "/meson-logs/testlog.json"):
    r = json.loads(line)
    if r["result"] in ("OK", "EXPECTEDFAIL", "SKIP"):
        passed += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed")
PY
}

case "${1:-}" in
  demo)
    install_packages
    build build
    mkdir -p out
    for article in samples/*.json; do
      name=$(basename "$article" .json)
      build/src/cli/jopan render "$article" -o "out/$name.pdf"
      build/src/cli/jopan render "$article" -o "out/$name.png"
      echo "setup: out/$name.pdf and out/$name.png"
    done
    ;;
  test)
    install_packages
    build build -Dwerror=true
    status=0
    meson test -C build --print-errorlogs || status=1
    echo "plain build:"; summary build
    # The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
    build build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
    LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      meson test -C build-asan --print-errorlogs || status=1
    echo "sanitizer build:"; summary build-asan
    exit $status
    ;;
  *)
    echo "usage: ./setup.sh demo|test" >&2
    exit 2
    ;;
esac
