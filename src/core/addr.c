/* addr.c - sans-IO IPv4/IPv6 address, endpoint and CIDR parsing (RFC 791,
 * RFC 4291 2.2, RFC 5952, RFC 4632), inet_aton's lenient forms, and the IANA
 * special-purpose address registries (RFC 6890 and its successors). */
#include <netbasics/addr.h>
#include <netbasics/num.h>
#include <netbasics/out.h>

#include <stdio.h>
#include <string.h>

static const char IP4_RULE[] = "an IPv4 address is four numbers 0 to 255 separated by dots";

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* A message for a byte that has no place in an address. */
static int bad_byte(struct nb_err *e, unsigned char c, size_t pos, const char *rule)
{
    if (c == ' ' || c == '\t')
        return nb_err_set(e, NB_E_INVALID,
                          "a space at position %zu: nothing may come before, "
                          "inside or after the address",
                          pos + 1);
    if (c == '+' || c == '-')
        return nb_err_set(e, NB_E_INVALID, "a sign '%c' at position %zu: %s", c, pos + 1, rule);
    if (c >= 0x80)
        return nb_err_set(e, NB_E_INVALID,
                          "byte 0x%02x at position %zu is not ASCII (digits in other scripts do "
                          "not count): %s",
                          c, pos + 1, rule);
    if (c < 0x20 || c == 0x7f)
        return nb_err_set(e, NB_E_INVALID, "control byte 0x%02x at position %zu: %s", c, pos + 1,
                          rule);
    return nb_err_set(e, NB_E_INVALID, "'%c' at position %zu: %s", c, pos + 1, rule);
}

void nb_ip4_from_u32(uint32_t v, struct nb_addr *out)
{
    memset(out, 0, sizeof *out);
    out->family = 4;
    out->b[0] = (uint8_t)(v >> 24);
    out->b[1] = (uint8_t)(v >> 16);
    out->b[2] = (uint8_t)(v >> 8);
    out->b[3] = (uint8_t)v;
}

uint32_t nb_ip4_to_u32(const struct nb_addr *a)
{
    return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 | (uint32_t)a->b[2] << 8 | a->b[3];
}

int nb_ip4_parse(const char *s, size_t len, struct nb_addr *out, struct nb_err *e)
{
    uint8_t oct[4];
    size_t i = 0;
    int parts = 0;

    if (len == 0)
        return nb_err_set(e, NB_E_INVALID, "the address is empty: %s", IP4_RULE);
    if (len > NB_ADDR_INPUT_MAX)
        return nb_err_set(e, NB_E_INVALID, "%zu bytes is too long: %s", len, IP4_RULE);
    for (;;) {
        size_t start = i;
        unsigned v = 0;

        while (i < len && is_digit((unsigned char)s[i]) && i - start < 4)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start) {
            if (i == len || s[i] == '.')
                return nb_err_set(e, NB_E_INVALID, "octet %d is empty: %s", parts + 1, IP4_RULE);
            return bad_byte(e, (unsigned char)s[i], i, IP4_RULE);
        }
        if (i < len && is_digit((unsigned char)s[i])) {
            size_t n = i;
            while (n < len && is_digit((unsigned char)s[n]))
                n++;
            return nb_err_set(e, NB_E_INVALID,
                              "octet %d has %zu digits, but an octet holds 0 to 255", parts + 1,
                              n - start);
        }
        if (i - start > 1 && s[start] == '0') {
            struct nb_addr alt;
            char txt[NB_ADDR_TEXT_MAX];
            if (!e)
                return -1;
            if (nb_ip4_parse_lenient(s, len, &alt, NULL, NULL) == 0)
                return nb_err_set(
                    e, NB_E_INVALID,
                    "octet %d is %.*s with a leading zero: refused, because inet_aton "
                    "would read it as octal and give %s",
                    parts + 1, (int)(i - start), s + start, nb_addr_format(&alt, txt, sizeof txt));
            return nb_err_set(e, NB_E_INVALID,
                              "octet %d is %.*s with a leading zero: refused, because inet_aton "
                              "reads a leading 0 as octal",
                              parts + 1, (int)(i - start), s + start);
        }
        if (v > 255)
            return nb_err_set(e, NB_E_INVALID, "octet %d is %u, but an octet holds 0 to 255",
                              parts + 1, v);
        if (parts == 4)
            return nb_err_set(e, NB_E_INVALID, "more than 4 octets: %s", IP4_RULE);
        oct[parts++] = (uint8_t)v;
        if (i == len)
            break;
        if (s[i] != '.')
            return bad_byte(e, (unsigned char)s[i], i, IP4_RULE);
        i++;
    }
    if (parts != 4) {
        struct nb_addr alt;
        char txt[NB_ADDR_TEXT_MAX];
        if (!e)
            return -1;
        if (nb_ip4_parse_lenient(s, len, &alt, NULL, NULL) == 0)
            return nb_err_set(e, NB_E_INVALID,
                              "%d octets, but an IPv4 address has 4 (inet_aton would fill in the "
                              "rest and give %s)",
                              parts, nb_addr_format(&alt, txt, sizeof txt));
        return nb_err_set(e, NB_E_INVALID, "%d octets, but an IPv4 address has 4", parts);
    }
    memset(out, 0, sizeof *out);
    out->family = 4;
    memcpy(out->b, oct, 4);
    return 0;
}

static int is_c_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Reads one number the way strtoul(s, &end, 0) does after a digit: 0x hex, 0
 * octal, else decimal. Returns the index after it; *v saturates past 32 bits. */
