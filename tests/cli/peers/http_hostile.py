#!/usr/bin/env python3
"""A scripted HTTP server for what nginx will not send: broken framing,
oversized heads, hostile bytes, servers that stall, drip or reset.

  http_hostile.py MODE [--conns N] [--time T] [--log FILE]

Binds 127.0.0.1 on a port the kernel picks, prints the port on stdout, then
serves connections one after another with the behaviour MODE, and exits
after N connections (default 1) or T seconds (default 20), whichever comes
first. With --log, each request's head (request line and headers, escaped
as Python bytes literals, one per line) is appended to FILE, after a line
'connection K', so a test can see what a client sent (and that it sent
nothing: the file then has no 'connection' line).

Modes (the body the client should never save, unless said otherwise):
  ok              200 with a 6-byte body 'hello\\n' (any path)
  proxy           the same, as a forward proxy would answer: body 'via proxy\\n'
  short           Content-Length: 100, 10 bytes sent, then close
  cl-negative     Content-Length: -1
  cl-huge         Content-Length: 99999999999999999999999
  cl-5abc         Content-Length: 5abc
  cl-conflict     Content-Length: 5 and Content-Length: 6
  chunk-ffff      a chunk size of FFFFFFFFFFFFFFFF
  chunk-17        a chunk size of 17 hex digits (10000000000000000)
  chunk-negative  a chunk size of -5
  chunk-nofinal   one chunk, then close (no 0-size last chunk)
  chunk-nocrlf    a chunk's data not followed by CRLF
  loop            302 from /loop-a to /loop-b and back (use --conns 20)
  redir-file      302 to file:///etc/passwd
  redir-ftp       302 to ftp://127.0.0.1/pub/file
  long-location   302 with a 70,000-byte Location
  long-header     a 1 MiB header line
  many-headers    200,000 header lines
  endless-status  'HTTP/1.1 200 ' then bytes without a newline, as fast as
                  the client takes them, until it closes or T runs out
  nul-header      a NUL byte inside a header value
  esc-reason      404 with ESC ] 0;pwned BEL in the reason phrase
  silent          accepts, reads the request, never answers
  drip            a valid 200 head with Content-Length: 100, then one body
                  byte a second
  reset           a 200 head with Content-Length: 1000000, 1000 body bytes,
                  then a reset (SO_LINGER 0)
  continue        100 Continue, then 200 with 'hello\\n'
  fold            200 with obs-folded header lines (curl's test 1274) and
                  the body 'hello\\n', which the client should save
  big-head        200 with an 18 KB header line (curl's test 1205) and 150
                  Set-Cookie lines, and the body 'hello\\n' to save
  te-gzip         Transfer-Encoding: gzip, a gzipped 'hello\\n' until close
  te-gzip-chunked Transfer-Encoding: gzip, chunked (curl's tests 1122-1124)
  te-deflate      Transfer-Encoding: deflate, chunked
  te-identityx    Transfer-Encoding: identityx, with a Content-Length
  te-nine         nine Transfer-Encoding: gzip lines (curl's test 418)
  te-chain        Transfer-Encoding: a chain of 100 gzips (curl's test 387)
  status-999      'HTTP/1.1 999 OK' with a body (curl's test 1429)
  status-099      'HTTP/1.1 099 Low' with a body
"""
import gzip
import socket
import struct
import sys
import time
import zlib

HELLO = b"hello\n"


def head(status, headers, body=b""):
    lines = [status] + headers
    return "".join(l + "\r\n" for l in lines).encode("latin-1") + b"\r\n" + body


def ok_response(body):
    return head("HTTP/1.1 200 OK", ["Content-Length: %d" % len(body), "Connection: close"],
                body)


def chunked(body):
    return b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"


def gz(body, times):
    for _ in range(times):
        body = gzip.compress(body, mtime=0)
    return body


GZ = gz(HELLO, 1)

