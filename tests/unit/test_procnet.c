/* test_procnet.c - one line of /proc/net/{tcp,tcp6,udp,udp6} at a time: real lines as Linux
 * writes them (listening, established, TIME_WAIT without an inode, UDP with its extra columns,
 * IPv6 loopback, IPv4-mapped IPv6, link-local), malformed and cut-off lines, and the state
 * names both ways. Table-driven; every line is handed over in a buffer of exactly its length
 * (no NUL after it) so that AddressSanitizer sees any read past its end.
 *
 * The kernel writes each 32-bit word of an address as a number in the host's byte order;
 * the hex below is what a little-endian machine (x86, arm64) shows, and the tests of
 * addresses are skipped on a big-endian one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/addr.h>
#include <netbasics/procnet.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int little_endian(void)
{
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

/* nb_procnet_parse over a heap copy of exactly strlen(line) bytes (no NUL after it). */
static int parse_exact(const char *line, size_t len, int family, int tcp,
                       struct nb_procnet_entry *out, struct nb_err *e)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    memcpy(copy, line, len);
    rc = nb_procnet_parse(copy, len, family, tcp, out, e);
    free(copy);
    return rc;
}

static const char *fmt(const struct nb_addr *a, char *buf)
{
    return nb_addr_format(a, buf, NB_ADDR_TEXT_MAX);
}

/* ---- good lines ------------------------------------------------------------------------- */

struct good {
    const char *what;
    int family, tcp;
    const char *line;
    const char *local; /* the address's canonical text */
    unsigned lport;
    const char *remote;
    unsigned rport;
    unsigned state;
    const char *state_name;
    unsigned long uid, inode;
};

