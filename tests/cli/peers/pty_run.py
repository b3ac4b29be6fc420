#!/usr/bin/env python3
"""Runs a command under a pseudo-terminal of a given size, as a person's
terminal would: stdin, stdout and stderr are the terminal.

  pty_run.py COLUMNS CMD [ARG...]

The window size is set with TIOCSWINSZ before the command starts, and
COLUMNS is removed from its environment, so only the terminal tells (with
COLUMNS 0 the terminal says 0, and COLUMNS is left as it is). Every
byte the command writes to the terminal is copied to our stdout as it is;
the exit status is the command's (128+N when a signal N ended it). The
command is killed after 30 s."""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def main():
    cols = int(sys.argv[1])
    argv = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
        if cols:  # 0: a terminal that does not know its width; COLUMNS stays
            os.environ.pop("COLUMNS", None)
        os.execvp(argv[0], argv)
    out = sys.stdout.buffer
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the command and its terminal are gone
            data = b""
        if not data:
            break
        out.write(data)
        out.flush()
    else:
        os.kill(pid, 9)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    sys.exit(128 - code if code < 0 else code)

if __name__ == "__main__":
    main()
