#!/usr/bin/env python3
"""An HTTP server with the bodies fetch's terminal tests need.

  http_body.py [--conns N] [--time T]

Binds 127.0.0.1 on a port the kernel picks, prints the port on stdout, and
serves N connections (default 1) or T seconds (default 20), one at a time,
by path:
  /slow    200, Content-Length 40000, sent 2000 bytes every 0.1 s (2 s)
  /binary  200, 3000 bytes beginning 'PK\\x03\\x04\\x00' (a NUL in the first block)
  /text    200, text with ESC [2J, ESC ] 0;title BEL, a TAB, CRLF line
           ends and UTF-8 'é' cut between two sends, in two sends
  other    200, 'hello\\n'"""
import socket
import sys
import time

TEXT1 = b"line one\tend\r\nred \x1b[31mRED\x1b[0m \x1b[2J\x1b]0;title\x07 caf\xc3"
TEXT2 = b"\xa9\r\nlast line\n"


def head(n):
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % n


def serve(conn):
    conn.settimeout(5)
    req = b""
    while b"\r\n\r\n" not in req:
        data = conn.recv(4096)
        if not data:
            return
        req += data
    path = req.split(b" ")[1]
    if path == b"/slow":
        conn.sendall(head(40000))
        for _ in range(20):
            conn.sendall(b"x" * 2000)
            time.sleep(0.1)
    elif path == b"/binary":
        body = b"PK\x03\x04\x00" + bytes(range(256)) * 11 + b"\x00" * 179
        conn.sendall(head(len(body)) + body)
    elif path == b"/text":
        conn.sendall(head(len(TEXT1) + len(TEXT2)) + TEXT1)
        time.sleep(0.2)
        conn.sendall(TEXT2)
    else:
        conn.sendall(head(6) + b"hello\n")


def main():
    args = sys.argv[1:]
    conns = int(args[args.index("--conns") + 1]) if "--conns" in args else 1
    limit = float(args[args.index("--time") + 1]) if "--time" in args else 20
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    print(s.getsockname()[1], flush=True)
    end = time.monotonic() + limit
    for _ in range(conns):
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            conn, _ = s.accept()
        except socket.timeout:
            break
        try:
            serve(conn)
        except OSError:
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
