#!/usr/bin/env python3
"""A client that resets mid-stream: sends a complete line and half of another,
waits for the reply to the first, then closes with SO_LINGER {on, 0} so the
kernel sends RST instead of FIN.

Usage: reset_client.py HOST PORT
"""
import socket
import struct
import sys

s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
s.sendall(b"before the reset\n")
want = b"You said before the reset\n"
got = b""
while not got.endswith(want):
    d = s.recv(4096)
    if not d:
        sys.exit("reset_client: the server closed before replying")
    got += d
s.sendall(b"half a line, then RST")
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
print("reset sent", flush=True)
