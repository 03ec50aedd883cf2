#!/usr/bin/env python3
"""libjopan installs, and a program outside the tree builds against it.

Usage: install.py BUILD_ROOT SOURCE_ROOT SANITIZE CC [CC ARGS…]

Installs the build into a temporary DESTDIR, builds
tests/install/jopan-program.c in a temporary folder with the compiler CC
and `pkg-config --cflags --libs jopan-1` (under the sanitizers when SANITIZE
names them), and runs it on a sample with the installed data folder.  The
environment is hostile on purpose: JOPAN_DATA_DIR, JOPAN_FONT_DIR and
JOPAN_HYPHEN_DIR name folders that do not exist, SOURCE_DATE_EPOCH is set
and HOME is empty, so the run shows that the library takes its data from
its arguments only, dates a PDF by its own default, and writes no cache;
the program frees the article and the style before it writes the document.
Prints TAP.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

BUILD, ROOT, SANITIZE, CC = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
results = []


class Fail(Exception):
    pass


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise Fail("%s exited %d:\n%s%s" % (shlex.join(cmd), p.returncode, p.stdout, p.stderr))
    return p.stdout


def check(name, fn):
    try:
        fn()
        results.append((name, None))
    except Fail as e:
        results.append((name, str(e)))
        return False
    return True


def find(top, name):
    for folder, _, files in os.walk(top):
        if name in files:
            return os.path.join(folder, name)
    raise Fail("no %s under %s" % (name, top))


tmp = tempfile.mkdtemp(prefix="jopan-install-")
dest = os.path.join(tmp, "dest")
home = os.path.join(tmp, "home")
work = os.path.join(tmp, "work")
os.makedirs(home)
os.makedirs(work)
state = {}


def install():
    run(["meson", "install", "-C", BUILD, "--destdir", dest, "--no-rebuild", "--quiet"])
    state["pc"] = find(dest, "jopan-1.pc")
    header = find(dest, "jopan.h")
    if not header.endswith(os.path.join("include", "jopan-1", "jopan.h")):
        raise Fail("jopan.h installed as " + header)
    for private in ("jopan-private.h", "layout-private.h", "jopan-config.h"):
        if any(private in files for _, _, files in os.walk(dest)):
            raise Fail(private + " was installed")
    state["data"] = os.path.dirname(find(dest, "berliner.ini"))[: -len("/styles")]


def pkg_config():
    # The .pc names the configured prefix; the files are under DESTDIR, so a
    # copy of it points there.
    text = open(state["pc"]).read()
    prefix = re.search(r"^prefix=(.*)$", text, re.M).group(1)
    pcdir = os.path.join(tmp, "pkgconfig")
    os.makedirs(pcdir)
    with open(os.path.join(pcdir, "jopan-1.pc"), "w") as f:
        f.write(text.replace("prefix=" + prefix, "prefix=" + dest + prefix, 1))
    env = dict(os.environ, PKG_CONFIG_PATH=pcdir)
    state["flags"] = shlex.split(run(["pkg-config", "--cflags", "--libs", "jopan-1"], env=env))
    if not any(f.startswith("-I" + dest) and f.endswith("jopan-1") for f in state["flags"]):
        raise Fail("pkg-config gave no include/jopan-1 under the prefix: %s" % state["flags"])
    state["libdir"] = next(f[2:] for f in state["flags"] if f.startswith("-L" + dest))


def build():
    source = os.path.join(work, "jopan-program.c")
    shutil.copy(os.path.join(ROOT, "tests", "install", "jopan-program.c"), source)
    sanitize = ["-fsanitize=" + SANITIZE] if SANITIZE not in ("", "none") else []
    run(CC + ["-std=c11", "-Wall", "-Wextra", "-Werror"] + sanitize
        + [source, "-o", os.path.join(work, "jopan-program")] + state["flags"], cwd=work)
    needed = run(["objdump", "-p", os.path.join(work, "jopan-program")])
    if not re.search(r"NEEDED\s+libjopan-1\.so\.\d+\b", needed):
        raise Fail("the program does not need a versioned libjopan-1.so:\n" + needed)


def run_program():
    env = dict(os.environ, HOME=home, XDG_CACHE_HOME=os.path.join(home, ".cache"),
               XDG_CONFIG_HOME=os.path.join(home, ".config"),
               JOPAN_DATA_DIR="/nonexistent/data", JOPAN_FONT_DIR="/nonexistent/fonts",
               JOPAN_HYPHEN_DIR="/nonexistent/hyphen", SOURCE_DATE_EPOCH="1700000000",
               LD_LIBRARY_PATH=state["libdir"])
    args = [os.path.join(work, "jopan-program"), os.path.join(ROOT, "samples", "harbour.json"),
            state["data"], os.path.join(work, "page.pdf"), os.path.join(work, "report.json")]
    out = run(args, env=env, cwd=work)
    if not out.startswith("jopan ") or "page(s)" not in out:
        raise Fail("unexpected output: " + out)


def outputs():
    text = run(["pdftotext", os.path.join(work, "page.pdf"), "-"])
    if "harbour" not in text.lower():
        raise Fail("the PDF has no article text")
    info = run(["pdfinfo", "-isodates", os.path.join(work, "page.pdf")])
    if not re.search(r"CreationDate:\s+2000-01-01T00:00:00", info):
        raise Fail("the library read SOURCE_DATE_EPOCH or the clock:\n" + info)
    if '"findings"' not in open(os.path.join(work, "report.json")).read():
        raise Fail("report.json has no findings list")


def nothing_written():
    written = [os.path.join(d, f) for d, _, files in os.walk(home) for f in files]
    if written:
        raise Fail("the library wrote into HOME: %s" % written)


steps = [("meson install into a DESTDIR", install),
         ("pkg-config --cflags --libs jopan-1", pkg_config),
         ("a program outside the tree builds with pkg-config", build),
         ("it lays out, frees the article and style, then writes", run_program),
         ("the PDF has the text and the library's default date", outputs),
         ("nothing written to HOME (no font cache)", nothing_written)]
for name, fn in steps:
    if not check(name, fn):
        break
shutil.rmtree(tmp, ignore_errors=True)

print("1..%d" % len(steps))
for i, (name, _) in enumerate(steps, 1):
    problem = results[i - 1][1] if i <= len(results) else "skipped: an earlier step failed"
    print("%s %d - %s" % ("not ok" if problem else "ok", i, name))
    for line in (problem or "").splitlines():
        print("#   " + line)
sys.exit(0 if all(p is None for _, p in results) and len(results) == len(steps) else 1)
