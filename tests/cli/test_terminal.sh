#!/usr/bin/env bash
# test_terminal.sh - the interactive parts at a real (pseudo-)terminal, driven
# by python3's pty module: the tour's pacing (Enter for the next step, q to
# stop, none with --no-pause or when stdout is no terminal); the one-line
# "reading ... from the terminal" prompt of octets, resolve and checksock on a
# terminal, and its absence on a pipe or file; the octet quiz's score on
# Ctrl-C and on Ctrl-D. Loopback only; every run bounded.
# Usage: test_terminal.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
W=$NB_TMP/w
mkdir -p "$W"
printf 'nameserver 127.0.0.1#1\noptions timeout:1 attempts:1\n' >"$W/safe.conf"
export NB_RESOLV_CONF=$W/safe.conf
printf '127.0.0.1 localhost\n' >"$W/hosts"
export NB_HOSTS=$W/hosts

# drive.py STEPS -- CMD...: runs CMD in a new session whose controlling
# terminal is a pty (stdin and stdout on it; stderr too unless NB_ERR_FILE
# names a file). STEPS is a list of "expect REGEX" (wait up to 20 s for it in
# what the terminal shows) and "send TEXT" (typed, with \n, \x03 escapes)
# lines. Prints what the terminal showed, then "STATUS N" (128+N for a
# signal, "TIMEOUT" when an expectation never came).
cat >"$W/drive.py" <<'PY'
import fcntl, os, re, select, signal, subprocess, sys, termios, time
steps = [l for l in sys.argv[1].split("\n") if l.strip()]
cmd = sys.argv[3:]
master, slave = os.openpty()
err = open(os.environ["NB_ERR_FILE"], "wb") if os.environ.get("NB_ERR_FILE") else slave
def ctty():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=err, preexec_fn=ctty, close_fds=True)
os.close(slave)
seen = b""
def read_for(t):
    global seen
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            seen += chunk
            return True
    return True
ok = True
for s in steps:
    kind, _, arg = s.partition(" ")
    if kind == "expect":
        end = time.time() + 20
        while not re.search(arg.encode(), seen) and time.time() < end:
            if not read_for(0.2) and not re.search(arg.encode(), seen):
                break
        if not re.search(arg.encode(), seen):
            ok = False
            break
    elif kind == "send":
        os.write(master, arg.encode().decode("unicode_escape").encode("latin-1"))
    elif kind == "sleep":
        time.sleep(float(arg))
end = time.time() + (60 if ok else 2)
while p.poll() is None and time.time() < end:
    read_for(0.2)
if p.poll() is None:
    p.kill()
    p.wait()
    ok = False
while read_for(0.1):
    pass
sys.stdout.write(seen.decode("utf-8", "replace").replace("\r\n", "\n"))
rc = p.returncode
print("\nSTATUS " + (str(128 - rc if rc < 0 else rc) if ok else "TIMEOUT"))
PY

# tty STEPS CMD...: drives CMD at a terminal; OUT is what it showed, STATUS its
# exit status (or TIMEOUT), ERR the stderr file's content when NB_ERR_FILE is set.
tty() {
    local steps=$1
    shift
    OUT=$(timeout -k 5 120 python3 "$W/drive.py" "$steps" -- "$@" 2>"$W/drive.err")
    STATUS=$(printf '%s\n' "$OUT" | sed -n 's/^STATUS //p' | tail -n 1)
    OUT=$(printf '%s\n' "$OUT" | sed '$d')
    ERR=
    [ -n "${NB_ERR_FILE:-}" ] && ERR=$(cat "$NB_ERR_FILE")
    nb_check_sanitizer "$@"
}

