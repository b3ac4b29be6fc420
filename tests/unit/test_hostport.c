/* test_hostport.c - the one host:port parser: a table of each use's forms and hostile
 * inputs, and every combination of its flags driven over the same inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/addr.h>
#include <netbasics/out.h>

#define N(a)      (sizeof(a) / sizeof((a)[0]))
#define ALL_FLAGS ((1u << 11) - 1)

/* A whole message is one line a terminal shows as it is: no control byte (C0, DEL,
 * C1), no bidi control, no invalid UTF-8 from the input reaches it raw. */
static int printable(const char *m)
{
    const unsigned char *p = (const unsigned char *)m;
    size_t n = strlen(m);

    while (n > 0) {
        uint32_t cp;
        size_t k = nb_utf8_decode(p, n, &cp);
        if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return 0;
        p += k;
        n -= k;
    }
    return 1;
}

struct hp_case {
    const char *s;
    unsigned flags;
    uint16_t dflt;
    int ok;
    enum nb_host_kind kind;
    const char *host; /* as nb_hostport_parse copies it */
    unsigned port;
    int given;
    const char *msg; /* a failure's message contains this */
};

#define OK(s, f, d, k, h, p, g)                                                                    \
    {                                                                                              \
        s, f, d, 1, k, h, p, g, NULL                                                               \
    }
#define BAD(s, f, m)                                                                               \
    {                                                                                              \
        s, f, 0, 0, NB_HOST_NONE, NULL, 0, 0, m                                                    \
    }
#define E NB_HP_ENDPOINT
#define C NB_HP_CONNECT
#define L NB_HP_LISTEN
#define D NB_HP_DNS_SERVER
#define R NB_HP_RESOLV_CONF
#define U NB_HP_URL
#define B NB_HP_BRACKETED_HOST

