# The awk peer of `netbasics checksock --filter`: print the lines that are a
# strict IPv4:port (octets 0-255 without leading zeros, port 1-65535 without
# them).  Portable awk: runs under mawk and gawk; run it with LC_ALL=C.
BEGIN { FS = ":" }
NF == 2 && $2 ~ /^[1-9][0-9]?[0-9]?[0-9]?[0-9]?$/ && $2 + 0 <= 65535 {
    if (split($1, o, ".") != 4) next
    for (i = 1; i <= 4; i++)
        if (o[i] !~ /^(0|[1-9][0-9]?[0-9]?)$/ || o[i] + 0 > 255) next
    print
}