static const struct good GOOD[] = {
    /* tcp: the header's columns are sl local rem st tx:rx tr:when retrnsmt uid timeout inode,
     * then refcount, the socket's kernel address and TCP details */
    {"tcp LISTEN 127.0.0.1:8080 as root", 4, 1,
     "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
     "0 667685 1 00000000192f407b 100 0 0 10 0                    \n",
     "127.0.0.1", 8080, "0.0.0.0", 0, 0x0A, "LISTEN", 0, 667685},
    {"tcp LISTEN 0.0.0.0:22", 4, 1,
     "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
     "0 18231 1 ffff8f0e4a0e8000 100 0 0 10 0",
     "0.0.0.0", 22, "0.0.0.0", 0, 0x0A, "LISTEN", 0, 18231},
    {"tcp ESTABLISHED 192.168.1.77:51234 -> 185.172.165.184:443, uid 1000", 4, 1,
     "   7: 4D01A8C0:C822 B8A5ACB9:01BB 01 00000000:00000000 02:000A7D8C 00000000  1000        "
     "0 923847 2 0000000089c16e48 20 4 30 10 -1                  \n",
     "192.168.1.77", 51234, "185.172.165.184", 443, 0x01, "ESTABLISHED", 1000, 923847},
    {"tcp TIME_WAIT: no inode any more", 4, 1,
     "  12: 0100007F:9C4E 0100007F:1F90 06 00000000:00000000 03:00001693 00000000     0        "
     "0 0 3 0000000000000000",
     "127.0.0.1", 40014, "127.0.0.1", 8080, 0x06, "TIME_WAIT", 0, 0},
    {"tcp CLOSE_WAIT, port 65535, uid 65534", 4, 1,
     "  13: 0100007F:FFFF 0200007F:0001 08 00000000:00000001 00:00000000 00000000 65534        "
     "0 4294967295 1 0000000000000000 20 4 0 10 -1",
     "127.0.0.1", 65535, "127.0.0.2", 1, 0x08, "CLOSE_WAIT", 65534, 4294967295UL},
    {"tcp lower-case hex, tabs between fields", 4, 1,
     "0:\t0100007f:1f90\t00000000:0000\t0a\t00000000:00000000\t00:00000000\t00000000\t1000\t0\t"
     "42",
     "127.0.0.1", 8080, "0.0.0.0", 0, 0x0A, "LISTEN", 1000, 42},
    {"tcp slot number past 9999", 4, 1,
     "12345: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
     "0 77 1 0000000000000000 100 0 0 10 0",
     "127.0.0.1", 80, "0.0.0.0", 0, 0x0A, "LISTEN", 0, 77},
    /* tcp6: four 32-bit words, each in host order */
    {"tcp6 LISTEN [::1]:631", 6, 1,
     "   0: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A "
     "00000000:00000000 00:00000000 00000000     0        0 18439 1 0000000000000000 100 0 0 "
     "10 0\n",
     "::1", 631, "::", 0, 0x0A, "LISTEN", 0, 18439},
    {"tcp6 LISTEN [::]:80", 6, 1,
     "   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A "
     "00000000:00000000 00:00000000 00000000    33        0 30012 1 0000000000000000 100 0 0 "
     "10 0",
     "::", 80, "::", 0, 0x0A, "LISTEN", 33, 30012},
    {"tcp6 IPv4-mapped, established both ways", 6, 1,
     "   0: 0000000000000000FFFF00000100007F:8EDB 0000000000000000FFFF00000100007F:CB8C 01 "
     "00000000:00000000 00:00000000 00000000     0        0 775511 1 00000000b5ba1515 20 4 31 "
     "10 -1\n",
     "::ffff:127.0.0.1", 0x8EDB, "::ffff:127.0.0.1", 0xCB8C, 0x01, "ESTABLISHED", 0, 775511},
    {"tcp6 IPv4-mapped TIME_WAIT", 6, 1,
     "   0: 0000000000000000FFFF00000100007F:8EDB 0000000000000000FFFF00000100007F:CB8C 06 "
     "00000000:00000000 03:0000014E 00000000     0        0 0 3 00000000b5ba1515",
     "::ffff:127.0.0.1", 0x8EDB, "::ffff:127.0.0.1", 0xCB8C, 0x06, "TIME_WAIT", 0, 0},
    {"tcp6 link-local fe80::1 to 2001:db8::10", 6, 1,
     "   3: 000080FE000000000000000001000000:D431 B80D0120000000000000000010000000:01BB 01 "
     "00000000:00000000 00:00000000 00000000  1000        0 5511 1 0000000000000000 20 4 30 "
     "10 -1",
     "fe80::1", 0xD431, "2001:db8::10", 443, 0x01, "ESTABLISHED", 1000, 5511},
    /* udp: the header ends in "inode ref pointer drops" */
    {"udp UNCONN 127.0.0.1:53 (dnsmasq)", 4, 0,
     "  267: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        "
     "0 667538 2 00000000157b8651 0        \n",
     "127.0.0.1", 53, "0.0.0.0", 0, 0x07, "UNCONN", 0, 667538},
    {"udp connected: ESTABLISHED", 4, 0,
     " 1043: 0100007F:A1B2 0100007F:0035 01 00000000:00000000 00:00000000 00000000  1000        "
     "0 99120 2 0000000000000000 0",
     "127.0.0.1", 0xA1B2, "127.0.0.1", 53, 0x01, "ESTABLISHED", 1000, 99120},
    {"udp6 UNCONN [::]:5353 with drops", 6, 0,
     "  101: 00000000000000000000000000000000:14E9 00000000000000000000000000000000:0000 07 "
     "00000000:00000000 00:00000000 00000000   104        0 21833 2 0000000000000000 17\n",
     "::", 5353, "::", 0, 0x07, "UNCONN", 104, 21833},
    {"udp6 IPv4-mapped", 6, 0,
     "  102: 0000000000000000FFFF00000100007F:D11B 00000000000000000000000000000000:0000 07 "
     "00000000:00000000 00:00000000 00000000     0        0 667540 2 0000000000000000 0",
     "::ffff:127.0.0.1", 0xD11B, "::", 0, 0x07, "UNCONN", 0, 667540},
};

static void test_good_lines(void **state)
{
    (void)state;
    if (!little_endian())
        skip();
    for (size_t i = 0; i < N(GOOD); i++) {
        const struct good *g = &GOOD[i];
        struct nb_procnet_entry en;
        struct nb_err e = {0};
        char a[NB_ADDR_TEXT_MAX];
        int rc = parse_exact(g->line, strlen(g->line), g->family, g->tcp, &en, &e);

        if (rc != 0)
            fail_msg("%s: refused: %s", g->what, e.msg);
        if (en.local.family != g->family || en.remote.family != g->family)
            fail_msg("%s: family %d/%d, expected %d", g->what, en.local.family, en.remote.family,
                     g->family);
        if (strcmp(fmt(&en.local, a), g->local))
            fail_msg("%s: local address %s, expected %s", g->what, a, g->local);
        if (strcmp(fmt(&en.remote, a), g->remote))
            fail_msg("%s: remote address %s, expected %s", g->what, a, g->remote);
        if (en.lport != g->lport || en.rport != g->rport)
            fail_msg("%s: ports %u/%u, expected %u/%u", g->what, en.lport, en.rport, g->lport,
                     g->rport);
        if (en.state != g->state)
            fail_msg("%s: state 0x%02X, expected 0x%02X", g->what, en.state, g->state);
        if (strcmp(nb_procnet_state_name(g->tcp, en.state), g->state_name))
            fail_msg("%s: state name %s, expected %s", g->what,
                     nb_procnet_state_name(g->tcp, en.state), g->state_name);
        if (en.uid != g->uid || en.inode != g->inode)
            fail_msg("%s: uid %lu inode %lu, expected %lu %lu", g->what, en.uid, en.inode, g->uid,
                     g->inode);
        if (en.tcp != g->tcp)
            fail_msg("%s: tcp flag %d, expected %d", g->what, en.tcp, g->tcp);
        if (en.local.zone[0] || en.remote.zone[0])
            fail_msg("%s: a zone appeared", g->what);
    }
}

