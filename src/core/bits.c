/* bits.c - octets in binary, place values, reverse input and the octet quiz. */
#include <netbasics/bits.h>
#include <netbasics/num.h>

#include <stdio.h>
#include <string.h>

char *nb_octet_binary(uint8_t v, char out[9])
{
    for (int i = 0; i < 8; i++)
        out[i] = (char)('0' + ((v >> (7 - i)) & 1));
    out[8] = '\0';
    return out;
}

char *nb_octet_sum(uint8_t v, char *buf, size_t n)
{
    size_t o = 0;

    buf[0] = '\0';
    if (v == 0) {
        snprintf(buf, n, "0");
        return buf;
    }
    for (int bit = 7; bit >= 0; bit--)
        if ((v >> bit & 1) && o < n)
            o += (size_t)snprintf(buf + o, n - o, "%s%d", o ? "+" : "", 1 << bit);
    return buf;
}

char *nb_addr_binary(const struct nb_addr *a, int prefix, const char *mark, char *buf, size_t n)
{
    int bits = a->family == 4 ? 32 : 128, group = a->family == 4 ? 8 : 16;
    size_t o = 0, mlen = strlen(mark);

    for (int i = 0; i < bits && o + mlen + 3 < n; i++) {
        if (i == prefix && prefix > 0 && prefix < bits) {
            memcpy(buf + o, mark, mlen); /* the mark stands in for a group separator */
            o += mlen;
        } else if (i > 0 && i % group == 0) {
            buf[o++] = a->family == 4 ? '.' : ':';
        }
        buf[o++] = (char)('0' + ((a->b[i / 8] >> (7 - i % 8)) & 1));
    }
    buf[o] = '\0';
    return buf;
}

static int all_of(const char *s, size_t len, const char *set)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(set, s[i]) || s[i] == '\0')
            return 0;
    return len > 0;
}

int nb_reverse_parse(const char *s, size_t len, struct nb_addr *out, enum nb_reverse_form *form,
                     struct nb_err *e)
{
    uint64_t v = 0;

    if (len == 35 && s[8] == '.' && s[17] == '.' && s[26] == '.' && all_of(s, 8, "01") &&
        all_of(s + 9, 8, "01") && all_of(s + 18, 8, "01") && all_of(s + 27, 8, "01")) {
        for (size_t i = 0; i < len; i += 9) {
            uint64_t octet;
            nb_scan_uint(s + i, 8, 2, 8, &octet);
            v = v << 8 | octet;
        }
        *form = NB_REV_BINARY;
    } else if (len == 32 && all_of(s, len, "01")) {
        nb_scan_uint(s, len, 2, len, &v);
        *form = NB_REV_BINARY;
    } else if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
               all_of(s + 2, len - 2, "0123456789abcdefABCDEF")) {
        if (len - 2 > 8)
            return nb_err_set(
                e, NB_E_INVALID,
                "%zu hex digits is more than 32 bits: an IPv4 address is 8 hex digits "
                "at most",
                len - 2);
        nb_scan_uint(s + 2, len - 2, 16, len - 2, &v);
        *form = NB_REV_HEX;
    } else if (all_of(s, len, "0123456789")) {
        if (nb_parse_uint_n(s, len, 0, 0xffffffffu, "32-bit integer", &v, e) < 0)
            return -1;
        *form = NB_REV_INTEGER;
    } else {
        return 0;
    }
    nb_ip4_from_u32((uint32_t)v, out);
    return 1;
}

void nb_explain_octet(const struct nb_explain *x, int index, uint8_t v)
{
    char bin[9], sum[64];
    unsigned q = v;

    if (!nb_explaining(x))
        return;
    nb_explainf(x, "octet %d: %u to binary by dividing by 2 and keeping the remainders", index,
                (unsigned)v);
    if (q == 0)
        nb_explainf(x, "  0 / 2 = 0 remainder 0");
    while (q > 0) {
        nb_explainf(x, "  %3u / 2 = %3u remainder %u", q, q / 2, q % 2);
        q /= 2;
    }
    nb_octet_binary(v, bin);
    nb_explainf(x,
                "  the remainders read from the last to the first are %s; padded to 8 digits: "
                "%s",
                bin + (v ? __builtin_clz(v) - 24 : 7), bin);
    nb_explainf(x, "  check with the place values 128 64 32 16 8 4 2 1: %s = %s = %u", bin,
                nb_octet_sum(v, sum, sizeof sum), (unsigned)v);
}

void nb_rng_seed(struct nb_rng *r, uint64_t seed)
{
    r->s = seed;
}

