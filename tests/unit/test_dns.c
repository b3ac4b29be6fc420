/* test_dns.c - the DNS message codec (include/netbasics/dns.h): queries built byte for byte,
 * names to wire form and back, type mnemonics, reverse names, replies parsed from hand-built
 * byte arrays (good ones of every decoded type, and the hostile ones no real server sends),
 * reply matching, CNAME chains and loops.
 *
 * Messages are C string literals of hex bytes. A "\xNN" escape swallows every hex digit after
 * it, so a label's length and its letters are written as two literals: "\x03" "www". Each
 * message's layout (offsets in decimal) is in the comment above it. Every parse, good or
 * failed, is followed by nb_dns_msg_free: the sanitizer build's LeakSanitizer checks that a
 * failure half-way through a message leaks nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include <netbasics/addr.h>
#include <netbasics/dns.h>
#include <netbasics/err.h>

#define N(a)       (sizeof(a) / sizeof((a)[0]))
#define BYTES(lit) (const uint8_t *)(lit), sizeof(lit) - 1

/* ---- pieces of messages ----------------------------------------------------------------- */

/* A reply header: id 0x1234, flags 0x8180 (QR, RD, RA, NOERROR), then the four counts, each
 * given as a one-byte literal (the high byte is 0). */
#define HDR(qd, an, ns, ar)                                                                        \
    "\x12\x34\x81\x80"                                                                             \
    "\x00" qd "\x00" an "\x00" ns "\x00" ar
#define HDRF(f1, f2, qd, an, ns, ar) "\x12\x34" f1 f2 "\x00" qd "\x00" an "\x00" ns "\x00" ar

/* www.example.com at offset 12 (17 bytes: 12-28); with type and class the question ends at 33 */
#define N_WWW                                                                                      \
    "\x03"                                                                                         \
    "www"                                                                                          \
    "\x07"                                                                                         \
    "example"                                                                                      \
    "\x03"                                                                                         \
    "com"                                                                                          \
    "\x00"
#define Q_WWW_A                                                                                    \
    N_WWW "\x00\x01"                                                                               \
          "\x00\x01"
#define Q_WWW_AAAA                                                                                 \
    N_WWW "\x00\x1c"                                                                               \
          "\x00\x01"
/* example.com at offset 12 (13 bytes: 12-24); the question ends at 29 */
#define N_EX                                                                                       \
    "\x07"                                                                                         \
    "example"                                                                                      \
    "\x03"                                                                                         \
    "com"                                                                                          \
    "\x00"
#define Q_EX(type) N_EX "\x00" type "\x00\x01"

/* A record's fixed part after its owner: type, class IN, TTL 3600, RDLENGTH (literals). */
#define RRH(t1, t2, l1, l2)                                                                        \
    t1 t2 "\x00\x01"                                                                               \
          "\x00\x00\x0e\x10" l1 l2
#define TO_Q "\xc0\x0c" /* a compression pointer to the question name at byte 12 */

/* The reply id 0x1234 answering www.example.com A with 93.184.216.34: 49 bytes. */
#define REPLY_A                                                                                    \
    HDR("\x01", "\x01", "\x00", "\x00")                                                            \
    Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22"

/* ---- helpers ------------------------------------------------------------------------------ */

/* Parses msg and expects success; the caller frees *m. */
static void parse_ok(const uint8_t *msg, size_t len, struct nb_dns_msg *m)
{
    struct nb_err e;

    nb_err_clear(&e);
    if (nb_dns_parse(msg, len, m, &e) != 0)
        fail_msg("nb_dns_parse refused a good message: %s", e.msg);
    assert_int_equal(e.code, NB_E_NONE);
}

/* Every name and data string is a NUL-terminated string of printable ASCII. */
static void assert_printable(const char *s)
{
    assert_non_null(s);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            fail_msg("byte 0x%02x in presentation text '%s'", *p, s);
}

static void assert_rr(const struct nb_dns_rr *r, const char *name, uint16_t type, uint16_t rdlen,
                      const char *data, const char *target)
{
    assert_string_equal(r->name, name);
    assert_int_equal(r->type, type);
    assert_int_equal(r->rclass, 1);
    assert_int_equal(r->rdlen, rdlen);
    assert_string_equal(r->data, data);
    assert_printable(r->name);
    assert_printable(r->data);
    if (target) {
        assert_non_null(r->target);
        assert_string_equal(r->target, target);
    } else {
        assert_null(r->target);
    }
}

/* ---- nb_dns_build_query ------------------------------------------------------------------ */

