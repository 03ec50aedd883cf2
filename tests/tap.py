"""tap.py — how the Python checks report: "ok - NAME" or "not ok - NAME:
reasons" a line each, then "N passed, M failed" and the exit status."""
import sys

counts = {"passed": 0, "failed": 0}


def report(name, problems):
    """Counts and prints one check; @problems lists what is wrong (empty: it passed)."""
    if problems:
        counts["failed"] += 1
        print(f"not ok - {name}: {'; '.join(str(p) for p in problems)[:2000]}")
    else:
        counts["passed"] += 1
        print(f"ok - {name}")
    sys.stdout.flush()


def summary():
    """Prints the counts; returns the exit status (1 if any check failed)."""
    print(f"{counts['passed']} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0
