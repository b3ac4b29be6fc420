#!/usr/bin/env python3
"""Clients that keep a server busy, for the signal and slowloris tests.

Usage: load_clients.py HOST PORT MODE N SECONDS
  busy      N clients, each sending short lines as fast as the server takes
            them and reading every reply
  slowloris N clients, each sending one byte of a line that never ends every
            0.5 s
Prints 'connected N' on stdout once all N are connected, then runs until
SECONDS have passed (or the server closes every connection) and exits 0.
"""
import selectors
import socket
import sys
import time


def main():
    host, port, mode, n, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    end = time.monotonic() + seconds
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, port), 5)
        s.setblocking(False)
        socks.append(s)
        sel.register(s, selectors.EVENT_READ | (selectors.EVENT_WRITE if mode == "busy" else 0))
    print("connected", len(socks), flush=True)
    line = b"keep me busy\n" * 64
    next_drip = 0.0
    alive = len(socks)
    while alive and time.monotonic() < end:
        now = time.monotonic()
        if mode == "slowloris" and now >= next_drip:
            for s in socks:
                if s.fileno() >= 0:
                    try:
                        s.send(b"x")
                    except OSError:
                        pass
            next_drip = now + 0.5
        for key, ev in sel.select(0.1):
            s = key.fileobj
            try:
                if ev & selectors.EVENT_READ:
                    if not s.recv(65536):
                        sel.unregister(s)
                        s.close()
                        alive -= 1
                        continue
                if ev & selectors.EVENT_WRITE:
                    s.send(line)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                sel.unregister(s)
                s.close()
                alive -= 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
