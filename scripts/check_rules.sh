#!/usr/bin/env bash
# scripts/check_rules.sh - the rules of docs/design.md that grep can check:
# every socket call in src/core/sock.c, every number parsed by src/core/num.c,
# no process control in the commands, no mutable static buffer inside a
# function, and the tree formatted by the checked-in .clang-format.
# Prints each broken rule with the lines that break it; exits 1 if any.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
status=0

# code FILE: FILE's lines with string literals emptied and comments dropped
# (a narration text may name a call), each prefixed "FILE:N:".
code() {
    sed -E 's/"([^"\\]|\\.)*"/""/g; s@/\*.*\*/@@g; s@^[[:space:]]*(/\*|\*).*$@@; s@//.*$@@' "$1" |
        awk -v f="$1" '{ print f ":" NR ":" $0 }'
}

# rule NAME ERE [FILES...]: code lines of FILES matching ERE break the rule NAME.
rule() {
    local name=$1 ere=$2 hits f
    shift 2
    case $ere in
    ^*) ere="^[^:]*:[0-9]+:${ere#^}" ;;
    *) ere="^[^:]*:[0-9]+:.*$ere" ;;
    esac
    hits=$(for f in "$@"; do code "$f"; done | grep -E -- "$ere")
    if [ -n "$hits" ]; then
        printf 'rule broken: %s\n%s\n' "$name" "$hits"
        status=1
    fi
}

# a call of NAME: not a member, not part of a longer identifier
call() { printf '([^A-Za-z0-9_.>]|^)(%s)[[:space:]]*\\(' "$1"; }

mapfile -t NOT_SOCK < <(ls src/main.c src/cmd/*.c src/core/*.c | grep -v '^src/core/sock.c$')
rule "socket system calls live in src/core/sock.c" \
    "$(call 'socket|connect|bind|listen|accept4?|send|sendto|sendmsg|recv|recvfrom|recvmsg|setsockopt|getsockopt|shutdown|getsockname|getpeername|getaddrinfo|poll|ppoll')" \
    "${NOT_SOCK[@]}"

mapfile -t NOT_NUM < <(ls src/main.c src/cmd/*.c src/core/*.c | grep -v '^src/core/num.c$')
rule "numbers are parsed by src/core/num.c" \
    "$(call 'atoi|atol|atoll|strtol|strtoll|strtoul|strtoull|strtoimax|strtoumax|sscanf')" \
    "${NOT_NUM[@]}"

rule "commands start no process and send no signal (the core does)" \
    "$(call 'fork|vfork|execv|execve|execvp|pipe|pipe2|kill|waitpid|posix_spawn')" \
    src/main.c src/cmd/*.c

rule "commands write stderr only through out.c's escaping writers (nb_errorf, nb_notef, ...)" \
    '(fprintf|fputs|fputc|putc|fwrite|vfprintf)[[:space:]]*\(.*stderr' src/main.c src/cmd/*.c

rule "no mutable static buffer inside a function (state lives in the caller's struct)" \
    '^[[:space:]]+static[[:space:]]+(unsigned[[:space:]]+)?(char|uint8_t|int|size_t|struct[[:space:]]+[a-z_]+)[[:space:]]+[A-Za-z_]+[[:space:]]*\[' \
    src/main.c src/cmd/*.c src/core/*.c

if command -v clang-format >/dev/null 2>&1; then
    if ! out=$(clang-format --dry-run -Werror src/*.c src/cmd/*.c src/cmd/*.h src/core/*.c \
        include/netbasics/*.h tests/unit/*.c tests/fuzz/*.c tests/bench/*.c 2>&1); then
        printf 'rule broken: the tree is formatted with .clang-format (run clang-format -i)\n%s\n' \
            "$(printf '%s\n' "$out" | grep -E '^[^ ].*(warning|error):' | head -n 20)"
        status=1
    fi
else
    echo "check_rules.sh: clang-format is not installed; formatting not checked" >&2
    status=1
fi

[ "$status" = 0 ] && echo "rules: all hold"
exit "$status"
