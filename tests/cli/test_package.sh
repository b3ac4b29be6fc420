#!/usr/bin/env bash
# test_package.sh - the finished package: a separate Release build (no
# sanitizers, no tests) with prefix /usr, `cmake --install` into a temporary
# root (DESTDIR) with the binary, the man page and the bash and zsh
# completions where they belong; `cpack -G DEB` and the .deb it makes
# (contents, control fields, extracted and run, and installed and removed
# with `dpkg --root` into a throwaway root where dpkg allows it); and the
# documentation agreeing with the program: `help COMMAND` is `COMMAND
# --help`, and every command and long option of --help is in the man page (in
# the command's own section), in the bash completion (offered when completing
# that command) and in the zsh completion.
#
# The binary under test ($1) is used only for its --help texts; the package
# is built from the source tree ($NB_TEST_SRC/..). About 10 s on 2 cores.
# Usage: test_package.sh PATH/TO/netbasics
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nb_need_binary "${1:-}"
SRC=$(cd "${NB_TEST_SRC:-$(dirname "${BASH_SOURCE[0]}")/..}/.." && pwd)
T_START=$(date +%s)
W=$NB_TMP/w
mkdir -p "$W"
printf 'nameserver 127.0.0.1#1\n' >"$W/safe.conf"
export NB_RESOLV_CONF=$W/safe.conf
JOBS=${JOBS:-2}
VERSION=$(sed -nE 's/^project\(netbasics VERSION ([0-9.]+).*/\1/p' "$SRC/CMakeLists.txt")
echo "# source $SRC, version $VERSION"

# ==========================================================================
section "a Release build with prefix /usr, installed into a temporary root"
BD=$NB_TMP/build
ROOT=$NB_TMP/root
run timeout 120 cmake -S "$SRC" -B "$BD" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=Release \
    -DNB_SANITIZE=OFF -DNB_FUZZ=OFF -DNB_TESTS=OFF
assert_status "cmake configures" 0
run timeout 300 cmake --build "$BD" -j "$JOBS"
assert_status "cmake --build" 0
[ "$STATUS" = 0 ] || printf '%s\n' "$OUT" "$ERR" | tail -n 20
run env DESTDIR="$ROOT" timeout 60 cmake --install "$BD"
assert_status "DESTDIR=ROOT cmake --install" 0

BIN=$ROOT/usr/bin/netbasics
MAN=$ROOT/usr/share/man/man1/netbasics.1.gz
DOC=$ROOT/usr/share/doc/netbasics
BASHC=$ROOT/usr/share/bash-completion/completions/netbasics
ZSHC=$ROOT/usr/share/zsh/vendor-completions/_netbasics
assert_true "the binary: ROOT/usr/bin/netbasics, executable" test -x "$BIN"
assert_true "the man page, gzipped (Debian policy): ROOT/usr/share/man/man1/netbasics.1.gz" test -f "$MAN"
assert_true "the changelog: ROOT/usr/share/doc/netbasics/changelog.gz" test -f "$DOC/changelog.gz"
assert_true "the copyright file: ROOT/usr/share/doc/netbasics/copyright" test -f "$DOC/copyright"
assert_true "bash completion: ROOT/usr/share/bash-completion/completions/netbasics" test -f "$BASHC"
assert_true "zsh completion: ROOT/usr/share/zsh/vendor-completions/_netbasics" test -f "$ZSHC"
assert_eq "nothing else is installed" \
"usr/bin/netbasics
usr/share/bash-completion/completions/netbasics
usr/share/doc/netbasics/changelog.gz
usr/share/doc/netbasics/copyright
usr/share/man/man1/netbasics.1.gz
usr/share/zsh/vendor-completions/_netbasics" "$(cd "$ROOT" && find . -type f -o -type l | sed 's|^\./||' | LC_ALL=C sort)"
assert_eq "the installed man page is docs/netbasics.1, gzipped" "$(md5sum <"$SRC/docs/netbasics.1")" "$(gzip -dc "$MAN" 2>/dev/null | md5sum)"
assert_eq "the installed changelog is debian/changelog, gzipped" "$(md5sum <"$SRC/debian/changelog")" "$(gzip -dc "$DOC/changelog.gz" 2>/dev/null | md5sum)"
assert_eq "the gzip files carry no name and no time stamp (gzip -n)" "0 0" \
    "$(for f in "$MAN" "$DOC/changelog.gz"; do od -An -tu4 -j4 -N4 "$f" | tr -d ' '; done | paste -sd' ')"