static const struct hp_case CASES[] = {
    /* each use's own forms */
    OK("127.0.0.1:80", E, 0, NB_HOST_IP4, "127.0.0.1", 80, 1),
    OK("[::1]:80", E, 0, NB_HOST_IP6, "::1", 80, 1),
    OK("[fe80::1%eth0]:22", E, 0, NB_HOST_IP6, "fe80::1%eth0", 22, 1),
    OK("example.com:8080", C, 0, NB_HOST_NAME, "example.com", 8080, 1),
    OK("Example.COM", C, 0, NB_HOST_NAME, "Example.COM", 0, 0),
    OK("::1", C, 0, NB_HOST_IP6, "::1", 0, 0),
    OK("[::1]", C, 0, NB_HOST_IP6, "::1", 0, 0),
    OK("9087", L, 9087, NB_HOST_NONE, "", 9087, 1),
    OK("0", L, 9087, NB_HOST_NONE, "", 0, 1),
    OK("127.0.0.1:0", L, 9087, NB_HOST_IP4, "127.0.0.1", 0, 1),
    OK("localhost:9000", L, 9087, NB_HOST_NAME, "localhost", 9000, 1),
    OK("127.0.0.1", D, 53, NB_HOST_IP4, "127.0.0.1", 53, 0),
    OK("127.0.0.1:5353", D, 53, NB_HOST_IP4, "127.0.0.1", 5353, 1),
    OK("127.0.0.1#5353", D, 53, NB_HOST_IP4, "127.0.0.1", 5353, 1),
    OK("[::1]:5353", D, 53, NB_HOST_IP6, "::1", 5353, 1),
    OK("[::1]#5353", D, 53, NB_HOST_IP6, "::1", 5353, 1),
    OK("fe80::1%eth0", D, 53, NB_HOST_IP6, "fe80::1%eth0", 53, 0),
    OK("127.0.0.1#5300", R, 53, NB_HOST_IP4, "127.0.0.1", 5300, 1),
    OK("[2001:db8::1]#53", R, 53, NB_HOST_IP6, "2001:db8::1", 53, 1),
    OK("h", U, 80, NB_HOST_NAME, "h", 80, 0),
    OK("h:", U, 80, NB_HOST_NAME, "h", 80, 0),
    OK("[::1]:", U, 443, NB_HOST_IP6, "::1", 443, 0),
    OK("[fe80::1%25eth0]:8080", U, 80, NB_HOST_IP6, "fe80::1%eth0", 8080, 1),
    OK("[::1]", B, 0, NB_HOST_IP6, "::1", 0, 0),
    OK("[fe80::1%lo]", B, 0, NB_HOST_IP6, "fe80::1%lo", 0, 0),

    /* the messages named in the issue, whole */
    BAD("[::1", E, "'[::1' has '[' without a closing ']'"),
    BAD("1.2.3.4:70000", E, "port 70000 is out of range: a port is 1 to 65535"),

    /* empty, ':' and brackets with nothing in them */
    BAD("", E, "empty"),
    BAD("", C, "empty"),
    BAD(":", E, "no host before ':'"),
    BAD(":", U, "no host before ':'"),
    BAD("[]", E, "no ':PORT'"),
    BAD("[]", C, "nothing between '[' and ']'"),
    BAD("[]:80", E, "nothing between '[' and ']'"),
    BAD("[]:80", U, "nothing between '[' and ']'"),
    BAD("[::1]x", E, "text after ']'"),
    BAD("[::1]x", U, "text after ']'"),
    BAD("[::1]#53", E, "text after ']'"),

    /* a host without a port, a port without a host */
    BAD("host:", C, "port is empty"),
    BAD("1.2.3.4:", E, "port is empty"),
    BAD("[::1]:", E, "port is empty"),
    BAD("[::1]:", D, "port is empty"),
    BAD(":80", E, "no host before ':'"),
    BAD(":80", C, "no host before ':'"),
    BAD(":80", L, "no host before ':'"),
    BAD("#53", D, "no host before '#'"),
    BAD("1.2.3.4", E, "no ':PORT'"),
    BAD("[::1]", E, "no ':PORT'"),
    BAD("localhost", L, "no ':PORT'"),
    BAD("9087", E, "no ':PORT'"),
    BAD("127.0.0.1#5353", E, "no ':PORT'"),
    BAD("1.2.3.4:80", 0, "has a port, but only an IP address goes here"),
    BAD("[::1]:80", B, "has a port"),

    /* ports: the one number parser's rules */
    BAD("1.2.3.4:080", E, "leading zero"),
    BAD("1.2.3.4:0", E, "port 0 cannot be connected to"),
    BAD("1.2.3.4:+80", E, "sign"),
    BAD("1.2.3.4: 80", E, "space"),
    BAD("1.2.3.4:http", E, "not a number"),
    BAD("h:65536", U, "65536"),
    BAD("70000", L, "out of range"),
    BAD("99999999999999999999999", L, "out of range"),
    BAD("127.0.0.1:53", R, NULL), /* glibc reads no address there either */

    /* '::1:80': an address, or an address and a port? */
    BAD("::1:80", E, "ambiguous: an IPv6 address with a port needs brackets"),
    BAD("::1:80", L, "ambiguous"),
    BAD("2001:db8::1:443", U, "ambiguous"),
    OK("::1:80", C, 0, NB_HOST_IP6, "::1:80", 0, 0),
    OK("::1:80", D, 53, NB_HOST_IP6, "::1:80", 53, 0),
    BAD("1.2.3.4:80:80", E, "more than one ':'"),
    BAD("h:8080:90", U, "more than one ':'"),

    /* hosts: names where allowed, numbers judged strictly, brackets for IPv6 only */
    BAD("localhost:80", E, "'localhost' is a name, but only an IP address is accepted here"),
    BAD("dns.google", D, "is a name"),
    BAD("127.1:80", C, "an IPv4 address has 4"),
    BAD("0x7f.1:80", C, "IPv4"),
    BAD("256.1.1.1:80", C, "octet 1 is 256"),
    BAD("010.0.0.1:80", E, "octal"),
    BAD("[1.2.3.4]:80", E, "brackets are for IPv6 only"),
    BAD("[localhost]:80", C, "brackets are for IPv6 only"),
    BAD("[:::1]:80", E, NULL),
    BAD("a b:80", C, "byte 0x20 in the host"),
    BAD("a!b", U, "byte 0x21 in the host"),
    BAD("ho%2Fst", U, "percent-encoding"),
    BAD("caf\xc3\xa9:80", C, "non-ASCII"),
    BAD("\xff\xfe:80", C, "non-ASCII"),
    BAD("\xd9\xa1.2.3.4:80", E, "not ASCII"),
    BAD("1.2.3.4:\xd9\xa8\xd9\xa0", E, "other scripts"),
    BAD("\x1b[31m:80", C, "'\\x1b[31m:80'"),

    /* zone ids: allowed, refused, or written %25 in a URL */
    BAD("[fe80::1%eth0]:22", NB_HP_PORT, "zone"),
    BAD("[fe80::1%eth0]", U, "%25ZONE"),
    BAD("[fe80::1%25]", U, "%25ZONE"),
    BAD("[::1%]:80", E, "zone"),
};

