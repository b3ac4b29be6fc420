#!/usr/bin/env python3
"""A hostile peer: sends bytes that a terminal would obey (OSC to set the
window title, ESC [2J to clear the screen, the C1 CSI both raw and as UTF-8,
a bell) to find out whether they reach the operator's terminal raw.

  hostile_peer.py server        binds 127.0.0.1 on a kernel-picked port, prints
                                the port, and for one client sends the payload
                                and closes
  hostile_peer.py client HOST PORT
                                sends the payload as a line, then 'bye', and
                                reads until the server closes
"""
import socket
import sys

PAYLOAD = (b"\x1b]0;pwned\x07title\x1b[2Jcleared\x1b[31mred"
           b"\x9b31m-c1-\xc2\x9b31m-utf8c1-\x07bell")


def main():
    if sys.argv[1] == "server":
        serve()
    else:
        talk(sys.argv[2], int(sys.argv[3]))


def serve():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    print(srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    conn.settimeout(30)
    conn.sendall(PAYLOAD + b"\n")
    conn.shutdown(socket.SHUT_WR)
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass
    conn.close()


def talk(host, port):
    s = socket.create_connection((host, port), timeout=30)
    s.sendall(PAYLOAD + b"\n" + b"bye\n")
    while s.recv(65536):
        pass
    s.close()


if __name__ == "__main__":
    main()
