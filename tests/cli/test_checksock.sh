#!/usr/bin/env bash
# test_checksock.sh - `netbasics checksock` from the outside: strict and lenient
# verdicts, batch, filter, JSON, the --ask exercise, memory and terminal safety.
# Usage: test_checksock.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
ESC=$'\033'
PEERS=/work/shared/bench/peers

# The lesson's isipandport, ported to Python 3 as it stands in the lesson (the
# body is unchanged; 'return(True)' is at the function's level: "We will whine
# about it, but accept it"). For each argument it prints one line:
# "accepted warned", each 0 or 1, warned meaning it printed 'port out of range'.
LESSON_PY='
import contextlib, io, socket, sys

def isipandport(socketstring):
    """Tests for an ipv4 address and a realistic port number"""
    # If socketstring is empty, it is false, so we return False and quit.
    if not socketstring:
        return(False)
    # Let us make sure it contains a string or we transform it into one.
    socketstring = str(socketstring)
    # We will try to use it as an address.
    try:
        ip, port = socketstring.split(":")
        socket.inet_aton(ip)
        port = int(port)
    # If we fail, we will complain.
    except:
        print("malformed socket in " + socketstring)
        return(False)
    # If the port number is less than 7 or greater than the maximum integer,
    # We will whine about it, but accept it.
    if (port < 7) or (port > 65535):
        print("port out of range in " + socketstring)
    return(True)

for arg in sys.argv[1:]:
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        ok = isipandport(arg)
    print(int(ok is True), int("port out of range" in said.getvalue()))
'

section "strict: valid sockets and what the port is"
run "$NB" checksock 127.0.0.1:80
assert_status "127.0.0.1:80: exit 0" 0
assert_match "127.0.0.1:80: valid, loopback, well-known" "$OUT" '^127\.0\.0\.1:80 is valid: .*loopback.*well-known'
run "$NB" checksock 8.8.8.8:8080
assert_match "8.8.8.8:8080: valid, registered" "$OUT" '^8\.8\.8\.8:8080 is valid: .*registered'
run "$NB" checksock '[::1]:50000'
assert_match "[::1]:50000: valid, IPv6, ephemeral" "$OUT" '^\[::1\]:50000 is valid: IPv6 .*ephemeral'
run "$NB" checksock '[fe80::1%lo]:22'
assert_status "[fe80::1%lo]:22: exit 0" 0
assert_match "[fe80::1%lo]:22: valid, link-local" "$OUT" '^\[fe80::1%lo\]:22 is valid: .*link-local'
run "$NB" checksock 1.2.3.4:1 1.2.3.4:1023 1.2.3.4:1024 1.2.3.4:49151 1.2.3.4:49152 1.2.3.4:65535
assert_status "port edges 1 and 65535: exit 0" 0
assert_eq "port kinds at the edges" "well-known well-known registered registered ephemeral ephemeral" \
    "$(printf '%s\n' "$OUT" | grep -oE 'well-known|registered|ephemeral' | paste -sd' ')"
run "$NB" checksock 127.0.0.1:80 8.8.8.8:8080 '[::1]:50000' '[fe80::1%lo]:22'
assert_status "four valid: exit 0" 0
assert_eq "four valid: four lines" 4 "$(count_lines "$OUT")"
assert_eq "four valid: nothing on stderr" "" "$ERR"

section "strict: every refusal names its rule"
# input | text the refusal must contain
while IFS='|' read -r input needle; do
    run "$NB" checksock -- "$input"
    assert_status "$input: exit 1" 1
    assert_contains "$input: refused" "$OUT" "$input is not valid: "
    assert_contains "$input: names the rule ('$needle')" "$OUT" "$needle"
done <<'EOF'
1.2.3.4:70000|out of range
1.2.3.4:65536|out of range
1.2.3.4:99999999999999999999999|out of range
1.2.3.4:+80|sign
1.2.3.4: 80|space
1.2.3.4:80 |space
1.2.3.4:8_0|ASCII digits
1.2.3.4:٨٠|other scripts
1.2.3.4:0x50|ASCII digits
1.2.3.4:080|leading zero
1.2.3.4:0|cannot be connected to
1.2.3.4:-5|sign
1.2.3.4:|port
::1:80|brackets
256.1.1.1:80|octet 1 is 256, but an octet holds 0 to 255
127.1:80|an IPv4 address has 4
010.0.0.1:80|octal
1.2.3.4|no ':PORT'
[::1]|port
[1.2.3.4]:80|IPv6 only
localhost:80|an IPv4 address is
EOF
run "$NB" checksock 1.2.3.4:70000
assert_not_contains "1.2.3.4:70000 never wraps to 4464" "$OUT$ERR" "4464"
run "$NB" checksock ''
assert_status "empty socket: exit 1" 1
assert_contains "empty socket: says it is empty" "$OUT" "empty"

