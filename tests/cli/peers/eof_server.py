#!/usr/bin/env python3
"""A server that answers only after the end of the client's input: for each
connection it reads until EOF (so the client must half-close), then sends
back PREFIX followed by exactly the bytes it received, and closes. It proves
that a client half-closes and still reads the answer.

Usage: eof_server.py [--host ADDR] [--prefix TEXT] [--count N]
Binds ADDR (default 127.0.0.1) on a port the kernel picks, prints that port
on one line on stdout, then serves N connections (default: until killed).
A client that sends nothing for 30 s is dropped.
"""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--prefix", default="")
ap.add_argument("--count", type=int, default=0)
a = ap.parse_args()

fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
srv = socket.socket(fam, socket.SOCK_STREAM)
srv.bind((a.host, 0))
srv.listen(16)
print(srv.getsockname()[1], flush=True)
served = 0
while a.count == 0 or served < a.count:
    conn, _ = srv.accept()
    conn.settimeout(30)
    got = []
    try:
        while True:
            d = conn.recv(65536)
            if not d:
                break
            got.append(d)
        conn.sendall(a.prefix.encode() + b"".join(got))
    except OSError as e:
        print("eof_server: %s" % e, file=sys.stderr, flush=True)
    conn.close()
    served += 1