FIXED = {
    "short": head("HTTP/1.1 200 OK", ["Content-Length: 100"], b"0123456789"),
    "cl-negative": head("HTTP/1.1 200 OK", ["Content-Length: -1"], b"hello"),
    "cl-huge": head("HTTP/1.1 200 OK", ["Content-Length: 99999999999999999999999"], b"hello"),
    "cl-5abc": head("HTTP/1.1 200 OK", ["Content-Length: 5abc"], b"hello"),
    "cl-conflict": head("HTTP/1.1 200 OK", ["Content-Length: 5", "Content-Length: 6"],
                        b"hello!"),
    "chunk-ffff": head("HTTP/1.1 200 OK", ["Transfer-Encoding: chunked"],
                       b"FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"),
    "chunk-17": head("HTTP/1.1 200 OK", ["Transfer-Encoding: chunked"],
                     b"10000000000000000\r\nhello\r\n0\r\n\r\n"),
    "chunk-negative": head("HTTP/1.1 200 OK", ["Transfer-Encoding: chunked"],
                           b"-5\r\nhello\r\n0\r\n\r\n"),
    "chunk-nofinal": head("HTTP/1.1 200 OK", ["Transfer-Encoding: chunked"],
                          b"5\r\nhello\r\n"),
    "chunk-nocrlf": head("HTTP/1.1 200 OK", ["Transfer-Encoding: chunked"],
                         b"5\r\nhelloXY0\r\n\r\n"),
    "redir-file": head("HTTP/1.1 302 Found", ["Location: file:///etc/passwd",
                                              "Content-Length: 0"]),
    "redir-ftp": head("HTTP/1.1 302 Found", ["Location: ftp://127.0.0.1/pub/file",
                                             "Content-Length: 0"]),
    "long-location": head("HTTP/1.1 302 Found",
                          ["Location: http://127.0.0.1/" + "a" * 70000, "Content-Length: 0"]),
    "long-header": head("HTTP/1.1 200 OK", ["X-Big: " + "b" * (1 << 20), "Content-Length: 5"],
                        b"hello"),
    "nul-header": head("HTTP/1.1 200 OK", ["X-Nul: a\0b", "Content-Length: 5"], b"hello"),
    "esc-reason": head("HTTP/1.1 404 \x1b]0;pwned\x07Not Found",
                       ["Content-Length: 5"], b"nope\n"),
    "continue": b"HTTP/1.1 100 Continue\r\n\r\n" + ok_response(HELLO),
    "fold": b"HTTP/1.1 200 OK\r\nServer: test-server/\r\n fake\r\n\tfolded\r\n"
            b"Content-Length: 6\r\nX-After: 1\r\n\r\n" + HELLO,
    "big-head": head("HTTP/1.1 200 OK",
                     ["X-Long: " + "c" * 18000]
                     + ["Set-Cookie: c%d=%s; Path=/" % (i, "v" * 40) for i in range(150)]
                     + ["Content-Length: 6"], HELLO),
    "te-gzip": head("HTTP/1.1 200 OK", ["Transfer-Encoding: gzip"], GZ),
    "te-gzip-chunked": head("HTTP/1.1 200 OK", ["Transfer-Encoding: gzip, chunked"], chunked(GZ)),
    "te-deflate": head("HTTP/1.1 200 OK", ["Transfer-Encoding: deflate, chunked"],
                       chunked(zlib.compress(HELLO))),
    "te-identityx": head("HTTP/1.1 200 OK", ["Content-Length: 6", "Transfer-Encoding: identityx"],
                         HELLO),
    "te-nine": head("HTTP/1.1 200 OK", ["Transfer-Encoding: gzip"] * 9, gz(HELLO, 9)),
    "te-chain": head("HTTP/1.1 200 OK", ["Transfer-Encoding: " + ",".join(["gzip"] * 100)],
                     gz(HELLO, 100)),
    "status-999": head("HTTP/1.1 999 OK", ["Content-Length: 6"], HELLO),
    "status-099": head("HTTP/1.1 099 Low", ["Content-Length: 6"], HELLO),
}


