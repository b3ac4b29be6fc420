#!/usr/bin/env python3
"""A server that accepts connections and then neither sends nor closes:
for a client's idle timeout. Prints its port (kernel-picked) on stdout and
holds every connection until it is killed.

Usage: silent_server.py [ADDR]
"""
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
srv = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
srv.bind((host, 0))
srv.listen(16)
print(srv.getsockname()[1], flush=True)
held = []
while True:
    conn, _ = srv.accept()
    held.append(conn)  # kept open, never written to