static size_t c_number(const char *s, size_t i, size_t len, uint64_t *v, unsigned *quirks)
{
    unsigned base = 10;
    uint64_t x = 0;

    if (s[i] == '0') {
        if (i + 2 < len && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
            nb_hex_digit((unsigned char)s[i + 2]) >= 0) {
            base = 16;
            i += 2;
            *quirks |= NB_Q_HEX;
        } else if (i + 1 < len && is_digit((unsigned char)s[i + 1])) {
            base = 8;
            *quirks |= NB_Q_OCTAL;
        }
    }
    for (; i < len; i++) {
        int d = nb_hex_digit((unsigned char)s[i]);
        if (d < 0 || (unsigned)d >= base)
            break;
        x = x * base + (unsigned)d;
        if (x > 0xffffffffull)
            x = 0x100000000ull; /* saturate: too big for any part */
    }
    *v = x;
    return i;
}

int nb_ip4_parse_lenient(const char *s, size_t len, struct nb_addr *out, unsigned *quirks,
                         struct nb_err *e)
{
    static const uint64_t max[4] = {0xffffffffu, 0xffffffu, 0xffffu, 0xffu};
    uint8_t parts[3];
    unsigned q = 0;
    int np = 0;
    size_t i = 0;
    uint64_t v;
    uint32_t word;

    for (;;) {
        if (i >= len || !is_digit((unsigned char)s[i]))
            return nb_err_set(e, NB_E_INVALID, "inet_aton needs a digit at position %zu", i + 1);
        i = c_number(s, i, len, &v, &q);
        if (v > 0xffffffffull)
            return nb_err_set(e, NB_E_INVALID, "inet_aton refuses part %d: above 4294967295",
                              np + 1);
        if (i < len && s[i] == '.') {
            if (np == 3 || v > 0xff)
                return nb_err_set(e, NB_E_INVALID,
                                  np == 3 ? "inet_aton refuses more than 4 parts"
                                          : "inet_aton refuses a part above 255 before a dot");
            parts[np++] = (uint8_t)v;
            i++;
        } else {
            break;
        }
    }
    if (i < len) {
        if (!is_c_space((unsigned char)s[i]))
            return nb_err_set(e, NB_E_INVALID, "inet_aton refuses '%c' after a number",
                              s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
        q |= NB_Q_TRAILING;
    }
    if (v > max[np])
        return nb_err_set(e, NB_E_INVALID,
                          "inet_aton refuses a last part of %llu after %d parts (at most %llu)",
                          (unsigned long long)v, np, (unsigned long long)max[np]);
    if (np < 3)
        q |= NB_Q_SHORT;
    word = (uint32_t)v;
    for (int k = 0; k < np; k++)
        word |= (uint32_t)parts[k] << (24 - 8 * k);
    nb_ip4_from_u32(word, out);
    if (quirks)
        *quirks = q;
    return 0;
}

static const char IP6_RULE[] = "an IPv6 address is 8 groups of 1 to 4 hex digits separated by "
                               "':', with '::' once for a run of zero groups";

static int zone_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
           c == '.' || c == '-';
}

int nb_ip6_parse(const char *s, size_t len, int allow_zone, struct nb_addr *out, struct nb_err *e)
{
    uint16_t w[8];
    int n = 0, gap = -1;
    size_t i = 0, alen;
    const char *pct;
    struct nb_addr res;

    if (len == 0)
        return nb_err_set(e, NB_E_INVALID, "the address is empty: %s", IP6_RULE);
    if (len > NB_ADDR_INPUT_MAX)
        return nb_err_set(e, NB_E_INVALID, "%zu bytes is too long: %s", len, IP6_RULE);
    memset(&res, 0, sizeof res);
    res.family = 6;
    pct = memchr(s, '%', len);
    alen = pct ? (size_t)(pct - s) : len;
    if (pct) {
        size_t zlen = len - alen - 1;
        if (!allow_zone)
            return nb_err_set(e, NB_E_INVALID, "a zone id ('%%...') is not allowed here");
        if (zlen == 0 || zlen >= NB_ADDR_ZONE_MAX)
            return nb_err_set(e, NB_E_INVALID, "a zone id after '%%' is 1 to %d characters",
                              NB_ADDR_ZONE_MAX - 1);
        for (size_t k = 0; k < zlen; k++)
            if (!zone_char((unsigned char)pct[1 + k]))
                return nb_err_set(e, NB_E_INVALID,
                                  "a zone id is letters, digits, '_', '.' and '-' only");
        memcpy(res.zone, pct + 1, zlen);
    }
    if (alen == 0)
        return nb_err_set(e, NB_E_INVALID, "the address is empty: %s", IP6_RULE);
    if (s[0] == ':') {
        if (alen < 2 || s[1] != ':')
            return nb_err_set(e, NB_E_INVALID, "it starts with a single ':': %s", IP6_RULE);
        gap = 0;
        i = 2;
    }
    while (i < alen) {
        size_t start = i;
        unsigned v = 0;
        int d;

        while (i < alen && (d = nb_hex_digit((unsigned char)s[i])) >= 0 && i - start < 5) {
            v = v * 16 + (unsigned)d;
            i++;
        }
        if (i < alen && s[i] == '.') {
            struct nb_addr v4;
            if (n > 6)
                return nb_err_set(e, NB_E_INVALID,
                                  "an embedded IPv4 address must take the last 2 of 8 groups");
            if (nb_ip4_parse(s + start, alen - start, &v4, e) < 0)
                return -1;
            w[n++] = (uint16_t)(v4.b[0] << 8 | v4.b[1]);
            w[n++] = (uint16_t)(v4.b[2] << 8 | v4.b[3]);
            i = alen;
            break;
        }
        if (i == start) {
            if (s[i] == ':')
                return nb_err_set(e, NB_E_INVALID, "':::' or a second '::' at position %zu: %s",
                                  i + 1, IP6_RULE);
            return bad_byte(e, (unsigned char)s[i], i, IP6_RULE);
        }
        if (i - start > 4)
            return nb_err_set(e, NB_E_INVALID,
                              "group %d has more than 4 hex digits, but a group holds 0 to ffff",
                              n + 1);
        if (n == 8)
            return nb_err_set(e, NB_E_INVALID, "more than 8 groups: %s", IP6_RULE);
        w[n++] = (uint16_t)v;
        if (i == alen)
            break;
        if (s[i] != ':')
            return bad_byte(e, (unsigned char)s[i], i, IP6_RULE);
        i++;
        if (i < alen && s[i] == ':') {
            if (gap >= 0)
                return nb_err_set(e, NB_E_INVALID,
                                  "'::' appears twice, but it may stand only once");
            gap = n;
            i++;
        } else if (i == alen) {
            return nb_err_set(e, NB_E_INVALID, "it ends with a single ':': %s", IP6_RULE);
        }
    }
    if (gap >= 0) {
        if (n == 8)
            return nb_err_set(e, NB_E_INVALID,
                              "'::' stands for at least one zero group, but 8 groups are given");
        for (int k = 0; k < gap; k++) {
            res.b[2 * k] = (uint8_t)(w[k] >> 8);
            res.b[2 * k + 1] = (uint8_t)w[k];
        }
        for (int k = gap; k < n; k++) {
            int at = 8 - (n - k);
            res.b[2 * at] = (uint8_t)(w[k] >> 8);
            res.b[2 * at + 1] = (uint8_t)w[k];
        }
    } else {
        if (n != 8)
            return nb_err_set(e, NB_E_INVALID, "%d groups, but an IPv6 address has 8 (or '::')", n);
        for (int k = 0; k < 8; k++) {
            res.b[2 * k] = (uint8_t)(w[k] >> 8);
            res.b[2 * k + 1] = (uint8_t)w[k];
        }
    }
    *out = res;
    return 0;
}

