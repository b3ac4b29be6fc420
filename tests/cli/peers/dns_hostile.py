#!/usr/bin/env python3
"""A scripted DNS server for what no real server sends: the hostile cases of
test_resolve.sh. Binds UDP and TCP on the same kernel-picked port of
127.0.0.1, prints that port on stdout, then answers every query with the
behaviour MODE chooses, logging one line per query on stderr
("udp A name." / "tcp A name."). Exits after MAX queries or SECONDS seconds,
whichever comes first.

Usage: dns_hostile.py MODE [MAX [SECONDS]]      (defaults: 20 queries, 30 s)

MODE is one mode for every name, or rules "SUFFIX=MODE,SUFFIX=MODE,..."
that choose a mode per name: the first rule whose SUFFIX is the name or one
of its parent domains (case-insensitive; "*" matches any name) wins, and a
name no rule matches gets nxdomain. E.g. "broken.test=servfail,nb.test=ok".
The environment variable DNS_HOSTILE_PORT binds that port instead of one
the kernel picks (for a private network namespace, where glibc's port 53
is free).

Modes (the question is always echoed; 192.0.2.0/24 is TEST-NET-1):
  ok          A 192.0.2.1 / AAAA 2001:db8::1, AA clear; other types: no data
  okaa        the same with AA set
  wrongid     first a reply with another id (A 192.0.2.99), then the right one
  junk        a 0-byte datagram, a 7-byte one and a wrong-question reply,
              then the right reply
  qr0         the right reply with the QR bit clear (so: not a reply)
  empty       a 0-byte datagram only
  short7      the first 7 bytes of the right reply only
  wrongq      a reply to another question only
  counts      the header says 60 answers, 1 follows
  rdlen       an A record whose RDLENGTH (255) runs past the end
  a3          an A record of 3 bytes
  ptrself     an answer owner that is a compression pointer to itself
  ptrloop     two compression pointers pointing at each other
  label64     an answer owner with a 64-byte label (length byte 0x40)
  name256     an answer owner of 256 bytes on the wire (63+63+63+62 labels)
  cnameloop   NAME CNAME b.loop.test., b.loop.test. CNAME NAME
  tctcp       TC set over UDP (no records) and over TCP too (one A record)
  tcpcut      TC over UDP; over TCP a length of 100 then 20 bytes and close
  silent      never answers
  servfail    SERVFAIL
  refused     REFUSED
  notimp      NOTIMP
  nodata      NOERROR with no records, AA set (no record of that type)
  nxdomain    NXDOMAIN, AA set
  esc         TXT "\\x1b[31mred\\x1b[0m\\x07"; for A, a CNAME to a name with
              ESC bytes in a label, then its A record
"""
import os
import select
import socket
import struct
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "ok"
MAX = int(sys.argv[2]) if len(sys.argv) > 2 else 20
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0

A, CNAME, TXT, AAAA = 1, 5, 16, 28
TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT",
         28: "AAAA", 33: "SRV", 255: "ANY"}


def bind_pair():
    """UDP and TCP sockets on the same free port of 127.0.0.1."""
    fixed = int(os.environ.get("DNS_HOSTILE_PORT", "0"))
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", fixed))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            t.bind(("127.0.0.1", port))
        except OSError:
            u.close()
            t.close()
            continue
        t.listen(8)
        return u, t, port
    sys.exit("dns_hostile: no free port")


def parse_query(q):
    """(id, rd, question bytes, qtype, qname text) or None."""
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack(">HHH", q[:6])
    if qd < 1:
        return None
    pos, labels = 12, []
    while pos < len(q):
        n = q[pos]
        if n == 0 or n > 63:
            break
        labels.append(q[pos + 1:pos + 1 + n])
        pos += 1 + n
    if pos >= len(q) or q[pos] != 0 or pos + 5 > len(q):
        return None
    end = pos + 5
    qtype = struct.unpack(">H", q[pos + 1:pos + 3])[0]
    text = ".".join(l.decode("latin-1") for l in labels) + "."
    return qid, flags & 0x0100, q[12:end], qtype, text