section "exit status and usage"
run "$NB" checksock 1.2.3.4:80 1.2.3.4:0 5.6.7.8:90
assert_status "one invalid among valid: exit 1" 1
assert_eq "one invalid among valid: all three answered" 3 "$(count_lines "$OUT")"
run "$NB" checksock --filter --json 1.2.3.4:80
assert_status "--filter --json: exit 2" 2
assert_contains "--filter --json: says they clash" "$ERR" "cannot use"
run "$NB" checksock -q --filter 1.2.3.4:80
assert_status "-q --filter: exit 2" 2
run "$NB" checksock --ask 1.2.3.4:80
assert_status "--ask with a SOCKET: exit 2" 2
run "$NB" checksock --bogus
assert_status "unknown option: exit 2" 2
assert_contains "unknown option: names it" "$ERR" "'--bogus'"
assert_contains "unknown option: a hint" "$ERR" "--help"
assert_eq "unknown option: one line" 1 "$(count_lines "$ERR")"
run "$NB" checksock --color sometimes 1.2.3.4:80
assert_status "--color sometimes: exit 2" 2
run "$NB" checksock --help
assert_status "--help: exit 0" 0
assert_match "--help: usage on stdout" "$OUT" '^usage: netbasics checksock'

section "batch from stdin"
run_in $'1.2.3.4:80\n[::1]:443\n' "$NB" checksock
assert_status "stdin all valid: exit 0" 0
assert_eq "stdin all valid: one line each" 2 "$(count_lines "$OUT")"
run_in $'1.2.3.4:80\nbad\n5.6.7.8:90\n' "$NB" checksock -
assert_status "stdin '-' with a bad line: exit 1" 1
assert_match "stdin: the bad line is named" "$OUT" "^bad is not valid: "
assert_match "stdin: the line after it is still checked" "$OUT" '^5\.6\.7\.8:90 is valid'
run_in $'1.2.3.4:80\r\n' "$NB" checksock
assert_status "stdin CRLF line: exit 0" 0
assert_match "stdin CRLF line: valid, shown without the CR" "$OUT" '^1\.2\.3\.4:80 is valid'
run_in $'1.2.3.4:80\n\n\r\n5.6.7.8:90\n\n' "$NB" checksock
assert_status "stdin empty lines: skipped, exit 0" 0
assert_eq "stdin empty lines: never counted, two answers" 2 "$(count_lines "$OUT")"
for mode in --filter -q --json --lenient; do
    run_in $'1.2.3.4:80\n\n\r\n5.6.7.8:90\n' "$NB" checksock $mode
    assert_status "stdin empty lines with $mode: skipped, exit 0" 0
done
run_in $'1.2.3.4:80\n\n5.6.7.8:90\n' "$NB" checksock --filter
assert_eq "--filter: empty lines are not copied" $'1.2.3.4:80\n5.6.7.8:90' "$OUT"
run_in $' 1.2.3.4:80\n1.2.3.4:80\t\n' "$NB" checksock
assert_status "stdin blanks around a socket: judged as given, exit 1" 1
assert_match "stdin a leading blank: refused, naming its position" "$OUT" '^ 1\.2\.3\.4:80 is not valid: a space at position 1'
assert_match "stdin a trailing tab: refused, naming its position" "$OUT" '^1\.2\.3\.4:80\\t is not valid: .*tab at position 3'
run_in $' 1.2.3.4:80\n' "$NB" checksock -q
assert_status "stdin a leading blank with -q: exit 1" 1
run_in $'1.2.3.4:80\r\r\n' "$NB" checksock
assert_status "stdin a CR before the CRLF: refused, exit 1" 1
assert_match "stdin a CR before the CRLF: names it" "$OUT" "control byte 0x0d at position 3"
run "$NB" checksock $'1.2.3.4:80\r'
assert_status "argument ending in CR: no line ending there, exit 1" 1
assert_match "argument ending in CR: names the CR" "$OUT" "^1\.2\.3\.4:80\\\\r is not valid: port '80\\\\r' has control byte 0x0d at position 3"
run "$NB" checksock --lenient --json $'1.2.3.4:80\r'
assert_eq "argument ending in CR, --json: the input keeps its CR" $'1.2.3.4:80\r' "$(jget "$OUT" 'j[0]["input"]')"
run_in '1.2.3.4:80' "$NB" checksock
assert_status "stdin without a final newline: exit 0" 0
assert_match "stdin without a final newline: checked" "$OUT" '^1\.2\.3\.4:80 is valid'