uint64_t nb_rng_next(struct nb_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t nb_rng_below(struct nb_rng *r, uint32_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, v;

    do
        v = nb_rng_next(r);
    while (v >= limit);
    return (uint32_t)(v % n);
}

void nb_quiz_make(struct nb_rng *r, int i, struct nb_quiz_q *q)
{
    char bin[9], sum[64];

    memset(q, 0, sizeof *q);
    q->kind = i == 0 ? 0 : 1 + (i - 1) % 3;
    switch (q->kind) {
    case 0:
        q->value = 255;
        snprintf(q->prompt, sizeof q->prompt, "What is the biggest number that fits in an octet?");
        snprintf(q->answer, sizeof q->answer, "255");
        snprintf(q->why, sizeof q->why,
                 "an octet is 8 bits; 11111111 = 128+64+32+16+8+4+2+1 = 255 (2^8 - 1)");
        break;
    case 1:
        q->value = nb_rng_below(r, 256);
        nb_octet_binary((uint8_t)q->value, bin);
        snprintf(q->prompt, sizeof q->prompt, "What is %u in binary (8 digits)?", q->value);
        snprintf(q->answer, sizeof q->answer, "%s", bin);
        snprintf(q->why, sizeof q->why, "%u = %s, so the bits are %s", q->value,
                 nb_octet_sum((uint8_t)q->value, sum, sizeof sum), bin);
        break;
    case 2:
        q->value = nb_rng_below(r, 256);
        nb_octet_binary((uint8_t)q->value, bin);
        snprintf(q->prompt, sizeof q->prompt, "What is %s in decimal?", bin);
        snprintf(q->answer, sizeof q->answer, "%u", q->value);
        snprintf(q->why, sizeof q->why, "the 1 bits are worth %s = %u",
                 nb_octet_sum((uint8_t)q->value, sum, sizeof sum), q->value);
        break;
    default: {
        uint32_t v = (uint32_t)nb_rng_next(r);
        q->value = v;
        snprintf(q->prompt, sizeof q->prompt, "What is %u.%u.%u.%u as one 32-bit number?", v >> 24,
                 v >> 16 & 255, v >> 8 & 255, v & 255);
        snprintf(q->answer, sizeof q->answer, "%u", v);
        /* the place-value working, one octet at a time, then the sum */
        snprintf(q->why, sizeof q->why,
                 "each octet times its place value: %u*16777216 = %u, %u*65536 = %u, "
                 "%u*256 = %u, %u*1 = %u; and %u + %u + %u + %u = %u",
                 v >> 24, (v >> 24) << 24, v >> 16 & 255, (v >> 16 & 255) << 16, v >> 8 & 255,
                 (v >> 8 & 255) << 8, v & 255, v & 255, (v >> 24) << 24, (v >> 16 & 255) << 16,
                 (v >> 8 & 255) << 8, v & 255, v);
        break;
    }
    }
}

/* Reads answer as a number: decimal, or 0x hex, or 0b binary. -1 if none. */
static int64_t read_number(const char *s, size_t len, int binary_default)
{
    char digits[40];
    size_t n = 0;
    uint64_t v;
    unsigned base = binary_default ? 2 : 10;

    if (len > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        s += 2;
        len -= 2;
    } else if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !binary_default) {
        base = 16;
        s += 2;
        len -= 2;
    }
    if (len == 0 || len > sizeof digits)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '_' && s[i] != ' ') /* 1011 1001 is easier to type */
            digits[n++] = s[i];
    if (n == 0 || nb_scan_uint(digits, n, base, n, &v) != n || v > 0xffffffffull)
        return -1;
    return (int64_t)v;
}

int nb_netmask_prefix(const struct nb_addr *mask, unsigned *prefix, struct nb_err *e)
{
    unsigned width = mask->family == 4 ? 32 : 128, ones = 0;

    while (ones < width && (mask->b[ones / 8] >> (7 - ones % 8) & 1))
        ones++;
    for (unsigned i = ones + 1; i < width; i++)
        if (mask->b[i / 8] >> (7 - i % 8) & 1)
            return nb_err_set(e, NB_E_INVALID,
                              "not a netmask: bit %u (in octet %u) is 1 after bit %u is 0, but a "
                              "netmask is all its 1 bits, then all its 0 bits",
                              i + 1, i / 8 + 1, ones + 1);
    *prefix = ones;
    return 0;
}

int nb_quiz_check(const struct nb_quiz_q *q, const char *answer, size_t len)
{
    while (len > 0 && (answer[0] == ' ' || answer[0] == '\t')) {
        answer++;
        len--;
    }
    while (len > 0 &&
           (answer[len - 1] == ' ' || answer[len - 1] == '\t' || answer[len - 1] == '\r'))
        len--;
    return read_number(answer, len, q->kind == 1) == (int64_t)q->value;
}
