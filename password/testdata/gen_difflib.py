#!/usr/bin/python3
"""Generate difflib_vectors.json: Python's own difflib.SequenceMatcher results.

    cd password/testdata && /usr/bin/python3 gen_difflib.py > difflib_vectors.json

Covers short strings (Django's use), non-ASCII, empty inputs and sequences of
200+ elements where autojunk's "popular element" pruning changes ratio().
"""
import difflib
import json
import random
import sys

rng = random.Random(20240601)
pairs = [
    ("", ""), ("", "abc"), ("abc", ""), ("a", "a"), ("abcd", "bcde"),
    ("password1234", "password"), ("johndoe123", "john.doe@example.com"),
    ("johndoe123", "johndoe"), ("qwerty", "ytrewq"), ("abxcd", "abcd"),
    ("private", "privet"), ("ÉCOLE", "école"), ("пароль", "пароли"),
    ("密码密码", "密码"), ("😀😀😀a", "a😀"), ("tide", "diet"),
    ("a" * 10, "a"), ("a", "a" * 100),
    ("ab" * 150, "ba" * 120 + "c" * 90),           # autojunk: popular a/b in b
    ("x" * 50 + "hello world" + "y" * 50, ("z" * 3 + "hello" + "x") * 40),
]
alphabets = ["ab", "abc", "abcdefghij", "aé😀密", "0123456789abcdefghijklmnopqrstuvwxyz"]
for _ in range(60):
    al = rng.choice(alphabets)
    la, lb = rng.randint(0, 40), rng.randint(0, 40)
    pairs.append(("".join(rng.choice(al) for _ in range(la)), "".join(rng.choice(al) for _ in range(lb))))
for _ in range(15):
    al = rng.choice(alphabets)
    la, lb = rng.randint(150, 400), rng.randint(200, 500)
    pairs.append(("".join(rng.choice(al) for _ in range(la)), "".join(rng.choice(al) for _ in range(lb))))

out = []
for a, b in pairs:
    m = difflib.SequenceMatcher(a=a, b=b)
    out.append({
        "a": a, "b": b,
        "ratio": m.ratio(), "quick_ratio": m.quick_ratio(), "real_quick_ratio": m.real_quick_ratio(),
        "blocks": [list(x) for x in m.get_matching_blocks()],
        "popular": len(m.bpopular),
    })
json.dump({"python": sys.version.split()[0], "cases": out}, sys.stdout, ensure_ascii=False)
sys.stdout.write("\n")