assert_eq "the installed copyright file is debian/copyright" "$(md5sum <"$SRC/debian/copyright")" "$(md5sum <"$DOC/copyright" 2>/dev/null)"
assert_eq "debian/changelog's version is the project's" "$VERSION" \
    "$(sed -nE '1s/^netbasics \(([^)]+)\) .*/\1/p' "$SRC/debian/changelog")"
assert_eq "debian/copyright carries the LICENSE text" "$(sed -n '5,$p' "$SRC/LICENSE")" \
    "$(sed -n '/^ Permission/,$p' "$SRC/debian/copyright" | sed 's/^ //; s/^\.$//')"
assert_eq "the installed bash completion is completions/netbasics.bash" \
    "$(md5sum <"$SRC/completions/netbasics.bash")" "$(md5sum <"$BASHC" 2>/dev/null)"
assert_eq "the installed zsh completion is completions/_netbasics" \
    "$(md5sum <"$SRC/completions/_netbasics")" "$(md5sum <"$ZSHC" 2>/dev/null)"
assert_eq "the man page and completions are not executable" "" \
    "$(find "$ROOT/usr/share" -type f -perm /111)"
assert_eq "the binary is rwxr-xr-x" 755 "$(stat -c %a "$BIN" 2>/dev/null)"

run timeout 10 "$BIN" --version
assert_status "installed binary: --version exits 0" 0
assert_eq "--version: the first line names the version of CMakeLists.txt" "netbasics $VERSION" "$(printf '%s\n' "$OUT" | head -n 1)"
assert_match "--version: a features line" "$OUT" '^features: .*ipv4.*ipv6'
assert_match "--version: says explain is built in" "$OUT" '^features: .*explain'
assert_match "--version: names the TLS library it finds, or its absence" "$OUT" \
    '^features: .*(tls\(system OpenSSL 3\.[0-9.]+\)|-tls \(libssl\.so\.3 not found\))'
assert_match "--version: a Release build, without sanitizers" "$OUT" '^build: .*Release$'
assert_not_contains "--version: no asan in a package build" "$OUT" "asan"
assert_eq "--version: ends with a newline" '\n' "$(tail -c 1 "$OUT_FILE" | od -An -c | tr -d ' ')"
assert_eq "--version: nothing on stderr" "" "$ERR"
run timeout 10 "$BIN" octets 185.172.165.184
assert_status "installed binary: octets runs" 0
assert_contains "installed binary: octets shows 10111001" "$OUT" "10111001.10101100.10100101.10111000"
run timeout 10 "$BIN" tour 3
assert_status "installed binary: tour 3 runs" 0

