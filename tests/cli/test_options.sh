#!/usr/bin/env bash
# test_options.sh - the option front end from the outside: every command's
# --help lists every option of its table, -h and `help CMD` are --help, and
# usage errors have one shape: unknown options with a suggestion, bad numbers,
# clashes, operand counts. Usage: test_options.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
SRC=${NB_TEST_SRC:-$(dirname "${BASH_SOURCE[0]}")/..}/..

COMMANDS=$("$NB" --help | sed -n '/^commands:/,/^$/p' | sed -nE 's/^  ([a-z]+) .*/\1/p')

# The options a command's table declares, read from its source: the long name
# of each row (or -L for a row with only a short letter), and the shared rows.
table_options() { # FILE
    sed -nE "s/.*NB_OPT_(BOOL|STRING|UINT|SECONDS|CALLBACK|SET_INT)\\((0|'.'), \"([a-z0-9-]+)\".*/--\\3/p;
             s/.*NB_OPT_(BOOL|STRING|UINT|SECONDS|CALLBACK|SET_INT)\\('(.)', NULL,.*/-\\2/p;
             s/.*NB_OPT__(EXPLAIN|JSON|QUIET|COLOR).*/--\\1/p;
             s/.*NB_OPT__FAMILY.*/-4\\n-6/p" "$1" | tr 'A-Z' 'a-z'
}

# ==========================================================================
section "--help, -h and help CMD: the same text, every option of the table"
for c in $COMMANDS; do
    run timeout 10 "$NB" "$c" --help
    assert_status "$c --help: exit 0" 0
    assert_eq "$c --help: nothing on stderr" "" "$ERR"
    H=$OUT
    assert_match "$c --help: the usage line first" "$(head -n 1 <<<"$H")" "^usage: netbasics $c "
    assert_eq "$c --help: no line wider than 79 columns" "" "$(awk 'length > 79' <<<"$H")"
    OPTS=$(table_options "$SRC/src/cmd/$c.c")
    assert_true "$c: the table declares options" test "$(wc -l <<<"$OPTS")" -ge 2
    for o in $OPTS; do
        assert_match "$c --help lists $o at the start of a line" "$H" "^ +(-[A-Za-z0-9], )?$o( |,|\$)"
    done
    assert_match "$c --help: -h, --help, the option every command takes" "$H" "^  -h, --help +this help\$"
    run timeout 10 "$NB" "$c" -h
    assert_status "$c -h: exit 0" 0
    assert_eq "$c -h is $c --help" "$H" "$OUT"
    run timeout 10 "$NB" help "$c"
    assert_status "help $c: exit 0" 0
    assert_eq "help $c is $c --help" "$H" "$OUT"
done
# the option lines of every --help are aligned: all help words start in one column
for c in $COMMANDS; do
    # the option list: from its first row to the blank line after it
    LIST=$("$NB" "$c" --help | awk '/^  [-A-Z]/ { on = 1 } on && /^$/ { exit } on')
    COLS=$(sed -nE 's/^(  [^ ].*[^ ]  +)[^ ].*/\1/p; s/^( {8,})[^ ].*/\1/p' <<<"$LIST" |
        awk '{ print length($0) }' | sort -u | wc -l)
    assert_eq "$c --help: one help column" 1 "$COLS"
done

# ==========================================================================
section "an unknown option: named, with the closest one, exit 2"
run timeout 10 "$NB" fetch --outptu x.html http://127.0.0.1:9/
assert_status "fetch --outptu: exit 2" 2
assert_eq "fetch --outptu: suggests --output" \
    "netbasics fetch: unknown option '--outptu'; did you mean '--output'? (see 'netbasics fetch --help')" "$ERR"
assert_eq "fetch --outptu: nothing on stdout" "" "$OUT"
run timeout 10 "$NB" resolve --jsno localhost
assert_status "resolve --jsno: exit 2" 2
assert_contains "resolve --jsno: suggests --json" "$ERR" "did you mean '--json'?"
run timeout 10 "$NB" fetch -F x http://127.0.0.1:9/
assert_status "fetch -F: exit 2" 2
assert_contains "fetch -F: suggests -f" "$ERR" "unknown option '-F'; did you mean '-f'?"
run timeout 10 "$NB" checksock --frobnicate 1.2.3.4:80
assert_status "checksock --frobnicate: exit 2" 2
assert_eq "checksock --frobnicate: nothing close, no suggestion" \
    "netbasics checksock: unknown option '--frobnicate' (see 'netbasics checksock --help')" "$ERR"
run timeout 10 "$NB" fetch --max 3 http://127.0.0.1:9/
assert_status "fetch --max (two options begin so): exit 2" 2
assert_contains "fetch --max: names both" "$ERR" "'--max' is ambiguous: it could be --max-redirs, --max-time"
run timeout 10 "$NB" checksock "--a$(printf '\033')[31m" 1.2.3.4:80
assert_status "an option with an escape byte: exit 2" 2
assert_not_contains "an option with an escape byte: never raw on stderr" "$ERR" $'\033'
assert_contains "an option with an escape byte: shown escaped" "$ERR" '\x1b'
run timeout 10 "$NB" octets --json=yes 1.2.3.4
assert_status "octets --json=yes: exit 2" 2
assert_contains "octets --json=yes: takes no value" "$ERR" "option '--json' takes no value"
run timeout 10 "$NB" listen --idle-timeout
assert_status "listen --idle-timeout without a value: exit 2" 2
assert_eq "listen --idle-timeout: needs a value" \
    "netbasics listen: option '--idle-timeout' needs a value (see 'netbasics listen --help')" "$ERR"

# ==========================================================================
section "a bad number: one shape for every option, named as typed"
run timeout 10 "$NB" listen --backlog 0 127.0.0.1:0
assert_status "listen --backlog 0: exit 2" 2
assert_eq "listen --backlog 0: the message" \
    "netbasics listen: option '--backlog': backlog 0 is out of range: a backlog is 1 to 65535 (see 'netbasics listen --help')" "$ERR"
run timeout 10 "$NB" send -w abc 127.0.0.1 9
assert_status "send -w abc: exit 2" 2
assert_match "send -w abc: the message" "$ERR" "^netbasics send: option '-w': timeout 'abc' is not a number"
run timeout 10 "$NB" send --timeout abc 127.0.0.1 9
assert_match "send --timeout abc: named as typed" "$ERR" "^netbasics send: option '--timeout': "
run timeout 10 "$NB" ports --port 70000
assert_status "ports --port 70000: exit 2" 2
assert_match "ports --port 70000: the message" "$ERR" "^netbasics ports: option '--port': port 70000 is out of range"
run timeout 10 "$NB" octets --quiz --count 101
assert_status "octets --count 101: exit 2" 2
assert_match "octets --count 101: the message" "$ERR" "^netbasics octets: option '--count': count 101 is out of range"
assert_eq "a bad number: one line" 1 "$(count_lines "$ERR")"

# ==========================================================================
section "clashing options: refused after parsing, one shape"
run timeout 10 "$NB" resolve --short --json localhost
assert_status "resolve --short --json: exit 2" 2
assert_eq "resolve --short --json: the message" \
    "netbasics resolve: cannot use --short with --json (see 'netbasics resolve --help')" "$ERR"
run timeout 10 "$NB" fetch -j -I http://127.0.0.1:9/
assert_status "fetch -j -I: exit 2" 2
assert_contains "fetch -j -I: the message" "$ERR" "cannot use --json with --head"
run timeout 10 "$NB" checksock --ask --filter
assert_status "checksock --ask --filter: exit 2" 2
assert_contains "checksock --ask --filter: the message" "$ERR" "cannot use --filter with --ask"
run timeout 10 "$NB" octets --seed 4
assert_status "octets --seed without --quiz: exit 2" 2
assert_contains "octets --seed without --quiz: the message" "$ERR" "cannot use --seed without --quiz"

# ==========================================================================
section "operands: counted in one place"
run timeout 10 "$NB" fetch
assert_status "fetch without a URL: exit 2" 2
assert_eq "fetch without a URL: the message" \
    "netbasics fetch: needs one URL (see 'netbasics fetch --help')" "$ERR"
run timeout 10 "$NB" ports extra
assert_status "ports with an argument: exit 2" 2
assert_contains "ports with an argument: the message" "$ERR" "takes no arguments (filters are options), not 1 argument"
run timeout 10 "$NB" tour 1 2
assert_status "tour 1 2: exit 2" 2
assert_contains "tour 1 2: the message" "$ERR" "takes at most one STEP, not 2 arguments"
# send stops reading options at HOST: a MESSAGE may begin with '-'
run timeout 10 "$NB" send 127.0.0.1 1 -x
assert_not_contains "send HOST PORT -x: -x is the message, not --explain" "$ERR" "* socket("
run timeout 10 "$NB" checksock -- -1.2.3.4:80
assert_status "checksock -- -1.2.3.4:80: an operand after --, exit 1" 1

# ==========================================================================
section "other tools' options: one line saying what to use here, exit 2"
# Every NB_OPT_HABIT row of every command, read from its source: the letter
# (or the long name) is refused with the tool's name and our way, in one line,
# and it is never listed in --help nor suggested for a typo.
for c in $COMMANDS; do
    ROWS=$(sed -nE "s/.*NB_OPT_HABIT\\('(.)', .*/-\\1/p; s/.*NB_OPT_HABIT\\((0|'.'), \"([a-z-]+)\".*/--\\2/p" \
        "$SRC/src/cmd/$c.c")
    H=$("$NB" "$c" --help)
    for o in $ROWS; do
        run timeout 10 "$NB" "$c" "$o" 127.0.0.1 9
        assert_status "$c $o: exit 2" 2
        assert_match "$c $o: names it and the tool it comes from" "$ERR" \
            "^netbasics $c: option '$o' is (curl|wget|nc|dig)'s: .+ \\(see 'netbasics $c --help'\\)\$"
        assert_eq "$c $o: one line" 1 "$(count_lines "$ERR")"
        assert_eq "$c $o: nothing on stdout" "" "$OUT"
        assert_eq "$c $o: not in --help's list" "" "$(grep -E "^ +(-[A-Za-z0-9], )?$o( |,|\$)" <<<"$H")"
    done
done
run timeout 10 "$NB" fetch -O http://127.0.0.1:9/x
assert_eq "fetch -O (curl's, and wget's with a FILE)" \
    "netbasics fetch: option '-O' is curl's: fetch saves under the URL's name by default (wget's -O FILE is -o FILE here) (see 'netbasics fetch --help')" "$ERR"
run timeout 10 "$NB" fetch -fsSL http://127.0.0.1:9/x
assert_contains "curl -fsSL's letters: -f is ours, -s is answered" "$ERR" "option '-s' is curl's: here -q (--quiet)"
run timeout 10 "$NB" fetch --location http://127.0.0.1:9/x
assert_contains "fetch --location: curl's long name" "$ERR" "option '--location' is curl's: fetch follows redirects by default"
run timeout 10 "$NB" fetch --continue-at=100 http://127.0.0.1:9/x
assert_contains "fetch --continue-at=100: resuming is not supported, said so" "$ERR" "resuming a download is not supported"
run timeout 10 "$NB" fetch -v http://127.0.0.1:9/x
assert_contains "fetch -v: is -x here" "$ERR" "option '-v' is curl's: here -x (--explain)"
run timeout 10 "$NB" send -z 127.0.0.1 9
assert_contains "send -z: use checksock --connect" "$ERR" "option '-z' is nc's: 'netbasics checksock --connect HOST:PORT'"
run timeout 10 "$NB" send -u --no-wait 127.0.0.1 9 hi
assert_not_contains "send -u: nc's -u is UDP here too, not a habit answered" "$ERR" "option '-u' is nc's"
run timeout 10 "$NB" listen -lvp 9087
assert_contains "listen -lvp (nc -lvp): the first letter answered" "$ERR" "option '-l' is nc's: listen always listens"
run timeout 10 "$NB" fetch --remote-nam3 http://127.0.0.1:9/x
assert_eq "a typo is never pointed at another tool's option" \
    "netbasics fetch: unknown option '--remote-nam3' (see 'netbasics fetch --help')" "$ERR"

# ==========================================================================
section "dig's +words in resolve: mapped, or refused naming the word"
run timeout 10 "$NB" resolve +trace example.org
assert_status "resolve +trace: exit 2" 2
assert_eq "resolve +trace: named" \
    "netbasics resolve: unknown option '+trace' (see 'netbasics resolve --help')" "$ERR"
run timeout 10 "$NB" resolve example.org +shrot
assert_contains "resolve +shrot: the closest +word" "$ERR" "unknown option '+shrot'; did you mean '+short'?"
run timeout 10 "$NB" resolve +time example.org
assert_contains "resolve +time without =: needs a value" "$ERR" "option '+time' needs a value: +time=S"
run timeout 10 "$NB" resolve +time=abc example.org
assert_contains "resolve +time=abc: the number parser's message, named as typed" "$ERR" "option '+time': timeout 'abc' is not a number"
run timeout 10 "$NB" resolve +tries=99 example.org
assert_contains "resolve +tries=99: out of range" "$ERR" "option '+tries': retries 99 is out of range"
run timeout 10 "$NB" resolve +short=yes example.org
assert_contains "resolve +short=yes: takes no value" "$ERR" "option '+short' takes no value"
run timeout 10 "$NB" resolve +short +json example.org
assert_contains "resolve +short +json: the clash of what they stand for" "$ERR" "cannot use --short with --json"
run timeout 10 "$NB" resolve -t TXT example.org MX
assert_status "resolve -t TXT NAME MX: exit 2" 2
assert_contains "resolve -t TXT NAME MX: two types refused" "$ERR" "two record types, TXT and MX: ask one at a time"
run timeout 10 "$NB" resolve "+$(printf '\033')[2J" example.org
assert_not_contains "an unknown +word with ESC: never raw" "$ERR" $'\033'
assert_contains "an unknown +word with ESC: escaped" "$ERR" "unknown option '+\\x1b[2J'"
run timeout 10 "$NB" send 127.0.0.1 9 +short
assert_not_contains "send: a MESSAGE word with '+' is a message" "$ERR" "unknown option"

# ==========================================================================
section "a service name where a port goes: /etc/services, as nc reads it"
run timeout 10 "$NB" send 127.0.0.1 no-such-service
assert_status "send HOST no-such-service: exit 2" 2
assert_eq "send HOST no-such-service: named" \
    "netbasics send: port 'no-such-service' is neither a number nor a TCP service name in /etc/services (see 'netbasics send --help')" "$ERR"
run timeout 10 "$NB" send 127.0.0.1:no-such-service
assert_contains "send HOST:no-such-service: the same" "$ERR" "port 'no-such-service' is neither a number nor a TCP service name"
run timeout 10 "$NB" listen no-such-service
assert_status "listen no-such-service: exit 2" 2
assert_contains "listen no-such-service: named" "$ERR" "port 'no-such-service' is neither a number nor a TCP service name"

finish