static void test_build_query_exact(void **state)
{
    /* id 0xbeef, RD, one question, no OPT: 29 bytes */
    static const uint8_t want_plain[] = {0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                         0x00, 0x00, 7,    'e',  'x',  'a',  'm',  'p',  'l',  'e',
                                         3,    'c',  'o',  'm',  0,    0x00, 0x01, 0x00, 0x01};
    /* the same with an EDNS0 OPT in the additional section: root owner, type 41, class 1232,
     * TTL 0 (extended rcode 0, version 0, no DO), no options: 40 bytes */
    static const uint8_t want_edns[] = {0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x01, 7,    'e',  'x',  'a',  'm',  'p',  'l',  'e',
                                        3,    'c',  'o',  'm',  0,    0x00, 0x01, 0x00, 0x01, 0x00,
                                        0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t want_aaaa[] = {0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 3,    'w',  'w',  'w',  7,    'E',
                                        'x',  'a',  'm',  'p',  'l',  'e',  3,    'c',  'o',
                                        'm',  0,    0x00, 0x1c, 0x00, 0x01};
    uint8_t buf[512];
    size_t len;
    struct nb_err e;
    (void)state;

    memset(buf, 0xaa, sizeof buf);
    assert_int_equal(
        nb_dns_build_query("example.com", NB_DNS_A, 0xbeef, 0, buf, sizeof buf, &len, &e), 0);
    assert_int_equal(len, sizeof want_plain);
    assert_memory_equal(buf, want_plain, len);

    /* a trailing dot changes nothing */
    assert_int_equal(
        nb_dns_build_query("example.com.", NB_DNS_A, 0xbeef, 0, buf, sizeof buf, &len, &e), 0);
    assert_int_equal(len, sizeof want_plain);
    assert_memory_equal(buf, want_plain, len);

    assert_int_equal(nb_dns_build_query("example.com", NB_DNS_A, 0xbeef, NB_DNS_EDNS_PAYLOAD, buf,
                                        sizeof buf, &len, &e),
                     0);
    assert_int_equal(len, sizeof want_edns);
    assert_memory_equal(buf, want_edns, len);
    assert_int_equal(
        nb_dns_build_query("example.com.", NB_DNS_A, 0xbeef, 1232, buf, sizeof buf, &len, &e), 0);
    assert_memory_equal(buf, want_edns, sizeof want_edns);

    /* case is kept as written; type in network order */
    assert_int_equal(
        nb_dns_build_query("www.Example.com", NB_DNS_AAAA, 1, 0, buf, sizeof buf, &len, &e), 0);
    assert_int_equal(len, sizeof want_aaaa);
    assert_memory_equal(buf, want_aaaa, len);
}

static void test_build_query_roundtrip(void **state)
{
    uint8_t buf[512];
    size_t len;
    struct nb_err e;
    struct nb_dns_msg m;
    (void)state;

    assert_int_equal(
        nb_dns_build_query("c1.nb.test", NB_DNS_CAA, 0x0102, 4096, buf, sizeof buf, &len, &e), 0);
    parse_ok(buf, len, &m);
    assert_int_equal(m.id, 0x0102);
    assert_int_equal(m.qr, 0);
    assert_int_equal(m.rd, 1);
    assert_int_equal(m.opcode, 0);
    assert_int_equal(m.rcode, 0);
    assert_int_equal(m.qdcount, 1);
    assert_int_equal(m.arcount, 1);
    assert_true(m.has_question);
    assert_string_equal(m.qname, "c1.nb.test.");
    assert_int_equal(m.qtype, NB_DNS_CAA);
    assert_int_equal(m.qclass, 1);
    assert_true(m.edns);
    assert_int_equal(m.edns_payload, 4096);
    assert_int_equal(m.nrr, 0); /* the OPT is not a record of the answer */
    nb_dns_msg_free(&m);
}

static void test_build_query_refused(void **state)
{
    uint8_t buf[512];
    size_t len = 77;
    struct nb_err e;
    (void)state;

    nb_err_clear(&e);
    assert_int_equal(nb_dns_build_query("a..b", NB_DNS_A, 1, 0, buf, sizeof buf, &len, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    assert_non_null(strstr(e.msg, "empty"));
    nb_err_clear(&e);
    assert_int_equal(nb_dns_build_query("", NB_DNS_A, 1, 0, buf, sizeof buf, &len, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    /* a buffer too small for any query */
    nb_err_clear(&e);
    assert_int_equal(nb_dns_build_query("a", NB_DNS_A, 1, 0, buf, 40, &len, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
}

/* ---- nb_dns_name_to_wire ------------------------------------------------------------------ */

struct wire_case {
    const char *name;
    const char *wire; /* expected bytes, NULL when refused */
    size_t wlen;
    const char *w1, *w2; /* words the message must contain when refused */
};

#define WOK(name, lit)                                                                             \
    {                                                                                              \
        name, lit, sizeof(lit) - 1, NULL, NULL                                                     \
    }
#define WBAD(name, w1, w2)                                                                         \
    {                                                                                              \
        name, NULL, 0, w1, w2                                                                      \
    }

static const struct wire_case wire_cases[] = {
    WOK("example.com", "\x07"
                       "example"
                       "\x03"
                       "com"
                       "\x00"),
    WOK("example.com.", "\x07"
                        "example"
                        "\x03"
                        "com"
                        "\x00"),
    WOK("a", "\x01"
             "a"
             "\x00"),
    WOK(".", "\x00"),
    WOK("EXAMPLE.Com", "\x07"
                       "EXAMPLE"
                       "\x03"
                       "Com"
                       "\x00"),
    WOK("a\\.b.c", "\x03"
                   "a.b"
                   "\x01"
                   "c"
                   "\x00"), /* \. is a dot inside a label */
    WOK("\\.", "\x01"
               "."
               "\x00"),
    WOK("\\065b", "\x02"
                  "Ab"
                  "\x00"), /* \DDD is one byte, decimal */
    WOK("a\\000b", "\x03"
                   "a"
                   "\x00"
                   "b"
                   "\x00"),
    WOK("\\255\\032", "\x02"
                      "\xff"
                      " "
                      "\x00"),
    WOK("a\\\\b", "\x03"
                  "a\\b"
                  "\x00"), /* \\ is a backslash */
    WOK("\\(x\\)", "\x03"
                   "(x)"
                   "\x00"), /* \X is X */
    WOK("_sip._tcp.example.com", "\x04"
                                 "_sip"
                                 "\x04"
                                 "_tcp"
                                 "\x07"
                                 "example"
                                 "\x03"
                                 "com"
                                 "\x00"),
    WBAD("", "empty", NULL),
    WBAD("a..b", "label 2", "empty"),
    WBAD(".a", "label 1", "empty"),
    WBAD("a.b..", "label 3", "empty"),
    WBAD("..", "empty", NULL),
    WBAD("\\256", "\\256", "byte"),
    WBAD("\\999x", "byte", NULL),
    WBAD("ab\\", "backslash", NULL),
    WBAD("a b", "0x20", "\\DDD"),
    WBAD("a\tb", "0x09", NULL),
    WBAD("caf\xc3\xa9.fr", "0xc3", NULL),
    WBAD("a\x7f", "0x7f", NULL),
};

static void test_name_to_wire_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(wire_cases); i++) {
        const struct wire_case *c = &wire_cases[i];
        uint8_t out[300];
        size_t len = 9999;
        struct nb_err e;
        int rc;

        nb_err_clear(&e);
        memset(out, 0xaa, sizeof out);
        rc = nb_dns_name_to_wire(c->name, out, sizeof out, &len, &e);
        if (c->wire) {
            if (rc != 0)
                fail_msg("case %zu '%s': refused: %s", i, c->name, e.msg);
            if (len != c->wlen || memcmp(out, c->wire, len) != 0)
                fail_msg("case %zu '%s': wrong wire form (%zu bytes, want %zu)", i, c->name, len,
                         c->wlen);
        } else {
            if (rc != -1)
                fail_msg("case %zu '%s': accepted", i, c->name);
            assert_int_equal(e.code, NB_E_INVALID);
            if ((c->w1 && !strstr(e.msg, c->w1)) || (c->w2 && !strstr(e.msg, c->w2)))
                fail_msg("case %zu '%s': message '%s' lacks '%s'/'%s'", i, c->name, e.msg, c->w1,
                         c->w2 ? c->w2 : "");
            assert_null(strchr(e.msg, '\n'));
        }
    }
}

/* A name of labels of the given lengths ('a's, or 'b' for the last), with a final dot or not. */
static void make_name(char *buf, const int *labels, size_t n, int final_dot)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < labels[i]; k++)
            buf[o++] = i + 1 == n ? 'b' : 'a';
        if (i + 1 < n || final_dot)
            buf[o++] = '.';
    }
    buf[o] = '\0';
}

static void test_name_to_wire_limits(void **state)
{
    static const struct {
        int labels[5];
        size_t n;
        size_t wire; /* 0: refused */
        const char *word;
    } cases[] = {
        {{63}, 1, 65, NULL},
        {{64}, 1, 0, "63"},
        {{1, 63, 1}, 3, 69, NULL},
        {{1, 64, 1}, 3, 0, "label 2"},
        {{63, 63, 63, 61}, 4, 255, NULL}, /* 64 + 64 + 64 + 62 + 1: exactly 255 */
        {{63, 63, 63, 62}, 4, 0, "255"},  /* 256 */
        {{63, 63, 63, 63}, 4, 0, "255"},
        {{63, 63, 63, 59, 1}, 5, 255, NULL}, /* 64 * 3 + 60 + 2 + 1 */
        {{63, 63, 63, 60, 1}, 5, 0, "255"},
        {{63, 63, 63, 63, 1}, 5, 0, "255"},
    };
    (void)state;

    for (size_t i = 0; i < N(cases); i++)
        for (int dot = 0; dot < 2; dot++) {
            char name[400];
            uint8_t out[300];
            size_t len = 0;
            struct nb_err e;
            int rc;

            make_name(name, cases[i].labels, cases[i].n, dot);
            nb_err_clear(&e);
            rc = nb_dns_name_to_wire(name, out, sizeof out, &len, &e);
            if (cases[i].wire) {
                if (rc != 0)
                    fail_msg("limit case %zu (dot %d): refused: %s", i, dot, e.msg);
                assert_int_equal(len, cases[i].wire);
                assert_int_equal(out[len - 1], 0);
                assert_int_equal(out[0], cases[i].labels[0]);
            } else {
                if (rc != -1)
                    fail_msg("limit case %zu (dot %d): accepted, %zu bytes", i, dot, len);
                assert_int_equal(e.code, NB_E_INVALID);
                if (!strstr(e.msg, cases[i].word))
                    fail_msg("limit case %zu: message '%s' lacks '%s'", i, e.msg, cases[i].word);
            }
        }

    /* a 255-byte name still fits a query */
    {
        static const int l[] = {63, 63, 63, 61};
        char name[300];
        uint8_t q[512];
        size_t len;
        struct nb_err e;
        struct nb_dns_msg m;

        make_name(name, l, 4, 1);
        assert_int_equal(nb_dns_build_query(name, NB_DNS_A, 7, 1232, q, sizeof q, &len, &e), 0);
        assert_int_equal(len, 12 + 255 + 4 + 11);
        parse_ok(q, len, &m);
        assert_string_equal(m.qname, name);
        nb_dns_msg_free(&m);
    }

    /* out must hold any name */
    {
        uint8_t small[100];
        size_t len;
        struct nb_err e;
        assert_int_equal(nb_dns_name_to_wire("a", small, sizeof small, &len, &e), -1);
        assert_int_equal(e.code, NB_E_INVALID);
    }
}

/* ---- types, rcodes, reverse names --------------------------------------------------------- */

static void test_type_parse_and_name(void **state)
{
    static const struct {
        const char *s;
        int ok;
        uint16_t type;
    } cases[] = {
        {"A", 1, 1},       {"a", 1, 1},         {"aaaa", 1, 28},
        {"AAAA", 1, 28},   {"AaAa", 1, 28},     {"CNAME", 1, 5},
        {"ns", 1, 2},      {"PTR", 1, 12},      {"mx", 1, 15},
        {"TXT", 1, 16},    {"soa", 1, 6},       {"SRV", 1, 33},
        {"caa", 1, 257},   {"ANY", 1, 255},     {"TYPE65", 1, 65},
        {"type65", 1, 65}, {"TYPE1", 1, 1},     {"TYPE65535", 1, 65535},
        {"", 0, 0},        {"AAAAA", 0, 0},     {"A ", 0, 0},
        {" A", 0, 0},      {"TYPE", 0, 0},      {"TYPE0", 0, 0},
        {"TYPE065", 0, 0}, {"TYPE65536", 0, 0}, {"TYPE99999", 0, 0},
        {"TYPE-1", 0, 0},  {"TYPE1x", 0, 0},    {"TYPE+1", 0, 0},
        {"OPT", 0, 0},     {"HTTPS", 0, 0},     {"bad", 0, 0},
        {"1", 0, 0},
    };
    char buf[16];
    (void)state;

    for (size_t i = 0; i < N(cases); i++) {
        uint16_t t = 0xdead;
        struct nb_err e;
        int rc;

        nb_err_clear(&e);
        rc = nb_dns_type_parse(cases[i].s, &t, &e);
        if (cases[i].ok) {
            if (rc != 0)
                fail_msg("type '%s' refused: %s", cases[i].s, e.msg);
            assert_int_equal(t, cases[i].type);
        } else {
            if (rc != -1)
                fail_msg("type '%s' accepted as %u", cases[i].s, t);
            assert_int_equal(e.code, NB_E_INVALID);
            assert_non_null(strstr(e.msg, "record type"));
        }
    }

    assert_string_equal(nb_dns_type_name(1, buf, sizeof buf), "A");
    assert_string_equal(nb_dns_type_name(28, buf, sizeof buf), "AAAA");
    assert_string_equal(nb_dns_type_name(5, buf, sizeof buf), "CNAME");
    assert_string_equal(nb_dns_type_name(257, buf, sizeof buf), "CAA");
    assert_string_equal(nb_dns_type_name(41, buf, sizeof buf), "OPT");
    assert_string_equal(nb_dns_type_name(65, buf, sizeof buf), "TYPE65");
    assert_string_equal(nb_dns_type_name(0, buf, sizeof buf), "TYPE0");
    assert_string_equal(nb_dns_type_name(65535, buf, sizeof buf), "TYPE65535");
    /* every name it gives, but OPT's, reads back as the same type */
    for (unsigned t = 1; t < 65536; t += (t < 300 ? 1 : 997)) {
        uint16_t back = 0;
        nb_dns_type_name((uint16_t)t, buf, sizeof buf);
        if (t == NB_DNS_OPT)
            continue;
        if (nb_dns_type_parse(buf, &back, NULL) != 0 || back != t)
            fail_msg("type %u: name '%s' does not read back", t, buf);
    }
}

static void test_rcode_name(void **state)
{
    char rb[16];

    (void)state;
    assert_string_equal(nb_dns_rcode_name(0, rb, sizeof rb), "NOERROR");
    assert_string_equal(nb_dns_rcode_name(1, rb, sizeof rb), "FORMERR");
    assert_string_equal(nb_dns_rcode_name(2, rb, sizeof rb), "SERVFAIL");
    assert_string_equal(nb_dns_rcode_name(3, rb, sizeof rb), "NXDOMAIN");
    assert_string_equal(nb_dns_rcode_name(5, rb, sizeof rb), "REFUSED");
    /* dns.h: "... or "RCODE17"" for one without a name */
    assert_string_equal(nb_dns_rcode_name(17, rb, sizeof rb), "RCODE17");
    assert_string_equal(nb_dns_rcode_name(4095, rb, sizeof rb), "RCODE4095");
}

static void test_reverse_name(void **state)
{
    static const struct {
        const char *addr, *want;
    } cases[] = {
        {"1.2.3.4", "4.3.2.1.in-addr.arpa."},
        {"192.0.2.10", "10.2.0.192.in-addr.arpa."},
        {"0.0.0.0", "0.0.0.0.in-addr.arpa."},
        {"255.255.255.255", "255.255.255.255.in-addr.arpa."},
        {"2001:db8::567:89ab",
         "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."},
        {"::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa."},
        {"ffff:eeee::f0",
         "0.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.e.e.e.e.f.f.f.f.ip6.arpa."},
    };
    (void)state;

    for (size_t i = 0; i < N(cases); i++) {
        struct nb_addr a;
        char buf[80];
        uint8_t wire[300];
        size_t len;

        assert_int_equal(nb_addr_parse(cases[i].addr, strlen(cases[i].addr), &a, NULL), 0);
        memset(buf, 'x', sizeof buf);
        assert_ptr_equal(nb_dns_reverse_name(&a, buf, sizeof buf), buf);
        assert_string_equal(buf, cases[i].want);
        /* and it is a name a query can carry */
        assert_int_equal(nb_dns_name_to_wire(buf, wire, sizeof wire, &len, NULL), 0);
    }
}

/* ---- nb_dns_parse: good replies ----------------------------------------------------------- */

static void test_parse_a(void **state)
{
    static const char msg[] = REPLY_A;
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(msg), &m);
    assert_int_equal(m.id, 0x1234);
    assert_int_equal(m.qr, 1);
    assert_int_equal(m.opcode, 0);
    assert_int_equal(m.aa, 0);
    assert_int_equal(m.tc, 0);
    assert_int_equal(m.rd, 1);
    assert_int_equal(m.ra, 1);
    assert_int_equal(m.rcode, NB_DNS_NOERROR);
    assert_int_equal(m.qdcount, 1);
    assert_int_equal(m.ancount, 1);
    assert_int_equal(m.nscount, 0);
    assert_int_equal(m.arcount, 0);
    assert_true(m.has_question);
    assert_string_equal(m.qname, "www.example.com.");
    assert_int_equal(m.qtype, NB_DNS_A);
    assert_int_equal(m.qclass, 1);
    assert_false(m.edns);
    assert_int_equal(m.nrr, 1);
    assert_rr(&m.rr[0], "www.example.com.", NB_DNS_A, 4, "93.184.216.34", NULL);
    assert_int_equal(m.rr[0].ttl, 3600);
    assert_int_equal(m.rr[0].offset, 33);
    assert_int_equal(m.rr[0].rdata_off, 45);
    assert_int_equal(m.rr[0].section, NB_DNS_ANSWER);
    assert_int_equal(m.rr[0].addr.family, 4);
    assert_memory_equal(m.rr[0].addr.b, "\x5d\xb8\xd8\x22", 4);
    nb_dns_msg_free(&m);
    assert_int_equal(m.nrr, 0);
    nb_dns_msg_free(&m); /* freeing twice is harmless */
}

static void test_parse_flags(void **state)
{
    /* AA, TC, AD, CD set; opcode 2 (STATUS); NXDOMAIN; no question */
    static const char msg[] = HDRF("\x97", "\xb3", "\x00", "\x00", "\x00", "\x00");
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(msg), &m);
    assert_int_equal(m.qr, 1);
    assert_int_equal(m.opcode, 2);
    assert_int_equal(m.aa, 1);
    assert_int_equal(m.tc, 1);
    assert_int_equal(m.rd, 1);
    assert_int_equal(m.ra, 1);
    assert_int_equal(m.ad, 1);
    assert_int_equal(m.cd, 1);
    assert_int_equal(m.rcode, NB_DNS_NXDOMAIN);
    assert_false(m.has_question);
    assert_string_equal(m.qname, "");
    assert_int_equal(m.nrr, 0);
    nb_dns_msg_free(&m);
}