if command -v readelf >/dev/null 2>&1; then
    NEEDED=$(readelf -d "$BIN" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p' | grep -vE '^(libc\.so\.6|ld-linux.*|libm\.so\.6)$')
    assert_eq "the binary needs libc only" "" "$NEEDED"
    DEP=$(sed -nE 's/.*CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 \(>= ([0-9.]+)\)".*/\1/p' "$SRC/CMakeLists.txt")
    MAXG=$(readelf -V --wide "$BIN" | grep -oE 'GLIBC_[0-9]+\.[0-9]+' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n | tail -n 1)
    if [ -n "$DEP" ] && [ -n "$MAXG" ]; then
        assert_eq "the glibc symbols it uses ($MAXG) are in libc6 >= $DEP (its Depends)" "$DEP" \
            "$(printf '%s\n%s\n' "$DEP" "$MAXG" | sort -t. -k1,1n -k2,2n | tail -n 1)"
    fi
fi

section "the installed man page renders"
if command -v man >/dev/null 2>&1; then
    run env MANWIDTH=80 MAN_KEEP_FORMATTING= timeout 30 man --warnings -l "$MAN"
    assert_status "man -l: exit 0" 0
    assert_eq "man -l --warnings: groff says nothing" "" "$ERR"
    TXT=$(printf '%s\n' "$OUT" | col -bx 2>/dev/null || printf '%s\n' "$OUT")
    assert_match "man -l: the title" "$TXT" '^NETBASICS\(1\)'
    for s in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT EXAMPLES; do
        assert_match "man -l: a $s section" "$TXT" "^$s\$"
    done
    assert_not_contains "man -l: no unrendered escape left" "$TXT" '\f'
    assert_match "man -l: tells how -x narrates" "$TXT" 'narrate'
    for code in 0 1 2 3 4 5 6 7 8; do
        assert_match "man -l: EXIT STATUS names $code" "$(printf '%s\n' "$TXT" | sed -n '/^EXIT STATUS$/,/^[A-Z]/p')" "^ +$code( |$)"
    done
else
    echo "# skipped: man is not installed"
fi

# ==========================================================================
section "cpack -G DEB"
rm -f "$BD"/*.deb
run bash -c "cd '$BD' && exec timeout 120 cpack -G DEB"
assert_status "cpack -G DEB: exit 0" 0
DEBS=$(ls "$BD"/*.deb 2>/dev/null)
assert_eq "one .deb" 1 "$(count_lines "$DEBS")"
DEB=$(printf '%s\n' "$DEBS" | head -n 1)
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
assert_eq "its name: netbasics_VERSION_ARCH.deb" "netbasics_${VERSION}_$ARCH.deb" "$(basename "$DEB")"
if [ -n "$DEB" ] && command -v dpkg-deb >/dev/null 2>&1; then
    run timeout 30 dpkg-deb -c "$DEB"
    assert_status "dpkg-deb -c: exit 0" 0
    C=$OUT
    assert_match "dpkg-deb -c: usr/bin/netbasics, rwxr-xr-x root/root" "$C" '^-rwxr-xr-x root/root .* \./usr/bin/netbasics$'
    assert_match "dpkg-deb -c: the man page, gzipped" "$C" '^-rw-r--r-- root/root .* \./usr/share/man/man1/netbasics\.1\.gz$'
    assert_match "dpkg-deb -c: the changelog" "$C" '^-rw-r--r-- root/root .* \./usr/share/doc/netbasics/changelog\.gz$'
    assert_match "dpkg-deb -c: the copyright file" "$C" '^-rw-r--r-- root/root .* \./usr/share/doc/netbasics/copyright$'
    assert_match "dpkg-deb -c: the bash completion" "$C" '^-rw-r--r-- root/root .* \./usr/share/bash-completion/completions/netbasics$'
    assert_match "dpkg-deb -c: the zsh completion" "$C" '^-rw-r--r-- root/root .* \./usr/share/zsh/vendor-completions/_netbasics$'
    assert_eq "dpkg-deb -c: six files, nothing else" 6 "$(printf '%s\n' "$C" | grep -c '^-')"
    assert_eq "dpkg-deb -c: everything under ./usr" "" "$(printf '%s\n' "$C" | awk '{print $NF}' | grep -v '^\./usr/')"
    run timeout 30 dpkg-deb -I "$DEB"
    assert_status "dpkg-deb -I: exit 0" 0
    assert_match "dpkg-deb -I: Package: netbasics" "$OUT" '^ Package: netbasics$'
    assert_match "dpkg-deb -I: Version: $VERSION" "$OUT" "^ Version: ${VERSION//./\\.}\$"
    assert_match "dpkg-deb -I: Architecture: $ARCH" "$OUT" "^ Architecture: $ARCH\$"
    assert_match "dpkg-deb -I: Depends on libc6" "$OUT" '^ Depends: libc6 \(>= [0-9.]+\)$'
    assert_match "dpkg-deb -I: Section: net" "$OUT" '^ Section: net$'
    assert_match "dpkg-deb -I: a Maintainer" "$OUT" '^ Maintainer: .+<.+@.+>$'
    assert_match "dpkg-deb -I: a Description" "$OUT" '^ Description: .+'
    SYN=$(dpkg-deb -f "$DEB" Description | head -n 1)
    assert_true "the synopsis fits lintian's 80 columns with the name ($SYN)" test $((${#SYN} + 12)) -le 80
    assert_no_article() { case "$1" in [Aa]\ * | [Aa]n\ * | [Tt]he\ *) return 1 ;; esac; }
    assert_true "the synopsis starts with no article" assert_no_article "$SYN"
    assert_true "an extended description of several lines" \
        test "$(dpkg-deb -f "$DEB" Description | tail -n +2 | grep -c '^ [^ ]')" -ge 3
    assert_eq "dpkg-deb -f: Package" netbasics "$(dpkg-deb -f "$DEB" Package)"
    assert_eq "dpkg-deb -f: Version" "$VERSION" "$(dpkg-deb -f "$DEB" Version)"

    X=$NB_TMP/extracted
    run timeout 30 dpkg-deb -x "$DEB" "$X"
    assert_status "dpkg-deb -x: exit 0" 0
    run timeout 10 "$X/usr/bin/netbasics" --version
    assert_status "the extracted binary runs: --version" 0
    assert_eq "the extracted binary: its version is the package's" "netbasics $VERSION" "$(printf '%s\n' "$OUT" | head -n 1)"
    run timeout 10 "$X/usr/bin/netbasics" checksock 127.0.0.1:9087
    assert_status "the extracted binary: checksock works" 0
    # the package strips the binary (CPACK_STRIP_FILES): the same program, no symbols
    assert_eq "the extracted binary is the installed one, stripped" "$(objcopy --strip-all "$BIN" /dev/stdout 2>/dev/null | md5sum)" "$(objcopy --strip-all "$X/usr/bin/netbasics" /dev/stdout 2>/dev/null | md5sum)"
    assert_eq "the extracted binary has no symbol table" "" "$(nm "$X/usr/bin/netbasics" 2>/dev/null)"
    assert_true "the extracted man page renders" bash -c "MANWIDTH=80 man -l '$X/usr/share/man/man1/netbasics.1.gz' 2>/dev/null | grep -q NETBASICS"

    section "lintian: Debian's own checker finds no error and no warning"
    if command -v lintian >/dev/null 2>&1; then
        # lintian says on stderr when it runs as root; its findings are on stdout
        run timeout 120 lintian --fail-on error,warning "$DEB"
        assert_status "lintian --fail-on error,warning: exit 0" 0
        assert_eq "lintian: no E: or W: line" "" "$(printf '%s\n' "$OUT" | grep -E '^[EW]: ')"
    else
        nb_fail "lintian is installed (scripts/test.sh installs it)" "no lintian on PATH"
    fi

    section "dpkg --root: install into a throwaway root, then remove"
    DR=$NB_TMP/dpkgroot
    mkdir -p "$DR/var/lib/dpkg/info" "$DR/var/lib/dpkg/updates"
    : >"$DR/var/lib/dpkg/status"
    DPKG=(timeout 60 dpkg --root="$DR" --log=/dev/null --force-not-root --force-bad-path --ignore-depends=libc6)
    if "${DPKG[@]}" -i "$DEB" >"$W/dpkg.out" 2>&1; then
        nb_pass "dpkg --root -i: installs"
        assert_true "dpkg --root: ROOT/usr/bin/netbasics" test -x "$DR/usr/bin/netbasics"
        assert_true "dpkg --root: the man page" test -f "$DR/usr/share/man/man1/netbasics.1.gz"
        assert_true "dpkg --root: the bash completion" test -f "$DR/usr/share/bash-completion/completions/netbasics"
        assert_true "dpkg --root: the zsh completion" test -f "$DR/usr/share/zsh/vendor-completions/_netbasics"
        assert_match "dpkg --root -s: install ok installed" "$("${DPKG[@]}" -s netbasics 2>&1)" '^Status: install ok installed$'
        assert_match "dpkg --root -L: lists the binary" "$("${DPKG[@]}" -L netbasics 2>&1)" '^/usr/bin/netbasics$'
        run timeout 10 "$DR/usr/bin/netbasics" --version
        assert_status "dpkg --root: the installed binary runs" 0
        run "${DPKG[@]}" -r netbasics
        assert_status "dpkg --root -r: removes" 0
        assert_eq "dpkg --root -r: no file of the package is left" "" \
            "$(cd "$DR" && find . -path ./var -prune -o -type f -print)"
    else
        echo "# skipped: dpkg --root does not work here: $(tail -n 2 "$W/dpkg.out")"
    fi
else
    echo "# skipped: no .deb, or dpkg-deb is not installed"
fi

# ==========================================================================
section "help COMMAND is COMMAND --help, for every command"
run timeout 10 "$NB" --help
assert_status "--help: exit 0" 0
TOP=$OUT
COMMANDS=$(printf '%s\n' "$TOP" | sed -n '/^commands:/,/^$/p' | sed -nE 's/^  ([a-z]+) .*/\1/p')
assert_eq "--help lists the eight commands" "tour resolve octets listen send checksock fetch ports" "$(echo $COMMANDS)"
run timeout 10 "$NB" help
assert_status "help: exit 0" 0
assert_eq "help is --help" "$TOP" "$OUT"
for c in $COMMANDS; do
    run timeout 10 "$NB" "$c" --help
    assert_status "$c --help: exit 0" 0
    H=$OUT
    HBYTES=$(od -c "$OUT_FILE")
    assert_eq "$c --help: nothing on stderr" "" "$ERR"
    run timeout 10 "$NB" help "$c"
    assert_status "help $c: exit 0" 0
    assert_eq "help $c: byte for byte '$c --help'" "$HBYTES" "$(od -c "$OUT_FILE")"
    run timeout 10 "$NB" "$c" -h
    assert_eq "$c -h is $c --help" "$H" "$OUT"
done
run timeout 10 "$NB" help nosuch
assert_status "help nosuch: exit 2" 2
assert_contains "help nosuch: names it" "$ERR" "'nosuch' is not a command"
run timeout 10 "$NB" help help
assert_status "help help: exit 0 (the usage shows help [COMMAND])" 0
assert_eq "help help: the usage, as help alone" "$TOP" "$OUT"
assert_eq "help help: nothing on stderr" "" "$ERR"
run timeout 10 "$NB" help tour extra
assert_status "help tour extra: refused, exit 2" 2
assert_eq "help tour extra: nothing on stdout" "" "$OUT"
assert_eq "help tour extra: says help takes one COMMAND" \
    "netbasics: help takes at most one COMMAND, not 2 words (see 'netbasics --help')" "$ERR"

# ==========================================================================
section "every command and long option: in the man page, the bash and zsh completions"
# the man page as a reader sees it (rendered in ASCII, wide, no overstrike)
MANTXT=$(LC_ALL=C MANWIDTH=200 timeout 30 man -l "$SRC/docs/netbasics.1" 2>/dev/null | col -bx)
[ -n "$MANTXT" ] || MANTXT=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$SRC/docs/netbasics.1")
BASHSRC=$(cat "$SRC/completions/netbasics.bash")
ZSHSRC=$(cat "$SRC/completions/_netbasics")
# has_word TEXT WORD: WORD is in TEXT, not as a part of a longer option or name
has_word() { printf '%s\n' "$1" | grep -qE -- "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|\$)"; }
# the long options of a --help text: the first --word of each option line
long_opts() { printf '%s\n' "$1" | sed -nE 's/^ {2,}(-[A-Za-z0-9], )?(--[a-z][a-z0-9-]*).*/\2/p' | sort -u; }

# bash: what the completion function offers for `netbasics WORDS...`
bash_complete() { # WORD...
    bash -c '
        . "$1"; shift
        COMP_WORDS=(netbasics "$@"); COMP_CWORD=$(($# ))
        COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
        _netbasics netbasics "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC/completions/netbasics.bash" "$@" 2>&1
}
FIRST=$(bash_complete "")
for c in $COMMANDS; do
    assert_match "man page: a section for $c" "$MANTXT" "^   $c( |\$)"
    assert_true "bash completion: names $c" has_word "$BASHSRC" "$c"
    assert_true "bash completion: offers $c first" has_word "$FIRST" "$c"
    assert_true "zsh completion: names $c" grep -qE "^ +'$c:" "$SRC/completions/_netbasics"
done
for c in $COMMANDS; do
    H=$(timeout 10 "$NB" "$c" --help)
    # the command's section: from its heading to the next heading
    SECTION=$(printf '%s\n' "$MANTXT" | awk -v c="$c" '/^(   )?[A-Za-z]/ { on = ($0 ~ "^   " c "( |$)") } on')
    OFFERED=$(bash_complete "$c" "--")
    ZOPTS=$(sed -nE "s/^ +$c\\) opts=\\((.*)\\) ;;.*/\\1/p" "$SRC/completions/_netbasics")
    for o in $(long_opts "$H"); do
        # -h/--help: said once for all commands is enough (checked below)
        [ "$o" = --help ] || assert_true "man page, section $c: $o" has_word "$SECTION" "$o"
        assert_true "bash completion: '$c --<TAB>' offers $o" has_word "$OFFERED" "$o"
        assert_true "zsh completion: $c offers $o" has_word "$ZOPTS" "$o"
    done
done
assert_true "man page: -h/--help, the option every command takes" has_word "$MANTXT" --help
# and the other way: nothing completed that the command does not take
for c in $COMMANDS; do
    H=$(timeout 10 "$NB" "$c" --help)
    for o in $(bash_complete "$c" "--" | grep '^--'); do
        assert_true "bash completion: $c $o is in '$c --help'" has_word "$(long_opts "$H")" "$o"
    done
done

# ==========================================================================
section "the man page: no doubled period, SEE ALSO, the table of option letters (issue 12)"
assert_eq "man page: no doubled period after a sentence (\"..\" only where it means the parent directory)" "" \
    "$(printf '%s\n' "$MANTXT" | tr -s ' \n' ' ' | grep -oE '[A-Za-z)]\.\.( |$)')"
assert_contains "man page: Stopping server. (one period)" "$(printf '%s\n' "$MANTXT" | tr -s ' \n' ' ')" "then Stopping server. Lines"
SEEALSO=$(printf '%s\n' "$MANTXT" | sed -n '/^SEE ALSO$/,$p')
for ref in 'curl(1)' 'wget(1)' 'dig(1)' 'netstat(8)' 'ss(8)' 'nc(1)' 'ipcalc(1)'; do
    assert_contains "man page: SEE ALSO names $ref" "$SEEALSO" "$ref"
done
LETTERS=$(printf '%s\n' "$MANTXT" | sed -n '/^OPTION LETTERS$/,/^SEE ALSO$/p')
assert_match "man page: an OPTION LETTERS section" "$LETTERS" '^OPTION LETTERS$'
# every short option of every command's --help is in the table, in the row
# of its letter, naming the command (or "every command"); and the table
# names no letter for a command that does not take it
for c in $COMMANDS; do
    H=$(timeout 10 "$NB" "$c" --help)
    HL=$(printf '%s\n' "$H" | sed -nE 's/^ {2,}(-[A-Za-z0-9])(, (-[A-Za-z0-9]))?( |,|$).*/\1 \3/p' | tr ' ' '\n' | grep . | sort -u)
    TL=$(printf '%s\n' "$LETTERS" | python3 -c '
import re, sys
c = sys.argv[1]
rows, cur = [], None
for line in sys.stdin:
    m = re.match(r"^ {7}(-[A-Za-z0-9](?:, -[A-Za-z0-9])*)\s+(.*)", line)
    if m:
        cur = [m.group(1).split(", "), m.group(2)]
        rows.append(cur)
    elif cur and line.startswith(" " * 14):
        cur[1] += " " + line.strip()
    else:
        cur = None
for letters, text in rows:
    if re.search(r"\b" + c + r"\b", text) or "every command" in text:
        print("\n".join(letters))
' "$c" | sort -u)
    for l in $HL; do
        assert_true "man page OPTION LETTERS: $c's $l is in the row of $l" grep -qx -- "$l" <<<"$TL"
    done
done
echo "# test_package.sh ran in $(($(date +%s) - T_START)) s"
finish
