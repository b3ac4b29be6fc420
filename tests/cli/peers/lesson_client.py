#!/usr/bin/env python3
"""The lesson's netcat() client, ported to Python 3 faithfully: the same calls
in the same order; only the text became bytes (content is sent as bytes and
the end of the stream is b'', which the lesson's "" never equals in Python 3).

Usage: lesson_client.py HOST PORT CONTENT   (CONTENT '-' reads stdin's bytes)
"""
import socket
import sys


def netcat(hostname, port, content):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect((hostname, port))
    s.sendall(content)
    s.shutdown(socket.SHUT_WR)
    while 1:
        data = s.recv(1024)
        if data == b"":
            break
        print("Received:", repr(data))
    print("Connection closed.")
    s.close()


if __name__ == "__main__":
    text = sys.argv[3]
    content = sys.stdin.buffer.read() if text == "-" else text.encode("utf-8", "surrogateescape")
    netcat(sys.argv[1], int(sys.argv[2]), content)
