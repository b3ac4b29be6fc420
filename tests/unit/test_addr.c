/* test_addr.c - addresses, endpoints, CIDR, RFC 5952 text and special-purpose kinds, checked
 * against tables and differentially against glibc's inet_pton, inet_aton and inet_ntop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include <netbasics/addr.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small helpers ---------------------------------------------------------------------- */

/* A deterministic xorshift generator so the generated cases are the same on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* Appends src to dst (of size DIFF_MAX) if it fits. */
#define DIFF_MAX 96
static void cat(char *dst, const char *src)
{
    size_t n = strlen(dst), m = strlen(src);

    if (n + m < DIFF_MAX) {
        memcpy(dst + n, src, m + 1);
    }
}

/* glibc's reading of s as IPv6: 1 and the bytes, or 0 when inet_pton refuses it. */
static int pton6(const char *s, uint8_t out[16])
{
    struct in6_addr a;

    if (inet_pton(AF_INET6, s, &a) != 1)
        return 0;
    memcpy(out, &a, 16);
    return 1;
}

static const char *fmt(const struct nb_addr *a, char *buf)
{
    return nb_addr_format(a, buf, NB_ADDR_TEXT_MAX);
}

/* Whether msg contains every non-NULL word. */
static int has_words(const char *msg, const char *w1, const char *w2)
{
    return (!w1 || strstr(msg, w1)) && (!w2 || strstr(msg, w2));
}

/* A 10 KB string of digits and dots, refused before any parsing. */
static char *huge_input(const char *unit)
{
    size_t m = strlen(unit), n = 10240;
    char *s = malloc(n + 1);

    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = unit[i % m];
    s[n] = '\0';
    return s;
}

/* ---- strict IPv4 ------------------------------------------------------------------------ */

struct ip4_case {
    const char *s;
    size_t len; /* 0: strlen(s) */
    int ok;
    uint8_t b[4];
    const char *w1, *w2; /* words the message must contain when !ok */
};

static const struct ip4_case ip4_cases[] = {
    {"0.0.0.0", 0, 1, {0, 0, 0, 0}, NULL, NULL},
    {"255.255.255.255", 0, 1, {255, 255, 255, 255}, NULL, NULL},
    {"185.172.165.184", 0, 1, {185, 172, 165, 184}, NULL, NULL},
    {"127.0.0.1", 0, 1, {127, 0, 0, 1}, NULL, NULL},
    {"1.2.3.4", 0, 1, {1, 2, 3, 4}, NULL, NULL},
    {"10.0.0.100", 0, 1, {10, 0, 0, 100}, NULL, NULL},
    {"1.2.3.4:80", 7, 1, {1, 2, 3, 4}, NULL, NULL}, /* len stops before the port */
    {"256.1.1.1", 0, 0, {0}, "octet 1 is 256, but an octet holds 0 to 255", NULL},
    {"1.2.3.256", 0, 0, {0}, "octet 4 is 256", "0 to 255"},
    {"1.2.3.999", 0, 0, {0}, "octet 4", "0 to 255"},
    {"1.2.3.1000", 0, 0, {0}, "octet 4", NULL},
    {"1.2.3.12345", 0, 0, {0}, "octet 4", NULL},
    {"1.2.3", 0, 0, {0}, "4", NULL},
    {"127.1", 0, 0, {0}, "4", "127.0.0.1"},
    {"010.0.0.1", 0, 0, {0}, "octal", "8.0.0.1"},
    {"1.2.3.04", 0, 0, {0}, "leading zero", NULL},
    {"00.0.0.0", 0, 0, {0}, "leading zero", NULL},
    {"1.2.3.4 junk", 0, 0, {0}, "space", NULL},
    {"", 0, 0, {0}, "empty", NULL},
    {"\xd9\xa1.2.3.4", 0, 0, {0}, "ASCII", NULL},     /* Arabic-Indic 1 */
    {"1.2.3.\xef\xbc\x94", 0, 0, {0}, "ASCII", NULL}, /* fullwidth 4 */
    {"1..2.3", 0, 0, {0}, "empty", NULL},
    {".1.2.3", 0, 0, {0}, "empty", NULL},
    {"1.2.3.4.", 0, 0, {0}, NULL, NULL},
    {"1.2.3.4.5", 0, 0, {0}, "4", NULL},
    {"-1.2.3.4", 0, 0, {0}, "sign", NULL},
    {"+1.2.3.4", 0, 0, {0}, "sign", NULL},
    {"1.2.3.0x4", 0, 0, {0}, "'x'", NULL},
    {" 1.2.3.4", 0, 0, {0}, "space", NULL},
    {"1.2.3.4 ", 0, 0, {0}, "space", NULL},
    {"1.2.3.4\n", 0, 0, {0}, "control", NULL},
    {"1.2.3.4\0", 8, 0, {0}, "control", NULL}, /* a NUL inside the given length */
    {"1.2\0.3.4", 8, 0, {0}, NULL, NULL},
    {"1.2.3.4", 6, 0, {0}, NULL, NULL}, /* "1.2.3." */
    {"a.b.c.d", 0, 0, {0}, NULL, NULL},
    {"1,2,3,4", 0, 0, {0}, NULL, NULL},
    {"1.2.3.4/24", 0, 0, {0}, NULL, NULL},
    {"::1", 0, 0, {0}, NULL, NULL},
    {"4294967295", 0, 0, {0}, NULL, NULL},
};

static int check_ip4(size_t i, const struct ip4_case *c)
{
    size_t len = c->len ? c->len : strlen(c->s);
    struct nb_addr a;
    struct nb_err e;
    int rc;

    memset(&a, 0xaa, sizeof a);
    nb_err_clear(&e);
    rc = nb_ip4_parse(c->s, len, &a, &e);
    if (c->ok) {
        if (rc != 0 || a.family != 4 || memcmp(a.b, c->b, 4) != 0 || a.zone[0] != '\0') {
            print_error("ip4 case %zu '%s': rc %d msg '%s'\n", i, c->s, rc, e.msg);
            return 1;
        }
        /* NULL e is allowed and changes nothing */
        if (nb_ip4_parse(c->s, len, &a, NULL) != 0) {
            print_error("ip4 case %zu '%s': fails with e == NULL\n", i, c->s);
            return 1;
        }
        return 0;
    }
    if (rc != -1 || e.code != NB_E_INVALID || !has_words(e.msg, c->w1, c->w2) ||
        strchr(e.msg, '\n')) {
        print_error("ip4 case %zu '%.40s': rc %d msg '%s', want failure with '%s' '%s'\n", i, c->s,
                    rc, e.msg, c->w1 ? c->w1 : "", c->w2 ? c->w2 : "");
        return 1;
    }
    if (nb_ip4_parse(c->s, len, &a, NULL) != -1) {
        print_error("ip4 case %zu '%s': succeeds with e == NULL\n", i, c->s);
        return 1;
    }
    return 0;
}

static void test_ip4_table(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(ip4_cases); i++)
        nfail += check_ip4(i, &ip4_cases[i]);
    assert_int_equal(nfail, 0);
}

static void test_ip4_exact_message(void **state)
{
    struct nb_addr a;
    struct nb_err e;

    assert_int_equal(nb_ip4_parse("256.1.1.1", 9, &a, &e), -1);
    assert_string_equal(e.msg, "octet 1 is 256, but an octet holds 0 to 255");
    assert_int_equal(nb_ip4_parse("010.0.0.1", 9, &a, &e), -1);
    assert_string_equal(e.msg, "octet 1 is 010 with a leading zero: refused, because inet_aton "
                               "would read it as octal and give 8.0.0.1");
}

static void test_huge_inputs(void **state)
{
    char *v4 = huge_input("1.2.3.4."), *v6 = huge_input("1:2::");
    struct nb_addr a;
    struct nb_endpoint ep;
    struct nb_cidr c;
    struct nb_err e;

    assert_int_equal(nb_ip4_parse(v4, strlen(v4), &a, &e), -1);
    assert_non_null(strstr(e.msg, "too long"));
    assert_int_equal(nb_ip6_parse(v6, strlen(v6), 1, &a, &e), -1);
    assert_non_null(strstr(e.msg, "too long"));
    assert_int_equal(nb_addr_parse(v6, strlen(v6), &a, &e), -1);
    assert_int_equal(nb_addr_parse(v4, strlen(v4), &a, &e), -1);
    assert_int_equal(nb_endpoint_parse(v4, strlen(v4), &ep, &e), -1);
    assert_int_equal(nb_cidr_parse(v4, strlen(v4), &c, &e), -1);
    v4[10000] = '/';
    assert_int_equal(nb_cidr_parse(v4, strlen(v4), &c, &e), -1);
    assert_int_equal(nb_ip4_parse_lenient(v4, strlen(v4), &a, NULL, &e), -1);
    free(v4);
    free(v6);
}