# ==========================================================================
section "tour: paced at a terminal"
mkdir -p "$W/tour1" && cd "$W/tour1" || exit 1
tty 'expect \[Enter: step 2 of 8, names: asking a name server; q: stop\] 
send \n
expect \[Enter: step 3 of 8
send q\n' "$NB" tour
cd "$W" || exit 1
assert_eq "tour, Enter then q: exit 0" 0 "$STATUS"
assert_contains "tour: step 1 ran" "$OUT" "== Step 1 of 8: names: the hosts file"
assert_contains "tour: Enter ran step 2" "$OUT" "== Step 2 of 8: names: asking a name server"
assert_not_contains "tour: q stopped before step 3" "$OUT" "== Step 3 of 8"
assert_contains "tour: says where it stopped" "$OUT" "Stopped before step 3 of 8 ('netbasics tour 3' runs it alone)."
assert_not_contains "tour: no 'All done' after q" "$OUT" "All done"
assert_eq "tour: stopped before the download, no copy" "" "$(ls -A "$W/tour1")"
# the first step's output is all there before the first pause: the tour waited
FIRST=$(printf '%s\n' "$OUT" | sed -n '1,/\[Enter: step 2/p')
assert_match "tour: step 1's check before the first pause" "$FIRST" "Check: .*passed"
assert_not_contains "tour: nothing of step 2 before the first pause" "$FIRST" "Step 2 of 8"

mkdir -p "$W/tour2" && cd "$W/tour2" || exit 1
tty 'expect Step 1 of 8
send Q\n' "$NB" tour 1
cd "$W" || exit 1
assert_eq "tour 1 at a terminal: one step, nothing to pause for, exit 0" 0 "$STATUS"
assert_not_contains "tour 1: no pause prompt for a single step" "$OUT" "[Enter:"

mkdir -p "$W/tour3" && cd "$W/tour3" || exit 1
tty '' "$NB" tour --no-pause
cd "$W" || exit 1
assert_eq "tour --no-pause at a terminal: exit 0" 0 "$STATUS"
assert_not_contains "tour --no-pause: no pause prompt" "$OUT" "[Enter:"
assert_contains "tour --no-pause: every step ran" "$OUT" "All done: every step went as the lesson says."
assert_true "tour --no-pause: the copy stays in the current directory" test -s "$W/tour3/mycopy.html"
assert_contains "tour --no-pause at a terminal: the plain word, coloured" "$OUT" $'Check: \033[32mpassed'

mkdir -p "$W/tour4" && cd "$W/tour4" || exit 1
tty 'expect \[Enter: step 2 of 8
send \x04
expect All done' "$NB" tour
cd "$W" || exit 1
assert_eq "tour: Ctrl-D at the pause runs the rest without pausing, exit 0" 0 "$STATUS"
assert_eq "tour: after Ctrl-D, no further pause" 1 "$(printf '%s\n' "$OUT" | grep -c '\[Enter: step')"

# ==========================================================================
section "a one-line prompt when stdin is a terminal, none from a pipe"
export NB_ERR_FILE=$W/stderr
tty 'sleep 0.5
send \x04' "$NB" octets
assert_eq "octets at a terminal: exit 0 after Ctrl-D" 0 "$STATUS"
assert_eq "octets at a terminal: the prompt on stderr" \
    "netbasics octets: reading addresses from the terminal, one per line; Ctrl-D ends" "$ERR"
tty 'send 1.2.3.4\n
expect integer +16909060
send \x04' "$NB" octets
assert_contains "octets at a terminal: the typed address answered" "$OUT" "00000001.00000010.00000011.00000100"
tty 'send 127.0.0.1:80\n
expect is valid
send \x04' "$NB" checksock
assert_eq "checksock at a terminal: the prompt on stderr" \
    "netbasics checksock: reading IP:PORT sockets from the terminal, one per line; Ctrl-D ends" "$ERR"
assert_match "checksock at a terminal: the typed socket checked" "$OUT" "^127\\.0\\.0\\.1:80 is .*valid"
tty 'send localhost\n
expect 127\.0\.0\.1
send \x04' "$NB" resolve
assert_match "resolve at a terminal: the prompt first on stderr" "$(printf '%s\n' "$ERR" | head -n 1)" \
    "^netbasics resolve: reading names from the terminal, one per line; Ctrl-D ends\$"
assert_contains "resolve at a terminal: the typed name answered from the hosts file" "$OUT" "127.0.0.1"
unset NB_ERR_FILE
run_in $'1.2.3.4\n' "$NB" octets
assert_eq "octets from a pipe: no prompt" "" "$ERR"
run_in $'127.0.0.1:80\n' "$NB" checksock
assert_eq "checksock from a pipe: no prompt" "" "$ERR"
printf '1.2.3.4\n' >"$W/in.txt"
run bash -c "'$NB' octets <'$W/in.txt'"
assert_eq "octets from a file: no prompt" "" "$ERR"
run_in $'localhost\n' "$NB" resolve
assert_not_contains "resolve from a pipe: no prompt" "$ERR" "from the terminal"
run bash -c "'$NB' octets 1.2.3.4 </dev/null"
assert_eq "octets with an argument: no prompt" "" "$ERR"

# ==========================================================================
section "the octet quiz: Ctrl-C and Ctrl-D keep the score"
tty 'expect 1\. What is the biggest number that fits in an octet\? 
send 255\n
expect 2\. What is
send 0\n
expect 3\. What is
send \x03' "$NB" octets --quiz --seed 3
assert_eq "quiz, Ctrl-C: exits as SIGINT does (130)" 130 "$STATUS"
assert_contains "quiz, Ctrl-C: the score so far, of the questions answered" "$OUT" \
    "Score so far: 1 of 2 answered; stopped by Ctrl-C at question 3 of 5"
tty 'expect 1\. What is
send 255\n
expect 2\. What is
send \x04' "$NB" octets --quiz --seed 3
assert_eq "quiz, Ctrl-D: exit 1 (not every question answered)" 1 "$STATUS"
assert_contains "quiz, Ctrl-D: the input ended" "$OUT" "(no answer: the input ended)"
assert_contains "quiz, Ctrl-D: counts only the questions answered" "$OUT" \
    "Score: 1 of 1 answered; the input ended at question 2 of 5"
assert_not_contains "quiz, Ctrl-D: never '1 of 5'" "$OUT" "1 of 5"
tty 'expect 1\. What is
send \x03' "$NB" octets --quiz --seed 3
assert_eq "quiz, Ctrl-C at once: 130" 130 "$STATUS"
assert_contains "quiz, Ctrl-C at once: 0 of 0" "$OUT" "Score so far: 0 of 0 answered; stopped by Ctrl-C at question 1 of 5"

finish
