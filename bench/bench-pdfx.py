#!/usr/bin/env python3
"""bench-pdfx — what `--pdfx` costs a user: the whole command against a plain PDF.

Usage: bench-pdfx.py JOPAN SOURCE_ROOT [RUNS]

For every sample page with photos (samples/*.json naming a photo), runs
`jopan render SAMPLE -o x.pdf` and `jopan render SAMPLE -o x.pdf --pdfx`,
each RUNS times (default 3) in turn, and prints the CPU time (user + sys
of the process, every thread; wait4) of each, lowest of the runs, and
their ratio: issue 10's benchmark line, "--pdfx costs at most 2x a plain
PDF of the same page".  The whole process is timed, fonts, layout and
the output profile's set-up included: what a user pays for one page.  No
photo cache (JOPAN_PHOTO_CACHE is unset).  A benchmark, never a test.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

JOPAN, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 3


def has_photo(path):
    """Whether the article at @path places a photo."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return '"photo' in text and json.loads(text) is not None


def cpu(args, env):
    """CPU seconds (user + sys) of one run of @args."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        sys.exit(f"bench-pdfx: {' '.join(args)} failed: {err}")
    return usage.ru_utime + usage.ru_stime


def main():
    env = dict(os.environ, JOPAN_DATA_DIR=ROOT, LC_ALL="C.UTF-8", SOURCE_DATE_EPOCH="1700000000")
    env.pop("JOPAN_PHOTO_CACHE", None)
    samples = sorted(p for p in glob.glob(os.path.join(ROOT, "samples", "*.json")) if has_photo(p))
    ratios = []
    with tempfile.TemporaryDirectory(prefix="jopan-bench-pdfx-") as tmp:
        out = os.path.join(tmp, "x.pdf")
        print(f"{'--pdfx, whole command':<22} {'pdf cpu ms':>11} {'pdfx cpu ms':>12} {'pdfx/pdf':>9}")
        for sample in samples:
            plain = [JOPAN, "render", sample, "-o", out, "--quiet"]
            best = [float("inf"), float("inf")]
            for _ in range(RUNS):
                best[0] = min(best[0], cpu(plain, env))
                best[1] = min(best[1], cpu(plain + ["--pdfx"], env))
            ratios.append(best[1] / best[0])
            name = os.path.splitext(os.path.basename(sample))[0]
            print(f"{name:<22} {best[0] * 1e3:11.1f} {best[1] * 1e3:12.1f} {ratios[-1]:8.2f}x")
    print(f"--pdfx costs {min(ratios):.2f}x to {max(ratios):.2f}x a plain PDF of the same page "
          f"(whole command, CPU, lowest of {RUNS}; target <= 2x)")


if __name__ == "__main__":
    main()
