#!/usr/bin/env python3
"""N clients at once against `netbasics listen -k`, in one process with
selectors: opens all N connections first, then sends a unique line on each,
checks that each gets 'You said <its own line>' back, then says 'bye' on each
and checks the reply and the close. Every connection is open at the same time
until the byes. Prints 'N clients ok' or what went wrong; exits 0 or 1.

Usage: many_clients.py HOST PORT N   (raise ulimit -n above N first)
"""
import os
import selectors
import socket
import sys
import time

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
token = os.urandom(4).hex()
deadline = time.monotonic() + 60
socks = []
for i in range(n):
    s = socket.create_connection((host, port), timeout=10)
    s.setblocking(False)
    socks.append(s)

sel = selectors.DefaultSelector()
state = {}
for i, s in enumerate(socks):
    line = b"client %d of %d, token %s-%d" % (i, n, token.encode(), i * 7919)
    state[s] = {"i": i, "line": line, "buf": b"", "phase": "line", "done": False}
    sel.register(s, selectors.EVENT_READ, state[s])
    s.sendall(line + b"\n")  # small: always fits in the empty send buffer

errors = []
pending = n
while pending and time.monotonic() < deadline:
    for key, _ in sel.select(timeout=1):
        st, s = key.data, key.fileobj
        try:
            d = s.recv(65536)
        except BlockingIOError:
            continue
        except OSError as e:
            errors.append("client %d: %s" % (st["i"], e))
            st["phase"] = "failed"
            sel.unregister(s)
            pending -= 1
            continue
        if st["phase"] == "line":
            if not d:
                errors.append("client %d: closed before its reply" % st["i"])
                st["phase"] = "failed"
                sel.unregister(s)
                pending -= 1
                continue
            st["buf"] += d
            want = b"You said " + st["line"] + b"\n"
            if len(st["buf"]) >= len(want):
                if st["buf"] != want:
                    errors.append("client %d: got %r, wanted %r" % (st["i"], st["buf"], want))
                    st["phase"] = "failed"
                    sel.unregister(s)
                    pending -= 1
                    continue
                st["buf"] = b""
                st["phase"] = "bye"
        elif st["phase"] == "bye-sent":
            if d:
                st["buf"] += d
                continue
            if st["buf"] != b"You said bye\n":
                errors.append("client %d: after bye got %r" % (st["i"], st["buf"]))
            sel.unregister(s)
            pending -= 1
    # the byes go out only once every client has had its own reply
    if all(st["phase"] != "line" for st in state.values()):
        for s, st in state.items():
            if st["phase"] == "bye":
                s.sendall(b"bye\n")
                st["phase"] = "bye-sent"

if pending:
    errors.append("%d clients unfinished after 60 s" % pending)
for s in socks:
    s.close()
if errors:
    print("%d errors; first: %s" % (len(errors), "; ".join(errors[:5])))
    sys.exit(1)
print("%d clients ok" % n)
