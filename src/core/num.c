/* num.c - the one strict number parser, for ports, counts and timeouts. */
#include <netbasics/num.h>

#include <netbasics/out.h>

#include <string.h>

/* How much of a refused number a message shows. */
#define QUOTE_MAX 24

int nb_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

size_t nb_scan_uint(const char *s, size_t len, unsigned base, size_t max_digits, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (len > max_digits)
        len = max_digits;
    for (i = 0; i < len; i++) {
        int d = nb_hex_digit((unsigned char)s[i]);

        if (d < 0 || (unsigned)d >= base)
            break;
        v = v > (UINT64_MAX - (unsigned)d) / base ? UINT64_MAX : v * base + (unsigned)d;
    }
    *out = v;
    return i;
}

int nb_parse_uint_n(const char *s, size_t len, uint64_t min, uint64_t max, const char *what,
                    uint64_t *out, struct nb_err *e)
{
    uint64_t v = 0;
    int overflow = 0;
    char q[112];
    size_t i;

    if (len == 0)
        return nb_err_set(e, NB_E_INVALID, "%s is empty: give a number of ASCII digits", what);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= '0' && c <= '9')
            continue;
        if (!e)
            return -1;
        nb_quote(s, len, QUOTE_MAX, q, sizeof q);
        if (c == '+' || c == '-')
            return nb_err_set(e, NB_E_INVALID, "%s '%s' has a sign: a %s is ASCII digits only",
                              what, q, what);
        if (c == ' ' || c == '\t')
            return nb_err_set(e, NB_E_INVALID,
                              "%s '%s' has a %s at position %zu: a %s is ASCII digits only", what,
                              q, c == ' ' ? "space" : "tab", i + 1, what);
        if (c < 0x20 || c == 0x7f)
            return nb_err_set(e, NB_E_INVALID,
                              "%s '%s' has control byte 0x%02x at position %zu: a %s is ASCII "
                              "digits only",
                              what, q, c, i + 1, what);
        if (c >= 0x80)
            return nb_err_set(e, NB_E_INVALID,
                              "%s '%s' is not an ASCII number: a %s is digits 0-9 only (digits "
                              "of other scripts do not count)",
                              what, q, what);
        return nb_err_set(e, NB_E_INVALID, "%s '%s' is not a number: a %s is ASCII digits 0-9 only",
                          what, q, what);
    }
    if (len > 1 && s[0] == '0') {
        if (e) {
            nb_quote(s, len, QUOTE_MAX, q, sizeof q);
            nb_err_set(e, NB_E_INVALID, "%s '%s' has a leading zero: write it without", what, q);
        }
        return -1;
    }
    for (i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) {
            overflow = 1; /* reported as out of range below, whatever max is */
            break;
        }
        v = v * 10 + d;
    }
    if (overflow || v < min || v > max) {
        if (!e)
            return -1;
        nb_quote(s, len, QUOTE_MAX, q, sizeof q);
        if (v == 0 && min == 1 && !strcmp(what, "port"))
            return nb_err_set(e, NB_E_INVALID, "port 0 cannot be connected to: a port is 1 to %llu",
                              (unsigned long long)max);
        return nb_err_set(e, NB_E_INVALID, "%s %s is out of range: a %s is %llu to %llu", what, q,
                          what, (unsigned long long)min, (unsigned long long)max);
    }
    *out = v;
    return 0;
}

int nb_parse_uint(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
                  struct nb_err *e)
{
    return nb_parse_uint_n(s, strlen(s), min, max, what, out, e);
}

int nb_parse_seconds(const char *s, uint64_t max_s, int allow_zero, int64_t *ms, struct nb_err *e)
{
    const char *dot = strchr(s, '.');
    size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
    uint64_t whole, frac = 0;
    size_t i, flen = 0;
    char q[112];

    if (nb_parse_uint_n(s, ilen, 0, max_s, "timeout", &whole, e) < 0)
        return -1;
    if (dot) {
        flen = strlen(dot + 1);
        if (flen == 0 || flen > 3)
            return nb_err_set(e, NB_E_INVALID,
                              "timeout '%s' needs 1 to 3 digits after the point, as in 2.5",
                              nb_quote(s, strlen(s), QUOTE_MAX, q, sizeof q));
        for (i = 0; i < flen; i++) {
            unsigned d = (unsigned char)dot[1 + i] - '0';
            if (d > 9)
                return nb_err_set(e, NB_E_INVALID,
                                  "timeout '%s' is not a number of seconds, as in 2.5",
                                  nb_quote(s, strlen(s), QUOTE_MAX, q, sizeof q));
            frac = frac * 10 + d;
        }
        for (; flen < 3; flen++)
            frac *= 10;
    }
    if ((whole == max_s && frac > 0) || whole > (uint64_t)INT64_MAX / 1000 ||
        whole * 1000 > (uint64_t)INT64_MAX - frac)
        return nb_err_set(e, NB_E_INVALID, "timeout %s is out of range: at most %llu seconds",
                          nb_quote(s, strlen(s), QUOTE_MAX, q, sizeof q),
                          (unsigned long long)max_s);
    if (!allow_zero && whole == 0 && frac == 0)
        return nb_err_set(e, NB_E_INVALID, "timeout 0 would never wait: give more than 0 seconds");
    *ms = (int64_t)(whole * 1000 + frac);
    return 0;
}