section "--filter: exactly the valid lines, unchanged"
run_in $'1.2.3.4:80\nbad\n[::1]:443\n1.2.3.4:0\n' "$NB" checksock --filter
assert_status "--filter with invalid lines: exit 1" 1
assert_eq "--filter: the valid lines" $'1.2.3.4:80\n[::1]:443' "$OUT"
assert_eq "--filter: nothing on stderr" "" "$ERR"
run_in $'1.2.3.4:80\n' "$NB" checksock --filter
assert_status "--filter all valid: exit 0" 0
run_in $'1.2.3.4:80\r\n' "$NB" checksock --filter
assert_eq "--filter: a CRLF line keeps its CR" $'1.2.3.4:80\r\nx' "$(cat "$OUT_FILE"; printf x)" # x keeps the newline
section "a last line too long to keep counts as invalid"
head -c 300000 /dev/zero | tr '\0' a >"$NB_TMP/longtail.txt"
for mode in -q --filter "" --json; do
    run "$NB" checksock $mode <"$NB_TMP/longtail.txt"
    assert_status "300 KB without a newline, mode '${mode:-report}': exit 1" 1
done
{ printf '1.2.3.4:80\n'; cat "$NB_TMP/longtail.txt"; } >"$NB_TMP/longtail2.txt"
run "$NB" checksock --filter <"$NB_TMP/longtail2.txt"
assert_status "a valid line, then 300 KB without a newline, --filter: exit 1" 1
assert_eq "a valid line, then 300 KB without a newline, --filter: the valid line" "1.2.3.4:80" "$OUT"
{ cat "$NB_TMP/longtail.txt"; printf '\n1.2.3.4:80\n'; } >"$NB_TMP/longtail3.txt"
run "$NB" checksock -q <"$NB_TMP/longtail3.txt"
assert_status "300 KB, a newline, a valid line, -q: exit 1" 1

GEN=$NB_TMP/socks.txt
/usr/bin/python3 "$PEERS/gen_socks.py" 20000 "$GEN" >"$NB_TMP/good_count"
cat >>"$GEN" <<'EOF'
127.1:80
010.0.0.1:80
0x7f.0.0.1:80
1.2.3.4 junk:80
1.2.3.4:٨٠
1.2.3.4:８０
1.2.3.4:8_0
1.2.3.4:+80
1.2.3.4:65535
1.2.3.4:65536
0.0.0.0:1
255.255.255.255:65535
1.2.3.4:080
01.2.3.4:80
1.2.3.4:80 
 1.2.3.4:80
	1.2.3.4:80
1.2.3.4::80
EOF
/usr/bin/python3 "$PEERS/checksock.py" <"$GEN" >"$NB_TMP/ref.txt"
"$NB" checksock --filter <"$GEN" >"$NB_TMP/ours.txt"
STATUS=$?
assert_status "--filter on 20k generated lines: exit 1 (some are invalid)" 1
assert_true "--filter on 20k generated lines: byte-identical to the Python reference" \
    cmp "$NB_TMP/ref.txt" "$NB_TMP/ours.txt"
assert_eq "--filter: as many lines as the generator made valid (+3 hand-written)" \
    "$(($(cat "$NB_TMP/good_count") + 3))" "$(wc -l <"$NB_TMP/ours.txt")"
run "$NB" checksock --filter - <"$NB_TMP/ref.txt"
assert_status "--filter over its own output: exit 0" 0
run_in "$(cat "$NB_TMP/ref.txt")"$'\n' "$NB" checksock -q
assert_status "-q over only valid lines: exit 0" 0
run "$NB" checksock --json <"$GEN"
assert_eq "--json on the generated file: the same valid count" \
    "$(wc -l <"$NB_TMP/ref.txt")" "$(printf '%s\n' "$OUT" | grep -c '"valid":true')"

