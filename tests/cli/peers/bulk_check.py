#!/usr/bin/env python3
"""Checks resolve --json's output for the names n<I>.bulk.test, I from FIRST
to FIRST+COUNT-1, as dns_bulk.py answers them: every name once, each with its
own addresses (A 10.H.M.L, AAAA fd00::I; no others), in input order unless
--unordered. With --faults, the names dns_bulk.py answers SERVFAIL (I % 101
== 7) must have no answers and an error naming SERVFAIL; with --address A,
every name's one A record is A (a server answering a whole zone so).

Usage: bulk_check.py FIRST COUNT TYPES [--unordered] [--faults] [--address A]
       < JSON lines
TYPES is A, AAAA or both. Prints "ok: N names" and exits 0, or the first
mismatches and exits 1. With --unordered it also says whether the output
came in input order ("in input order: yes/no").
"""
import ipaddress
import json
import sys

first, count, types = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
unordered = "--unordered" in sys.argv
faults = "--faults" in sys.argv
address = sys.argv[sys.argv.index("--address") + 1] if "--address" in sys.argv else None
bad, seen = [], []


def want(i):
    out = set()
    if address:
        return {("A", address)}
    if types in ("A", "both"):
        out.add(("A", "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)))
    if types in ("AAAA", "both"):
        out.add(("AAAA", str(ipaddress.IPv6Address((0xFD00 << 112) | i))))
    return out


for n, line in enumerate(sys.stdin):
    try:
        j = json.loads(line)
        name = j["name"]
        i = int(name[1:-len(".bulk.test")])
        got = {(a["type"], a["data"]) for a in j["answers"]}
        owners = {a["name"] for a in j["answers"]}
    except (ValueError, KeyError, TypeError) as e:
        bad.append("line %d: %r (%s)" % (n + 1, line[:120], e))
        continue
    seen.append(i)
    if faults and i % 101 == 7:
        if got or "SERVFAIL" not in j.get("error", ""):
            bad.append("%s: expected no answers and a SERVFAIL error, got %r" % (name, j))
        continue
    if got != want(i) or owners - {name + "."}:
        bad.append("%s: expected %r, got %r" % (name, sorted(want(i)), j["answers"]))

expected = list(range(first, first + count))
if unordered:
    if sorted(seen) != expected:
        bad.append("names: %d seen, %d distinct, %d expected" % (len(seen), len(set(seen)), count))
    print("in input order: %s" % ("yes" if seen == expected else "no"))
elif seen != expected:
    k = next((k for k, (a, b) in enumerate(zip(seen, expected)) if a != b), min(len(seen), count))
    bad.append("order: %d names, the first out of place at line %d" % (len(seen), k + 1))
if bad:
    print("\n".join(bad[:10]))
    sys.exit(1)
print("ok: %d names" % len(seen))