/* The bytes themselves, not only the text: the IPv4-mapped address is ::ffff:7f00:1. */
static void test_mapped_bytes(void **state)
{
    static const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
    const char *line = "   0: 0000000000000000FFFF00000100007F:1F90 "
                       "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 "
                       "00000000     0        0 5 1 0000000000000000 100 0 0 10 0";
    struct nb_procnet_entry en;
    struct nb_err e;

    (void)state;
    if (!little_endian())
        skip();
    assert_int_equal(parse_exact(line, strlen(line), 6, 1, &en, &e), 0);
    assert_memory_equal(en.local.b, want, 16);
    {
        static const uint8_t zero[16] = {0};
        assert_memory_equal(en.remote.b, zero, 16);
    }
    /* an IPv4 entry fills b[0..3] in network order and leaves the rest zero */
    line = "   0: 4D01A8C0:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9";
    assert_int_equal(parse_exact(line, strlen(line), 4, 1, &en, &e), 0);
    {
        static const uint8_t v4[16] = {192, 168, 1, 77};
        assert_memory_equal(en.local.b, v4, 16);
    }
}

/* Each line of a real table, parsed one after the other as `ports` does, with the '\n'. */
static void test_whole_table(void **state)
{
    static const char table[] =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode\n"
        "   0: 0100007F:91E9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0     "
        "   0 667685 1 00000000192f407b 100 0 0 10 0\n"
        "   1: 0100007F:D11B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0     "
        "   0 667539 1 00000000039272f8 100 0 0 10 5\n"
        "   2: 0100007F:D11B 0100007F:B3A2 01 00000000:00000000 00:00000000 00000000     0     "
        "   0 667777 1 00000000039272f8 20 4 30 10 -1\n";
    static const unsigned ports[] = {0x91E9, 0xD11B, 0xD11B};
    static const unsigned states[] = {0x0A, 0x0A, 0x01};
    const char *p = strchr(table, '\n') + 1;
    struct nb_procnet_entry en;
    struct nb_err e;
    size_t k = 0;

    (void)state;
    if (!little_endian())
        skip();
    /* the header itself is not a data line */
    assert_int_equal(parse_exact(table, (size_t)(p - table), 4, 1, &en, &e), -1);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = (size_t)(nl - p) + 1;
        assert_true(k < N(ports));
        if (parse_exact(p, len, 4, 1, &en, &e) != 0)
            fail_msg("table line %zu refused: %s", k, e.msg);
        assert_int_equal(en.lport, ports[k]);
        assert_int_equal(en.state, states[k]);
        p = nl + 1;
        k++;
    }
    assert_int_equal(k, N(ports));
}

/* ---- malformed lines -------------------------------------------------------------------- */

struct bad {
    const char *what;
    int family, tcp;
    const char *line;
    const char *words; /* a word the message must hold, or NULL */
};

#define V4_TAIL " 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0"
#define V6_ZERO "00000000000000000000000000000000"