static void test_parse_aaaa(void **state)
{
    static const char msg[] = HDR("\x01", "\x01", "\x00", "\x00")
        Q_WWW_AAAA TO_Q RRH("\x00", "\x1c", "\x00", "\x10") "\x20\x01\x0d\xb8"
                                                            "\x00\x00\x00\x00"
                                                            "\x00\x00\x00\x00"
                                                            "\x00\x00\x00\x01";
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(msg), &m);
    assert_int_equal(m.qtype, NB_DNS_AAAA);
    assert_int_equal(m.nrr, 1);
    assert_rr(&m.rr[0], "www.example.com.", NB_DNS_AAAA, 16, "2001:db8::1", NULL);
    assert_int_equal(m.rr[0].addr.family, 6);
    assert_int_equal(m.rr[0].addr.b[0], 0x20);
    assert_int_equal(m.rr[0].addr.b[15], 0x01);
    nb_dns_msg_free(&m);
}

/* c1.nb.test A, answered with c1 -> c2 -> c3 -> target.nb.test, A 127.0.0.2, every name
 * compressed:
 *   12 question c1.nb.test (12: 02 c1, 15: 02 nb, 18: 04 test, 23: 00), type/class 24-27
 *   28 c1 CNAME, owner -> 12; rdata 40-44: 02 c2 -> 15 ("nb.test")
 *   45 owner -> 40 (c2.nb.test) CNAME; rdata 57-61: 02 c3 -> 15
 *   62 owner -> 57 (c3.nb.test) CNAME; rdata 74-82: 06 target -> 15
 *   83 owner -> 74 (target.nb.test) A; rdata 95-98: 127.0.0.2 */
static const char CHAIN[] =
    HDR("\x01", "\x04", "\x00",
        "\x00") "\x02"
                "c1"
                "\x02"
                "nb"
                "\x04"
                "test"
                "\x00"
                "\x00\x01"
                "\x00\x01" TO_Q RRH("\x00", "\x05", "\x00",
                                    "\x05") "\x02"
                                            "c2"
                                            "\xc0\x0f"
                                            "\xc0\x28" RRH(
                                                "\x00", "\x05", "\x00",
                                                "\x05") "\x02"
                                                        "c3"
                                                        "\xc0\x0f"
                                                        "\xc0\x39" RRH(
                                                            "\x00", "\x05", "\x00",
                                                            "\x09") "\x06"
                                                                    "target"
                                                                    "\xc0\x0f"
                                                                    "\xc0\x4a" RRH(
                                                                        "\x00", "\x01", "\x00",
                                                                        "\x04") "\x7f\x00\x00\x02";

static void test_parse_cname_chain(void **state)
{
    struct nb_dns_msg m;
    (void)state;

    assert_int_equal(sizeof CHAIN - 1, 99);
    parse_ok(BYTES(CHAIN), &m);
    assert_string_equal(m.qname, "c1.nb.test.");
    assert_int_equal(m.nrr, 4);
    assert_rr(&m.rr[0], "c1.nb.test.", NB_DNS_CNAME, 5, "c2.nb.test.", "c2.nb.test.");
    assert_rr(&m.rr[1], "c2.nb.test.", NB_DNS_CNAME, 5, "c3.nb.test.", "c3.nb.test.");
    assert_rr(&m.rr[2], "c3.nb.test.", NB_DNS_CNAME, 9, "target.nb.test.", "target.nb.test.");
    assert_rr(&m.rr[3], "target.nb.test.", NB_DNS_A, 4, "127.0.0.2", NULL);
    assert_int_equal(m.rr[1].offset, 45);
    assert_int_equal(m.rr[1].rdata_off, 57);
    assert_int_equal(m.rr[3].offset, 83);
    assert_int_equal(m.rr[3].rdata_off, 95);
    for (size_t i = 0; i < m.nrr; i++)
        assert_int_equal(m.rr[i].section, NB_DNS_ANSWER);
    nb_dns_msg_free(&m);
}

static void test_parse_mx_srv_ns_ptr(void **state)
{
    /* example.com MX: rdata 41-49: preference 10, 04 mail -> 12 */
    static const char mx[] = HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x0f")
        TO_Q RRH("\x00", "\x0f", "\x00", "\x09") "\x00\x0a"
                                                 "\x04"
                                                 "mail" TO_Q;
    /* _sip._tcp.example.com SRV (question 12-38, "example.com" at 22): rdata 51-62 */
    static const char srv[] =
        HDR("\x01", "\x01", "\x00", "\x00") "\x04"
                                            "_sip"
                                            "\x04"
                                            "_tcp"
                                            "\x07"
                                            "example"
                                            "\x03"
                                            "com"
                                            "\x00"
                                            "\x00\x21"
                                            "\x00\x01" TO_Q RRH("\x00", "\x21", "\x00",
                                                                "\x0c") "\x00\x0a"
                                                                        "\x00\x3c"
                                                                        "\x13\xc4"
                                                                        "\x03"
                                                                        "sip"
                                                                        "\xc0\x16";
    /* example.com NS: two records, the second target uncompressed; then an authority NS and
     * an additional A for glue */
    static const char ns[] = HDR("\x01", "\x02", "\x01", "\x01") Q_EX("\x02") TO_Q RRH(
        "\x00", "\x02", "\x00",
        "\x06") "\x03"
                "ns1" TO_Q TO_Q RRH("\x00", "\x02", "\x00",
                                    "\x11") "\x03"
                                            "ns2"
                                            "\x07"
                                            "example"
                                            "\x03"
                                            "net"
                                            "\x00" TO_Q RRH("\x00", "\x02", "\x00",
                                                            "\x06") "\x03"
                                                                    "ns3" TO_Q "\x03"
                                                                    "ns1" TO_Q RRH(
                                                                        "\x00", "\x01", "\x00",
                                                                        "\x04") "\xc0\x00\x02\x01";
    /* 1.2.0.192.in-addr.arpa PTR host.example. */
    static const char ptr[] =
        HDR("\x01", "\x01", "\x00", "\x00") "\x01"
                                            "1"
                                            "\x01"
                                            "2"
                                            "\x01"
                                            "0"
                                            "\x03"
                                            "192"
                                            "\x07"
                                            "in-addr"
                                            "\x04"
                                            "arpa"
                                            "\x00"
                                            "\x00\x0c"
                                            "\x00\x01" TO_Q RRH("\x00", "\x0c", "\x00",
                                                                "\x0e") "\x04"
                                                                        "host"
                                                                        "\x07"
                                                                        "example"
                                                                        "\x00";
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(mx), &m);
    assert_int_equal(m.nrr, 1);
    assert_rr(&m.rr[0], "example.com.", NB_DNS_MX, 9, "10 mail.example.com.", "mail.example.com.");
    nb_dns_msg_free(&m);

    parse_ok(BYTES(srv), &m);
    assert_string_equal(m.qname, "_sip._tcp.example.com.");
    assert_int_equal(m.nrr, 1);
    assert_rr(&m.rr[0], "_sip._tcp.example.com.", NB_DNS_SRV, 12, "10 60 5060 sip.example.com.",
              "sip.example.com.");
    nb_dns_msg_free(&m);

    parse_ok(BYTES(ns), &m);
    assert_int_equal(m.nrr, 4);
    assert_rr(&m.rr[0], "example.com.", NB_DNS_NS, 6, "ns1.example.com.", "ns1.example.com.");
    assert_rr(&m.rr[1], "example.com.", NB_DNS_NS, 17, "ns2.example.net.", "ns2.example.net.");
    assert_rr(&m.rr[2], "example.com.", NB_DNS_NS, 6, "ns3.example.com.", "ns3.example.com.");
    assert_rr(&m.rr[3], "ns1.example.com.", NB_DNS_A, 4, "192.0.2.1", NULL);
    assert_int_equal(m.rr[0].section, NB_DNS_ANSWER);
    assert_int_equal(m.rr[1].section, NB_DNS_ANSWER);
    assert_int_equal(m.rr[2].section, NB_DNS_AUTHORITY);
    assert_int_equal(m.rr[3].section, NB_DNS_ADDITIONAL);
    nb_dns_msg_free(&m);

    parse_ok(BYTES(ptr), &m);
    assert_string_equal(m.qname, "1.2.0.192.in-addr.arpa.");
    assert_rr(&m.rr[0], "1.2.0.192.in-addr.arpa.", NB_DNS_PTR, 14, "host.example.",
              "host.example.");
    nb_dns_msg_free(&m);
}

