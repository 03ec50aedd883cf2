#!/usr/bin/env python3
"""libjopan exports its public API and nothing else.

Usage: symbols.py LIBRARY HEADER

Every function jopan.h declares is marked JOPAN_API, the shared library's
dynamic symbol table holds exactly those functions, a file-writing utility
is not among them, and the soname carries a version.  Prints TAP.
"""
import re
import subprocess
import sys

library, header = sys.argv[1], sys.argv[2]
results = []


def check(name, problems):
    results.append((name, problems))


text = open(header).read()
# A declaration: at a line's start, a return type and a jopan_ function name.
declared = {}
for m in re.finditer(r"^(JOPAN_API\n)?[A-Za-z][\w *]*?\b(jopan_\w+) \(", text, re.M):
    declared[m.group(2)] = bool(m.group(1))
check("jopan.h declares the API", [] if len(declared) > 10 else ["found only %s" % sorted(declared)])
check("every declaration is JOPAN_API",
      ["%s is not marked JOPAN_API" % n for n, marked in sorted(declared.items()) if not marked])

nm = subprocess.run(["nm", "-D", "--defined-only", library], capture_output=True, text=True,
                    check=True).stdout
exported = {line.split()[-1] for line in nm.splitlines() if line.strip()}
check("only the public API is exported",
      ["%s is exported but not in jopan.h" % s for s in sorted(exported - set(declared))])
check("the public API is exported",
      ["%s is declared but not exported" % s for s in sorted(set(declared) - exported)])

# Not the library's business: a CMS writes its own files (the report goes
# with the pages through jopan_document_write_full()).
check("no general file utilities in the API",
      ["%s is public" % s for s in ("jopan_write_file_atomic",) if s in declared or s in exported])

dynamic = subprocess.run(["objdump", "-p", library], capture_output=True, text=True,
                         check=True).stdout
soname = re.search(r"SONAME\s+(\S+)", dynamic)
check("the soname has a version",
      [] if soname and re.search(r"\.so\.\d+$", soname.group(1)) else
      ["SONAME is %s" % (soname.group(1) if soname else "missing")])

print("1..%d" % len(results))
for i, (name, problems) in enumerate(results, 1):
    print("%s %d - %s" % ("not ok" if problems else "ok", i, name))
    for p in problems:
        print("#   " + p)
sys.exit(1 if any(p for _, p in results) else 0)
