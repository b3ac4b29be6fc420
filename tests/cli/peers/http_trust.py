#!/usr/bin/env python3
"""Scripted HTTP peers for test_fetch_trust.sh, for what no real server sends
or records. Binds 127.0.0.1 on a port the kernel picks, prints the port on
the first line of stdout, and serves until it is killed.

Usage: http_trust.py MODE [--log FILE]
  noloc   answers every request with "302 Found" that has no Location header
          (and a 9-byte body), which nginx never sends
  proxy   an http proxy that records each request head (the request line and
          every header, one "name: value" a line, then a line "--") in FILE
          and answers "200 OK" with the body "via proxy\\n" itself
"""
import argparse
import socket
import threading


def read_head(conn):
    """The request head as text, or None when the client left first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1 << 20:
            return None
    return data.split(b"\r\n\r\n", 1)[0].decode("latin-1")


def serve(conn, mode, log, lock):
    with conn:
        head = read_head(conn)
        if head is None:
            return
        if mode == "noloc":
            conn.sendall(b"HTTP/1.1 302 Found\r\nContent-Length: 9\r\n"
                         b"Connection: close\r\n\r\nnowhere!\n")
            return
        if log:
            with lock, open(log, "a") as f:
                f.write(head.replace("\r\n", "\n") + "\n--\n")
        body = b"via proxy\n"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                     % len(body) + body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["noloc", "proxy"])
    ap.add_argument("--log")
    a = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    print(srv.getsockname()[1], flush=True)
    lock = threading.Lock()
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, a.mode, a.log, lock), daemon=True).start()


if __name__ == "__main__":
    main()
