#!/usr/bin/python3
"""Rebuild password/common-passwords.txt.gz (see password/COMMON_PASSWORDS.md).

    /usr/bin/python3 gen_common_passwords.py DJANGO_GZ ZXCVBN_JSON OUT_GZ

DJANGO_GZ:   django/contrib/auth/common-passwords.txt.gz (Debian python3-django)
ZXCVBN_JSON: src/passwords.json of the npm package @zxcvbn-ts/language-common
Output: the union, lowercased, stripped, deduplicated, sorted, one a line,
gzip level 9 with mtime 0 so the file is reproducible.
"""
import gzip
import json
import sys

django_gz, zxcvbn_json, out = sys.argv[1:4]
with gzip.open(django_gz, "rt", encoding="utf-8") as f:
    words = {w.strip().lower() for w in f}
with open(zxcvbn_json, encoding="utf-8") as f:
    words |= {w.strip().lower() for w in json.load(f)}
words.discard("")
data = ("\n".join(sorted(words)) + "\n").encode("utf-8")
with open(out, "wb") as raw:
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as g:
        g.write(data)
print("%d passwords, %d bytes uncompressed" % (len(words), len(data)), file=sys.stderr)
