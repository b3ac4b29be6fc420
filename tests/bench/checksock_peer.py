#!/usr/bin/env python3
"""The python3 peer of `netbasics checksock --filter`: print the stdin lines
that are a strict IPv4:port, unchanged.  The address is checked by the
standard library's ipaddress.IPv4Address (which refuses leading zeros since
Python 3.9.5); the port must be ASCII digits without a leading zero, 1-65535.
Works on bytes, so any input encoding is fine."""
import ipaddress
import sys

IPv4Address = ipaddress.IPv4Address
out = sys.stdout.buffer
write = out.write
for line in sys.stdin.buffer:
    ip, sep, port = line.rstrip(b"\n").rpartition(b":")
    # bytes.isdigit() is ASCII-only
    if not sep or not port.isdigit() or port[0] == 0x30 or len(port) > 5 or int(port) > 65535:
        continue
    try:
        IPv4Address(ip.decode("ascii"))
    except ValueError:  # UnicodeDecodeError is a ValueError too
        continue
    write(line)
out.flush()
