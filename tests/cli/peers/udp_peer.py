#!/usr/bin/env python3
"""udp_peer.py - scripted UDP peers for test_udp.sh.

  udp_peer.py server FAMILY MODE    binds 127.0.0.1:0 (4) or [::1]:0 (6), prints its
                                    port, then per datagram: MODE echo replies
                                    b"ECHO:" + data; len replies its length in
                                    decimal; silent replies nothing; late replies
                                    "late N" three times, 0.3 s apart; raw replies
                                    b"\x1b[31mred\x07\x00" (escape bytes)
  udp_peer.py send HOST PORT HEX... sends each hex-encoded datagram, then prints
                                    repr(reply) per reply until 1 s of silence
  udp_peer.py many HOST PORT N      N sockets each send b"hello I" at once;
                                    prints how many got b"You said hello I\\n"
  udp_peer.py flood HOST PORT N SIZE  sends N datagrams of SIZE bytes, in bursts
"""
import socket
import sys
import time


def family(f):
    return socket.AF_INET6 if f == "6" else socket.AF_INET


def server(fam, mode):
    s = socket.socket(family(fam), socket.SOCK_DGRAM)
    s.bind(("::1" if fam == "6" else "127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    while True:
        data, peer = s.recvfrom(70000)
        if mode == "echo":
            s.sendto(b"ECHO:" + data, peer)
        elif mode == "len":
            s.sendto(str(len(data)).encode(), peer)
        elif mode == "late":
            for i in range(3):
                time.sleep(0.3)
                s.sendto(b"late %d\n" % i, peer)
        elif mode == "raw":
            s.sendto(b"\x1b[31mred\x07\x00", peer)


def addr_family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def send(host, port, hexes):
    s = socket.socket(addr_family(host), socket.SOCK_DGRAM)
    for h in hexes:
        s.sendto(bytes.fromhex(h), (host, port))
    s.settimeout(1.0)
    try:
        while True:
            print(repr(s.recv(70000)), flush=True)
    except (socket.timeout, ConnectionRefusedError):
        pass


def many(host, port, n):
    socks = [socket.socket(addr_family(host), socket.SOCK_DGRAM) for _ in range(n)]
    for i, s in enumerate(socks):
        s.sendto(b"hello %d" % i, (host, port))
    good = 0
    for i, s in enumerate(socks):
        s.settimeout(5.0)
        try:
            if s.recv(1000) == b"You said hello %d\n" % i:
                good += 1
        except socket.timeout:
            pass
    print(good)


def flood(host, port, n, size):
    s = socket.socket(addr_family(host), socket.SOCK_DGRAM)
    for i in range(n):
        s.sendto(b"x" * size, (host, port))
        if i % 50 == 49:
            time.sleep(0.02)  # bursts the receive buffer holds, even under ASan


def main():
    cmd = sys.argv[1]
    if cmd == "server":
        server(sys.argv[2], sys.argv[3])
    elif cmd == "send":
        send(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif cmd == "many":
        many(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "flood":
        flood(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))


if __name__ == "__main__":
    main()