static void test_parse_txt(void **state)
{
    /* four strings: "hello world", say "hi", ESC [31m \ 0xff, and an empty one: 30 bytes */
    static const char msg[] = HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x10")
        TO_Q RRH("\x00", "\x10", "\x00", "\x1e") "\x0b"
                                                 "hello world"
                                                 "\x08"
                                                 "say \"hi\""
                                                 "\x07"
                                                 "\x1b"
                                                 "[31m\\"
                                                 "\xff"
                                                 "\x00";
    /* one string holding every byte from 0 to 255 would not fit; these are the edges */
    static const char edges[] = HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x10")
        TO_Q RRH("\x00", "\x10", "\x00", "\x08") "\x07"
                                                 "\x00"
                                                 "\x1f"
                                                 " "
                                                 "~"
                                                 "\x7f"
                                                 "\x80"
                                                 ";";
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(msg), &m);
    assert_int_equal(m.nrr, 1);
    assert_rr(&m.rr[0], "example.com.", NB_DNS_TXT, 30,
              "\"hello world\" \"say \\\"hi\\\"\" \"\\027[31m\\\\\\255\" \"\"", NULL);
    nb_dns_msg_free(&m);

    parse_ok(BYTES(edges), &m);
    assert_rr(&m.rr[0], "example.com.", NB_DNS_TXT, 8, "\"\\000\\031 ~\\127\\128;\"", NULL);
    nb_dns_msg_free(&m);
}

static void test_parse_soa(void **state)
{
    /* example.com SOA ns.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300;
     * rdata 41-78 (38 bytes) */
    static const char msg[] = HDRF("\x85", "\x80", "\x01", "\x00", "\x01", "\x00") Q_EX("\x06")
        TO_Q RRH("\x00", "\x06", "\x00", "\x26") "\x02"
                                                 "ns" TO_Q "\x0a"
                                                 "hostmaster" TO_Q "\x78\xa3\xf1\x75"
                                                 "\x00\x00\x1c\x20"
                                                 "\x00\x00\x0e\x10"
                                                 "\x00\x12\x75\x00"
                                                 "\x00\x00\x01\x2c";
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(msg), &m);
    assert_int_equal(m.aa, 1);
    assert_int_equal(m.nrr, 1);
    assert_int_equal(m.rr[0].section, NB_DNS_AUTHORITY);
    assert_rr(&m.rr[0], "example.com.", NB_DNS_SOA, 38,
              "ns.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300", NULL);
    nb_dns_msg_free(&m);
}

static void test_parse_caa(void **state)
{
    /* 29: 0 issue "letsencrypt.org" (rdata 41-62); 63: 128 iodef "mailto:a@b.c" (75-93);
     * 94: 0 tag "a\"b" BEL (106-113) */
    static const char msg[] = HDR("\x01", "\x03", "\x00", "\x00") N_EX
        "\x01\x01"
        "\x00\x01" TO_Q RRH("\x01", "\x01", "\x00",
                            "\x16") "\x00"
                                    "\x05"
                                    "issue"
                                    "letsencrypt.org" TO_Q RRH("\x01", "\x01", "\x00",
                                                               "\x13") "\x80"
                                                                       "\x05"
                                                                       "iodef"
                                                                       "mailto:a@b.c" TO_Q RRH(
                                                                           "\x01", "\x01", "\x00",
                                                                           "\x09") "\x00"
                                                                                   "\x03"
                                                                                   "tag"
                                                                                   "a\"b"
                                                                                   "\x07";
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(msg), &m);
    assert_int_equal(m.qtype, NB_DNS_CAA);
    assert_int_equal(m.nrr, 3);
    assert_rr(&m.rr[0], "example.com.", NB_DNS_CAA, 22, "0 issue \"letsencrypt.org\"", NULL);
    assert_rr(&m.rr[1], "example.com.", NB_DNS_CAA, 19, "128 iodef \"mailto:a@b.c\"", NULL);
    assert_rr(&m.rr[2], "example.com.", NB_DNS_CAA, 9, "0 tag \"a\\\"b\\007\"", NULL);
    nb_dns_msg_free(&m);
}

static void test_parse_unknown_type(void **state)
{
    /* TYPE65 with 4 bytes, TYPE99 with none, and type 255 as a record type */
    static const char msg[] = HDR("\x01", "\x03", "\x00", "\x00") Q_EX("\x41") TO_Q RRH(
        "\x00", "\x41", "\x00", "\x04") "\xde\xad\xbe\xef" TO_Q RRH("\x00", "\x63", "\x00", "\x00")
        TO_Q RRH("\xff", "\x00", "\x00", "\x03") "\x00\x0a\xff";
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(msg), &m);
    assert_int_equal(m.qtype, 65);
    assert_int_equal(m.nrr, 3);
    assert_int_equal(m.rr[0].type, 65);
    assert_true(strcasecmp(m.rr[0].data, "\\# 4 deadbeef") == 0);
    assert_printable(m.rr[0].data);
    assert_null(m.rr[0].target);
    assert_int_equal(m.rr[1].type, 99);
    assert_int_equal(m.rr[1].rdlen, 0);
    assert_string_equal(m.rr[1].data, "\\# 0");
    assert_int_equal(m.rr[2].type, 0xff00);
    assert_true(strcasecmp(m.rr[2].data, "\\# 3 000aff") == 0);
    nb_dns_msg_free(&m);
}

static void test_parse_edns(void **state)
{
    /* REPLY_A plus an OPT: payload 1232, extended rcode 1 (so BADVERS, 16), version 0, DO */
    static const char badvers[] = HDR("\x01", "\x01", "\x00", "\x01")
        Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22"
                                                         "\x00"
                                                         "\x00\x29"
                                                         "\x04\xd0"
                                                         "\x01\x00\x80\x00"
                                                         "\x00\x00";
    /* NXDOMAIN with an OPT after an authority SOA; extended bits 0; payload 4096; the OPT
     * carries one option (cookie, 8 bytes) */
    static const char nx[] = HDRF("\x81", "\x83", "\x01", "\x00", "\x01", "\x01") Q_EX("\x01")
        TO_Q RRH("\x00", "\x06", "\x00", "\x26") "\x02"
                                                 "ns" TO_Q "\x0a"
                                                 "hostmaster" TO_Q "\x78\xa3\xf1\x75"
                                                 "\x00\x00\x1c\x20"
                                                 "\x00\x00\x0e\x10"
                                                 "\x00\x12\x75\x00"
                                                 "\x00\x00\x01\x2c"
                                                 "\x00"
                                                 "\x00\x29"
                                                 "\x10\x00"
                                                 "\x00\x00\x00\x00"
                                                 "\x00\x0c"
                                                 "\x00\x0a"
                                                 "\x00\x08"
                                                 "\x01\x02\x03\x04\x05\x06\x07\x08";
    struct nb_dns_msg m;
    (void)state;

    parse_ok(BYTES(badvers), &m);
    assert_true(m.edns);
    assert_int_equal(m.edns_payload, 1232);
    assert_int_equal(m.rcode, 16);
    assert_int_equal(m.arcount, 1);
    assert_int_equal(m.nrr, 1); /* the OPT is left out */
    assert_int_equal(m.rr[0].type, NB_DNS_A);
    nb_dns_msg_free(&m);

    parse_ok(BYTES(nx), &m);
    assert_true(m.edns);
    assert_int_equal(m.edns_payload, 4096);
    assert_int_equal(m.rcode, NB_DNS_NXDOMAIN);
    assert_int_equal(m.nrr, 1);
    assert_int_equal(m.rr[0].type, NB_DNS_SOA);
    assert_int_equal(m.rr[0].section, NB_DNS_AUTHORITY);
    nb_dns_msg_free(&m);
}

static void test_parse_escaped_names(void **state)
{
    /* an owner whose first label holds a . b SP ESC " ( ) ; \ 0xff (11 bytes), then -> 12;
     * its data is an A record. Answer at 33, rdata at 57. */
    static const char msg[] = HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A
        "\x0b"
        "a.b "
        "\x1b"
        "\"();\\"
        "\xff" TO_Q RRH("\x00", "\x01", "\x00", "\x04") "\x0a\x00\x00\x01";
    static const char want[] = "a\\.b\\032\\027\\\"\\(\\)\\;\\\\\\255.www.example.com.";
    struct nb_dns_msg m;
    uint8_t wire[300];
    size_t len;
    (void)state;

    parse_ok(BYTES(msg), &m);
    assert_int_equal(m.nrr, 1);
    assert_rr(&m.rr[0], want, NB_DNS_A, 4, "10.0.0.1", NULL);
    /* the presentation form goes back to the same wire bytes */
    assert_int_equal(nb_dns_name_to_wire(m.rr[0].name, wire, sizeof wire, &len, NULL), 0);
    assert_int_equal(len, 12 + 17);
    assert_memory_equal(wire, msg + 33, 12);
    assert_memory_equal(wire + 12, N_WWW, 17);
    nb_dns_msg_free(&m);
}