static void test_table(void **state)
{
    int nfail = 0;

    (void)state;
    for (size_t i = 0; i < N(CASES); i++) {
        const struct hp_case *c = &CASES[i];
        struct nb_hostport hp;
        struct nb_err e;
        int rc;

        nb_err_clear(&e);
        rc = nb_hostport_parse(c->s, strlen(c->s), c->flags, c->dflt, &hp, &e);
        if (c->ok && (rc != 0 || hp.kind != c->kind || strcmp(hp.host, c->host) ||
                      hp.port != c->port || hp.port_given != c->given)) {
            print_error("case %zu '%s' flags %#x: rc %d kind %d host '%s' port %u given %d: %s\n",
                        i, c->s, c->flags, rc, (int)hp.kind, hp.host, hp.port, hp.port_given,
                        e.msg);
            nfail++;
        }
        if (!c->ok && (rc != -1 || e.code != NB_E_INVALID || !e.msg[0] || !printable(e.msg) ||
                       (c->msg && !strstr(e.msg, c->msg)))) {
            print_error("case %zu '%s' flags %#x: rc %d msg '%s', want a failure with '%s'\n", i,
                        c->s, c->flags, rc, e.msg, c->msg ? c->msg : "");
            nfail++;
        }
        if (nb_hostport_parse(c->s, strlen(c->s), c->flags, c->dflt, &hp, NULL) != rc) {
            print_error("case %zu '%s': the answer differs with e == NULL\n", i, c->s);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);
}

/* The exact messages of the issue, whole, and the split of the explain narration. */
static void test_messages_and_split(void **state)
{
    struct nb_hostport_parts p;
    struct nb_err e;

    (void)state;
    assert_int_equal(nb_hostport_split("[::1]:80", 8, E, &p, &e), 0);
    assert_true(p.bracketed && p.has_port);
    assert_int_equal(p.host_at, 1);
    assert_int_equal(p.host_len, 3);
    assert_int_equal(p.port_at, 6);
    assert_int_equal(p.port_len, 2);
    assert_int_equal(nb_hostport_split("1.2.3.4:x", 9, E, &p, &e), 0);
    assert_int_equal(p.host_len, 7);
    assert_int_equal(p.port_at, 8);
    assert_int_equal(nb_hostport_split("::1:80", 6, E, &p, &e), -1);
    assert_string_equal(e.msg, "'::1:80' is ambiguous: an IPv6 address with a port needs "
                               "brackets, as in [::1]:80");
    assert_int_equal(nb_hostport_split("[::1", 4, E, &p, &e), -1);
    assert_string_equal(e.msg, "'[::1' has '[' without a closing ']'");
    /* a NUL inside is a byte like any other, never the end of the text */
    {
        struct nb_hostport hp;
        assert_int_equal(nb_hostport_parse("[::1\0]:80", 9, E, 0, &hp, &e), -1);
        assert_int_equal(nb_hostport_parse("[fe80::1%25a\0]:80", 17, U, 0, &hp, &e), -1);
        assert_int_equal(nb_hostport_parse("1.2.3.4\0:80", 11, C, 0, &hp, &e), -1);
        assert_int_equal(nb_hostport_parse("a\0b:80", 6, C, 0, &hp, &e), -1);
        assert_true(printable(e.msg));
    }
}

/* Very long texts: refused whole, or with the host's length named; the quote is cut. */
static void test_long_inputs(void **state)
{
    static char s[NB_HOSTPORT_INPUT_MAX * 4];
    struct nb_hostport hp;
    struct nb_err e;

    (void)state;
    memset(s, 'a', sizeof s - 1);
    assert_int_equal(nb_hostport_parse(s, sizeof s - 1, C, 0, &hp, &e), -1);
    assert_non_null(strstr(e.msg, "too long"));
    memcpy(s + 300, ":80", 4);
    assert_int_equal(nb_hostport_parse(s, strlen(s), C, 0, &hp, &e), -1);
    assert_string_equal(e.msg, "the host is 300 bytes, but a host is at most 253");
    memcpy(s + 253, ":80", 4);
    assert_int_equal(nb_hostport_parse(s, strlen(s), C, 0, &hp, &e), 0);
    assert_int_equal(strlen(hp.host), 253);
    s[10] = ' ';
    assert_int_equal(nb_hostport_parse(s, strlen(s), C, 0, &hp, &e), -1);
    assert_true(strlen(e.msg) < 200); /* the text is quoted cut short */
    assert_non_null(strstr(e.msg, "...' has byte 0x20"));
}

/* The text a result is written as, to parse again under the same flags. */
static void unparse(const struct nb_hostport *hp, unsigned flags, char *buf, size_t n)
{
    char a[NB_ADDR_TEXT_MAX], host[NB_ADDR_TEXT_MAX + 8];
    const char *h = hp->host;

    if (hp->kind == NB_HOST_IP6) {
        nb_addr_format(&hp->addr, a, sizeof a);
        if ((flags & NB_HP_ZONE_URL) && strchr(a, '%')) {
            char *pct = strchr(a, '%');
            *pct = '\0';
            snprintf(host, sizeof host, "[%s%%25%s]", a, pct + 1);
        } else {
            snprintf(host, sizeof host, "[%s]", a);
        }
        h = host;
    }
    if (!hp->port_given)
        snprintf(buf, n, "%s%s", h, hp->parts.has_port ? ":" : ""); /* "HOST:", the default */
    else if (hp->kind == NB_HOST_NONE)
        snprintf(buf, n, "%u", hp->port);
    else
        snprintf(buf, n, "%s%c%u", h,
                 hp->kind != NB_HOST_IP6 && (flags & NB_HP_COLON_BRACKETED) ? '#' : ':', hp->port);
}

static const char *const HOSTILE[] = {
    "",
    ":",
    "::",
    ":::",
    "[]",
    "[",
    "]",
    "[::1]x",
    "[::1]:",
    "[::1]#",
    "host:",
    ":80",
    "#80",
    "1.2.3.4:080",
    "::1:80",
    "::1",
    "[::1]",
    "[::1]:80",
    "[::1]#80",
    "1.2.3.4",
    "1.2.3.4:80",
    "1.2.3.4#80",
    "1.2.3.4:0",
    "0",
    "80",
    "65536",
    "localhost",
    "localhost:80",
    "a b:80",
    "\xff:80",
    "\x80\x9f",
    "caf\xc3\xa9",
    "[fe80::1%eth0]:22",
    "[fe80::1%25eth0]:22",
    "fe80::1%eth0",
    "[fe80::1%25]",
    "[1.2.3.4]:80",
    "0x7f.1",
    "127.1:80",
    "h:8080:90",
    "[[::1]]:80",
    "[::1]]",
    "%",
    "a%2fb",
    "\x1b]0;x\x07:80",
    "1.2.3.4:\xd9\xa8",
    "\xc2\x9b:80",
    "\xe2\x80\xae:80",
    "1.2.3.4:\x9b",
};

/* Every combination of flags over hostile inputs: a failure is one printable line of
 * kind NB_E_INVALID; a success obeys its flags and parses back from its own text. */
static void test_every_flag_combination(void **state)
{
    int nfail = 0;

    (void)state;
    for (unsigned flags = 0; flags <= ALL_FLAGS; flags++) {
        for (size_t i = 0; i < N(HOSTILE); i++) {
            const char *s = HOSTILE[i];
            struct nb_hostport hp, back;
            struct nb_err e;
            char text[NB_HOST_TEXT_MAX + 16];
            int rc = nb_hostport_parse(s, strlen(s), flags, 7, &hp, &e);
            const char *why = NULL;

            if (rc != nb_hostport_parse(s, strlen(s), flags, 7, &back, NULL))
                why = "e == NULL changes the answer";
            else if (rc < 0 && (e.code != NB_E_INVALID || !e.msg[0] || !printable(e.msg)))
                why = "a failure is not one printable line of kind NB_E_INVALID";
            else if (rc < 0)
                continue;
            else if (hp.kind == NB_HOST_NONE && !(flags & NB_HP_PORT_ALONE))
                why = "no host without NB_HP_PORT_ALONE";
            else if (hp.kind == NB_HOST_NAME && !(flags & NB_HP_NAMES))
                why = "a name without NB_HP_NAMES";
            else if (hp.port_given &&
                     !(flags & (NB_HP_PORT | NB_HP_PORT_REQUIRED | NB_HP_PORT_ALONE)))
                why = "a port where none may be";
            else if ((flags & NB_HP_PORT_REQUIRED) && !hp.parts.has_port)
                why = "no port where one is required";
            else if (!hp.port_given && hp.port != 7)
                why = "no port given, but not the default";
            else if (hp.port_given && hp.port == 0 && !(flags & NB_HP_PORT_ZERO))
                why = "port 0 without NB_HP_PORT_ZERO";
            else if (hp.addr.zone[0] && !(flags & (NB_HP_ZONE | NB_HP_ZONE_URL)))
                why = "a zone without a zone flag";
            else if ((hp.kind == NB_HOST_IP4 && hp.addr.family != 4) ||
                     (hp.kind == NB_HOST_IP6 && hp.addr.family != 6))
                why = "the address is of another family";
            if (!why && hp.kind != NB_HOST_NONE) {
                unparse(&hp, flags, text, sizeof text);
                if (nb_hostport_parse(text, strlen(text), flags, 7, &back, &e) != 0 ||
                    back.kind != hp.kind || back.port != hp.port ||
                    memcmp(back.addr.b, hp.addr.b, 16) || strcmp(back.addr.zone, hp.addr.zone))
                    why = "does not parse back from its own text";
            }
            if (why) {
                print_error("'%s' flags %#x: %s (%s)\n", s, flags, why, rc ? e.msg : hp.host);
                nfail++;
            }
        }
    }
    assert_int_equal(nfail, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_messages_and_split),
        cmocka_unit_test(test_long_inputs),
        cmocka_unit_test(test_every_flag_combination),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
