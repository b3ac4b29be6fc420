#!/usr/bin/env python3
"""gen_socks.py N OUT [SEED] - write N 'ip:port' lines to OUT, a fixed-seed mix
of valid sockets and the usual mistakes; print the number of valid lines.

Valid means strict IPv4:port, the rule of `netbasics checksock`: four decimal
octets 0-255 without leading zeros, one ':', a decimal port 1-65535 without
leading zeros, nothing else on the line.  About half the lines are valid.  The
invalid ones are all IPv4-shaped mistakes that every peer (python ipaddress,
grep -E, awk) refuses too, so every tool must print the same lines.  There is
no IPv6 and no '\\r' in the data: netbasics accepts '[::1]:80' and strips a
CR before LF, which the IPv4-only peers would not.
"""
import random
import sys


def octet(r):
    # mostly random, sometimes the edges
    x = r.random()
    if x < 0.05:
        return "0"
    if x < 0.10:
        return "255"
    return str(r.randrange(256))


def port(r):
    x = r.random()
    if x < 0.02:
        return str(r.choice((1, 7, 80, 443, 1023, 1024, 49151, 49152, 65535)))
    if x < 0.30:
        return str(r.randrange(1, 1024))          # well-known
    if x < 0.70:
        return str(r.randrange(1024, 49152))      # registered
    return str(r.randrange(49152, 65536))         # ephemeral


def quad(r):
    return "%s.%s.%s.%s" % (octet(r), octet(r), octet(r), octet(r))


def valid(r):
    return "%s:%s" % (quad(r), port(r))


# Each maker returns one invalid line.
BAD = [
    lambda r: "%d.%s.%s.%s:%s" % (r.randrange(256, 1000), octet(r), octet(r), octet(r), port(r)),  # octet > 255
    lambda r: "%s.%s.%s.%d:%s" % (octet(r), octet(r), octet(r), r.randrange(256, 100000), port(r)),
    lambda r: "%s.0%d.%s.%s:%s" % (octet(r), r.randrange(100), octet(r), octet(r), port(r)),  # leading zero
    lambda r: "%s:0" % quad(r),                                                  # port 0
    lambda r: "%s:%d" % (quad(r), r.randrange(65536, 1000000)),                  # port too big (70000)
    lambda r: "%s:0%s" % (quad(r), port(r)),                                     # port with leading zero
    lambda r: "%s:+%s" % (quad(r), port(r)),                                     # signed port
    lambda r: "%s:0x%x" % (quad(r), r.randrange(1, 65536)),                      # hex port
    lambda r: "%s:%s_%s" % (quad(r), r.randrange(1, 10), r.randrange(10)),      # 8_0
    lambda r: "%s:\u0668\u0660" % quad(r),                                        # Arabic-Indic 80 (UTF-8)
    lambda r: "%s.%s.%s:%s" % (octet(r), octet(r), octet(r), port(r)),          # three parts
    lambda r: "%s.%s:%s" % (quad(r), octet(r), port(r)),                         # five parts
    lambda r: "%s.%s..%s:%s" % (octet(r), octet(r), octet(r), port(r)),         # empty part
    lambda r: "%s.%s.%s.-%s:%s" % (octet(r), octet(r), octet(r), octet(r), port(r)),  # sign in octet
    lambda r: "%s" % quad(r),                                                    # no port
    lambda r: "%s:" % quad(r),                                                   # empty port
    lambda r: "%s %s" % (quad(r), port(r)),                                      # space for colon
    lambda r: " %s:%s" % (quad(r), port(r)),                                     # leading space
    lambda r: "%s:%s " % (quad(r), port(r)),                                     # trailing space
    lambda r: "%s:%s:%s" % (quad(r), port(r), port(r)),                          # two ports
    lambda r: "%d:%s" % (r.randrange(1 << 24, 1 << 32), port(r)),                # a bare 32-bit number
    lambda r: "127.%d:%s" % (r.randrange(256), port(r)),                          # inet_aton shorthand 127.1
    lambda r: "0x7f.%s.%s.%s:%s" % (octet(r), octet(r), octet(r), port(r)),     # hex octet
    lambda r: "host%d.example:%s" % (r.randrange(1000), port(r)),                # a name
    lambda r: "::%d:%s" % (r.randrange(1, 65536), port(r)),                      # IPv6 without brackets
    lambda r: "",                                                                # empty line
]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: gen_socks.py N OUT [SEED]")
    n, out = int(sys.argv[1]), sys.argv[2]
    r = random.Random(int(sys.argv[3]) if len(sys.argv) == 4 else 20261124)
    good = 0
    chunk = []
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for _ in range(n):
            if r.random() < 0.5:
                chunk.append(valid(r))
                good += 1
            else:
                chunk.append(r.choice(BAD)(r))
            if len(chunk) >= 65536:
                f.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            f.write("\n".join(chunk) + "\n")
    print(good)


if __name__ == "__main__":
    main()