/* Builds a message whose question is a name of wire length qwire at byte 12 (labels of 63 and
 * a last shorter one), and one answer whose owner is a label of plen bytes then a pointer to
 * 12. Returns its length. */
static size_t long_name_msg(uint8_t *buf, size_t qwire, size_t plen)
{
    size_t o = 0, left = qwire - 1;
    static const uint8_t hdr[] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};

    memcpy(buf, hdr, 12);
    o = 12;
    while (left) {
        size_t l = left - 1 > 63 ? 63 : left - 1;
        buf[o++] = (uint8_t)l;
        memset(buf + o, 'q', l);
        o += l;
        left -= l + 1;
    }
    buf[o++] = 0;
    memcpy(buf + o, "\x00\x01\x00\x01", 4);
    o += 4;
    buf[o++] = (uint8_t)plen;
    memset(buf + o, 'p', plen);
    o += plen;
    memcpy(buf + o,
           "\xc0\x0c"
           "\x00\x01\x00\x01\x00\x00\x00\x01\x00\x04\x7f\x00\x00\x01",
           16);
    return o + 16;
}

static void test_parse_name_limits(void **state)
{
    uint8_t buf[600];
    size_t len;
    struct nb_dns_msg m;
    struct nb_err e;
    (void)state;

    /* 253 + a 1-byte label = 255: the longest name, reached through a pointer */
    len = long_name_msg(buf, 253, 1);
    parse_ok(buf, len, &m);
    assert_int_equal(m.nrr, 1);
    assert_int_equal(strlen(m.qname), 252);
    assert_int_equal(strlen(m.rr[0].name), 254);
    nb_dns_msg_free(&m);

    /* 253 + a 2-byte label = 256 */
    len = long_name_msg(buf, 253, 2);
    nb_err_clear(&e);
    assert_int_equal(nb_dns_parse(buf, len, &m, &e), -1);
    assert_int_equal(e.code, NB_E_PROTO);
    assert_non_null(strstr(e.msg, "255"));
    if (!strstr(e.msg, "byte 269")) /* the owner starts after the 253 + 4 at 12 */
        fail_msg("the message names another byte: %s", e.msg);
    nb_dns_msg_free(&m);

    /* 255 in the question itself, no pointer */
    len = long_name_msg(buf, 255, 1);
    nb_err_clear(&e);
    assert_int_equal(nb_dns_parse(buf, len, &m, &e), -1); /* the answer's owner is 257 */
    assert_non_null(strstr(e.msg, "255"));
    nb_dns_msg_free(&m);
    buf[7] = 0; /* no answer: the 255-byte question alone is fine */
    parse_ok(buf, 12 + 255 + 4, &m);
    assert_int_equal(strlen(m.qname), 254);
    nb_dns_msg_free(&m);
}

/* An unknown-type record whose data is k compression pointers, each to the one before and the
 * first to the question name, then an answer whose owner points at the last: the name takes
 * k + 1 jumps. */
static size_t jumps_msg(uint8_t *buf, size_t k)
{
    static const char head[] = HDR("\x01", "\x02", "\x00", "\x00") Q_WWW_A TO_Q;
    size_t o = sizeof head - 1, first;

    memcpy(buf, head, o);
    memcpy(buf + o, "\xff\x00\x00\x01\x00\x00\x00\x01", 8);
    o += 8;
    buf[o++] = (uint8_t)(2 * k >> 8);
    buf[o++] = (uint8_t)(2 * k);
    first = o;
    for (size_t i = 0; i < k; i++) {
        size_t to = i == 0 ? 12 : first + 2 * (i - 1);
        buf[o++] = (uint8_t)(0xc0 | to >> 8);
        buf[o++] = (uint8_t)to;
    }
    buf[o++] = (uint8_t)(0xc0 | (first + 2 * (k - 1)) >> 8);
    buf[o++] = (uint8_t)(first + 2 * (k - 1));
    memcpy(buf + o, "\x00\x01\x00\x01\x00\x00\x00\x01\x00\x04\x7f\x00\x00\x01", 14);
    return o + 14;
}

static void test_parse_pointer_jumps(void **state)
{
    uint8_t buf[300];
    size_t len;
    struct nb_dns_msg m;
    struct nb_err e;
    (void)state;

    len = jumps_msg(buf, NB_DNS_MAX_JUMPS - 1); /* 32 jumps: allowed */
    parse_ok(buf, len, &m);
    assert_int_equal(m.nrr, 2);
    assert_string_equal(m.rr[1].name, "www.example.com.");
    nb_dns_msg_free(&m);

    len = jumps_msg(buf, NB_DNS_MAX_JUMPS); /* 33 */
    nb_err_clear(&e);
    assert_int_equal(nb_dns_parse(buf, len, &m, &e), -1);
    assert_int_equal(e.code, NB_E_PROTO);
    assert_non_null(strstr(e.msg, "32"));
    nb_dns_msg_free(&m);
}

static void test_parse_record_limit(void **state)
{
    /* NB_DNS_MAX_RECORDS + 1 records of 11 bytes (root owner, TYPE99, no data), counted in
     * the answer section; then the same with the count at the limit */
    size_t n = NB_DNS_MAX_RECORDS + 1, len = 12 + 11 * n;
    uint8_t *buf = malloc(len);
    struct nb_dns_msg m;
    struct nb_err e;
    (void)state;

    assert_non_null(buf);
    memset(buf, 0, 12);
    buf[2] = 0x81;
    buf[6] = (uint8_t)(n >> 8);
    buf[7] = (uint8_t)n;
    for (size_t i = 0; i < n; i++)
        memcpy(buf + 12 + 11 * i, "\x00\x00\x63\x00\x01\x00\x00\x00\x00\x00\x00", 11);
    nb_err_clear(&e);
    assert_int_equal(nb_dns_parse(buf, len, &m, &e), -1);
    assert_int_equal(e.code, NB_E_PROTO);
    assert_non_null(strstr(e.msg, "4096"));
    nb_dns_msg_free(&m);

    n = NB_DNS_MAX_RECORDS;
    buf[6] = (uint8_t)(n >> 8);
    buf[7] = (uint8_t)n;
    parse_ok(buf, 12 + 11 * n, &m);
    assert_int_equal(m.nrr, NB_DNS_MAX_RECORDS);
    assert_string_equal(m.rr[n - 1].name, ".");
    assert_string_equal(m.rr[n - 1].data, "\\# 0");
    assert_int_equal(m.rr[n - 1].offset, 12 + 11 * (n - 1));
    nb_dns_msg_free(&m);
    free(buf);
}

/* ---- nb_dns_parse: hostile replies -------------------------------------------------------- */

struct bad_case {
    const char *what;
    const char *msg;
    size_t len;
    const char *w1, *w2; /* words the error must contain */
};

#define BAD(what, lit, w1, w2)                                                                     \
    {                                                                                              \
        what, lit, sizeof(lit) - 1, w1, w2                                                         \
    }

/* The offsets: the question www.example.com A is 12-32; the first answer starts at 33, its
 * data at 45. */