/* ---- lenient IPv4 (inet_aton) ----------------------------------------------------------- */

#define QO NB_Q_OCTAL
#define QH NB_Q_HEX
#define QS NB_Q_SHORT
#define QT NB_Q_TRAILING

struct aton_case {
    const char *s;
    int ok;
    uint8_t b[4];
    unsigned quirks;
};

static const struct aton_case aton_cases[] = {
    {"1.2.3.4", 1, {1, 2, 3, 4}, 0},
    {"0.0.0.0", 1, {0, 0, 0, 0}, 0},
    {"255.255.255.255", 1, {255, 255, 255, 255}, 0},
    {"127.1", 1, {127, 0, 0, 1}, QS},
    {"0x7f.1", 1, {127, 0, 0, 1}, QH | QS},
    {"010.0.0.1", 1, {8, 0, 0, 1}, QO},
    {"0X7F.0.0.1", 1, {127, 0, 0, 1}, QH},
    {"4294967295", 1, {255, 255, 255, 255}, QS},
    {"0", 1, {0, 0, 0, 0}, QS},
    {"1.256", 1, {1, 0, 1, 0}, QS},
    {"1.2.65535", 1, {1, 2, 255, 255}, QS},
    {"1.16777215", 1, {1, 255, 255, 255}, QS},
    {"0xffffffff", 1, {255, 255, 255, 255}, QH | QS},
    {"00000000000000000010", 1, {0, 0, 0, 8}, QO | QS},
    {"017777777777", 1, {127, 255, 255, 255}, QO | QS},
    {"0x00000000000000000001", 1, {0, 0, 0, 1}, QH | QS},
    {"1.2.3.4 junk", 1, {1, 2, 3, 4}, QT},
    {"1.2.3.4\tx", 1, {1, 2, 3, 4}, QT},
    {"1.2.3.4\n", 1, {1, 2, 3, 4}, QT},
    {"1.2.3.4\v", 1, {1, 2, 3, 4}, QT},
    {"1.2.3.4 ", 1, {1, 2, 3, 4}, QT},
    {"1 2", 1, {0, 0, 0, 1}, QS | QT},
    {"010.0x10.1", 1, {8, 16, 0, 1}, QO | QH | QS},
    {"4294967296", 0, {0}, 0},
    {"18446744073709551615", 0, {0}, 0},
    {"18446744073709551616", 0, {0}, 0},
    {"99999999999999999999999999999", 0, {0}, 0},
    {"0x100000000", 0, {0}, 0},
    {"0x", 0, {0}, 0},
    {"0x.1.2.3", 0, {0}, 0},
    {"0xg", 0, {0}, 0},
    {"08", 0, {0}, 0},
    {"09.1.1.1", 0, {0}, 0},
    {"0.0.0.08", 0, {0}, 0},
    {"1.2.65536", 0, {0}, 0},
    {"1.16777216", 0, {0}, 0},
    {"1.2.3.256", 0, {0}, 0},
    {"256.1.1.1", 0, {0}, 0},
    {"0x100.1.1.1", 0, {0}, 0},
    {"1.2.3.4.5", 0, {0}, 0},
    {"1.2.3.4.", 0, {0}, 0},
    {"1.2.3.", 0, {0}, 0},
    {"1..2", 0, {0}, 0},
    {".", 0, {0}, 0},
    {"", 0, {0}, 0},
    {" 1.2.3.4", 0, {0}, 0},
    {"+1.2.3.4", 0, {0}, 0},
    {"1.+2.3.4", 0, {0}, 0},
    {"1. 2.3.4", 0, {0}, 0},
    {"1.2.3.-4", 0, {0}, 0},
    {"1.2.3.4x", 0, {0}, 0},
    {"0x0x1", 0, {0}, 0},
    {"1.0x", 0, {0}, 0},
    {"\xd9\xa1.2.3.4", 0, {0}, 0},
    {"1.2.3.4\xc2\xa0", 0, {0}, 0}, /* a no-break space is not a C space */
};

static unsigned ref_quirks(const char *s);