static const struct bad BAD[] = {
    {"empty", 4, 1, "", NULL},
    {"spaces only", 4, 1, "     \n", NULL},
    {"the tcp header line", 4, 1,
     "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
     "timeout inode",
     "N:"},
    {"the udp6 header line", 6, 0,
     "  sl  local_address                         remote_address                        st "
     "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
     "N:"},
    {"no colon after the slot", 4, 1, "   0 0100007F:1F90 00000000:0000" V4_TAIL, "N:"},
    {"slot not a number", 4, 1, "   x: 0100007F:1F90 00000000:0000" V4_TAIL, "N:"},
    {"local address of 7 hex digits", 4, 1, "   0: 100007F:1F90 00000000:0000" V4_TAIL, "local"},
    {"local address with a non-hex digit", 4, 1, "   0: 0100007G:1F90 00000000:0000" V4_TAIL,
     "local"},
    {"local address without a port", 4, 1, "   0: 0100007F 00000000:0000" V4_TAIL, "local"},
    {"local port empty", 4, 1, "   0: 0100007F: 00000000:0000" V4_TAIL, "local"},
    {"remote address cut short", 4, 1, "   0: 0100007F:1F90 0000:0000" V4_TAIL, "remote"},
    {"remote missing", 4, 1, "   0: 0100007F:1F90", "remote"},
    {"a 5-digit port runs into the remote address", 4, 1,
     "   0: 0100007F:1F900 00000000:0000" V4_TAIL, "remote"},
    {"an IPv6 line read as IPv4", 4, 1,
     "   0: 00000000000000000000000001000000:0277 " V6_ZERO ":0000" V4_TAIL, "local"},
    {"an IPv4 line read as IPv6", 6, 1, "   0: 0100007F:1F90 00000000:0000" V4_TAIL, "local"},
    {"IPv6 address of 31 hex digits", 6, 1,
     "   0: 0000000000000000000000000100000:0277 " V6_ZERO ":0000" V4_TAIL, "local"},
    {"no state", 4, 1, "   0: 0100007F:1F90 00000000:0000", "state"},
    {"state not hex", 4, 1,
     "   0: 0100007F:1F90 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000 0 0 1", "state"},
    {"cut after the state", 4, 1, "   0: 0100007F:1F90 00000000:0000 0A", "uid"},
    {"uid not a number", 4, 1,
     "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 root 0 1", "uid"},
    {"no timeout", 4, 1,
     "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000", "timeout"},
    {"no inode", 4, 1,
     "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0", "inode"},
    {"inode not a number", 4, 1,
     "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 -5",
     "inode"},
    {"a NUL in the middle", 4, 1, "   0: 0100\0", NULL},
};

static void test_bad_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(BAD); i++) {
        const struct bad *b = &BAD[i];
        struct nb_procnet_entry en;
        struct nb_err e = {0};
        size_t len = strlen(b->line);

        if (!strcmp(b->what, "a NUL in the middle"))
            len++; /* the NUL is part of the line */
        if (parse_exact(b->line, len, b->family, b->tcp, &en, &e) != -1)
            fail_msg("%s: accepted", b->what);
        if (e.code != NB_E_PROTO)
            fail_msg("%s: error code %d, expected NB_E_PROTO", b->what, (int)e.code);
        if (!e.msg[0] || !memchr(e.msg, '\0', sizeof e.msg))
            fail_msg("%s: no message", b->what);
        if (b->words && !strstr(e.msg, b->words))
            fail_msg("%s: message '%s' does not name '%s'", b->what, e.msg, b->words);
        /* `ports` passes no error structure: the same answer, and no crash */
        if (parse_exact(b->line, len, b->family, b->tcp, &en, NULL) != -1)
            fail_msg("%s: accepted with e NULL", b->what);
    }
}

/* Every prefix of a good line shorter than the inode's first digit is refused; none reads
 * past its end (the buffer is exactly the prefix). */
static void test_every_prefix(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(GOOD); i++) {
        const struct good *g = &GOOD[i];
        size_t len = strlen(g->line);
        struct nb_procnet_entry en;
        const char *at;
        size_t need;

        /* the inode column: the 10th field; find it after the uid and timeout */
        at = g->line;
        for (int f = 0; f < 10; f++) {
            while (*at == ' ' || *at == '\t')
                at++;
            if (f < 9)
                while (*at && *at != ' ' && *at != '\t')
                    at++;
        }
        need = (size_t)(at - g->line) + 1; /* through the inode's first digit */
        for (size_t k = 0; k <= len; k++) {
            int rc = parse_exact(g->line, k, g->family, g->tcp, &en, NULL);
            if (k < need && rc != -1)
                fail_msg("%s: a prefix of %zu bytes (before the inode) was accepted", g->what, k);
            if (k >= need && rc != 0 && little_endian())
                fail_msg("%s: a prefix of %zu bytes (with the inode) was refused", g->what, k);
        }
    }
}

/* Parsing depends on the text only: the same entry twice, whatever *out held before. */
static void test_out_is_reset(void **state)
{
    const struct good *g = &GOOD[0];
    struct nb_procnet_entry a, b;

    (void)state;
    memset(&a, 0x00, sizeof a);
    memset(&b, 0xa5, sizeof b);
    assert_int_equal(parse_exact(g->line, strlen(g->line), 4, 1, &a, NULL), 0);
    assert_int_equal(parse_exact(g->line, strlen(g->line), 4, 1, &b, NULL), 0);
    assert_memory_equal(&a, &b, sizeof a);
}