static const struct bad_case bad_cases[] = {
    {"0 bytes", "", 0, "0 bytes", "12"},
    BAD("7 bytes", "\x12\x34\x81\x80\x00\x01\x00", "7 bytes", "12"),
    BAD("11 bytes", "\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00", "11 bytes", "12"),
    BAD("qdcount 2", HDR("\x02", "\x00", "\x00", "\x00") Q_WWW_A Q_WWW_A, "2 questions", NULL),
    BAD("qdcount 1, no question", HDR("\x01", "\x00", "\x00", "\x00"), "byte 12", "past the end"),
    BAD("question without type", HDR("\x01", "\x00", "\x00", "\x00") N_WWW "\x00", "question",
        "byte 30"),
    BAD("question label past the end",
        HDR("\x01", "\x00", "\x00", "\x00") "\x05"
                                            "ab",
        "5-byte label", "byte 12"),
    BAD("ancount 5, one answer",
        HDR("\x01", "\x05", "\x00", "\x00")
            Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22",
        "5 answer", "after 1"),
    BAD("nscount 3, none", HDR("\x01", "\x00", "\x03", "\x00") Q_WWW_A, "3 authority", "after 0"),
    BAD("arcount 255, none", HDR("\x01", "\x00", "\x00", "\xff") Q_WWW_A, "additional", NULL),
    BAD("record header cut", HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A TO_Q "\x00\x01\x00",
        "record", "byte 38"),
    BAD("RDLENGTH past the end",
        HDR("\x01", "\x01", "\x00", "\x00")
            Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x10") "\x5d\xb8\xd8\x22",
        "16 bytes", "byte 33"),
    BAD("RDLENGTH 65535",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A TO_Q RRH("\x00", "\x10", "\xff", "\xff") "\x01"
                                                                                             "a",
        "65535", "byte 33"),
    BAD("A of 3 bytes",
        HDR("\x01", "\x01", "\x00", "\x00")
            Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x03") "\x5d\xb8\xd8",
        "3 bytes", "exactly 4"),
    BAD("A of 5 bytes",
        HDR("\x01", "\x01", "\x00", "\x00")
            Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x05") "\x5d\xb8\xd8\x22\x00",
        "5 bytes", "exactly 4"),
    BAD("A of 0 bytes",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x00"),
        "0 bytes", "exactly 4"),
    BAD("AAAA of 15 bytes",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_AAAA TO_Q RRH(
            "\x00", "\x1c", "\x00", "\x0f") "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00"
                                            "\x00\x00\x00",
        "15 bytes", "exactly 16"),
    BAD("AAAA of 4 bytes",
        HDR("\x01", "\x01", "\x00", "\x00")
            Q_WWW_AAAA TO_Q RRH("\x00", "\x1c", "\x00", "\x04") "\x7f\x00\x00\x01",
        "4 bytes", "exactly 16"),
    BAD("pointer to itself",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A
        "\xc0\x21" RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22",
        "loop", "byte 33"),
    /* the name starts at 33 with a label; its pointer at 35 points to itself */
    BAD("label, then a pointer to itself",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A
        "\x01"
        "x"
        "\xc0\x23" RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22",
        "loop", "byte 33"),
    /* the name starts at 33 with a label; its pointer at 35 leads to a label at 37 that ends
     * the message with no 0 after it */
    BAD("label, pointer, then the message ends",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A "\x01"
                                                    "x"
                                                    "\xc0\x25"
                                                    "\x01"
                                                    "z",
        "past the end", "byte 33"),
    BAD("question pointer to itself",
        HDR("\x01", "\x00", "\x00", "\x00") "\xc0\x0c"
                                            "\x00\x01"
                                            "\x00\x01",
        "loop", "byte 12"),
    BAD("two pointers to each other",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A
        "\xc0\x23"
        "\xc0\x21" RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22",
        "loop", "byte 33"),
    BAD("pointer past the end",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A
        "\xc0\xff" RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22",
        "past the end", "byte 255"),
    BAD("pointer 0x3fff",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A
        "\xff\xff" RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22",
        "past the end", "16383"),
    BAD("pointer cut off", HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A "\xc0", "cut off",
        "byte 33"),
    BAD("label type 0x40",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A
        "\x41"
        "a" RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22",
        "0x41", "reserved"),
    BAD("label type 0x80",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A
        "\x80" RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22",
        "0x80", "reserved"),
    BAD("label type 0x80 in the question",
        HDR("\x01", "\x00", "\x00", "\x00") "\x03"
                                            "www"
                                            "\xbf"
                                            "\x00\x01\x00\x01",
        "0xbf", "byte 16"),
    BAD("64-byte label",
        HDR("\x01", "\x00", "\x00",
            "\x00") "\x40"
                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                    "\x00"
                    "\x00\x01\x00\x01",
        "63", "byte 12"),
    BAD("TXT string past its data",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x10")
            TO_Q RRH("\x00", "\x10", "\x00", "\x04") "\x05"
                                                     "abc"
                                                     "de",
        "past its data", "byte 29"),
    BAD("TXT second string past its data",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x10")
            TO_Q RRH("\x00", "\x10", "\x00", "\x05") "\x02"
                                                     "ab"
                                                     "\x02"
                                                     "c"
                                                     "d",
        "past its data", NULL),
    BAD("TXT with no string",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x10") TO_Q RRH("\x00", "\x10", "\x00", "\x00"),
        "TXT", "no string"),
    BAD("CNAME with bytes after the name",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A TO_Q RRH("\x00", "\x05", "\x00", "\x03") TO_Q
        "\x00",
        "1 extra byte", "byte 33"),
    BAD("CNAME name past its data",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A TO_Q RRH("\x00", "\x05", "\x00", "\x02") "\x03"
                                                                                             "abc"
                                                                                             "\x00",
        "runs past", NULL),
    BAD("CNAME of 0 bytes",
        HDR("\x01", "\x01", "\x00", "\x00") Q_WWW_A TO_Q RRH("\x00", "\x05", "\x00", "\x00"),
        "CNAME", "too short"),
    BAD("MX of 2 bytes",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x0f")
            TO_Q RRH("\x00", "\x0f", "\x00", "\x02") "\x00\x0a",
        "MX", "too short"),
    BAD("MX name a loop",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x0f")
            TO_Q RRH("\x00", "\x0f", "\x00", "\x04") "\x00\x0a"
                                                     "\xc0\x2b",
        "loop", NULL),
    BAD("SRV of 6 bytes",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x21")
            TO_Q RRH("\x00", "\x21", "\x00", "\x06") "\x00\x0a\x00\x3c\x13\xc4",
        "SRV", "too short"),
    BAD("SRV with bytes after its name",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x21")
            TO_Q RRH("\x00", "\x21", "\x00", "\x0a") "\x00\x0a\x00\x3c\x13\xc4" TO_Q "\x00\x00",
        "2 extra bytes", "take 8"),
    BAD("SOA cut short",
        HDR("\x01", "\x00", "\x01", "\x00") Q_EX("\x06")
            TO_Q RRH("\x00", "\x06", "\x00", "\x0e") "\x02"
                                                     "ns" TO_Q TO_Q "\x78\xa3\xf1\x75"
                                                     "\x00\x00\x1c",
        "SOA", NULL),
    BAD("SOA with extra bytes",
        HDR("\x01", "\x00", "\x01", "\x00") Q_EX("\x06") TO_Q RRH("\x00", "\x06", "\x00", "\x1a")
            TO_Q TO_Q "\x78\xa3\xf1\x75"
                      "\x00\x00\x1c\x20"
                      "\x00\x00\x0e\x10"
                      "\x00\x12\x75\x00"
                      "\x00\x00\x01\x2c"
                      "\x00\x00",
        "SOA", "extra"),
    BAD("CAA with an empty tag",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x01")
            TO_Q RRH("\x01", "\x01", "\x00", "\x03") "\x00\x00"
                                                     "x",
        "CAA", NULL),
    BAD("CAA tag past its data",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x01")
            TO_Q RRH("\x01", "\x01", "\x00", "\x04") "\x00\x05"
                                                     "is",
        "CAA", NULL),
    /* each type's decoder over too few and too many bytes of data, and names inside data */
    BAD("A of 5 bytes",
        HDR("\x01", "\x01", "\x00", "\x00")
            Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x05") "\x5d\xb8\xd8\x22\x00",
        "5 bytes", "exactly 4"),
    BAD("AAAA of 4 bytes",
        HDR("\x01", "\x01", "\x00", "\x00")
            Q_WWW_AAAA TO_Q RRH("\x00", "\x1c", "\x00", "\x04") "\x20\x01\x0d\xb8",
        "AAAA", "exactly 16"),
    BAD("AAAA of 17 bytes",
        HDR("\x01", "\x01", "\x00", "\x00")
            Q_WWW_AAAA TO_Q RRH("\x00", "\x1c", "\x00", "\x11") "\x20\x01\x0d\xb8"
                                                                "\0\0\0\0\0\0\0\0\0\0\0\0\0",
        "17 bytes", "exactly 16"),
    BAD("NS whose name points at itself",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x02")
            TO_Q RRH("\x00", "\x02", "\x00", "\x02") "\xc0\x29",
        "loop", NULL),
    BAD("PTR with 2 bytes after its name",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x0c") TO_Q RRH("\x00", "\x0c", "\x00", "\x04")
            TO_Q "\x00\x00",
        "PTR", "2 extra bytes"),
    BAD("PTR pointing past the message",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x0c")
            TO_Q RRH("\x00", "\x0c", "\x00", "\x02") "\xc1\x00",
        "byte 256", "past the end"),
    BAD("MX with a byte after its name",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x0f")
            TO_Q RRH("\x00", "\x0f", "\x00", "\x05") "\x00\x0a" TO_Q "\x00",
        "MX", "1 extra byte"),
    BAD("MX of 1 byte",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x0f")
            TO_Q RRH("\x00", "\x0f", "\x00", "\x01") "\x00",
        "MX", "too short"),
    BAD("SRV of 0 bytes",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x21") TO_Q RRH("\x00", "\x21", "\x00", "\x00"),
        "SRV", "too short"),
    BAD("SOA whose second name is a loop",
        HDR("\x01", "\x00", "\x01", "\x00") Q_EX("\x06") TO_Q RRH("\x00", "\x06", "\x00", "\x18")
            TO_Q "\xc0\x2b"
                 "\x78\xa3\xf1\x75"
                 "\x00\x00\x1c\x20"
                 "\x00\x00\x0e\x10"
                 "\x00\x12\x75\x00"
                 "\x00\x00\x01\x2c",
        "loop", NULL),
    BAD("SOA of 0 bytes",
        HDR("\x01", "\x00", "\x01", "\x00") Q_EX("\x06") TO_Q RRH("\x00", "\x06", "\x00", "\x00"),
        "SOA", "too short"),
    BAD("SOA whose name runs past its data",
        HDR("\x01", "\x00", "\x01", "\x00") Q_EX("\x06")
            TO_Q RRH("\x00", "\x06", "\x00", "\x01") "\x03"
                                                     "abc"
                                                     "\x00",
        "SOA", "runs past"),
    BAD("TXT of a lone length byte",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x10")
            TO_Q RRH("\x00", "\x10", "\x00", "\x01") "\x01",
        "TXT", "past its data"),
    BAD("CAA of 1 byte",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x01")
            TO_Q RRH("\x01", "\x01", "\x00", "\x01") "\x00",
        "CAA", "too short"),
    BAD("data past the message",
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x41")
            TO_Q RRH("\x00", "\x41", "\x00", "\x03") "\x01\x02",
        "3 bytes", "only 2"),
    /* a good record first: its strings are allocated when the second one fails */
    BAD("good A, then A of 3 bytes",
        HDR("\x01", "\x02", "\x00", "\x00")
            Q_WWW_A TO_Q RRH("\x00", "\x01", "\x00", "\x04") "\x5d\xb8\xd8\x22" TO_Q RRH(
                "\x00", "\x01", "\x00", "\x03") "\x5d\xb8\xd8",
        "record 2", "exactly 4"),
    BAD("good CNAME, then a TXT past its data",
        HDR("\x01", "\x02", "\x00", "\x00") Q_WWW_A TO_Q RRH("\x00", "\x05", "\x00", "\x02")
            TO_Q TO_Q RRH("\x00", "\x10", "\x00", "\x03") "\x01"
                                                          "a"
                                                          "\x09",
        "past its data", NULL),
    BAD("good TXT, then a pointer loop in the additional section",
        HDR("\x01", "\x01", "\x00", "\x01") Q_WWW_A TO_Q RRH(
            "\x00", "\x10", "\x00", "\x02") "\x01"
                                            "a"
                                            "\xc0\x2f" RRH("\x00", "\x01", "\x00",
                                                           "\x04") "\x01\x02\x03\x04",
        "loop", NULL),
};

/* A name inside record data obeys the name rules: over 255 bytes is refused, even when the
 * record's length covers it. */