static void test_lenient_table(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(aton_cases); i++) {
        const struct aton_case *c = &aton_cases[i];
        struct nb_addr a;
        struct nb_err e;
        unsigned q = 0xdead;
        int rc;

        nb_err_clear(&e);
        rc = nb_ip4_parse_lenient(c->s, strlen(c->s), &a, &q, &e);
        if (c->ok && (rc != 0 || a.family != 4 || memcmp(a.b, c->b, 4) || q != c->quirks ||
                      q != ref_quirks(c->s))) {
            print_error("aton case %zu '%s': rc %d quirks %#x (want %#x) msg '%s'\n", i, c->s, rc,
                        q, c->quirks, e.msg);
            nfail++;
        }
        if (!c->ok && (rc != -1 || e.code != NB_E_INVALID || e.msg[0] == '\0')) {
            print_error("aton case %zu '%s': rc %d, want a refusal with a message\n", i, c->s, rc);
            nfail++;
        }
        /* quirks and e may both be NULL */
        if (nb_ip4_parse_lenient(c->s, strlen(c->s), &a, NULL, NULL) != (c->ok ? 0 : -1)) {
            print_error("aton case %zu '%s': differs with NULL quirks and e\n", i, c->s);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* The quirk bits the text itself shows (computed independently of the implementation):
 * TRAILING when a C space ends the address, SHORT for fewer than four parts, HEX for a
 * 0x part, OCTAL for a part of two or more digits that starts with 0. Only valid for
 * text inet_aton accepts. */
static unsigned ref_quirks(const char *s)
{
    size_t end = strcspn(s, " \t\n\v\f\r");
    unsigned q = end < strlen(s) ? NB_Q_TRAILING : 0;
    int parts = 1;

    for (size_t i = 0; i < end;) {
        size_t j = i;

        while (j < end && s[j] != '.')
            j++;
        if (j - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
            q |= NB_Q_HEX;
        else if (j - i >= 2 && s[i] == '0')
            q |= NB_Q_OCTAL;
        if (j < end)
            parts++;
        i = j + 1;
    }
    if (parts < 4)
        q |= NB_Q_SHORT;
    return q;
}

/* ---- differential: strict vs inet_pton, lenient vs inet_aton ---------------------------- */

struct diff_stats {
    long cases, pton_ok, aton_ok;
};

/* Checks one NUL-terminated string against glibc; returns the number of disagreements. */
static int diff_ip4(const char *s, struct diff_stats *st)
{
    struct in_addr ref;
    struct nb_addr a;
    unsigned q = 0;
    int nfail = 0;
    int want = inet_pton(AF_INET, s, &ref) == 1;
    int got = nb_ip4_parse(s, strlen(s), &a, NULL) == 0;

    st->cases++;
    if (want != got || (want && memcmp(a.b, &ref, 4) != 0)) {
        print_error("strict '%s': inet_pton %d, nb_ip4_parse %d\n", s, want, got);
        nfail++;
    }
    st->pton_ok += want;
    want = inet_aton(s, &ref) != 0;
    got = nb_ip4_parse_lenient(s, strlen(s), &a, &q, NULL) == 0;
    if (want != got || (want && memcmp(a.b, &ref, 4) != 0)) {
        print_error("lenient '%s': inet_aton %d (%08x), nb_ip4_parse_lenient %d (%u.%u.%u.%u)\n", s,
                    want, want ? (unsigned)ntohl(ref.s_addr) : 0u, got, a.b[0], a.b[1], a.b[2],
                    a.b[3]);
        nfail++;
    } else if (want && q != ref_quirks(s)) {
        print_error("lenient '%s': quirks %#x, want %#x\n", s, q, ref_quirks(s));
        nfail++;
    }
    st->aton_ok += want;
    return nfail;
}

/* clang-format off */
static const char *const ip4_parts[] = {
    "0", "1", "9", "00", "01", "010", "08", "09", "10", "99", "100", "127", "199", "255",
    "256", "999", "1000", "0x", "0x0", "0x7f", "0xff", "0X1F", "0x100", "0xg", "4294967295",
    "4294967296", "65535", "65536", "16777215", "16777216", "017777777777",
    "00000000000000000010", "", "-1", "+1", " 1", "a", "1a", "0x1g", "0377", "0400", "1e1",
};
static const char *const ip4_good[] = {"0", "1", "9", "10", "99", "100", "127", "199", "255"};
static const char *const ip4_tails[] = {"", "", "", "", " ", "\t", "x", " junk", "\n", ".",
                                        "\t1.2", ":80", "/8", "\xc2\xa0"};
/* clang-format on */

static void test_ip4_differential(void **state)
{
    struct diff_stats st = {0, 0, 0};
    int nfail = 0;
    char s[DIFF_MAX];

    for (size_t i = 0; i < N(ip4_cases); i++)
        if (ip4_cases[i].len == 0)
            nfail += diff_ip4(ip4_cases[i].s, &st);
    for (size_t i = 0; i < N(aton_cases); i++)
        nfail += diff_ip4(aton_cases[i].s, &st);
    for (int n = 0; n < 200000 && nfail < 20; n++) {
        int parts = rnd(2) ? 4 : 1 + (int)rnd(5);

        s[0] = '\0';
        for (int p = 0; p < parts; p++) {
            if (p)
                cat(s, rnd(50) ? "." : "..");
            if (rnd(6))
                cat(s, ip4_good[rnd(N(ip4_good))]); /* mostly plain octets */
            else
                cat(s, ip4_parts[rnd(N(ip4_parts))]);
        }
        if (rnd(2))
            cat(s, ip4_tails[rnd(N(ip4_tails))]);
        nfail += diff_ip4(s, &st);
    }
    print_message("ip4 differential: %ld cases, inet_pton accepted %ld, inet_aton %ld\n", st.cases,
                  st.pton_ok, st.aton_ok);
    /* the generator must reach both answers often enough to mean something */
    assert_true(st.pton_ok > 5000 && st.aton_ok > 20000);
    assert_int_equal(nfail, 0);
}

/* ---- IPv6 ------------------------------------------------------------------------------- */

struct ip6_case {
    const char *s;
    int allow_zone;
    int ok;
    const char *canon; /* nb_addr_format of the result when ok */
    const char *zone;
    const char *w1; /* a word of the message when !ok */
};

static const struct ip6_case ip6_cases[] = {
    {"::", 0, 1, "::", "", NULL},
    {"::1", 0, 1, "::1", "", NULL},
    {"1::", 0, 1, "1::", "", NULL},
    {"1:2:3:4:5:6:7:8", 0, 1, "1:2:3:4:5:6:7:8", "", NULL},
    {"1:2:3:4:5:6:7::", 0, 1, "1:2:3:4:5:6:7:0", "", NULL},
    {"::2:3:4:5:6:7:8", 0, 1, "0:2:3:4:5:6:7:8", "", NULL},
    {"::ffff:1.2.3.4", 0, 1, "::ffff:1.2.3.4", "", NULL},
    {"::FFFF:1.2.3.4", 0, 1, "::ffff:1.2.3.4", "", NULL},
    {"64:ff9b::192.0.2.1", 0, 1, "64:ff9b::c000:201", "", NULL},
    {"1:2:3:4:5:6:1.2.3.4", 0, 1, "1:2:3:4:5:6:102:304", "", NULL},
    {"2001:DB8::ABCD", 0, 1, "2001:db8::abcd", "", NULL},
    {"2001:0db8:0000:0000:0000:0000:0000:0001", 0, 1, "2001:db8::1", "", NULL},
    {"fe80::1%lo", 1, 1, "fe80::1%lo", "lo", NULL},
    {"fe80::1%eth0", 1, 1, "fe80::1%eth0", "eth0", NULL},
    {"fe80::1%enp0s31f6.100", 1, 1, "fe80::1%enp0s31f6.100", "enp0s31f6.100", NULL},
    {"fe80::1%a_b-c", 1, 1, "fe80::1%a_b-c", "a_b-c", NULL},
    {"fe80::1%123456789012345", 1, 1, "fe80::1%123456789012345", "123456789012345", NULL},
    {"fe80::1", 1, 1, "fe80::1", "", NULL},
    {"fe80::1%lo", 0, 0, NULL, NULL, "zone"},
    {"fe80::1%1234567890123456", 1, 0, NULL, NULL, "zone"},
    {"fe80::1%", 1, 0, NULL, NULL, "zone"},
    {"fe80::1%eth 0", 1, 0, NULL, NULL, "zone"},
    {"fe80::1%eth0%1", 1, 0, NULL, NULL, "zone"},
    {"fe80::1%eth/0", 1, 0, NULL, NULL, "zone"},
    {"fe80::1%\xc3\xa9", 1, 0, NULL, NULL, "zone"},
    {"%eth0", 1, 0, NULL, NULL, NULL},
    {":::", 0, 0, NULL, NULL, NULL},
    {"1:::2", 0, 0, NULL, NULL, NULL},
    {"1::2::3", 0, 0, NULL, NULL, "::"},
    {"12345::", 0, 0, NULL, NULL, "4 hex digits"},
    {"1:2:3:4:5:6:7:8:9", 0, 0, NULL, NULL, "8"},
    {"1:2:3:4:5:6:7", 0, 0, NULL, NULL, "8"},
    {"::ffff:1.2.3", 0, 0, NULL, NULL, NULL},
    {"::ffff:01.2.3.4", 0, 0, NULL, NULL, "leading zero"},
    {"::ffff:256.2.3.4", 0, 0, NULL, NULL, "0 to 255"},
    {"::1.2.3.4:1", 0, 0, NULL, NULL, NULL},
    {"1:2:3:4:5:6:7:1.2.3.4", 0, 0, NULL, NULL, NULL},
    {"1:2:3:4:5:6::1.2.3.4", 0, 0, NULL, NULL, NULL},
    {"g::", 0, 0, NULL, NULL, "'g'"},
    {"1:2:3:4:5:6:7:8::", 0, 0, NULL, NULL, NULL},
    {"::1:2:3:4:5:6:7:8", 0, 0, NULL, NULL, NULL},
    {"1:2:3:4::5:6:7:8", 0, 0, NULL, NULL, NULL},
    {"1:2:3:4:5:6:7:", 0, 0, NULL, NULL, "':'"},
    {"1:", 0, 0, NULL, NULL, "':'"},
    {":1::", 0, 0, NULL, NULL, "':'"},
    {":1:2:3:4:5:6:7:8", 0, 0, NULL, NULL, "':'"},
    {":", 0, 0, NULL, NULL, NULL},
    {"", 0, 0, NULL, NULL, "empty"},
    {" ::1", 0, 0, NULL, NULL, "space"},
    {"::1 ", 0, 0, NULL, NULL, "space"},
    {"[::1]", 0, 0, NULL, NULL, NULL},
    {"1.2.3.4", 0, 0, NULL, NULL, NULL},
    {"::-1", 0, 0, NULL, NULL, NULL},
    {"::+1", 0, 0, NULL, NULL, NULL},
    {"::0x1", 0, 0, NULL, NULL, NULL},
    {"::\xd9\xa1", 0, 0, NULL, NULL, "ASCII"},
    {"::00000", 0, 0, NULL, NULL, NULL},
};

static void test_ip6_table(void **state)
{
    int nfail = 0;
    char buf[NB_ADDR_TEXT_MAX];

    for (size_t i = 0; i < N(ip6_cases); i++) {
        const struct ip6_case *c = &ip6_cases[i];
        struct nb_addr a;
        struct nb_err e;
        int rc;

        nb_err_clear(&e);
        rc = nb_ip6_parse(c->s, strlen(c->s), c->allow_zone, &a, &e);
        if (c->ok && (rc != 0 || a.family != 6 || strcmp(fmt(&a, buf), c->canon) ||
                      strcmp(a.zone, c->zone))) {
            print_error("ip6 case %zu '%s': rc %d text '%s' zone '%s' msg '%s', want '%s'\n", i,
                        c->s, rc, rc ? "" : buf, rc ? "" : a.zone, e.msg, c->canon);
            nfail++;
        }
        if (!c->ok && (rc != -1 || e.code != NB_E_INVALID || e.msg[0] == '\0' ||
                       (c->w1 && !strstr(e.msg, c->w1)))) {
            print_error("ip6 case %zu '%s': rc %d msg '%s', want a failure with '%s'\n", i, c->s,
                        rc, e.msg, c->w1 ? c->w1 : "");
            nfail++;
        }
        if (nb_ip6_parse(c->s, strlen(c->s), c->allow_zone, &a, NULL) != (c->ok ? 0 : -1)) {
            print_error("ip6 case %zu '%s': differs with e == NULL\n", i, c->s);
            nfail++;
        }
        /* without a zone the answer must be glibc's */
        if (!strchr(c->s, '%')) {
            uint8_t ref[16];
            int want = pton6(c->s, ref);

            if (want != (rc == 0) || (want && memcmp(ref, a.b, 16))) {
                print_error("ip6 case %zu '%s': inet_pton %d, ours %d\n", i, c->s, want, rc == 0);
                nfail++;
            }
        }
    }
    assert_int_equal(nfail, 0);
}

/* RFC 5952 text, and how it compares with glibc's inet_ntop. */
static int check_format6(const uint8_t b[16], const char *zone, const char *ctx)
{
    static const uint8_t zero12[12];
    struct nb_addr a, back;
    char ours[NB_ADDR_TEXT_MAX], ref[INET6_ADDRSTRLEN];
    int compat;

    memset(&a, 0, sizeof a);
    a.family = 6;
    memcpy(a.b, b, 16);
    snprintf(a.zone, sizeof a.zone, "%s", zone);
    fmt(&a, ours);
    /* glibc writes ::a.b.c.d for the deprecated IPv4-compatible form (first 96 bits zero, not
     * :: or ::1 or ::x with a zero seventh group); RFC 5952 section 5 only asks for dotted
     * text for IPv4-mapped addresses, and our header promises that alone, so there we
     * expect plain hex (::102:304) and inet_ntop is not the reference. */
    compat = !memcmp(b, zero12, 12) && (b[12] || b[13]);
    if (!compat && !zone[0]) {
        inet_ntop(AF_INET6, b, ref, sizeof ref);
        if (strcmp(ref, ours)) {
            print_error("%s: format '%s', inet_ntop '%s'\n", ctx, ours, ref);
            return 1;
        }
    }
    if (nb_ip6_parse(ours, strlen(ours), 1, &back, NULL) || memcmp(back.b, b, 16) ||
        strcmp(back.zone, a.zone)) {
        print_error("%s: '%s' does not parse back to the same address\n", ctx, ours);
        return 1;
    }
    if (strlen(ours) >= NB_ADDR_TEXT_MAX - 1 || strpbrk(ours, "ABCDEF") || strstr(ours, ":::") ||
        strstr(ours, ":0000") || strstr(ours, ":00")) {
        print_error("%s: '%s' is not canonical\n", ctx, ours);
        return 1;
    }
    return 0;
}

struct fmt_case {
    const char *in;
    const char *want;
};

static const struct fmt_case fmt_cases[] = {
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"}, /* ties go to the first run */
    {"2001:0db8::0001", "2001:db8::1"},
    {"1:0:0:0:0:0:0:0", "1::"},
    {"0:0:0:0:0:0:0:0", "::"},
    {"0:0:0:0:0:0:0:1", "::1"},
    {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, /* one zero group stays */
    {"2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
    {"1:0:0:2:0:0:0:3", "1:0:0:2::3"}, /* the longest run wins */
    {"1:0:0:0:2:0:0:3", "1::2:0:0:3"},
    {"0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1"},
    {"0:0:1:0:0:0:0:0", "0:0:1::"},
    {"0:0:1:0:0:1:0:0", "::1:0:0:1:0:0"},
    {"1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"},
    {"2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    {"0:0:0:0:0:ffff:102:304", "::ffff:1.2.3.4"},
    {"::ffff:0:0", "::ffff:0.0.0.0"},
    {"::ffff:255.255.255.255", "::ffff:255.255.255.255"},
    {"::1.2.3.4", "::102:304"},               /* IPv4-compatible: hex, unlike glibc */
    {"::ffff:0:1.2.3.4", "::ffff:0:102:304"}, /* SIIT, not mapped */
    {"0:0:0:0:1:ffff:102:304", "::1:ffff:102:304"},
    {"64:ff9b::1.2.3.4", "64:ff9b::102:304"},
    {"fe80:0:0:0:0:0:0:1%eth0", "fe80::1%eth0"},
    {"::%lo", "::%lo"},
    {"1::%lo", "1::%lo"},
};

static void test_format6_table(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(fmt_cases); i++) {
        struct nb_addr a;
        char buf[NB_ADDR_TEXT_MAX], ctx[80];

        if (nb_ip6_parse(fmt_cases[i].in, strlen(fmt_cases[i].in), 1, &a, NULL)) {
            print_error("format case %zu '%s' does not parse\n", i, fmt_cases[i].in);
            nfail++;
            continue;
        }
        if (strcmp(fmt(&a, buf), fmt_cases[i].want)) {
            print_error("format case %zu '%s': '%s', want '%s'\n", i, fmt_cases[i].in, buf,
                        fmt_cases[i].want);
            nfail++;
        }
        snprintf(ctx, sizeof ctx, "format case %zu", i);
        nfail += check_format6(a.b, a.zone, ctx);
    }
    assert_int_equal(nfail, 0);
}

/* Random addresses with many zero groups: inet_ntop agrees, and the text parses back. */
static void test_format6_random(void **state)
{
    int nfail = 0;

    for (int n = 0; n < 100000 && nfail < 20; n++) {
        uint8_t b[16];
        char ctx[32];

        for (int g = 0; g < 8; g++) {
            uint32_t r = rnd(8);
            unsigned w = r < 4 ? 0 : r == 4 ? 0xffff : r == 5 ? rnd(16) : rnd(65536);

            b[2 * g] = (uint8_t)(w >> 8);
            b[2 * g + 1] = (uint8_t)w;
        }
        snprintf(ctx, sizeof ctx, "random %d", n);
        nfail += check_format6(b, rnd(4) ? "" : "eth0", ctx);
    }
    assert_int_equal(nfail, 0);
}

static void test_format_ip4_and_small_buffers(void **state)
{
    struct nb_addr a;
    char buf[NB_ADDR_TEXT_MAX], small[8];
    const char *longest = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%123456789012345";

    nb_ip4_from_u32(0xffffffffu, &a);
    assert_string_equal(fmt(&a, buf), "255.255.255.255");
    nb_ip4_from_u32(0, &a);
    assert_string_equal(fmt(&a, buf), "0.0.0.0");
    assert_int_equal(nb_ip6_parse(longest, strlen(longest), 1, &a, NULL), 0);
    assert_string_equal(fmt(&a, buf), longest);
    /* a short buffer is truncated and still terminated; nb_addr_format returns buf */
    memset(small, 'Z', sizeof small);
    assert_ptr_equal(nb_addr_format(&a, small, sizeof small), small);
    assert_non_null(memchr(small, '\0', sizeof small));
    assert_int_equal(strncmp(small, longest, strlen(small)), 0);
    nb_ip4_from_u32(0xffffffffu, &a);
    memset(small, 'Z', sizeof small);
    nb_addr_format(&a, small, 5);
    assert_string_equal(small, "255.");
    assert_int_equal(small[5], 'Z');
}

/* Generated IPv6 text vs inet_pton, then format -> parse round trips. */
/* clang-format off */
static const char *const ip6_groups[] = {
    "0", "1", "00", "000", "0000", "f", "ff", "fff", "ffff", "FFFF", "fFfF", "abcd", "db8",
    "", "00000", "10000", "12345", "g", "1.2.3.4", "0.0.0.0", "255.255.255.255", "01.2.3.4",
    "1.2.3", "256.1.1.1", "::", ":", " ", "-1",
};
/* clang-format on */

static void test_ip6_differential(void **state)
{
    int nfail = 0;
    long ok = 0;
    char s[DIFF_MAX];

    for (int n = 0; n < 200000 && nfail < 20; n++) {
        int groups = 1 + (int)rnd(10);
        int gap = rnd(3) ? (int)rnd((uint32_t)groups + 1) : -1;
        uint8_t ref[16];
        struct nb_addr a;
        int want, got;

        s[0] = '\0';
        for (int g = 0; g < groups; g++) {
            if (g == gap)
                cat(s, "::");
            else if (g)
                cat(s, ":");
            cat(s, ip6_groups[rnd(4) ? rnd(13) : rnd(N(ip6_groups))]);
        }
        if (gap == groups)
            cat(s, "::");
        want = pton6(s, ref);
        got = nb_ip6_parse(s, strlen(s), 0, &a, NULL) == 0;
        if (want != got || (want && memcmp(ref, a.b, 16))) {
            print_error("ip6 '%s': inet_pton %d, nb_ip6_parse %d\n", s, want, got);
            nfail++;
            continue;
        }
        if (got) {
            char ctx[DIFF_MAX + 16];
            struct nb_addr z;

            ok++;
            snprintf(ctx, sizeof ctx, "ip6 '%s'", s);
            nfail += check_format6(a.b, "", ctx);
            /* with allow_zone and a zone the address part is the same */
            cat(s, "%lo0");
            if (nb_ip6_parse(s, strlen(s), 1, &z, NULL) || memcmp(z.b, a.b, 16) ||
                strcmp(z.zone, "lo0")) {
                print_error("ip6 '%s' with a zone: not the same address\n", s);
                nfail++;
            }
            /* nb_addr_parse agrees on anything with a ':' */
            if (nb_addr_parse(s, strlen(s), &z, NULL) || memcmp(z.b, a.b, 16)) {
                print_error("nb_addr_parse '%s' differs from nb_ip6_parse\n", s);
                nfail++;
            }
        }
    }
    assert_true(ok > 10000);
    assert_int_equal(nfail, 0);
}

static void test_addr_parse_dispatch(void **state)
{
    struct nb_addr a;
    struct nb_err e;
    char buf[NB_ADDR_TEXT_MAX];

    assert_int_equal(nb_addr_parse("1.2.3.4", 7, &a, &e), 0);
    assert_int_equal(a.family, 4);
    assert_int_equal(nb_addr_parse("fe80::1%eth0", 12, &a, &e), 0);
    assert_int_equal(a.family, 6);
    assert_string_equal(a.zone, "eth0");
    assert_int_equal(nb_addr_parse("::ffff:1.2.3.4", 14, &a, &e), 0);
    assert_string_equal(fmt(&a, buf), "::ffff:1.2.3.4");
    /* the message is the one of the family the text looks like */
    assert_int_equal(nb_addr_parse("1.2.3.256", 9, &a, &e), -1);
    assert_non_null(strstr(e.msg, "octet 4 is 256"));
    assert_int_equal(nb_addr_parse("1::g", 4, &a, &e), -1);
    assert_null(strstr(e.msg, "octet"));
    assert_int_equal(nb_addr_parse("127.1", 5, &a, &e), -1);
    assert_int_equal(nb_addr_parse("010.0.0.1", 9, &a, &e), -1);
    assert_non_null(strstr(e.msg, "octal"));
    assert_int_equal(nb_addr_parse("", 0, &a, &e), -1);
    assert_int_equal(nb_addr_parse("example.com", 11, &a, &e), -1);
}

/* ---- endpoints -------------------------------------------------------------------------- */

struct ep_case {
    const char *s;
    int ok;
    const char *addr; /* formatted address when ok */
    unsigned port;
    const char *w1;
};

static const struct ep_case ep_cases[] = {
    {"1.2.3.4:80", 1, "1.2.3.4", 80, NULL},
    {"127.0.0.1:9087", 1, "127.0.0.1", 9087, NULL},
    {"0.0.0.0:1", 1, "0.0.0.0", 1, NULL},
    {"1.2.3.4:65535", 1, "1.2.3.4", 65535, NULL},
    {"[::1]:80", 1, "::1", 80, NULL},
    {"[fe80::1%eth0]:22", 1, "fe80::1%eth0", 22, NULL},
    {"[::ffff:1.2.3.4]:443", 1, "::ffff:1.2.3.4", 443, NULL},
    {"[2001:DB8::1]:8080", 1, "2001:db8::1", 8080, NULL},
    {"::1:80", 0, NULL, 0, "bracket"},
    {"2001:db8::1:443", 0, NULL, 0, "bracket"},
    {"1.2.3.4:0", 0, NULL, 0, "port 0"},
    {"1.2.3.4:70000", 0, NULL, 0, "1 to 65535"},
    {"1.2.3.4:65536", 0, NULL, 0, "1 to 65535"},
    {"1.2.3.4:4294967376", 0, NULL, 0, "1 to 65535"},           /* 2^32 + 80 */
    {"1.2.3.4:18446744073709551696", 0, NULL, 0, "1 to 65535"}, /* 2^64 + 80 */
    {"1.2.3.4:+80", 0, NULL, 0, "sign"},
    {"1.2.3.4:-80", 0, NULL, 0, "sign"},
    {"1.2.3.4: 80", 0, NULL, 0, "space"},
    {"1.2.3.4 :80", 0, NULL, 0, "space"},
    {"1.2.3.4:80 ", 0, NULL, 0, "space"},
    {"1.2.3.4:080", 0, NULL, 0, "leading zero"},
    {"1.2.3.4:0x50", 0, NULL, 0, NULL},
    {"1.2.3.4:http", 0, NULL, 0, NULL},
    {":80", 0, NULL, 0, "no host"},
    {"1.2.3.4:", 0, NULL, 0, "empty"},
    {"1.2.3.4", 0, NULL, 0, "PORT"},
    {"1.2.3.4:80:80", 0, NULL, 0, NULL},
    {"[::1]", 0, NULL, 0, "port"},
    {"[::1]80", 0, NULL, 0, NULL},
    {"[::1]:", 0, NULL, 0, "empty"},
    {"[::1]:0", 0, NULL, 0, "port 0"},
    {"[::1]:65536", 0, NULL, 0, "1 to 65535"},
    {"[::1:80", 0, NULL, 0, "]"},
    {"::1]:80", 0, NULL, 0, NULL},
    {"[[::1]]:80", 0, NULL, 0, NULL},
    {"[1.2.3.4]:80", 0, NULL, 0, "IPv6"},
    {"[]:80", 0, NULL, 0, NULL},
    {"[::1%]:80", 0, NULL, 0, "zone"},
    {"[:::1]:80", 0, NULL, 0, NULL},
    {"127.1:80", 0, NULL, 0, "4"},
    {"010.0.0.1:80", 0, NULL, 0, "octal"},
    {"256.1.1.1:80", 0, NULL, 0, "octet 1 is 256"},
    {"localhost:80", 0, NULL, 0, NULL},
    {"", 0, NULL, 0, "empty"},
    {":", 0, NULL, 0, NULL},
    {"1.2.3.4:\xd9\xa8\xd9\xa0", 0, NULL, 0, NULL},
};

static void test_endpoint_table(void **state)
{
    int nfail = 0;
    char buf[NB_ADDR_TEXT_MAX];

    for (size_t i = 0; i < N(ep_cases); i++) {
        const struct ep_case *c = &ep_cases[i];
        struct nb_endpoint ep;
        struct nb_err e;
        int rc;

        memset(&ep, 0, sizeof ep);
        nb_err_clear(&e);
        rc = nb_endpoint_parse(c->s, strlen(c->s), &ep, &e);
        if (c->ok && (rc != 0 || strcmp(fmt(&ep.addr, buf), c->addr) || ep.port != c->port)) {
            print_error("endpoint case %zu '%s': rc %d msg '%s'\n", i, c->s, rc, e.msg);
            nfail++;
        }
        if (!c->ok && (rc != -1 || e.code != NB_E_INVALID || e.msg[0] == '\0' ||
                       (c->w1 && !strstr(e.msg, c->w1)))) {
            print_error("endpoint case %zu '%s': rc %d port %u msg '%s', want a failure with "
                        "'%s'\n",
                        i, c->s, rc, ep.port, e.msg, c->w1 ? c->w1 : "");
            nfail++;
        }
        if (nb_endpoint_parse(c->s, strlen(c->s), &ep, NULL) != (c->ok ? 0 : -1)) {
            print_error("endpoint case %zu '%s': differs with e == NULL\n", i, c->s);
            nfail++;
        }
        if (nb_endpoint_valid(c->s, strlen(c->s)) != c->ok) {
            print_error("endpoint case %zu '%s': the one-pass nb_endpoint_valid differs\n", i,
                        c->s);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* An endpoint's text parses back to the same endpoint, for every port. */
static void test_endpoint_round_trip(void **state)
{
    static const char *const addrs[] = {
        "1.2.3.4", "0.0.0.0", "255.255.255.255", "::", "::1", "fe80::1%eth0", "::ffff:10.0.0.1"};
    int nfail = 0;

    for (size_t i = 0; i < N(addrs); i++) {
        struct nb_addr a;

        assert_int_equal(nb_addr_parse(addrs[i], strlen(addrs[i]), &a, NULL), 0);
        for (unsigned port = 1; port <= 65535; port += (port < 100 ? 1 : 97)) {
            struct nb_endpoint ep;
            char abuf[NB_ADDR_TEXT_MAX], text[NB_ADDR_TEXT_MAX + 16];

            fmt(&a, abuf);
            snprintf(text, sizeof text, a.family == 6 ? "[%s]:%u" : "%s:%u", abuf, port);
            if (nb_endpoint_parse(text, strlen(text), &ep, NULL) || ep.port != port ||
                ep.addr.family != a.family || memcmp(ep.addr.b, a.b, 16) ||
                strcmp(ep.addr.zone, a.zone)) {
                print_error("endpoint '%s' does not round-trip\n", text);
                nfail++;
            }
        }
    }
    assert_int_equal(nfail, 0);
}

/* ---- CIDR ------------------------------------------------------------------------------- */

struct cidr_case {
    const char *s;
    int ok;
    const char *addr;
    unsigned prefix;
    const char *w1;
};

static const struct cidr_case cidr_cases[] = {
    {"192.168.1.77/24", 1, "192.168.1.77", 24, NULL},
    {"10.0.0.0/8", 1, "10.0.0.0", 8, NULL},
    {"0.0.0.0/0", 1, "0.0.0.0", 0, NULL},
    {"1.2.3.4/32", 1, "1.2.3.4", 32, NULL},
    {"2001:db8::/32", 1, "2001:db8::", 32, NULL},
    {"::/0", 1, "::", 0, NULL},
    {"::1/128", 1, "::1", 128, NULL},
    {"fe80::/10", 1, "fe80::", 10, NULL},
    {"2001:db8::/33", 1, "2001:db8::", 33, NULL},
    {"1.2.3.4/33", 0, NULL, 0, "0 to 32"},
    {"::/129", 0, NULL, 0, "0 to 128"},
    {"1.2.3.4/-1", 0, NULL, 0, "sign"},
    {"1.2.3.4/+1", 0, NULL, 0, "sign"},
    {"1.2.3.4/024", 0, NULL, 0, "leading zero"},
    {"1.2.3.4/00", 0, NULL, 0, "leading zero"},
    {"1.2.3.4/", 0, NULL, 0, "empty"},
    {"/", 0, NULL, 0, NULL},
    {"/24", 0, NULL, 0, "empty"},
    {"1.2.3.4/ 24", 0, NULL, 0, "space"},
    {"1.2.3.4 /24", 0, NULL, 0, "space"},
    {"1.2.3.4/24 ", 0, NULL, 0, "space"},
    {"1.2.3.4", 0, NULL, 0, "/"},
    {"2001:db8::", 0, NULL, 0, "/"},
    {"1.2.3.4/24/8", 0, NULL, 0, NULL},
    {"1.2.3.4/4294967320", 0, NULL, 0, "0 to 32"}, /* 2^32 + 24 */
    {"1.2.3.4/255.255.255.0", 0, NULL, 0, NULL},
    {"10/8", 0, NULL, 0, NULL},
    {"010.0.0.0/8", 0, NULL, 0, "octal"},
    {"1.2.3.256/24", 0, NULL, 0, "octet 4 is 256"},
    {"1::2::3/64", 0, NULL, 0, NULL},
    {"1.2.3.4/\xd9\xa8", 0, NULL, 0, NULL},
    {"", 0, NULL, 0, NULL},
};

static void test_cidr_table(void **state)
{
    int nfail = 0;
    char buf[NB_ADDR_TEXT_MAX];

    for (size_t i = 0; i < N(cidr_cases); i++) {
        const struct cidr_case *c = &cidr_cases[i];
        struct nb_cidr r;
        struct nb_err e;
        int rc;

        memset(&r, 0, sizeof r);
        nb_err_clear(&e);
        rc = nb_cidr_parse(c->s, strlen(c->s), &r, &e);
        if (c->ok && (rc != 0 || strcmp(fmt(&r.addr, buf), c->addr) || r.prefix != c->prefix)) {
            print_error("cidr case %zu '%s': rc %d msg '%s'\n", i, c->s, rc, e.msg);
            nfail++;
        }
        if (!c->ok && (rc != -1 || e.code != NB_E_INVALID || e.msg[0] == '\0' ||
                       (c->w1 && !strstr(e.msg, c->w1)))) {
            print_error("cidr case %zu '%s': rc %d prefix %u msg '%s', want a failure with "
                        "'%s'\n",
                        i, c->s, rc, r.prefix, e.msg, c->w1 ? c->w1 : "");
            nfail++;
        }
        if (nb_cidr_parse(c->s, strlen(c->s), &r, NULL) != (c->ok ? 0 : -1)) {
            print_error("cidr case %zu '%s': differs with e == NULL\n", i, c->s);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* ---- masks ------------------------------------------------------------------------------ */

struct mask_case {
    const char *addr;
    unsigned prefix;
    const char *netmask, *network, *last;
};

static const struct mask_case mask_cases[] = {
    {"192.168.1.77", 24, "255.255.255.0", "192.168.1.0", "192.168.1.255"},
    {"192.168.1.77", 0, "0.0.0.0", "0.0.0.0", "255.255.255.255"},
    {"192.168.1.77", 32, "255.255.255.255", "192.168.1.77", "192.168.1.77"},
    {"192.168.1.77", 31, "255.255.255.254", "192.168.1.76", "192.168.1.77"},
    {"192.168.1.76", 31, "255.255.255.254", "192.168.1.76", "192.168.1.77"},
    {"10.200.3.4", 8, "255.0.0.0", "10.0.0.0", "10.255.255.255"},
    {"172.31.255.1", 12, "255.240.0.0", "172.16.0.0", "172.31.255.255"},
    {"100.127.1.1", 10, "255.192.0.0", "100.64.0.0", "100.127.255.255"},
    {"185.172.165.184", 1, "128.0.0.0", "128.0.0.0", "255.255.255.255"},
    {"185.172.165.184", 27, "255.255.255.224", "185.172.165.160", "185.172.165.191"},
    {"2001:db8:1:2:3:4:5:6", 32,
     "ffff:ffff::", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
    {"2001:db8:1:2:3:4:5:6", 0, "::", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    {"2001:db8:1:2:3:4:5:6", 128, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8:1:2:3:4:5:6",
     "2001:db8:1:2:3:4:5:6"},
    {"2001:db8:1:2:3:4:5:6", 127, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "2001:db8:1:2:3:4:5:6",
     "2001:db8:1:2:3:4:5:7"},
    {"2001:db8:1:2:3:4:5:6", 64,
     "ffff:ffff:ffff:ffff::", "2001:db8:1:2::", "2001:db8:1:2:ffff:ffff:ffff:ffff"},
    {"fe80::1:2", 10, "ffc0::", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    {"fe80::1%eth0", 64, "ffff:ffff:ffff:ffff::", "fe80::%eth0", "fe80::ffff:ffff:ffff:ffff%eth0"},
    {"::1", 127, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "::", "::1"},
    {"2001:db8::", 33, "ffff:ffff:8000::", "2001:db8::", "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff"},
};

static void test_masks(void **state)
{
    static const uint8_t zero12[12];
    int nfail = 0;

    for (size_t i = 0; i < N(mask_cases); i++) {
        const struct mask_case *c = &mask_cases[i];
        struct nb_addr a, m, net, last;
        char b1[NB_ADDR_TEXT_MAX], b2[NB_ADDR_TEXT_MAX], b3[NB_ADDR_TEXT_MAX];

        assert_int_equal(nb_addr_parse(c->addr, strlen(c->addr), &a, NULL), 0);
        nb_addr_netmask(a.family, c->prefix, &m);
        nb_addr_mask(&a, c->prefix, &net);
        nb_addr_fill(&a, c->prefix, &last);
        fmt(&m, b1);
        fmt(&net, b2);
        fmt(&last, b3);
        if (strcmp(b1, c->netmask) || strcmp(b2, c->network) || strcmp(b3, c->last) ||
            m.family != a.family || net.family != a.family || last.family != a.family) {
            print_error("mask case %zu %s/%u: netmask %s network %s last %s\n", i, c->addr,
                        c->prefix, b1, b2, b3);
            nfail++;
        }
        /* an IPv4 result keeps the unused bytes zero, so whole-struct compares work */
        if (a.family == 4 && (memcmp(net.b + 4, zero12, 12) || memcmp(last.b + 4, zero12, 12) ||
                              memcmp(m.b + 4, zero12, 12))) {
            print_error("mask case %zu: bytes beyond an IPv4 address are set\n", i);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* For every prefix of both families, the netmask is exactly prefix leading ones. */
static void test_netmask_every_prefix(void **state)
{
    for (int family = 4; family <= 6; family += 2) {
        for (unsigned p = 0; p <= (family == 4 ? 32u : 128u); p++) {
            struct nb_addr m;
            unsigned ones = 0;
            int seen_zero = 0;

            nb_addr_netmask(family, p, &m);
            assert_int_equal(m.family, family);
            for (int i = 0; i < 16; i++)
                for (int bit = 7; bit >= 0; bit--) {
                    int one = (m.b[i] >> bit) & 1;

                    assert_false(one && seen_zero); /* contiguous */
                    seen_zero |= !one;
                    ones += (unsigned)one;
                }
            assert_int_equal(ones, p);
        }
    }
}

static void test_u32(void **state)
{
    struct nb_addr a;
    char buf[NB_ADDR_TEXT_MAX];

    assert_int_equal(nb_ip4_parse("185.172.165.184", 15, &a, NULL), 0);
    assert_int_equal(nb_ip4_to_u32(&a), 3115099576u);
    nb_ip4_from_u32(3115099576u, &a);
    assert_string_equal(fmt(&a, buf), "185.172.165.184");
    assert_int_equal(a.family, 4);
    assert_string_equal(a.zone, "");
    nb_ip4_from_u32(0x7f000001u, &a);
    assert_string_equal(fmt(&a, buf), "127.0.0.1");
    nb_ip4_from_u32(0xffffffffu, &a);
    assert_int_equal(nb_ip4_to_u32(&a), 0xffffffffu);
    nb_ip4_from_u32(0, &a);
    assert_int_equal(nb_ip4_to_u32(&a), 0);
    for (int n = 0; n < 10000; n++) {
        uint32_t v = rnd(0xffffffffu) ^ (rnd(2) << 31);
        struct in_addr ref;

        nb_ip4_from_u32(v, &a);
        assert_int_equal(nb_ip4_to_u32(&a), v);
        ref.s_addr = htonl(v);
        assert_memory_equal(a.b, &ref, 4);
    }
}

/* ---- special-purpose kinds -------------------------------------------------------------- */

struct kind_case {
    const char *addr;
    const char *kind;
    const char *block; /* NULL: not checked */
};

static const struct kind_case kind_cases[] = {
    {"0.1.2.3", "this-network", "0.0.0.0/8"},
    {"0.0.0.0", "unspecified", "0.0.0.0/32"},
    {"10.1.2.3", "private", "10.0.0.0/8"},
    {"100.64.0.1", "shared", "100.64.0.0/10"},
    {"100.127.255.255", "shared", NULL},
    {"100.128.0.1", "global", ""},
    {"127.0.0.1", "loopback", "127.0.0.0/8"},
    {"127.255.255.254", "loopback", NULL},
    {"169.254.1.1", "link-local", "169.254.0.0/16"},
    {"172.16.0.1", "private", "172.16.0.0/12"},
    {"172.31.255.255", "private", NULL},
    {"172.32.0.1", "global", ""},
    {"192.0.0.100", "protocol-assignment", "192.0.0.0/24"},
    {"192.0.2.1", "documentation", "192.0.2.0/24"},
    {"192.88.99.1", "reserved", "192.88.99.0/24"},
    {"192.168.1.1", "private", "192.168.0.0/16"},
    {"198.18.0.1", "benchmarking", "198.18.0.0/15"},
    {"198.19.255.255", "benchmarking", NULL},
    {"198.20.0.1", "global", ""},
    {"198.51.100.1", "documentation", "198.51.100.0/24"},
    {"203.0.113.1", "documentation", "203.0.113.0/24"},
    {"224.0.0.1", "multicast", "224.0.0.0/4"},
    {"239.255.255.255", "multicast", NULL},
    {"233.252.0.1", "documentation", "233.252.0.0/24"},
    {"240.0.0.1", "reserved", "240.0.0.0/4"},
    {"255.255.255.254", "reserved", NULL},
    {"255.255.255.255", "limited-broadcast", "255.255.255.255/32"},
    {"8.8.8.8", "global", ""},
    {"185.172.165.184", "global", ""},
    {"1.1.1.1", "global", ""},
    {"::", "unspecified", "::/128"},
    {"::1", "loopback", "::1/128"},
    {"::2", "global", ""},
    {"::ffff:1.2.3.4", "ipv4-mapped", "::ffff:0:0/96"},
    {"::ffff:127.0.0.1", "ipv4-mapped", NULL},
    {"64:ff9b::192.0.2.1", "translation", "64:ff9b::/96"},
    {"64:ff9b:1::1", "translation", "64:ff9b:1::/48"},
    {"100::1", "discard", "100::/64"},
    {"2001:1::4", "protocol-assignment", "2001::/23"},
    {"2001::1", "teredo", "2001::/32"},
    {"2001:2::1", "benchmarking", "2001:2::/48"},
    {"2001:db8::1", "documentation", "2001:db8::/32"},
    {"2002::1", "6to4", "2002::/16"},
    {"3fff::1", "documentation", "3fff::/20"},
    {"fc00::1", "private", "fc00::/7"},
    {"fd12:3456::1", "private", NULL},
    {"fe80::1", "link-local", "fe80::/10"},
    {"fe80::1%eth0", "link-local", NULL},
    {"febf::1", "link-local", NULL},
    {"fec0::1", "global", ""},
    {"ff02::1", "multicast", "ff00::/8"},
    {"2606:4700::1", "global", ""},
    {"2a00:1450::1", "global", ""},
};

static void test_kinds(void **state)
{
    int nfail = 0;

    for (size_t i = 0; i < N(kind_cases); i++) {
        const struct kind_case *c = &kind_cases[i];
        const struct nb_addr_kind *k;
        struct nb_addr a;

        assert_int_equal(nb_addr_parse(c->addr, strlen(c->addr), &a, NULL), 0);
        k = nb_addr_kind_of(&a);
        if (!k || strcmp(k->kind, c->kind) || (c->block && strcmp(k->block, c->block)) ||
            !k->about || !k->about[0] || !k->rfc ||
            (strcmp(c->kind, "global") != 0) != (k->rfc[0] != '\0')) {
            print_error("kind case %zu %s: %s %s, want %s %s\n", i, c->addr, k ? k->kind : "NULL",
                        k ? k->block : "", c->kind, c->block ? c->block : "");
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* The IANA IPv4 and IPv6 Special-Purpose Address Registries as this test reads them, kept
 * apart from the table in addr.c: each entry's block, and the kind and "Globally Reachable"
 * flag of its first and of its last address (a more specific entry wins, as for 192.0.0.0,
 * the first address of 192.0.0.0/24, which is in 192.0.0.0/29). */
struct registry_row {
    const char *block;
    const char *first_kind;
    enum nb_reach first_reach;
    const char *last_kind;
    enum nb_reach last_reach;
};

#define R_NO  NB_REACH_NO
#define R_YES NB_REACH_YES
#define R_NA  NB_REACH_NA
static const struct registry_row REGISTRY[] = {
    {"0.0.0.0/8", "unspecified", R_NO, "this-network", R_NO},
    {"0.0.0.0/32", "unspecified", R_NO, "unspecified", R_NO},
    {"10.0.0.0/8", "private", R_NO, "private", R_NO},
    {"100.64.0.0/10", "shared", R_NO, "shared", R_NO},
    {"127.0.0.0/8", "loopback", R_NO, "loopback", R_NO},
    {"169.254.0.0/16", "link-local", R_NO, "link-local", R_NO},
    {"172.16.0.0/12", "private", R_NO, "private", R_NO},
    {"192.0.0.0/24", "service-continuity", R_NO, "protocol-assignment", R_NO},
    {"192.0.0.0/29", "service-continuity", R_NO, "service-continuity", R_NO},
    {"192.0.0.8/32", "dummy", R_NO, "dummy", R_NO},
    {"192.0.0.9/32", "anycast", R_YES, "anycast", R_YES},
    {"192.0.0.10/32", "anycast", R_YES, "anycast", R_YES},
    {"192.0.0.170/32", "nat64-discovery", R_NO, "nat64-discovery", R_NO},
    {"192.0.0.171/32", "nat64-discovery", R_NO, "nat64-discovery", R_NO},
    {"192.0.2.0/24", "documentation", R_NO, "documentation", R_NO},
    {"192.31.196.0/24", "as112", R_YES, "as112", R_YES},
    {"192.52.193.0/24", "amt", R_YES, "amt", R_YES},
    {"192.88.99.0/24", "reserved", R_NA, "reserved", R_NA},
    {"192.88.99.2/32", "6a44-relay", R_NO, "6a44-relay", R_NO},
    {"192.168.0.0/16", "private", R_NO, "private", R_NO},
    {"192.175.48.0/24", "as112", R_YES, "as112", R_YES},
    {"198.18.0.0/15", "benchmarking", R_NO, "benchmarking", R_NO},
    {"198.51.100.0/24", "documentation", R_NO, "documentation", R_NO},
    {"203.0.113.0/24", "documentation", R_NO, "documentation", R_NO},
    {"224.0.0.0/4", "multicast", R_NA, "multicast", R_NA},
    {"233.252.0.0/24", "documentation", R_NA, "documentation", R_NA},
    {"240.0.0.0/4", "reserved", R_NO, "limited-broadcast", R_NO},
    {"255.255.255.255/32", "limited-broadcast", R_NO, "limited-broadcast", R_NO},
    {"::/128", "unspecified", R_NO, "unspecified", R_NO},
    {"::1/128", "loopback", R_NO, "loopback", R_NO},
    {"::ffff:0:0/96", "ipv4-mapped", R_NO, "ipv4-mapped", R_NO},
    {"64:ff9b::/96", "translation", R_YES, "translation", R_YES},
    {"64:ff9b:1::/48", "translation", R_NO, "translation", R_NO},
    {"100::/64", "discard", R_NO, "discard", R_NO},
    {"100:0:0:1::/64", "dummy", R_NO, "dummy", R_NO},
    {"2001::/23", "teredo", R_NA, "protocol-assignment", R_NO},
    {"2001::/32", "teredo", R_NA, "teredo", R_NA},
    {"2001:1::1/128", "anycast", R_YES, "anycast", R_YES},
    {"2001:1::2/128", "anycast", R_YES, "anycast", R_YES},
    {"2001:1::3/128", "anycast", R_YES, "anycast", R_YES},
    {"2001:2::/48", "benchmarking", R_NO, "benchmarking", R_NO},
    {"2001:3::/32", "amt", R_YES, "amt", R_YES},
    {"2001:4:112::/48", "as112", R_YES, "as112", R_YES},
    {"2001:10::/28", "reserved", R_NA, "reserved", R_NA},
    {"2001:20::/28", "orchid", R_YES, "orchid", R_YES},
    {"2001:30::/28", "drone-id", R_YES, "drone-id", R_YES},
    {"2001:db8::/32", "documentation", R_NO, "documentation", R_NO},
    {"2002::/16", "6to4", R_NA, "6to4", R_NA},
    {"2620:4f:8000::/48", "as112", R_YES, "as112", R_YES},
    {"3fff::/20", "documentation", R_NO, "documentation", R_NO},
    {"5f00::/16", "srv6", R_NO, "srv6", R_NO},
    {"fc00::/7", "private", R_NO, "private", R_NO},
    {"fe80::/10", "link-local", R_NO, "link-local", R_NO},
    {"ff00::/8", "multicast", R_NA, "multicast", R_NA},
};

/* Whether address a has kind name and flag reach; prints the difference. */
static int kind_is(const struct nb_addr *a, const char *what, const char *name, enum nb_reach reach)
{
    const struct nb_addr_kind *k = nb_addr_kind_of(a);
    char txt[NB_ADDR_TEXT_MAX];

    if (!strcmp(k->kind, name) && k->reach == reach)
        return 1;
    print_error("%s %s: kind %s reach %d, want %s reach %d\n", what,
                nb_addr_format(a, txt, sizeof txt), k->kind, k->reach, name, reach);
    return 0;
}

/* Every entry of the core's table is a row of the registry and every row an entry; the
 * first and last address of each block have the kind and reachability the registry says. */
static void test_registry_walk(void **state)
{
    int seen[N(REGISTRY)] = {0};
    int nfail = 0;
    size_t i, entries = 0;
    const struct nb_addr_kind *k;

    (void)state;
    for (i = 0; (k = nb_addr_kind_at(i)) != NULL; i++) {
        size_t r;
        entries++;
        for (r = 0; r < N(REGISTRY) && strcmp(REGISTRY[r].block, k->block); r++)
            ;
        if (r == N(REGISTRY)) {
            print_error("entry %s is not in the registry\n", k->block);
            nfail++;
            continue;
        }
        seen[r]++;
        if (!k->rfc[0] || !k->about[0]) {
            print_error("entry %s has no RFC or text\n", k->block);
            nfail++;
        }
    }
    for (i = 0; i < N(REGISTRY); i++) {
        const struct registry_row *row = &REGISTRY[i];
        struct nb_cidr c;
        struct nb_addr first, last;
        if (seen[i] != 1) {
            print_error("registry row %s is in the table %d times\n", row->block, seen[i]);
            nfail++;
        }
        assert_int_equal(nb_cidr_parse(row->block, strlen(row->block), &c, NULL), 0);
        nb_addr_mask(&c.addr, c.prefix, &first);
        nb_addr_fill(&c.addr, c.prefix, &last);
        nfail += !kind_is(&first, row->block, row->first_kind, row->first_reach);
        nfail += !kind_is(&last, row->block, row->last_kind, row->last_reach);
        /* the block itself, as a CIDR, is of its own entry's kind */
        if (nb_cidr_kind_of(&c) && strcmp(nb_cidr_kind_of(&c)->block, row->block) &&
            c.prefix < (c.addr.family == 4 ? 32u : 128u)) {
            const struct nb_addr_kind *ck = nb_cidr_kind_of(&c);
            print_error("block %s as a CIDR is of %s\n", row->block, ck->block);
            nfail++;
        }
    }
    assert_int_equal(entries, N(REGISTRY));
    assert_int_equal(nfail, 0);
    /* an address in no block is global, and reachable */
    {
        struct nb_addr a;
        assert_int_equal(nb_addr_parse("8.8.8.8", 7, &a, NULL), 0);
        assert_true(kind_is(&a, "8.8.8.8", "global", NB_REACH_YES));
    }
}

/* The host range of a block, as python3 -c 'import ipaddress; n = ipaddress.ip_network(B);
 * h = list(n.hosts()); print(h[0], h[-1], n.num_addresses - len(h))' gives it. */
static void test_cidr_hosts(void **state)
{
    static const struct {
        const char *block, *first, *last;
        int left_out;
    } cases[] = {
        {"192.168.1.0/24", "192.168.1.1", "192.168.1.254", 2},
        {"10.0.0.0/30", "10.0.0.1", "10.0.0.2", 2},
        {"10.0.0.0/31", "10.0.0.0", "10.0.0.1", 0},
        {"10.0.0.7/32", "10.0.0.7", "10.0.0.7", 0},
        {"0.0.0.0/0", "0.0.0.1", "255.255.255.254", 2},
        {"2001:db8::/64", "2001:db8::1", "2001:db8::ffff:ffff:ffff:ffff", 1},
        {"2001:db8::5/64", "2001:db8::1", "2001:db8::ffff:ffff:ffff:ffff", 1},
        {"2001:db8::/126", "2001:db8::1", "2001:db8::3", 1},
        {"2001:db8::/127", "2001:db8::", "2001:db8::1", 0},
        {"2001:db8::1/128", "2001:db8::1", "2001:db8::1", 0},
        {"::/0", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1},
        {"2001:db8:ff00::/40", "2001:db8:ff00::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1},
    };

    (void)state;
    for (size_t i = 0; i < N(cases); i++) {
        struct nb_cidr c;
        struct nb_addr first, last;
        char t1[NB_ADDR_TEXT_MAX], t2[NB_ADDR_TEXT_MAX];
        int left;
        assert_int_equal(nb_cidr_parse(cases[i].block, strlen(cases[i].block), &c, NULL), 0);
        left = nb_cidr_hosts(&c, &first, &last);
        nb_addr_format(&first, t1, sizeof t1);
        nb_addr_format(&last, t2, sizeof t2);
        if (left != cases[i].left_out || strcmp(t1, cases[i].first) || strcmp(t2, cases[i].last))
            fail_msg("%s: %s to %s, %d left out; want %s to %s, %d", cases[i].block, t1, t2, left,
                     cases[i].first, cases[i].last, cases[i].left_out);
    }
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip4_table),
        cmocka_unit_test(test_ip4_exact_message),
        cmocka_unit_test(test_huge_inputs),
        cmocka_unit_test(test_lenient_table),
        cmocka_unit_test(test_ip4_differential),
        cmocka_unit_test(test_ip6_table),
        cmocka_unit_test(test_format6_table),
        cmocka_unit_test(test_format6_random),
        cmocka_unit_test(test_format_ip4_and_small_buffers),
        cmocka_unit_test(test_ip6_differential),
        cmocka_unit_test(test_addr_parse_dispatch),
        cmocka_unit_test(test_endpoint_table),
        cmocka_unit_test(test_endpoint_round_trip),
        cmocka_unit_test(test_cidr_table),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_netmask_every_prefix),
        cmocka_unit_test(test_u32),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_registry_walk),
        cmocka_unit_test(test_cidr_hosts),
    };
    /* clang-format on */

    return cmocka_run_group_tests(tests, NULL, NULL);
}