def wire(name):
    """A text name ("a.b.") on the wire; bytes labels allowed in a list."""
    if isinstance(name, list):
        return b"".join(bytes([len(l)]) + l for l in name) + b"\x00"
    out = b""
    for l in name.rstrip(".").split("."):
        out += bytes([len(l)]) + l.encode()
    return out + b"\x00"


def header(qid, rd, rcode=0, an=0, aa=False, tc=False, qr=True, qd=1, ns=0, ar=0):
    flags = (0x8000 if qr else 0) | (0x0400 if aa else 0) | (0x0200 if tc else 0) | rd | 0x0080 | rcode
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, ar)


def rr(owner, rtype, rdata, ttl=300, rdlen=None):
    """A record: owner (wire bytes), type, IN, ttl, rdlength, rdata."""
    return owner + struct.pack(">HHIH", rtype, 1, ttl, len(rdata) if rdlen is None else rdlen) + rdata


PTR_Q = b"\xc0\x0c"  # a pointer to the question's name


def answer(qid, rd, question, qtype, aa=False, tc=False, qr=True):
    """The good reply: the test data for A, AAAA; no data for other types."""
    if qtype == A:
        recs = [rr(PTR_Q, A, bytes([192, 0, 2, 1]))]
    elif qtype == AAAA:
        recs = [rr(PTR_Q, AAAA, socket.inet_pton(socket.AF_INET6, "2001:db8::1"))]
    else:
        recs = []
    return header(qid, rd, an=len(recs), aa=aa, tc=tc, qr=qr) + question + b"".join(recs)


def mode_for(qname):
    """The mode MODE gives qname: MODE itself, or the first matching rule's."""
    if "=" not in MODE:
        return MODE
    name = qname.rstrip(".").lower()
    for rule in MODE.split(","):
        suffix, _, mode = rule.partition("=")
        suffix = suffix.rstrip(".").lower()
        if suffix == "*" or name == suffix or name.endswith("." + suffix):
            return mode
    return "nxdomain"