static void test_rdata_name_too_long(void **state)
{
    static const uint8_t head[] = HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x05") TO_Q;
    uint8_t buf[600];
    size_t o = sizeof head - 1, rdlen = 5 * 64 + 1;
    struct nb_dns_msg m;
    struct nb_err e;
    (void)state;

    memcpy(buf, head, o);
    memcpy(buf + o, RRH("\x00", "\x05", "\x01", "\x41"), 10); /* CNAME, 321 bytes */
    o += 10;
    for (int i = 0; i < 5; i++) {
        buf[o++] = 63;
        memset(buf + o, 'n', 63);
        o += 63;
    }
    buf[o++] = 0;
    assert_int_equal(o, sizeof head - 1 + 10 + rdlen);
    nb_err_clear(&e);
    assert_int_equal(nb_dns_parse(buf, o, &m, &e), -1);
    assert_int_equal(e.code, NB_E_PROTO);
    assert_non_null(strstr(e.msg, "255"));
    assert_non_null(strstr(e.msg, "byte 41")); /* the name starts where the data does */
    nb_dns_msg_free(&m);
}

/* A type without a decoder is shown in RFC 3597's generic form, whatever its length. */
static void test_rdata_unknown_type(void **state)
{
    static const uint8_t three[] = HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x41")
        TO_Q RRH("\x00", "\x41", "\x00", "\x03") "\x0a\xff\x00";
    static const uint8_t none[] =
        HDR("\x01", "\x01", "\x00", "\x00") Q_EX("\x41") TO_Q RRH("\x00", "\x41", "\x00", "\x00");
    struct nb_dns_msg m;
    (void)state;

    parse_ok(three, sizeof three - 1, &m);
    assert_int_equal(m.nrr, 1);
    assert_string_equal(m.rr[0].data, "\\# 3 0aff00");
    assert_null(m.rr[0].target);
    nb_dns_msg_free(&m);
    parse_ok(none, sizeof none - 1, &m);
    assert_string_equal(m.rr[0].data, "\\# 0");
    nb_dns_msg_free(&m);
}

/* The header parser: every flag at its bit, and nothing read from fewer than 12 bytes. */
static void test_header_parse(void **state)
{
    static const uint8_t all[] = "\xbe\xef\xff\xff\x00\x01\x00\x02\x00\x03\x00\x04";
    static const uint8_t none[] = "\xbe\xef\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    struct nb_dns_header h;
    struct nb_err e;
    uint8_t *cut;
    (void)state;

    assert_int_equal(nb_dns_header_parse(all, 12, &h, &e), 0);
    assert_int_equal(h.id, 0xbeef);
    assert_int_equal(h.qr + h.aa + h.tc + h.rd + h.ra + h.ad + h.cd, 7);
    assert_int_equal(h.opcode, 15);
    assert_int_equal(h.rcode, 15);
    assert_int_equal(h.qdcount, 1);
    assert_int_equal(h.ancount, 2);
    assert_int_equal(h.nscount, 3);
    assert_int_equal(h.arcount, 4);
    assert_int_equal(nb_dns_header_parse(none, 12, &h, &e), 0);
    assert_int_equal(h.qr + h.aa + h.tc + h.rd + h.ra + h.ad + h.cd + h.opcode + h.rcode, 0);
    cut = malloc(11); /* a heap copy of 11 bytes: the 12th is never read */
    assert_non_null(cut);
    memcpy(cut, all, 11);
    nb_err_clear(&e);
    assert_int_equal(nb_dns_header_parse(cut, 11, &h, &e), -1);
    assert_int_equal(e.code, NB_E_PROTO);
    assert_non_null(strstr(e.msg, "11 bytes"));
    assert_int_equal(nb_dns_header_parse(cut, 0, &h, NULL), -1);
    free(cut);
}

static void test_parse_hostile_table(void **state)
{
    int failed = 0;
    (void)state;

    /* every case runs, and each one that goes wrong is printed, before the test fails */
    for (size_t i = 0; i < N(bad_cases); i++) {
        const struct bad_case *c = &bad_cases[i];
        struct nb_dns_msg m;
        struct nb_err e;
        uint8_t *copy = malloc(c->len ? c->len : 1);
        int rc;

        /* a heap copy of exactly len bytes: a read past the end shows in ASan */
        assert_non_null(copy);
        memcpy(copy, c->msg, c->len);
        nb_err_clear(&e);
        memset(&m, 0x5a, sizeof m);
        rc = nb_dns_parse(copy, c->len, &m, &e);
        if (rc != -1) {
            print_error("'%s': accepted (%zu records)\n", c->what, m.nrr);
            failed++;
        } else if (e.code != NB_E_PROTO) {
            print_error("'%s': error code %d, want NB_E_PROTO: %s\n", c->what, (int)e.code, e.msg);
            failed++;
        } else if ((c->w1 && !strstr(e.msg, c->w1)) || (c->w2 && !strstr(e.msg, c->w2))) {
            print_error("'%s': message '%s' lacks '%s' / '%s'\n", c->what, e.msg, c->w1,
                        c->w2 ? c->w2 : "");
            failed++;
        } else if (!e.msg[0] || strchr(e.msg, '\n')) {
            print_error("'%s': message empty or on several lines\n", c->what);
            failed++;
        }
        nb_dns_msg_free(&m);
        free(copy);
    }
    if (failed)
        fail_msg("%d of %zu hostile messages went wrong", failed, N(bad_cases));
}

/* A good reply cut at every length: every prefix is refused, and nothing reads past it. */
static void test_parse_every_prefix(void **state)
{
    (void)state;
    for (size_t cut = 0; cut < sizeof CHAIN - 1; cut++) {
        uint8_t *p = malloc(cut ? cut : 1);
        struct nb_dns_msg m;
        struct nb_err e;

        assert_non_null(p);
        memcpy(p, CHAIN, cut);
        nb_err_clear(&e);
        if (nb_dns_parse(p, cut, &m, &e) != -1)
            fail_msg("the chain reply cut to %zu bytes was accepted", cut);
        assert_int_equal(e.code, NB_E_PROTO);
        nb_dns_msg_free(&m);
        free(p);
    }
}

/* ---- nb_dns_matches ----------------------------------------------------------------------- */

static void test_matches(void **state)
{
    static const struct {
        const char *what;
        const char *msg;
        size_t len;
        int want;
    } cases[] = {
        {"the reply", REPLY_A, sizeof(REPLY_A) - 1, 1},
        {"header and question only", HDR("\x01", "\x00", "\x00", "\x00") Q_WWW_A, 33, 1},
        {"NXDOMAIN", HDRF("\x81", "\x83", "\x01", "\x00", "\x00", "\x00") Q_WWW_A, 33, 1},
        {"name in another case",
         HDR("\x01", "\x00", "\x00", "\x00") "\x03"
                                             "WwW"
                                             "\x07"
                                             "EXAMPLE"
                                             "\x03"
                                             "cOm"
                                             "\x00\x00\x01\x00\x01",
         33, 1},
        {"id mismatch", "\x12\x35\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00" Q_WWW_A, 33, 0},
        {"id bytes swapped", "\x34\x12\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00" Q_WWW_A, 33, 0},
        {"QR clear", HDRF("\x01", "\x80", "\x01", "\x00", "\x00", "\x00") Q_WWW_A, 33, 0},
        {"other name",
         HDR("\x01", "\x00", "\x00", "\x00") "\x03"
                                             "wwx"
                                             "\x07"
                                             "example"
                                             "\x03"
                                             "com"
                                             "\x00\x00\x01\x00\x01",
         33, 0},
        {"longer name",
         HDR("\x01", "\x00", "\x00", "\x00") "\x03"
                                             "www"
                                             "\x07"
                                             "example"
                                             "\x03"
                                             "com"
                                             "\x03"
                                             "org"
                                             "\x00\x00\x01\x00\x01",
         37, 0},
        {"other type", HDR("\x01", "\x00", "\x00", "\x00") Q_WWW_AAAA, 33, 0},
        {"other class", HDR("\x01", "\x00", "\x00", "\x00") N_WWW "\x00\x01\x00\x03", 33, 0},
        {"no question", HDR("\x00", "\x00", "\x00", "\x00"), 12, 0},
        {"two questions", HDR("\x02", "\x00", "\x00", "\x00") Q_WWW_A Q_WWW_A, 54, 0},
        {"question cut in its type", HDR("\x01", "\x00", "\x00", "\x00") Q_WWW_A, 31, 0},
        {"question cut in its name", HDR("\x01", "\x00", "\x00", "\x00") Q_WWW_A, 20, 0},
        {"question a pointer loop", HDR("\x01", "\x00", "\x00", "\x00") "\xc0\x0c\x00\x01\x00\x01",
         18, 0},
        {"header only", REPLY_A, 12, 0},
        {"11 bytes", REPLY_A, 11, 0},
        {"0 bytes", "", 0, 0},
    };
    uint8_t q[512], q2[512];
    size_t qlen, q2len;
    (void)state;

    assert_int_equal(
        nb_dns_build_query("www.example.com", NB_DNS_A, 0x1234, 0, q, sizeof q, &qlen, NULL), 0);
    /* with an OPT, and written in another case: the same question */
    assert_int_equal(
        nb_dns_build_query("WWW.EXAMPLE.COM.", NB_DNS_A, 0x1234, 1232, q2, sizeof q2, &q2len, NULL),
        0);
    for (size_t i = 0; i < N(cases); i++) {
        uint8_t *r = malloc(cases[i].len ? cases[i].len : 1);
        assert_non_null(r);
        memcpy(r, cases[i].msg, cases[i].len);
        if (nb_dns_matches(q, qlen, r, cases[i].len) != cases[i].want)
            fail_msg("'%s': matches should be %d", cases[i].what, cases[i].want);
        if (nb_dns_matches(q2, q2len, r, cases[i].len) != cases[i].want)
            fail_msg("'%s' (query with OPT, upper case): matches should be %d", cases[i].what,
                     cases[i].want);
        free(r);
    }
    /* a query never answers itself: QR is clear */
    assert_int_equal(nb_dns_matches(q, qlen, q, qlen), 0);

    /* an escaped dot is part of a label: a\.b.example is not a.b.example */
    {
        static const char one[] = HDR("\x01", "\x00", "\x00", "\x00") "\x03"
                                                                      "a.b"
                                                                      "\x07"
                                                                      "example"
                                                                      "\x00"
                                                                      "\x00\x01\x00\x01";
        static const char two[] = HDR("\x01", "\x00", "\x00", "\x00") "\x01"
                                                                      "a"
                                                                      "\x01"
                                                                      "b"
                                                                      "\x07"
                                                                      "example"
                                                                      "\x00"
                                                                      "\x00\x01\x00\x01";
        assert_int_equal(
            nb_dns_build_query("a\\.b.example", NB_DNS_A, 0x1234, 0, q, sizeof q, &qlen, NULL), 0);
        assert_int_equal(nb_dns_matches(q, qlen, BYTES(one)), 1);
        assert_int_equal(nb_dns_matches(q, qlen, BYTES(two)), 0);
    }
}