int nb_addr_parse(const char *s, size_t len, struct nb_addr *out, struct nb_err *e)
{
    if (memchr(s, ':', len))
        return nb_ip6_parse(s, len, 1, out, e);
    return nb_ip4_parse(s, len, out, e);
}

int nb_endpoint_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    unsigned v, d;

    if (len == 0 || len > 21 || *p == '[') {
        struct nb_endpoint ep;
        return len > 0 && nb_endpoint_parse(s, len, &ep, NULL) == 0;
    }
    for (int part = 0; part < 4; part++) {
        if (p == end || (v = (unsigned)*p - '0') > 9)
            return 0;
        p++;
        if (p < end && (d = (unsigned)*p - '0') <= 9) {
            if (v == 0)
                return 0; /* a leading zero */
            v = v * 10 + d;
            p++;
            if (p < end && (d = (unsigned)*p - '0') <= 9) {
                v = v * 10 + d;
                p++;
                if (v > 255)
                    return 0;
            }
        }
        if (p == end || *p++ != (part < 3 ? '.' : ':'))
            return 0;
    }
    if (p == end || *p == '0' || end - p > 5)
        return 0;
    for (v = 0; p < end; p++) {
        if ((d = (unsigned)*p - '0') > 9)
            return 0;
        v = v * 10 + d;
    }
    return v <= 65535;
}

/* ---- host and port: the one parser ---------------------------------------------------------- */

#define SUBJECT_MAX 40                    /* bytes of the input a message quotes */
#define SUBJECT_BUF (SUBJECT_MAX * 4 + 4) /* each may become \xHH, then "..." */
#define PORT_FLAGS  (NB_HP_PORT | NB_HP_PORT_REQUIRED)

/* The input as a message quotes it: escaped, and cut after SUBJECT_MAX bytes. */
static const char *subject(const char *s, size_t len, char *buf)
{
    size_t k = len > SUBJECT_MAX ? SUBJECT_MAX : len;

    nb_escape(s, k, NB_ESC_C, buf, SUBJECT_BUF);
    if (k < len)
        strcat(buf, "...");
    return buf;
}

/* How a use writes its texts: the hint at the end of a message. */
static const char *form(unsigned flags)
{
    int names = (flags & NB_HP_NAMES) != 0;

    if (!(flags & PORT_FLAGS))
        return names ? "a host name or an IP address" : "an IP address";
    if (flags & NB_HP_PORT_ALONE)
        return "PORT, HOST:PORT or [IPv6]:PORT, as in 9087 or 127.0.0.1:9087";
    if (flags & NB_HP_PORT_REQUIRED)
        return names ? "HOST:PORT or [IPv6]:PORT, as in localhost:80"
                     : "IPv4:PORT or [IPv6]:PORT, as in 127.0.0.1:80";
    if (flags & NB_HP_PORT_HASH)
        return "ADDR, ADDR#PORT or [IPv6]:PORT, as in 127.0.0.1#53";
    return names ? "HOST, HOST:PORT or [IPv6]:PORT, as in localhost:80"
                 : "ADDR, ADDR:PORT or [IPv6]:PORT, as in 127.0.0.1:80";
}

