#!/usr/bin/env python3
"""A scripted DNS server for resolve's bulk mode (test_resolve_bulk.sh,
bench_resolve_bulk.sh). Binds UDP and TCP on the same kernel-picked port of
127.0.0.1, prints that port on stdout, and answers n<I>.bulk.test (any case)
with an address derived from I, so a client's mix-ups show name by name:

  A     10.H.M.L     (I = H * 65536 + M * 256 + L)
  AAAA  fd00::I      (I in hex, as 16-bit groups: fd00::1:86a0 for 100000)

Any other name is NXDOMAIN. Exits after SECONDS seconds (default 60), or on
SIGTERM; then prints one line of counts on stderr: "queries N udp M tcp K
dropped D".

Usage: dns_bulk.py [--delay MS] [--jitter MS] [--faults] [--shuffle K] [--silent]
                   [--port P] [SECONDS]

  --delay MS    answer every query MS milliseconds after it came
  --jitter MS   and a random 0..MS more on top (so out of order)
  --shuffle K   hold up to K replies, then send them in reverse order
  --port P      bind port P instead of one the kernel picks (port 53 in a
                private network namespace, for tools that cannot be given a port)
  --silent      never answer (the queries are counted)
  --faults      by I, for test_resolve_bulk.sh's checks:
                I % 101 == 7   SERVFAIL (always)
                I % 97 == 3    the first query for the name and type is
                               dropped; a retry is answered
                I % 13 == 5    answered twice
                I % 11 == 2    first a reply with another id and the address
                               192.0.2.99, then the right reply
                I % 499 == 11  TC set over UDP (no records); TCP answers
"""
import heapq
import random
import select
import signal
import socket
import struct
import sys
import time

args = sys.argv[1:]
DELAY = JITTER = 0.0
FAULTS = SILENT = False
SHUFFLE = 0
SECONDS = 60.0
PORT = 0
while args:
    a = args.pop(0)
    if a == "--delay":
        DELAY = float(args.pop(0)) / 1000
    elif a == "--jitter":
        JITTER = float(args.pop(0)) / 1000
    elif a == "--shuffle":
        SHUFFLE = int(args.pop(0))
    elif a == "--faults":
        FAULTS = True
    elif a == "--port":
        PORT = int(args.pop(0))
    elif a == "--silent":
        SILENT = True
    else:
        SECONDS = float(a)

A, AAAA = 1, 28


def parse(q):
    """(id, flags, qname labels as lower-case text, qtype, end of question) or None."""
    if len(q) < 12:
        return None
    qid, flags = struct.unpack("!HH", q[:4])
    i, labels = 12, []
    while i < len(q) and q[i] != 0:
        n = q[i]
        labels.append(q[i + 1:i + 1 + n].decode("ascii", "replace").lower())
        i += 1 + n
    if i + 5 > len(q):
        return None
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    return qid, flags, ".".join(labels), qtype, i + 5


def index_of(name):
    if not name.endswith(".bulk.test") or not name.startswith("n"):
        return None
    digits = name[1:-len(".bulk.test")]
    return int(digits) if digits.isdigit() else None


def rdata(i, qtype):
    if qtype == A:
        return bytes([10, (i >> 16) & 255, (i >> 8) & 255, i & 255])
    return bytes([0xFD, 0] + [0] * 10) + struct.pack("!I", i)


def reply(q, p, rcode=0, records=True, tc=False, qid=None, data=None):
    qid0, flags, name, qtype, end = p
    i = index_of(name)
    if i is None and rcode == 0:
        rcode, records = 3, False
    answers = []
    if records and rcode == 0 and qtype in (A, AAAA):
        rd = data if data is not None else rdata(i, qtype)
        answers.append(struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, len(rd)) + rd)
    hflags = 0x8000 | (flags & 0x0100) | 0x0080 | (0x0200 if tc else 0) | rcode
    head = struct.pack("!HHHHHH", qid0 if qid is None else qid, hflags, 1, len(answers), 0, 0)
    return head + q[12:end] + b"".join(answers)


for attempt in range(20):  # the UDP port the kernel picked may be taken for TCP: another one
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", PORT))
    port = udp.getsockname()[1]
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        tcp.bind(("127.0.0.1", port))
        break
    except OSError:
        udp.close()
        tcp.close()
        if PORT or attempt == 19:
            raise
udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
udp.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
tcp.listen(64)
udp.setblocking(False)
print(port, flush=True)

counts = {"queries": 0, "udp": 0, "tcp": 0, "dropped": 0}
dropped_once = set()
later = []  # (when, seq, datagram, peer)
held = []
seq = 0
end_at = time.monotonic() + SECONDS


def send(dgram, peer):
    global seq
    if DELAY or JITTER:
        seq += 1
        when = time.monotonic() + DELAY + random.random() * JITTER
        heapq.heappush(later, (when, seq, dgram, peer))
    elif SHUFFLE:
        held.append((dgram, peer))
        if len(held) >= SHUFFLE:
            flush_held()
    else:
        udp.sendto(dgram, peer)


def flush_held():
    while held:
        d, p = held.pop()
        udp.sendto(d, p)


def answer_udp(q, peer):
    p = parse(q)
    if p is None:
        return
    counts["queries"] += 1
    counts["udp"] += 1
    if SILENT:
        return
    i = index_of(p[2])
    if FAULTS and i is not None:
        if i % 101 == 7:
            send(reply(q, p, rcode=2, records=False), peer)
            return
        if i % 97 == 3 and (i, p[3]) not in dropped_once:
            dropped_once.add((i, p[3]))
            counts["dropped"] += 1
            return
        if i % 11 == 2:
            bad = bytes([192, 0, 2, 99]) if p[3] == A else bytes(15) + b"\x99"
            send(reply(q, p, qid=p[0] ^ 0x5A5A, data=bad), peer)
        if i % 499 == 11:
            send(reply(q, p, records=False, tc=True), peer)
            return
        if i % 13 == 5:
            send(reply(q, p), peer)
    send(reply(q, p), peer)


def answer_tcp(conn):
    conn.settimeout(2)
    try:
        while True:
            head = conn.recv(2)
            if len(head) < 2:
                break
            n = struct.unpack("!H", head)[0]
            q = b""
            while len(q) < n:
                part = conn.recv(n - len(q))
                if not part:
                    return
                q += part
            p = parse(q)
            if p is None:
                return
            counts["queries"] += 1
            counts["tcp"] += 1
            r = reply(q, p, rcode=2, records=False) if (
                FAULTS and index_of(p[2]) is not None and index_of(p[2]) % 101 == 7) else reply(q, p)
            conn.sendall(struct.pack("!H", len(r)) + r)
    except OSError:
        pass
    finally:
        conn.close()


watch = [udp, tcp]
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
try:
    while True:
        now = time.monotonic()
        if now >= end_at:
            break
        wait = end_at - now
        if later:
            wait = max(0.0, min(wait, later[0][0] - now))
        if held:
            wait = min(wait, 0.005)
        ready, _, _ = select.select(watch, [], [], wait)
        if tcp in ready:
            c, _ = tcp.accept()
            answer_tcp(c)
        if udp in ready:
            for _ in range(256):
                try:
                    q, peer = udp.recvfrom(4096)
                except BlockingIOError:
                    break
                answer_udp(q, peer)
        now = time.monotonic()
        while later and later[0][0] <= now:
            _, _, d, p = heapq.heappop(later)
            udp.sendto(d, p)
        if held and not ready:
            flush_held()
finally:
    print("queries %(queries)d udp %(udp)d tcp %(tcp)d dropped %(dropped)d" % counts,
          file=sys.stderr, flush=True)