/* ---- nb_dns_follow and nb_dns_name_eq ----------------------------------------------------- */

static void test_follow_parsed_chain(void **state)
{
    struct nb_dns_msg m;
    const struct nb_dns_rr *chain[NB_DNS_MAX_CHAIN];
    size_t n = 99;
    const char *final = NULL;
    struct nb_err e;
    static const char qn[] = "c1.nb.test.";
    (void)state;

    parse_ok(BYTES(CHAIN), &m);
    nb_err_clear(&e);
    assert_int_equal(nb_dns_follow(&m, m.qname, chain, &n, &final, &e), 0);
    assert_int_equal(n, 3);
    assert_ptr_equal(chain[0], &m.rr[0]);
    assert_ptr_equal(chain[1], &m.rr[1]);
    assert_ptr_equal(chain[2], &m.rr[2]);
    assert_string_equal(final, "target.nb.test.");
    /* in another case */
    assert_int_equal(nb_dns_follow(&m, "C1.Nb.TEST.", chain, &n, &final, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(final, "target.nb.test.");
    /* from the middle of the chain */
    assert_int_equal(nb_dns_follow(&m, "c2.nb.test.", chain, &n, &final, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(final, "target.nb.test.");
    /* from the end: no hop, final is the name asked */
    assert_int_equal(nb_dns_follow(&m, "target.nb.test.", chain, &n, &final, &e), 0);
    assert_int_equal(n, 0);
    assert_string_equal(final, "target.nb.test.");
    /* a name with no CNAME: final is qname itself */
    assert_int_equal(nb_dns_follow(&m, qn + 1, chain, &n, &final, &e), 0);
    assert_int_equal(n, 0);
    assert_ptr_equal(final, qn + 1);
    nb_dns_msg_free(&m);
}

/* A message of hand-made CNAME records, for chains no parser needs to see. */
struct fake {
    struct nb_dns_rr rr[40];
    char names[40][32];
    struct nb_dns_msg m;
};

static void fake_add(struct fake *f, const char *owner, uint16_t type, const char *target,
                     enum nb_dns_section sec)
{
    struct nb_dns_rr *r = &f->rr[f->m.nrr];

    memset(r, 0, sizeof *r);
    r->name = (char *)owner;
    r->type = type;
    r->rclass = 1;
    r->target = type == NB_DNS_CNAME ? (char *)target : NULL;
    r->data = (char *)target;
    r->section = sec;
    f->m.nrr++;
    f->m.rr = f->rr;
}

static int follow(const struct fake *f, const char *q, size_t *n, const char **final,
                  struct nb_err *e)
{
    const struct nb_dns_rr *chain[NB_DNS_MAX_CHAIN];

    nb_err_clear(e);
    return nb_dns_follow(&f->m, q, chain, n, final, e);
}

static void test_follow_loops(void **state)
{
    struct fake *f = calloc(1, sizeof *f);
    size_t n;
    const char *final;
    struct nb_err e;
    (void)state;

    assert_non_null(f);

    /* a -> b -> a */
    fake_add(f, "a.test.", NB_DNS_CNAME, "b.test.", NB_DNS_ANSWER);
    fake_add(f, "b.test.", NB_DNS_CNAME, "a.test.", NB_DNS_ANSWER);
    assert_int_equal(follow(f, "a.test.", &n, &final, &e), -1);
    assert_int_equal(e.code, NB_E_PROTO);
    assert_non_null(strstr(e.msg, "loop"));
    assert_null(strchr(e.msg, '\n'));
    assert_int_equal(follow(f, "B.TEST.", &n, &final, &e), -1);
    assert_non_null(strstr(e.msg, "loop"));

    /* a -> a */
    memset(f, 0, sizeof *f);
    fake_add(f, "a.test.", NB_DNS_CNAME, "A.Test.", NB_DNS_ANSWER);
    assert_int_equal(follow(f, "a.test.", &n, &final, &e), -1);
    assert_int_equal(e.code, NB_E_PROTO);
    assert_non_null(strstr(e.msg, "loop"));

    /* a -> b -> b */
    memset(f, 0, sizeof *f);
    fake_add(f, "a.test.", NB_DNS_CNAME, "b.test.", NB_DNS_ANSWER);
    fake_add(f, "b.test.", NB_DNS_CNAME, "b.test.", NB_DNS_ANSWER);
    assert_int_equal(follow(f, "a.test.", &n, &final, &e), -1);
    assert_non_null(strstr(e.msg, "loop"));

    /* a -> b -> c -> d -> b */
    memset(f, 0, sizeof *f);
    fake_add(f, "a.test.", NB_DNS_CNAME, "b.test.", NB_DNS_ANSWER);
    fake_add(f, "b.test.", NB_DNS_CNAME, "c.test.", NB_DNS_ANSWER);
    fake_add(f, "c.test.", NB_DNS_CNAME, "d.test.", NB_DNS_ANSWER);
    fake_add(f, "d.test.", NB_DNS_CNAME, "b.test.", NB_DNS_ANSWER);
    assert_int_equal(follow(f, "a.test.", &n, &final, &e), -1);
    assert_non_null(strstr(e.msg, "loop"));

    /* CNAMEs outside the answer section, and other types, are not hops */
    memset(f, 0, sizeof *f);
    fake_add(f, "a.test.", NB_DNS_CNAME, "b.test.", NB_DNS_ANSWER);
    fake_add(f, "b.test.", NB_DNS_CNAME, "a.test.", NB_DNS_AUTHORITY);
    fake_add(f, "b.test.", NB_DNS_NS, "a.test.", NB_DNS_ANSWER);
    fake_add(f, "b.test.", NB_DNS_A, "192.0.2.1", NB_DNS_ANSWER);
    assert_int_equal(follow(f, "a.test.", &n, &final, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(final, "b.test.");
    free(f);
}

static void test_follow_hop_limit(void **state)
{
    struct fake *f = calloc(1, sizeof *f);
    size_t n;
    const char *final;
    struct nb_err e;
    (void)state;

    assert_non_null(f);
    for (int i = 0; i <= NB_DNS_MAX_CHAIN + 1; i++)
        snprintf(f->names[i], sizeof f->names[i], "h%d.test.", i);

    /* h0 -> ... -> h16: 16 hops, the most followed */
    for (int i = 0; i < NB_DNS_MAX_CHAIN; i++)
        fake_add(f, f->names[i], NB_DNS_CNAME, f->names[i + 1], NB_DNS_ANSWER);
    assert_int_equal(follow(f, "h0.test.", &n, &final, &e), 0);
    assert_int_equal(n, NB_DNS_MAX_CHAIN);
    assert_string_equal(final, "h16.test.");

    /* one more: h16 -> h17 */
    fake_add(f, f->names[NB_DNS_MAX_CHAIN], NB_DNS_CNAME, f->names[NB_DNS_MAX_CHAIN + 1],
             NB_DNS_ANSWER);
    assert_int_equal(follow(f, "h0.test.", &n, &final, &e), -1);
    assert_int_equal(e.code, NB_E_PROTO);
    assert_non_null(strstr(e.msg, "16"));
    /* from h1 it is 16 hops again */
    assert_int_equal(follow(f, "h1.test.", &n, &final, &e), 0);
    assert_int_equal(n, NB_DNS_MAX_CHAIN);
    assert_string_equal(final, "h17.test.");
    free(f);
}

static void test_name_eq(void **state)
{
    (void)state;
    assert_true(nb_dns_name_eq("example.com.", "example.com."));
    assert_true(nb_dns_name_eq("Example.COM.", "eXAMPLE.com."));
    assert_true(nb_dns_name_eq(".", "."));
    assert_true(nb_dns_name_eq("a\\032b.", "A\\032B."));
    assert_false(nb_dns_name_eq("example.com.", "example.org."));
    assert_false(nb_dns_name_eq("example.com.", "www.example.com."));
    assert_false(nb_dns_name_eq("a\\.b.", "a.b."));
    /* ASCII case only: \193 (0xc1) and \225 (0xe1) are other bytes */
    assert_false(nb_dns_name_eq("\\193.", "\\225."));
    assert_false(nb_dns_name_eq("a.", "b."));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_query_exact),
        cmocka_unit_test(test_build_query_roundtrip),
        cmocka_unit_test(test_build_query_refused),
        cmocka_unit_test(test_name_to_wire_table),
        cmocka_unit_test(test_name_to_wire_limits),
        cmocka_unit_test(test_type_parse_and_name),
        cmocka_unit_test(test_rcode_name),
        cmocka_unit_test(test_reverse_name),
        cmocka_unit_test(test_parse_a),
        cmocka_unit_test(test_parse_flags),
        cmocka_unit_test(test_parse_aaaa),
        cmocka_unit_test(test_parse_cname_chain),
        cmocka_unit_test(test_parse_mx_srv_ns_ptr),
        cmocka_unit_test(test_parse_txt),
        cmocka_unit_test(test_parse_soa),
        cmocka_unit_test(test_parse_caa),
        cmocka_unit_test(test_parse_unknown_type),
        cmocka_unit_test(test_parse_edns),
        cmocka_unit_test(test_parse_escaped_names),
        cmocka_unit_test(test_parse_name_limits),
        cmocka_unit_test(test_parse_pointer_jumps),
        cmocka_unit_test(test_parse_record_limit),
        cmocka_unit_test(test_parse_hostile_table),
        cmocka_unit_test(test_rdata_name_too_long),
        cmocka_unit_test(test_rdata_unknown_type),
        cmocka_unit_test(test_header_parse),
        cmocka_unit_test(test_parse_every_prefix),
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_follow_parsed_chain),
        cmocka_unit_test(test_follow_loops),
        cmocka_unit_test(test_follow_hop_limit),
        cmocka_unit_test(test_name_eq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