section "-q: nothing printed, the status tells"
run "$NB" checksock -q 1.2.3.4:80
assert_status "-q valid: exit 0" 0
assert_eq "-q valid: no stdout" "" "$OUT"
assert_eq "-q valid: no stderr" "" "$ERR"
run "$NB" checksock -q 1.2.3.4:70000
assert_status "-q invalid: exit 1" 1
assert_eq "-q invalid: no stdout" "" "$OUT"
assert_eq "-q invalid: no stderr" "" "$ERR"
run_in $'1.2.3.4:80\nnope\n' "$NB" checksock --quiet
assert_status "--quiet stdin with a bad line: exit 1" 1
assert_eq "--quiet stdin: no stdout" "" "$OUT"

section "--json"
run "$NB" checksock --json 127.0.0.1:80 '[::1]:50000' 1.2.3.4:70000 $'a"\\\033:1'
assert_status "--json with invalid ones: exit 1" 1
assert_eq "--json: one line per socket" 4 "$(count_lines "$OUT")"
assert_eq "--json: every line is a JSON object" "" "$(json_lines_ok "$OUT" 2>&1)"
assert_eq "--json: valid" true "$(jget "$OUT" 'j[0]["valid"]')"
assert_eq "--json: address" 127.0.0.1 "$(jget "$OUT" 'j[0]["address"]')"
assert_eq "--json: port" 80 "$(jget "$OUT" 'j[0]["port"]')"
assert_eq "--json: kind" loopback "$(jget "$OUT" 'j[0]["kind"]')"
assert_eq "--json: port_kind" well-known "$(jget "$OUT" 'j[0]["port_kind"]')"
assert_eq "--json: family 6" 6 "$(jget "$OUT" 'j[1]["family"]')"
assert_eq "--json: port_kind ephemeral" ephemeral "$(jget "$OUT" 'j[1]["port_kind"]')"
assert_eq "--json invalid: valid false" false "$(jget "$OUT" 'j[2]["valid"]')"
assert_eq "--json invalid: the error" "port 70000 is out of range: a port is 1 to 65535" "$(jget "$OUT" 'j[2]["error"]')"
assert_eq "--json: a hostile input comes back exactly" $'a"\\\033:1' "$(jget "$OUT" 'j[3]["input"]')"
assert_not_contains "--json: no raw ESC byte" "$OUT" "$ESC"

section "a line longer than 4096 bytes"
long=$(printf '1%.0s' {1..5000})
run_in $'1.2.3.4:80\n'"$long"$':80\n5.6.7.8:90\n' "$NB" checksock
assert_status "long line: exit 1" 1
assert_eq "long line: three answers" 3 "$(count_lines "$OUT")"
assert_match "long line: refused as too long" "$OUT" 'is not valid: longer than 4096 bytes'
assert_match "long line: the next line is still checked" "$OUT" '^5\.6\.7\.8:90 is valid'
run_in $'1.2.3.4:80\n'"$long"$':80\n5.6.7.8:90\n' "$NB" checksock --filter
assert_status "long line --filter: exit 1" 1
assert_eq "long line --filter: the two valid lines" $'1.2.3.4:80\n5.6.7.8:90' "$OUT"
run_in $'1.2.3.4:80\n'"$long"$':80\n5.6.7.8:90\n' "$NB" checksock --json
assert_eq "long line --json: valid JSON" "" "$(json_lines_ok "$OUT" 2>&1)"
assert_eq "long line --json: verdicts" "[True, False, True]" "$(jget "$OUT" 'str([x["valid"] for x in j])')"
run_in "1.2.3.4:80$(printf ' %.0s' {1..5000})"$'\n5.6.7.8:90\n' "$NB" checksock --filter
assert_eq "a valid start padded past 4096 bytes is not passed" "5.6.7.8:90" "$OUT"
run_in $'1.2.3.4:80\n'"$long"$':80\n5.6.7.8:90\n' "$NB" checksock --lenient
assert_match "long line --lenient: the next line is still checked" "$OUT" '^5\.6\.7\.8:90 is accepted'

