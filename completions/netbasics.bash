# bash completion for netbasics: commands, then each command's options.
_netbasics()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi
    local commands="tour resolve octets listen send checksock fetch ports help"
    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local opts
    case ${words[1]} in
    tour) opts="--list --dir --no-pause --explain --color --help" ;;
    resolve) opts="--type --server --timeout --retries --tcp --no-tcp --search --no-search --short --json --dns-only --system --resolv-conf --hosts --explain --parallel --rate --unordered --help" ;;
    octets) opts="--json --explain --quiz --seed --count --numeric --color --help" ;;
    listen) opts="--keep-open --raw --sink --udp -u --backlog --max-line --max-clients --idle-timeout --line-timeout --quiet --explain --help -6" ;;
    send) opts="--repr --udp --lines --no-wait --tls --cacert --capath --insecure --servername -k -u --timeout --quiet --explain --help -n -4 -6" ;;
    checksock) opts="--filter --quiet --json --lenient --ask --connect --udp --timeout --explain --color --help" ;;
    fetch) opts="--output --force --head --include --header --max-redirs --timeout --connect-timeout --max-time --cacert --capath --insecure --keep-errors --raw --quiet --json --explain --help -k -4 -6" ;;
    ports) opts="--all --listening --tcp --udp --numeric --program --extend --port --state --statistics --json --proc --explain --help -4 -6" ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    esac
    case $prev in
    -t|--type) COMPREPLY=($(compgen -W "A AAAA CNAME NS PTR MX TXT SOA SRV CAA ANY" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --state) [[ ${words[1]} == ports ]] && { COMPREPLY=($(compgen -W "LISTEN ESTABLISHED TIME_WAIT CLOSE_WAIT SYN_SENT UNCONN" -- "$cur")); return; } ;;
    # file names: a directory gets its '/' and no space, so TAB descends into it
    -o|--output|--resolv-conf|--hosts)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -d|--dir|--proc)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac
    [[ $cur == -* ]] && COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _netbasics netbasics