/* ---- state names -------------------------------------------------------------------------- */

static void test_state_names(void **state)
{
    static const struct {
        int tcp;
        unsigned st;
        const char *name;
    } T[] = {
        {1, 0x01, "ESTABLISHED"}, {1, 0x02, "SYN_SENT"},    {1, 0x03, "SYN_RECV"},
        {1, 0x04, "FIN_WAIT1"},   {1, 0x05, "FIN_WAIT2"},   {1, 0x06, "TIME_WAIT"},
        {1, 0x07, "CLOSE"},       {1, 0x08, "CLOSE_WAIT"},  {1, 0x09, "LAST_ACK"},
        {1, 0x0A, "LISTEN"},      {1, 0x0B, "CLOSING"},     {1, 0x00, "?"},
        {1, 0x0C, "?"},           {1, 0xFF, "?"},           {1, 0xFFFFFFFFu, "?"},
        {0, 0x07, "UNCONN"},      {0, 0x01, "ESTABLISHED"}, {0, 0x0A, "?"},
        {0, 0x00, "?"},           {0, 0xFF, "?"},
    };

    (void)state;
    for (size_t i = 0; i < N(T); i++) {
        const char *got = nb_procnet_state_name(T[i].tcp, T[i].st);
        if (!got || strcmp(got, T[i].name))
            fail_msg("%s state 0x%X: '%s', expected '%s'", T[i].tcp ? "tcp" : "udp", T[i].st,
                     got ? got : "(null)", T[i].name);
    }
}

static void test_state_parse(void **state)
{
    static const struct {
        const char *text;
        int ok;
        unsigned st;
    } T[] = {
        {"LISTEN", 1, 0x0A},
        {"listen", 1, 0x0A},
        {"Established", 1, 0x01},
        {"time_wait", 1, 0x06},
        {"CLOSE_WAIT", 1, 0x08},
        {"close", 1, 0x07},
        {"UNCONN", 1, 0x07},
        {"unconn", 1, 0x07},
        {"SYN_SENT", 1, 0x02},
        {"CLOSING", 1, 0x0B},
        {"", 0, 0},
        {"?", 0, 0},
        {"LISTENING", 0, 0},
        {"LISTE", 0, 0},
        {"10", 0, 0},
        {"0A", 0, 0},
        {" LISTEN", 0, 0},
        {"TIME-WAIT", 0, 0},
    };

    (void)state;
    for (size_t i = 0; i < N(T); i++) {
        struct nb_err e = {0};
        unsigned st = 12345;
        int rc = nb_procnet_state_parse(T[i].text, &st, &e);
        if (T[i].ok && (rc != 0 || st != T[i].st))
            fail_msg("'%s': rc %d state 0x%X, expected 0x%X", T[i].text, rc, st, T[i].st);
        if (!T[i].ok) {
            if (rc != -1)
                fail_msg("'%s': accepted as 0x%X", T[i].text, st);
            if (e.code != NB_E_INVALID || !strstr(e.msg, "not a socket state"))
                fail_msg("'%s': error %d '%s'", T[i].text, (int)e.code, e.msg);
        }
    }
}

/* Every TCP state's name reads back to its number. */
static void test_state_round_trip(void **state)
{
    (void)state;
    for (unsigned st = 1; st <= 0x0B; st++) {
        unsigned back = 0;
        struct nb_err e;
        const char *name = nb_procnet_state_name(1, st);
        if (nb_procnet_state_parse(name, &back, &e) != 0 || back != st)
            fail_msg("%s (0x%X) reads back as 0x%X", name, st, back);
    }
}

/* A very long overlong state name is cut in the message, which stays one bounded line. */
static void test_state_parse_long(void **state)
{
    char big[5000];
    struct nb_err e;
    unsigned st;

    (void)state;
    memset(big, 'Q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(nb_procnet_state_parse(big, &st, &e), -1);
    assert_non_null(memchr(e.msg, '\0', sizeof e.msg));
    assert_null(strchr(e.msg, '\n'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_lines),       cmocka_unit_test(test_mapped_bytes),
        cmocka_unit_test(test_whole_table),      cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_every_prefix),     cmocka_unit_test(test_out_is_reset),
        cmocka_unit_test(test_state_names),      cmocka_unit_test(test_state_parse),
        cmocka_unit_test(test_state_round_trip), cmocka_unit_test(test_state_parse_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