/* Whether s[0..n) is a name's byte string: letters, digits, '-', '.' and '_'. */
static int name_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!zone_char((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Whether a host without ':' is meant as IPv4: only digits and dots, or a form
 * inet_aton reads (0x7f.1); such a host is judged by the strict IPv4 rules. */
static int looks_ip4(const char *s, size_t n)
{
    struct nb_addr a;

    for (size_t i = 0; i < n; i++)
        if (s[i] != '.' && !is_digit((unsigned char)s[i]))
            return nb_ip4_parse_lenient(s, n, &a, NULL, NULL) == 0;
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

/* An unbracketed text with two or more ':' where a port may follow. */
static int ambiguous(const char *s, size_t len, unsigned flags, struct nb_err *e)
{
    struct nb_addr tmp;
    const char *last = s + len;
    char q[SUBJECT_BUF];

    if (!e)
        return -1;
    while (last[-1] != ':')
        last--;
    if (nb_ip6_parse(s, len, 1, &tmp, NULL) == 0 ||
        nb_ip6_parse(s, (size_t)(last - 1 - s), 1, &tmp, NULL) == 0)
        return nb_err_set(e, NB_E_INVALID,
                          "'%s' is ambiguous: an IPv6 address with a port needs brackets, as in "
                          "[::1]:80",
                          subject(s, len, q));
    return nb_err_set(e, NB_E_INVALID, "'%s' has more than one ':': write %s", subject(s, len, q),
                      form(flags));
}

int nb_hostport_split(const char *s, size_t len, unsigned flags, struct nb_hostport_parts *p,
                      struct nb_err *e)
{
    const char *colon;
    char q[SUBJECT_BUF];

    memset(p, 0, sizeof *p);
    if (len == 0)
        return nb_err_set(e, NB_E_INVALID, "it is empty: write %s", form(flags));
    if (len > NB_HOSTPORT_INPUT_MAX)
        return nb_err_set(e, NB_E_INVALID, "%zu bytes is too long: write %s", len, form(flags));
    if (s[0] == '[') {
        const char *close = memchr(s, ']', len);
        size_t after;

        if (!close)
            return e ? nb_err_set(e, NB_E_INVALID, "'%s' has '[' without a closing ']'",
                                  subject(s, len, q))
                     : -1;
        p->bracketed = 1;
        p->host_at = 1;
        p->host_len = (size_t)(close - s) - 1;
        after = (size_t)(close - s) + 1;
        if (after == len)
            return 0;
        if (s[after] == ':' || (s[after] == '#' && (flags & NB_HP_PORT_HASH))) {
            p->has_port = 1;
            p->port_at = after + 1;
            p->port_len = len - after - 1;
            return 0;
        }
        return e ? nb_err_set(e, NB_E_INVALID, "'%s' has text after ']': write %s",
                              subject(s, len, q), form(flags))
                 : -1;
    }
    p->host_len = len;
    if (flags & NB_HP_PORT_HASH) {
        const char *hash = memchr(s, '#', len);
        if (hash) {
            p->host_len = (size_t)(hash - s);
            p->has_port = 1;
            p->port_at = p->host_len + 1;
            p->port_len = len - p->port_at;
            return 0;
        }
    }
    colon = memchr(s, ':', len);
    if (!colon || (flags & NB_HP_COLON_BRACKETED))
        return 0;
    if (memchr(colon + 1, ':', len - (size_t)(colon + 1 - s))) {
        /* an IPv6 address, unless a port may follow: then no one can tell */
        if ((flags & NB_HP_V6_BARE) || !(flags & PORT_FLAGS))
            return 0;
        return ambiguous(s, len, flags, e);
    }
    p->host_len = (size_t)(colon - s);
    p->has_port = 1;
    p->port_at = p->host_len + 1;
    p->port_len = len - p->port_at;
    return 0;
}

/* An IPv6 host, its zone written as flags say. */
static int host_ip6(const char *h, size_t hl, unsigned flags, struct nb_hostport *out,
                    struct nb_err *e)
{
    const char *pct = memchr(h, '%', hl);
    size_t n = hl;

    if ((flags & NB_HP_ZONE_URL) && pct) {
        size_t at = (size_t)(pct - h);
        /* RFC 6874: "%25" and then the zone */
        if (hl - at < 4 || memcmp(pct, "%25", 3))
            return nb_err_set(e, NB_E_INVALID,
                              "a zone in a URL is written %%25ZONE, as in "
                              "[fe80::1%%25eth0]");
        memcpy(out->host, h, at + 1);
        memcpy(out->host + at + 1, pct + 3, hl - at - 3);
        n = hl - 2;
        out->host[n] = '\0';
    } else {
        memcpy(out->host, h, hl);
        out->host[hl] = '\0';
    }
    if (nb_ip6_parse(out->host, n, (flags & (NB_HP_ZONE | NB_HP_ZONE_URL)) != 0, &out->addr, e) < 0)
        return -1;
    out->kind = NB_HOST_IP6;
    return 0;
}

/* A host name: letters, digits, '-', '.' and '_' (the length is checked before). */
static int host_name(const char *s, size_t len, const char *h, size_t hl, struct nb_hostport *out,
                     struct nb_err *e)
{
    char q[SUBJECT_BUF];

    for (size_t i = 0; i < hl; i++) {
        unsigned char c = (unsigned char)h[i];
        if (zone_char(c))
            continue;
        if (!e)
            return -1;
        if (c == '%')
            return nb_err_set(e, NB_E_INVALID,
                              "'%s' has '%%' in the host: percent-encoding is not allowed in a "
                              "host name",
                              subject(s, len, q));
        if (c >= 0x80)
            return nb_err_set(e, NB_E_INVALID,
                              "'%s' has a non-ASCII byte in the host: write an international "
                              "name in its xn-- form",
                              subject(s, len, q));
        return nb_err_set(e, NB_E_INVALID,
                          "'%s' has byte 0x%02x in the host: a host name is letters, digits, "
                          "'-', '.' and '_'",
                          subject(s, len, q), c);
    }
    memcpy(out->host, h, hl);
    out->host[hl] = '\0';
    out->kind = NB_HOST_NAME;
    return 0;
}

static int judge_host(const char *s, size_t len, unsigned flags, struct nb_hostport *out,
                      struct nb_err *e)
{
    const struct nb_hostport_parts *p = &out->parts;
    const char *h = s + p->host_at;
    size_t hl = p->host_len;
    char q[SUBJECT_BUF];
    int ip4;

    if (hl == 0) {
        if (!e)
            return -1;
        if (p->bracketed)
            return nb_err_set(e, NB_E_INVALID,
                              "'%s' has nothing between '[' and ']': write an IPv6 address, as in "
                              "[::1]:80",
                              subject(s, len, q));
        return nb_err_set(e, NB_E_INVALID, "'%s' has no host before '%c': write %s",
                          subject(s, len, q), s[p->port_at - 1], form(flags));
    }
    if (hl >= NB_HOST_TEXT_MAX)
        return nb_err_set(e, NB_E_INVALID, "the host is %zu bytes, but a host is at most %d", hl,
                          NB_HOST_TEXT_MAX - 1);
    if (p->bracketed && !memchr(h, ':', hl))
        return e ? nb_err_set(e, NB_E_INVALID,
                              "'%s' has brackets around something that is not IPv6: brackets "
                              "are for IPv6 only, as in [::1]:80",
                              subject(s, len, q))
                 : -1;
    if (p->bracketed || memchr(h, ':', hl))
        return host_ip6(h, hl, flags, out, e);
    ip4 = looks_ip4(h, hl);
    if (!ip4 && (flags & NB_HP_NAMES))
        return host_name(s, len, h, hl, out, e);
    if (!ip4 && name_bytes(h, hl))
        return e ? nb_err_set(e, NB_E_INVALID,
                              "'%s' is a name, but only an IP address is accepted here (no name "
                              "is looked up): %s",
                              subject(h, hl, q), IP4_RULE)
                 : -1;
    if (nb_ip4_parse(h, hl, &out->addr, e) < 0)
        return -1;
    memcpy(out->host, h, hl);
    out->host[hl] = '\0';
    out->kind = NB_HOST_IP4;
    return 0;
}

int nb_hostport_parse(const char *s, size_t len, unsigned flags, uint16_t dflt,
                      struct nb_hostport *out, struct nb_err *e)
{
    struct nb_hostport_parts *p = &out->parts;
    char q[SUBJECT_BUF];
    uint64_t v;

    out->kind = NB_HOST_NONE;
    out->host[0] = '\0';
    out->port = dflt;
    out->port_given = 0;
    if ((flags & NB_HP_PORT_ALONE) && all_digits(s, len)) {
        memset(p, 0, sizeof *p);
        p->has_port = 1;
        p->port_len = len;
    } else {
        if (nb_hostport_split(s, len, flags, p, e) < 0)
            return -1;
        if (p->has_port && !(flags & PORT_FLAGS))
            return e ? nb_err_set(e, NB_E_INVALID, "'%s' has a port, but only %s goes here",
                                  subject(s, len, q), form(flags))
                     : -1;
        if (!p->has_port && (flags & NB_HP_PORT_REQUIRED))
            return e ? nb_err_set(e, NB_E_INVALID,
                                  "'%s' has no ':PORT', but a port is needed here: write %s",
                                  subject(s, len, q), form(flags))
                     : -1;
        if (judge_host(s, len, flags, out, e) < 0)
            return -1;
    }
    if (!p->has_port || (p->port_len == 0 && (flags & NB_HP_PORT_EMPTY)))
        return 0;
    if (nb_parse_uint_n(s + p->port_at, p->port_len, (flags & NB_HP_PORT_ZERO) ? 0 : 1, 65535,
                        "port", &v, e) < 0)
        return -1;
    out->port = (uint16_t)v;
    out->port_given = 1;
    return 0;
}

int nb_endpoint_parse(const char *s, size_t len, struct nb_endpoint *out, struct nb_err *e)
{
    struct nb_hostport hp;

    if (nb_hostport_parse(s, len, NB_HP_ENDPOINT, 0, &hp, e) < 0)
        return -1;
    out->addr = hp.addr;
    out->port = hp.port;
    return 0;
}

int nb_cidr_parse(const char *s, size_t len, struct nb_cidr *out, struct nb_err *e)
{
    const char *slash = memchr(s, '/', len);
    size_t alen;
    uint64_t prefix;

    if (!slash)
        return nb_err_set(e, NB_E_INVALID,
                          "no '/PREFIX': a CIDR block is ADDR/PREFIX, as in 10.0.0.0/8");
    alen = (size_t)(slash - s);
    if (memchr(s, ':', alen)) {
        if (nb_ip6_parse(s, alen, 0, &out->addr, e) < 0)
            return -1;
    } else if (nb_ip4_parse(s, alen, &out->addr, e) < 0) {
        return -1;
    }
    if (nb_parse_uint_n(slash + 1, len - alen - 1, 0, out->addr.family == 4 ? 32 : 128, "prefix",
                        &prefix, e) < 0)
        return -1;
    out->prefix = (unsigned)prefix;
    return 0;
}

char *nb_addr_format(const struct nb_addr *a, char *buf, size_t n)
{
    size_t o = 0;
    int best = -1, bestlen = 0, k;

    if (n == 0)
        return buf;
    if (a->family == 4) {
        snprintf(buf, n, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
        return buf;
    }
    for (k = 0; k < 8;) {
        int run = 0;
        while (k + run < 8 && a->b[2 * (k + run)] == 0 && a->b[2 * (k + run) + 1] == 0)
            run++;
        if (run > bestlen) {
            best = k;
            bestlen = run;
        }
        k += run ? run : 1;
    }
    if (bestlen < 2)
        best = -1;
    buf[0] = '\0';
    if (best == 0 && bestlen == 5 && a->b[10] == 0xff && a->b[11] == 0xff) {
        snprintf(buf, n, "::ffff:%u.%u.%u.%u", a->b[12], a->b[13], a->b[14], a->b[15]);
        o = strlen(buf);
    } else {
        for (k = 0; k < 8 && o < n; k++) {
            if (k == best) {
                o += (size_t)snprintf(buf + o, n - o, k == 0 ? "::" : ":");
                k += bestlen - 1;
                continue;
            }
            o += (size_t)snprintf(buf + o, n - o, "%x%s", a->b[2 * k] << 8 | a->b[2 * k + 1],
                                  k < 7 ? ":" : "");
        }
    }
    if (a->zone[0] && o < n)
        snprintf(buf + o, n - o, "%%%s", a->zone);
    return buf;
}

void nb_addr_netmask(int family, unsigned prefix, struct nb_addr *out)
{
    unsigned bytes = family == 4 ? 4 : 16;

    memset(out, 0, sizeof *out);
    out->family = family;
    for (unsigned i = 0; i < bytes; i++) {
        unsigned bits = prefix > 8 * i ? prefix - 8 * i : 0;
        out->b[i] = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
    }
}

void nb_addr_mask(const struct nb_addr *a, unsigned prefix, struct nb_addr *out)
{
    struct nb_addr m;

    nb_addr_netmask(a->family, prefix, &m);
    *out = *a;
    for (int i = 0; i < 16; i++)
        out->b[i] = a->b[i] & m.b[i];
}

void nb_addr_fill(const struct nb_addr *a, unsigned prefix, struct nb_addr *out)
{
    struct nb_addr m;
    int bytes = a->family == 4 ? 4 : 16;

    nb_addr_netmask(a->family, prefix, &m);
    *out = *a;
    for (int i = 0; i < bytes; i++)
        out->b[i] = (uint8_t)(a->b[i] | (uint8_t)~m.b[i]);
}

struct kind_entry {
    int family;
    uint8_t net[16];
    unsigned prefix;
    struct nb_addr_kind kind;
};

#define V4(a, b, c, d)                                                                             \
    {                                                                                              \
        a, b, c, d                                                                                 \
    }
#define NO  NB_REACH_NO
#define YES NB_REACH_YES
#define NA  NB_REACH_NA
/* The IANA IPv4 and IPv6 Special-Purpose Address Registries, entry by entry, each with its
 * "Globally Reachable" flag (NA where the registry says N/A or gives none), from
 * https://www.iana.org/assignments/iana-ipv4-special-registry/ and
 * https://www.iana.org/assignments/iana-ipv6-special-registry/ as read in May 2026 (the IPv6
 * registry last updated 2025-10-09), cross-checked with Python's ipaddress _private_networks.
 * Three rows are not in those registries and say so: the multicast blocks 224.0.0.0/4,
 * 233.252.0.0/24 (IANA's multicast registry) and ff00::/8 (RFC 4291). The most specific
 * entry wins: 192.0.0.9/32 is globally reachable inside 192.0.0.0/24, which is not. The only
 * copy of this table; tests/unit/test_addr.c checks every row against its own reading. */
static const struct kind_entry KINDS[] = {
    {4,
     V4(0, 0, 0, 0),
     8,
     {"this-network", "0.0.0.0/8", "RFC 791",
      "'this network': only a source while a host has no address yet, never a destination", NO}},
    {4,
     V4(0, 0, 0, 0),
     32,
     {"unspecified", "0.0.0.0/32", "RFC 1122", "'every IP' when a server listens on it", NO}},
    {4,
     V4(10, 0, 0, 0),
     8,
     {"private", "10.0.0.0/8", "RFC 1918",
      "used inside one network and never routed on the internet", NO}},
    {4,
     V4(100, 64, 0, 0),
     10,
     {"shared", "100.64.0.0/10", "RFC 6598", "a provider's carrier-grade NAT (CGNAT)", NO}},
    {4,
     V4(127, 0, 0, 0),
     8,
     {"loopback", "127.0.0.0/8", "RFC 1122",
      "this machine talking to itself; it never leaves the machine", NO}},
    {4,
     V4(169, 254, 0, 0),
     16,
     {"link-local", "169.254.0.0/16", "RFC 3927",
      "self-assigned when no DHCP answers, valid on one link only", NO}},
    {4,
     V4(172, 16, 0, 0),
     12,
     {"private", "172.16.0.0/12", "RFC 1918",
      "used inside one network and never routed on the internet", NO}},
    {4,
     V4(192, 0, 0, 0),
     24,
     {"protocol-assignment", "192.0.0.0/24", "RFC 6890", "reserved for IETF protocol assignments",
      NO}},
    {4,
     V4(192, 0, 0, 0),
     29,
     {"service-continuity", "192.0.0.0/29", "RFC 7335",
      "IPv4 Service Continuity Prefix: the two ends of a DS-Lite tunnel", NO}},
    {4,
     V4(192, 0, 0, 8),
     32,
     {"dummy", "192.0.0.8/32", "RFC 7600",
      "the IPv4 dummy address: a source for a host that has no IPv4 address", NO}},
    {4,
     V4(192, 0, 0, 9),
     32,
     {"anycast", "192.0.0.9/32", "RFC 7723",
      "Port Control Protocol anycast: the nearest PCP server", YES}},
    {4,
     V4(192, 0, 0, 10),
     32,
     {"anycast", "192.0.0.10/32", "RFC 8155",
      "Traversal Using Relays around NAT anycast: the nearest TURN server", YES}},
    {4,
     V4(192, 0, 0, 170),
     32,
     {"nat64-discovery", "192.0.0.170/32", "RFC 7050",
      "NAT64/DNS64 discovery: what ipv4only.arpa resolves to", NO}},
    {4,
     V4(192, 0, 0, 171),
     32,
     {"nat64-discovery", "192.0.0.171/32", "RFC 7050",
      "NAT64/DNS64 discovery: what ipv4only.arpa resolves to", NO}},
    {4,
     V4(192, 0, 2, 0),
     24,
     {"documentation", "192.0.2.0/24", "RFC 5737",
      "TEST-NET-1: for examples only, never on a real network", NO}},
    {4,
     V4(192, 31, 196, 0),
     24,
     {"as112", "192.31.196.0/24", "RFC 7535",
      "AS112-v4: anycast name servers that absorb reverse lookups of private addresses", YES}},
    {4,
     V4(192, 52, 193, 0),
     24,
     {"amt", "192.52.193.0/24", "RFC 7450",
      "Automatic Multicast Tunneling: relays that carry multicast over unicast", YES}},
    {4,
     V4(192, 88, 99, 0),
     24,
     {"reserved", "192.88.99.0/24", "RFC 7526",
      "formerly the 6to4 relay anycast block, now deprecated", NA}},
    {4,
     V4(192, 88, 99, 2),
     32,
     {"6a44-relay", "192.88.99.2/32", "RFC 6751",
      "the 6a44 relay anycast address, an IPv6-over-IPv4 transition scheme", NO}},
    {4,
     V4(192, 168, 0, 0),
     16,
     {"private", "192.168.0.0/16", "RFC 1918",
      "used inside one network and never routed on the internet", NO}},
    {4,
     V4(192, 175, 48, 0),
     24,
     {"as112", "192.175.48.0/24", "RFC 7534",
      "Direct Delegation AS112 Service: anycast name servers for delegated junk zones", YES}},
    {4,
     V4(198, 18, 0, 0),
     15,
     {"benchmarking", "198.18.0.0/15", "RFC 2544",
      "for testing network devices, never on a real network", NO}},
    {4,
     V4(198, 51, 100, 0),
     24,
     {"documentation", "198.51.100.0/24", "RFC 5737",
      "TEST-NET-2: for examples only, never on a real network", NO}},
    {4,
     V4(203, 0, 113, 0),
     24,
     {"documentation", "203.0.113.0/24", "RFC 5737",
      "TEST-NET-3: for examples only, never on a real network", NO}},
    {4,
     V4(224, 0, 0, 0),
     4,
     {"multicast", "224.0.0.0/4", "RFC 5771",
      "one sender, every receiver that joined the group (not in the special-purpose registry)",
      NA}},
    {4,
     V4(233, 252, 0, 0),
     24,
     {"documentation", "233.252.0.0/24", "RFC 5771",
      "MCAST-TEST-NET: multicast for examples only (not in the special-purpose registry)", NA}},
    {4,
     V4(240, 0, 0, 0),
     4,
     {"reserved", "240.0.0.0/4", "RFC 1112", "not routed, most systems refuse it", NO}},
    {4,
     V4(255, 255, 255, 255),
     32,
     {"limited-broadcast", "255.255.255.255/32", "RFC 919",
      "every host on this link, never forwarded by a router", NO}},
    {6,
     {0},
     128,
     {"unspecified", "::/128", "RFC 4291", "'every IP' when a server listens on it", NO}},
    {6,
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
     128,
     {"loopback", "::1/128", "RFC 4291",
      "this machine talking to itself; it never leaves the machine", NO}},
    {6,
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff},
     96,
     {"ipv4-mapped", "::ffff:0:0/96", "RFC 4291",
      "an IPv4 address written as IPv6, as dual-stack sockets show IPv4 peers", NO}},
    {6,
     {0, 0x64, 0xff, 0x9b},
     96,
     {"translation", "64:ff9b::/96", "RFC 6052",
      "IPv4/IPv6 translation (NAT64): an IPv4 address in the last 32 bits", YES}},
    {6,
     {0, 0x64, 0xff, 0x9b, 0, 1},
     48,
     {"translation", "64:ff9b:1::/48", "RFC 8215", "local-use IPv4/IPv6 translation", NO}},
    {6,
     {0x01, 0x00},
     64,
     {"discard", "100::/64", "RFC 6666", "whatever is sent here is dropped", NO}},
    {6,
     {0x01, 0x00, 0, 0, 0, 0, 0, 0x01},
     64,
     {"dummy", "100:0:0:1::/64", "RFC 9780",
      "the dummy IPv6 prefix: a placeholder that is never routed", NO}},
    {6,
     {0x20, 0x01},
     23,
     {"protocol-assignment", "2001::/23", "RFC 2928", "reserved for IETF protocol assignments",
      NO}},
    {6, {0x20, 0x01}, 32, {"teredo", "2001::/32", "RFC 4380", "IPv6 tunnelled over IPv4 UDP", NA}},
    {6,
     {0x20, 0x01, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01},
     128,
     {"anycast", "2001:1::1/128", "RFC 7723",
      "Port Control Protocol anycast: the nearest PCP server", YES}},
    {6,
     {0x20, 0x01, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02},
     128,
     {"anycast", "2001:1::2/128", "RFC 8155",
      "Traversal Using Relays around NAT anycast: the nearest TURN server", YES}},
    {6,
     {0x20, 0x01, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03},
     128,
     {"anycast", "2001:1::3/128", "RFC 9665", "DNS-SD Service Registration Protocol anycast", YES}},
    {6,
     {0x20, 0x01, 0, 0x02},
     48,
     {"benchmarking", "2001:2::/48", "RFC 5180",
      "for testing network devices, never on a real network", NO}},
    {6,
     {0x20, 0x01, 0, 0x03},
     32,
     {"amt", "2001:3::/32", "RFC 7450",
      "Automatic Multicast Tunneling: relays that carry multicast over unicast", YES}},
    {6,
     {0x20, 0x01, 0, 0x04, 0x01, 0x12},
     48,
     {"as112", "2001:4:112::/48", "RFC 7535",
      "AS112-v6: anycast name servers that absorb reverse lookups of private addresses", YES}},
    {6,
     {0x20, 0x01, 0, 0x10},
     28,
     {"reserved", "2001:10::/28", "RFC 4843", "formerly ORCHID, now deprecated", NA}},
    {6,
     {0x20, 0x01, 0, 0x20},
     28,
     {"orchid", "2001:20::/28", "RFC 7343",
      "ORCHIDv2: identifiers made from a cryptographic hash, not locations", YES}},
    {6,
     {0x20, 0x01, 0, 0x30},
     28,
     {"drone-id", "2001:30::/28", "RFC 9374", "Drone Remote ID Protocol Entity Tags (DETs)", YES}},
    {6,
     {0x20, 0x01, 0x0d, 0xb8},
     32,
     {"documentation", "2001:db8::/32", "RFC 3849", "for examples only, never on a real network",
      NO}},
    {6,
     {0x20, 0x02},
     16,
     {"6to4", "2002::/16", "RFC 3056",
      "an IPv4 address inside an IPv6 prefix, an old transition scheme", NA}},
    {6,
     {0x26, 0x20, 0, 0x4f, 0x80, 0},
     48,
     {"as112", "2620:4f:8000::/48", "RFC 7534",
      "Direct Delegation AS112 Service: anycast name servers for delegated junk zones", YES}},
    {6,
     {0x3f, 0xff},
     20,
     {"documentation", "3fff::/20", "RFC 9637", "for examples only, never on a real network", NO}},
    {6,
     {0x5f, 0x00},
     16,
     {"srv6", "5f00::/16", "RFC 9602",
      "Segment Routing (SRv6) SIDs: used inside one operator's network", NO}},
    {6,
     {0xfc},
     7,
     {"private", "fc00::/7", "RFC 4193",
      "unique local (ULA): IPv6's private addresses, never routed on the internet", NO}},
    {6,
     {0xfe, 0x80},
     10,
     {"link-local", "fe80::/10", "RFC 4291",
      "valid on one link only; it needs a zone such as %eth0 to be used", NO}},
    {6,
     {0xff},
     8,
     {"multicast", "ff00::/8", "RFC 4291",
      "one sender, every receiver that joined the group (not in the special-purpose registry)",
      NA}},
};
#undef NO
#undef YES
#undef NA

static const struct nb_addr_kind GLOBAL = {
    "global", "", "", "an ordinary public address, in no special-purpose block", NB_REACH_YES};

const struct nb_addr_kind *nb_addr_kind_at(size_t i)
{
    return i < sizeof KINDS / sizeof KINDS[0] ? &KINDS[i].kind : NULL;
}

static int in_block(const struct nb_addr *a, const uint8_t *net, unsigned prefix)
{
    unsigned i;

    for (i = 0; i < prefix / 8; i++)
        if (a->b[i] != net[i])
            return 0;
    if (prefix % 8) {
        uint8_t m = (uint8_t)(0xff00 >> (prefix % 8));
        if ((a->b[i] & m) != (net[i] & m))
            return 0;
    }
    return 1;
}

const struct nb_addr_kind *nb_addr_kind_of(const struct nb_addr *a)
{
    const struct kind_entry *best = NULL;

    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++) {
        const struct kind_entry *k = &KINDS[i];
        if (k->family == a->family && in_block(a, k->net, k->prefix) &&
            (!best || k->prefix > best->prefix))
            best = k;
    }
    return best ? &best->kind : &GLOBAL;
}

const struct nb_addr_kind *nb_cidr_kind_of(const struct nb_cidr *c)
{
    const struct kind_entry *best = NULL;

    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++) {
        const struct kind_entry *k = &KINDS[i];
        if (k->family != c->addr.family)
            continue;
        if (k->prefix <= c->prefix && in_block(&c->addr, k->net, k->prefix)) {
            if (!best || k->prefix > best->prefix)
                best = k; /* the block lies inside this one */
        } else if (k->prefix > c->prefix) {
            struct nb_addr net;
            memset(&net, 0, sizeof net);
            memcpy(net.b, k->net, sizeof net.b);
            if (in_block(&net, c->addr.b, c->prefix))
                return NULL; /* a special block lies inside ours: several kinds */
        }
    }
    return best ? &best->kind : &GLOBAL;
}

int nb_cidr_hosts(const struct nb_cidr *c, struct nb_addr *first, struct nb_addr *last)
{
    unsigned hostbits = (c->addr.family == 4 ? 32u : 128u) - c->prefix;
    int lsb = c->addr.family == 4 ? 3 : 15; /* the byte of the lowest bit */

    nb_addr_mask(&c->addr, c->prefix, first);
    nb_addr_fill(&c->addr, c->prefix, last);
    if (hostbits < 2)
        return 0; /* /31 and /127 are point-to-point links (RFC 3021, RFC 6164); /32, /128 one */
    first->b[lsb] |= 1; /* the network address (IPv4), the Subnet-Router anycast (IPv6) */
    if (c->addr.family == 6)
        return 1;
    last->b[lsb] &= (uint8_t)~1u; /* the broadcast address */
    return 2;
}