def read_head(conn, deadline):
    """Reads the request head (up to 64 KiB, or until the deadline)."""
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < 65536:
        conn.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = conn.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def send(conn, data):
    try:
        conn.sendall(data)
    except OSError:
        pass


def wait_close(conn, deadline):
    """Waits (to the deadline) for the client to close its side."""
    try:
        while time.monotonic() < deadline:
            conn.settimeout(max(0.05, min(1.0, deadline - time.monotonic())))
            try:
                if not conn.recv(65536):
                    return
            except socket.timeout:
                continue
    except OSError:
        pass


def serve_one(mode, conn, req, deadline):
    conn.settimeout(max(0.05, deadline - time.monotonic()))
    if mode in FIXED:
        send(conn, FIXED[mode])
    elif mode == "ok":
        send(conn, ok_response(HELLO))
    elif mode == "proxy":
        send(conn, ok_response(b"via proxy\n"))
    elif mode == "loop":
        target = req.split(b" ")[1] if req.count(b" ") >= 2 else b"/"
        to = "/loop-a" if target.endswith(b"/loop-b") else "/loop-b"
        send(conn, head("HTTP/1.1 302 Found", ["Location: " + to, "Content-Length: 0"]))
    elif mode == "many-headers":
        block = b"".join(b"X-H%d: v\r\n" % i for i in range(1000))
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for _ in range(200):
                conn.sendall(block)
            conn.sendall(b"Content-Length: 5\r\n\r\nhello")
        except OSError:
            pass
    elif mode == "endless-status":
        filler = b"A" * 65536
        try:
            conn.sendall(b"HTTP/1.1 200 ")
            while time.monotonic() < deadline:
                conn.sendall(filler)
        except OSError:
            pass
    elif mode == "silent":
        wait_close(conn, deadline)
    elif mode == "drip":
        send(conn, head("HTTP/1.1 200 OK", ["Content-Length: 100"]))
        try:
            for _ in range(100):
                if time.monotonic() >= deadline:
                    break
                conn.sendall(b"x")
                time.sleep(1)
        except OSError:
            pass
    elif mode == "reset":
        send(conn, head("HTTP/1.1 200 OK", ["Content-Length: 1000000"], b"r" * 1000))
        time.sleep(0.3)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        return
    else:
        raise SystemExit("http_hostile.py: unknown mode " + mode)
    try:
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    # let the client read what was sent before the socket goes away
    wait_close(conn, min(deadline, time.monotonic() + 5))
    conn.close()


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    mode, conns, limit, log = args[0], 1, 20.0, None
    i = 1
    while i < len(args):
        if args[i] == "--conns":
            conns = int(args[i + 1])
        elif args[i] == "--time":
            limit = float(args[i + 1])
        elif args[i] == "--log":
            log = args[i + 1]
        else:
            raise SystemExit("http_hostile.py: unknown argument " + args[i])
        i += 2
    if mode not in FIXED and mode not in (
            "ok", "proxy", "loop", "many-headers", "endless-status", "silent", "drip",
            "reset"):
        raise SystemExit("http_hostile.py: unknown mode " + mode)
    deadline = time.monotonic() + limit
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    print(srv.getsockname()[1], flush=True)
    if log:
        open(log, "ab").close()
    for k in range(1, conns + 1):
        srv.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            conn, _ = srv.accept()
        except OSError:
            break
        req = read_head(conn, deadline)
        if log:
            with open(log, "a") as f:
                f.write("connection %d\n" % k)
                for line in req.split(b"\r\n"):
                    if line:
                        f.write(repr(line)[2:-1] + "\n")
        serve_one(mode, conn, req, deadline)
        if time.monotonic() >= deadline:
            break
    srv.close()


if __name__ == "__main__":
    main()