def replies(q, via_tcp):
    """The datagrams (or TCP messages) to send for query q."""
    parsed = parse_query(q)
    if parsed is None:
        return []
    qid, rd, question, qtype, qname = parsed
    mode = mode_for(qname)
    good = answer(qid, rd, question, qtype)
    h = lambda **kw: header(qid, rd, **kw)
    if mode == "ok":
        return [good]
    if mode == "okaa":
        return [answer(qid, rd, question, qtype, aa=True)]
    if mode == "wrongid":
        bad = header(qid ^ 0x5A5A, rd, an=1) + question + rr(PTR_Q, A, bytes([192, 0, 2, 99]))
        return [bad, good]
    if mode == "junk":
        other = h(an=1) + wire("other.example.") + struct.pack(">HH", qtype, 1) + \
            rr(PTR_Q, A, bytes([192, 0, 2, 98]))
        return [b"", good[:7], other, good]
    if mode == "qr0":
        return [answer(qid, rd, question, qtype, qr=False)]
    if mode == "empty":
        return [b""]
    if mode == "short7":
        return [good[:7]]
    if mode == "wrongq":
        return [h(an=0) + wire("other.example.") + struct.pack(">HH", qtype, 1)]
    if mode == "counts":
        return [h(an=60) + question + rr(PTR_Q, A, bytes([192, 0, 2, 1]))]
    if mode == "rdlen":
        return [h(an=1) + question + rr(PTR_Q, A, bytes([192, 0, 2, 1]), rdlen=255)]
    if mode == "a3":
        return [h(an=1) + question + rr(PTR_Q, A, bytes([192, 0, 2]))]
    if mode == "ptrself":
        off = 12 + len(question)
        return [h(an=1) + question + rr(struct.pack(">H", 0xC000 | off), A, bytes([192, 0, 2, 1]))]
    if mode == "ptrloop":
        # answer 1's owner at o1 points at o2, the CNAME data of the same
        # record, which points back at o1
        o1 = 12 + len(question)
        o2 = o1 + 2 + 10
        return [h(an=1) + question + rr(struct.pack(">H", 0xC000 | o2), CNAME,
                                         struct.pack(">H", 0xC000 | o1))]
    if mode == "label64":
        owner = b"\x40" + b"a" * 64 + b"\x00"
        return [h(an=1) + question + rr(owner, A, bytes([192, 0, 2, 1]))]
    if mode == "name256":
        owner = wire([b"a" * 63, b"b" * 63, b"c" * 63, b"d" * 62])
        assert len(owner) == 256
        return [h(an=1) + question + rr(owner, A, bytes([192, 0, 2, 1]))]
    if mode == "cnameloop":
        b = wire("b.loop.test.")
        return [h(an=2) + question + rr(PTR_Q, CNAME, b) + rr(b, CNAME, PTR_Q)]
    if mode == "tctcp":
        if via_tcp:
            return [header(qid, rd, an=1, tc=True) + question + rr(PTR_Q, A, bytes([192, 0, 2, 1]))]
        return [h(tc=True) + question]
    if mode == "tcpcut":
        if via_tcp:
            return [("cut", good[:20])]
        return [h(tc=True) + question]
    if mode == "silent":
        return []
    if mode == "servfail":
        return [h(rcode=2) + question]
    if mode == "refused":
        return [h(rcode=5) + question]
    if mode == "notimp":
        return [h(rcode=4) + question]
    if mode == "nxdomain":
        return [h(rcode=3, aa=True) + question]
    if mode == "nodata":
        return [h(aa=True) + question]
    if mode == "esc":
        if qtype == TXT:
            s = b"\x1b[31mred\x1b[0m\x07"
            return [h(an=1) + question + rr(PTR_Q, TXT, bytes([len(s)]) + s)]
        evil = wire([b"e\x1b[2Jvil", b"test"])
        if qtype == A:
            return [h(an=2) + question + rr(PTR_Q, CNAME, evil) + rr(evil, A, bytes([192, 0, 2, 27]))]
        return [h(an=1) + question + rr(PTR_Q, CNAME, evil)]
    sys.exit("dns_hostile: unknown mode " + mode)


def log(via, q):
    p = parse_query(q)
    what = "%s %s" % (TYPES.get(p[3], str(p[3])), p[4]) if p else "unparsable %d bytes" % len(q)
    print("%s %s" % (via, what), file=sys.stderr, flush=True)


def recv_exact(conn, n, deadline):
    data = b""
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        conn.settimeout(left)
        try:
            chunk = conn.recv(n - len(data))
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


def main():
    udp, tcp, port = bind_pair()
    print(port, flush=True)
    end = time.monotonic() + SECONDS
    seen = 0
    while seen < MAX:
        left = end - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([udp, tcp], [], [], left)
        if udp in ready:
            q, peer = udp.recvfrom(65535)
            seen += 1
            log("udp", q)
            for r in replies(q, False):
                udp.sendto(r, peer)
        if tcp in ready:
            conn, _ = tcp.accept()
            with conn:
                deadline = min(end, time.monotonic() + 5)
                n = recv_exact(conn, 2, deadline)
                q = recv_exact(conn, struct.unpack(">H", n)[0], deadline) if n else None
                if q is None:
                    continue
                seen += 1
                log("tcp", q)
                for r in replies(q, True):
                    try:
                        if isinstance(r, tuple):  # ("cut", bytes): promise 100, send less
                            conn.sendall(struct.pack(">H", 100) + r[1])
                            break
                        conn.sendall(struct.pack(">H", len(r)) + r)
                    except OSError:
                        break


if __name__ == "__main__":
    main()
