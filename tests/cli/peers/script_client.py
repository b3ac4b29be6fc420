#!/usr/bin/env python3
"""A scripted TCP client: runs STEPs in order on one connection, so a test
can control exactly how bytes are split into writes and when.

Usage: script_client.py HOST PORT STEP...
  send:TEXT       one write of TEXT (backslash escapes: \\n \\r \\x1b ...)
  bytewise:TEXT   TEXT one byte per write, 10 ms apart (TCP_NODELAY is on)
  sleep:S         pause S seconds
  expect:TEXT     read until TEXT has arrived (10 s at most), drop it and
                  everything before it
  eof             read until the server closes (10 s at most); fails if more
                  than the expected text arrives
  shut            half-close (shutdown SHUT_WR)
Prints 'ok' and exits 0 when every step worked; otherwise says which step
failed on stderr and exits 1.
"""
import codecs
import socket
import sys
import time


def unescape(text):
    return codecs.escape_decode(text.encode("utf-8"))[0]


def main():
    host, port, steps = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    for step in steps:
        verb, _, arg = step.partition(":")
        try:
            if verb == "send":
                s.sendall(unescape(arg))
            elif verb == "bytewise":
                for b in unescape(arg):
                    s.sendall(bytes([b]))
                    time.sleep(0.01)
            elif verb == "sleep":
                time.sleep(float(arg))
            elif verb == "expect":
                want = unescape(arg)
                deadline = time.monotonic() + 10
                while want not in buf:
                    s.settimeout(max(0.01, deadline - time.monotonic()))
                    d = s.recv(65536)
                    if not d:
                        raise RuntimeError("closed before %r; got %r" % (want, buf))
                    buf += d
                buf = buf[buf.index(want) + len(want):]
            elif verb == "eof":
                s.settimeout(10)
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    buf += d
                if buf:
                    raise RuntimeError("unexpected bytes before the close: %r" % buf)
            elif verb == "shut":
                s.shutdown(socket.SHUT_WR)
            else:
                raise RuntimeError("unknown step")
        except (OSError, RuntimeError) as e:
            print("script_client: step %r failed: %s" % (step, e), file=sys.stderr)
            return 1
    s.close()
    print("ok")
    return 0


sys.exit(main())