section "memory stays flat over ~200 MB"
# peak_rss FILE CMD...: runs CMD (stdin and stdout inherited), writes its peak RSS in KB to FILE
peak_rss() {
    /usr/bin/python3 -c '
import resource, subprocess, sys
subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
lines=18181818 # 11 bytes each: 199,999,998 bytes
for mode in --filter -q; do
    yes 1.2.3.4:80 | head -n "$lines" | peak_rss "$NB_TMP/rss" "$NB" checksock "$mode" | wc -l >"$NB_TMP/count"
    peak=$(cat "$NB_TMP/rss")
    if [ "$mode" = --filter ]; then
        assert_eq "200 MB $mode: every line passed through" "$lines" "$(cat "$NB_TMP/count")"
    else
        assert_eq "200 MB $mode: nothing printed" 0 "$(cat "$NB_TMP/count")"
    fi
    if is_asan_build "$NB"; then
        echo "# note: AddressSanitizer build: the 16 MB bound is checked only without ASan; 64 MB here"
        assert_true "200 MB $mode under ASan: peak RSS ${peak} KB < 64 MB" test "$peak" -lt 65536
    else
        assert_true "200 MB $mode: peak RSS ${peak} KB < 16 MB" test "$peak" -lt 16384
    fi
done
{ printf '%s\n' "$(printf 'x%.0s' {1..100000})"; yes 1.2.3.4:80 | head -n 100000; } |
    peak_rss "$NB_TMP/rss" "$NB" checksock --json >/dev/null
peak=$(cat "$NB_TMP/rss")
assert_true "--json over 100k lines and a 100 KB line: peak RSS ${peak} KB < 64 MB" test "$peak" -lt 65536

section "--lenient: the lesson's own isipandport, run in Python 3"
cases=(
    '127.1:80' '010.0.0.1:80' '0x7f.1:80' '0X7F.1:80' '1.2.3.4 junk:80' '1.2.3.4	junk:80'
    '1.2.3.4:+80' '1.2.3.4: 80 ' '1.2.3.4:8_0' '1.2.3.4:٨٠' '1.2.3.4:-5' '1.2.3.4:70000'
    '4294967295:1' '4294967296:80' '' ':' 'a:b' '1.2.3.4:80:90' '1.2.3.4:0x50' '1.2.3.4:1__0'
    '1.2.3.4: 80' '1.2.3.4:80 ' '1.2.3.4:'$'\u00a0''80' '1.2.3.4:80'$'\u3000' '1.2.3.4:'$'\u2009''80'
    '1.2.3.4:80'$'\x1c' '1.2.3.4:80'$'\u200b' '1.2.3.4'$'\u00a0''junk:80' '1.2.3.4:８０' '1.2.3.4:𝟖𝟎'
    '1.2.3.4:٨_٠' '1.2.3.4:_80' '1.2.3.4:80_' '1.2.3.4:+' '1.2.3.4:-0' '1.2.3.4:0' '1.2.3.4:6'
    '1.2.3.4:7' '1.2.3.4:65535' '1.2.3.4:65536' '1.2.3.4:00080' '1.2.3.4:99999999999999999999999'
    '1.2.3.4:-99999999999999999999999' '1.2.3.4:1e3' '1.2.3.4:1.0' '1.2.3.4:8 0' '[::1]:80' '::1:80'
    'localhost:80' '0x1.0x2.0x3.0x4:80' '1.2.3.256:80' '1.2.65535:80' '1.2.65536:80' '1.16777215:80'
    '1.16777216:80' '0377.0.0.1:80' '08.1.1.1:80' '0x:80' '1..2:80' '.1.2.3:80' '1.2.3.4.:80'
    ' 1.2.3.4:80' '1.2.3.4 :80' '-1.2.3.4:80' '0:80' '1.2.3.4:80' '255.255.255.255:65535'
    '1.2.3.4'$'\v'':80' '0x100000000:80' '1.2.3.4:٠٨٠' '1.2.3.4:'$'\x1f''80' '1.2.3.4:80'$'\u0085'
    '1.2.3.4:80'$'\x7f' '1.2.3.4:'$'\t''80'$'\r'
)
expected=$(/usr/bin/python3 -c "$LESSON_PY" "${cases[@]}")
run "$NB" checksock --lenient --json -- "${cases[@]}"
assert_eq "--lenient --json: one valid JSON line per case" "" "$(json_lines_ok "$OUT" 2>&1)"
got=$(jget "$OUT" '"\n".join("%d %d" % (x["valid"], x.get("port_warning", False)) for x in j)')
assert_eq "--lenient --json: ${#cases[@]} answers" "${#cases[@]}" "$(count_lines "$got")"
mapfile -t exp_lines <<<"$expected"
mapfile -t got_lines <<<"$got"
for i in "${!cases[@]}"; do
    read -r e_ok e_warn <<<"${exp_lines[$i]}"
    read -r g_ok g_warn <<<"${got_lines[$i]:-? ?}"
    shown=$(printf '%q' "${cases[$i]}")
    assert_eq "--lenient $shown: accepted=$e_ok as in the lesson" "$e_ok" "$g_ok"
    assert_eq "--lenient $shown: port warning=$e_warn as in the lesson" "$e_warn" "$g_warn"
done
run "$NB" checksock --lenient 127.1:80
assert_status "--lenient 127.1:80: exit 0" 0
assert_contains "--lenient 127.1:80: says what it becomes" "$OUT" "127.0.0.1"
assert_contains "--lenient 127.1:80: and that the strict rules refuse it" "$OUT" "strict rules refuse"
run "$NB" checksock --lenient 010.0.0.1:80
assert_contains "--lenient 010.0.0.1:80: becomes 8.0.0.1" "$OUT" "8.0.0.1"
run "$NB" checksock --lenient 1.2.3.4:3
assert_status "--lenient port 3: accepted, exit 0" 0
assert_contains "--lenient port 3: the lesson's warning" "$OUT" "port out of range"
run "$NB" checksock --lenient a:b
assert_status "--lenient a:b: exit 1" 1
assert_contains "--lenient a:b: says inet_aton refuses it" "$OUT" "inet_aton"

section "--ask through a pipe"
run_in $'127.0.0.1:9087\n1.2.3.4:70000\n' "$NB" checksock --ask
assert_status "--ask good then bad: exit 1" 1
assert_eq "--ask good then bad: Thanks! then Wrong!" "Thanks! Wrong!" "$(printf '%s\n' "$OUT" | grep -oE 'Thanks!|Wrong!' | paste -sd' ')"
assert_match "--ask: Wrong! gives the reason" "$OUT" '^Wrong!.*out of range'
assert_contains "--ask: it asks for an IP and port" "$OUT" "IP address and port"
run_in $'127.0.0.1:9087\n[::1]:80\n' "$NB" checksock --ask
assert_status "--ask all good: exit 0" 0
assert_eq "--ask all good: two Thanks!" 2 "$(printf '%s\n' "$OUT" | grep -c '^Thanks!')"
run_in '' "$NB" checksock --ask
assert_status "--ask empty input: exit 0" 0
assert_eq "--ask empty input: nothing on stderr" "" "$ERR"
assert_contains "--ask empty input: it still asked" "$OUT" "IP address and port"
run_in '127.0.0.1:9087' "$NB" checksock --ask
assert_match "--ask last answer without newline: Thanks!" "$OUT" '^Thanks!$'
run_in $'127.0.0.1:9087\r\n' "$NB" checksock --ask
assert_match "--ask CRLF answer: Thanks!" "$OUT" '^Thanks!$'
run_in $'\n\r\n  \n' "$NB" checksock --ask
assert_status "--ask empty and blank answers: skipped, exit 0" 0
assert_not_contains "--ask empty and blank answers: no verdict" "$OUT" "Wrong!"
run_in $' 127.0.0.1:9087\n\t[::1]:80  \r\n' "$NB" checksock --ask
assert_status "--ask answers with blanks around them: exit 0" 0
assert_eq "--ask answers with blanks around them: trimmed, two Thanks!" 2 "$(printf '%s\n' "$OUT" | grep -c '^Thanks!')"
run_in $'127.0 .0.1:9087\n' "$NB" checksock --ask
assert_match "--ask a blank inside the answer: Wrong!, naming its position" "$OUT" '^Wrong!.*position 6'
run_in "$long"$'\n127.0.0.1:80\n' "$NB" checksock --ask
assert_eq "--ask a 5000-byte answer: Wrong! then Thanks!" "Wrong! Thanks!" "$(printf '%s\n' "$OUT" | grep -oE '^(Thanks!|Wrong!)' | paste -sd' ')"
run_in $'127.1:80\n' "$NB" checksock --ask
assert_match "--ask strict 127.1:80: Wrong!" "$OUT" '^Wrong!'
run_in $'127.1:80\n1.2.3.4:8_0\n' "$NB" checksock --ask --lenient
assert_status "--ask --lenient 127.1:80 and 8_0: exit 0" 0
assert_eq "--ask --lenient: two Thanks!" 2 "$(printf '%s\n' "$OUT" | grep -c '^Thanks!')"
run_in $'a:b\n' "$NB" checksock --ask --lenient
assert_status "--ask --lenient a:b: exit 1" 1
assert_match "--ask --lenient a:b: Wrong! because of inet_aton" "$OUT" '^Wrong!.*inet_aton'
run_in $'1.2.3.4:70000\n' "$NB" checksock --ask --lenient
assert_match "--ask --lenient 1.2.3.4:70000: Thanks! (the lesson accepts it)" "$OUT" '^Thanks!'
assert_contains "--ask --lenient 1.2.3.4:70000: with the lesson's 'port out of range' warning" "$OUT" "port out of range"

section "colour"
run "$NB" checksock 1.2.3.4:80 1.2.3.4:0
assert_not_contains "stdout not a TTY: no escape sequences" "$OUT" "$ESC"
run "$NB" checksock --color always 1.2.3.4:80 1.2.3.4:0
assert_contains "--color always: ESC[ sequences" "$OUT" "$ESC["
cmd="$(printf '%q ' "$NB") checksock --color auto 1.2.3.4:80"
if run_tty "env -u NO_COLOR TERM=xterm $cmd"; then
    assert_contains "a TTY with --color auto: colour" "$OUT" "$ESC["
    run_tty "env NO_COLOR=1 TERM=xterm $cmd"
    assert_not_contains "a TTY with NO_COLOR: no colour" "$OUT" "$ESC"
    assert_contains "a TTY with NO_COLOR: the answer is there" "$OUT" "is valid"
else
    echo "# skipped the TTY colour checks: script(1) is not installed"
fi

section "terminal safety: no raw ESC or OSC ever comes back"
hostile=($'\033[31m1.2.3.4:80' $'1.2.3.4:\033[31m80' $'\033]0;pwned\a1.2.3.4:80' $'\033]8;;http://x/\033\\1.2.3.4:80'
    $'[fe80::1%\033[31m]:80' $'1.2.3.4 \033[31m:80' $'\x9b31m1.2.3.4:80')
run "$NB" checksock -- "${hostile[@]}"
assert_status "hostile arguments: exit 1" 1
assert_eq "hostile arguments: one line each" "${#hostile[@]}" "$(count_lines "$OUT")"
assert_not_contains "hostile arguments: no ESC byte" "$OUT$ERR" "$ESC"
assert_not_contains "hostile arguments: no BEL byte" "$OUT$ERR" $'\a'
assert_true "hostile arguments: no C1 CSI byte" bash -c '! LC_ALL=C grep -q $'"'"'\x9b'"'"' "$1"' _ "$OUT_FILE"
run_in "$(printf '%s\n' "${hostile[@]}")"$'\n' "$NB" checksock
assert_not_contains "hostile stdin: no ESC byte" "$OUT$ERR" "$ESC"
run "$NB" checksock --lenient -- "${hostile[@]}"
assert_not_contains "hostile --lenient: no ESC byte" "$OUT$ERR" "$ESC"
assert_match "hostile --lenient: the lesson accepts '1.2.3.4 ESC[31m:80', shown escaped" "$OUT" '^1\.2\.3\.4 \\x1b\[31m:80 is accepted'
run_in "$(printf '%s\n' "${hostile[@]}")"$'\n' "$NB" checksock --ask
assert_not_contains "hostile --ask: no ESC byte" "$OUT$ERR" "$ESC"
printf '%s\n' "${hostile[@]}" >"$NB_TMP/hostile.txt"
if run_tty "$(printf '%q ' "$NB") checksock --lenient --filter < $(printf '%q' "$NB_TMP/hostile.txt")"; then
    assert_contains "--lenient --filter to a TTY: the accepted line is there" "$OUT" "1.2.3.4 "
    assert_not_contains "--lenient --filter to a TTY: no ESC byte" "$OUT" "$ESC"
fi

finish
