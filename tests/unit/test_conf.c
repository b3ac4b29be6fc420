/* test_conf.c - resolv.conf(5) and hosts(5) parsing, checked against tables of real-world
 * files (systemd-resolved, Debian, Docker, Kubernetes) and of hostile ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/conf.h>

#define N(a)     (sizeof(a) / sizeof((a)[0]))
#define TEXT(s)  s, sizeof(s) - 1 /* a text with its length, so NUL bytes inside count */
#define JOIN_MAX 2048

/* Appends word to the space-separated list in dst (of size JOIN_MAX). */
static void join(char *dst, const char *word)
{
    size_t n = strlen(dst), m = strlen(word);

    assert_true(n + m + 2 < JOIN_MAX);
    if (n > 0)
        dst[n++] = ' ';
    memcpy(dst + n, word, m + 1);
}

/* "ADDR" for port 53, "ADDR#PORT" otherwise. */
static void ns_text(const struct nb_nameserver *ns, char *buf, size_t n)
{
    char a[NB_ADDR_TEXT_MAX];

    nb_addr_format(&ns->addr, a, sizeof a);
    if (ns->port == 53)
        snprintf(buf, n, "%s", a);
    else
        snprintf(buf, n, "%s#%u", a, (unsigned)ns->port);
}

/* The nameservers and the search list of rc as two space-separated lists. */
static void rc_lists(const struct nb_resolvconf *rc, char *ns, char *search)
{
    char one[NB_ADDR_TEXT_MAX + 8];
    size_t i;

    ns[0] = search[0] = '\0';
    for (i = 0; i < rc->nns; i++) {
        ns_text(&rc->ns[i], one, sizeof one);
        join(ns, one);
    }
    for (i = 0; i < rc->nsearch; i++)
        join(search, rc->search[i][0] ? rc->search[i] : "."); /* the root is kept as "" */
}

/* ---- resolv.conf: table ----------------------------------------------------------------- */

struct rc_case {
    const char *what;
    const char *text;
    size_t len;
    const char *ns;     /* nameservers, space-separated */
    const char *search; /* search list, space-separated */
    unsigned ndots, timeout, attempts;
    int use_vc;
    unsigned ignored;
};

#define DEF 1, 5, 2, 0 /* default ndots, timeout, attempts, use_vc */

static const char SYSTEMD_STUB[] =
    "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n"
    "# Do not edit.\n"
    "#\n"
    "# This file might be symlinked as /etc/resolv.conf. If you're looking at\n"
    "# /etc/resolv.conf and seeing this text, you have followed the symlink.\n"
    "#\n"
    "# This is a dynamic resolv.conf file for connecting local clients to the\n"
    "# internal DNS stub resolver of systemd-resolved. This file lists all\n"
    "# configured search domains.\n"
    "#\n"
    "# Run \"resolvectl status\" to see details about the uplink DNS servers\n"
    "# currently in use.\n"
    "#\n"
    "# Third party programs should typically not access this file directly, but only\n"
    "# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a\n"
    "# different way, replace this symlink by a static file or a different symlink.\n"
    "#\n"
    "# See man:systemd-resolved.service(8) for details about the supported modes of\n"
    "# operation for /etc/resolv.conf.\n"
    "\n"
    "nameserver 127.0.0.53\n"
    "options edns0 trust-ad\n"
    "search .\n";

static const char SYSTEMD_UPLINK[] =
    "# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8).\n"
    "# Do not edit.\n"
    "\n"
    "nameserver 192.168.1.1\n"
    "nameserver fd00::1\n"
    "search home.arpa lan\n";

static const char DEBIAN[] = "domain example.org\n"
                             "search example.org\n"
                             "nameserver 192.0.2.1\n"
                             "nameserver 2001:db8::1\n";

static const struct rc_case rc_cases[] = {
    /* real-world files */
    {"systemd-resolved stub", TEXT(SYSTEMD_STUB), "127.0.0.53", ".", DEF, 0},
    {"systemd-resolved uplink", TEXT(SYSTEMD_UPLINK), "192.168.1.1 fd00::1", "home.arpa lan", DEF,
     0},
    {"Debian default", TEXT(DEBIAN), "192.0.2.1 2001:db8::1", "example.org", DEF, 0},
    {"Kubernetes pod",
     TEXT("search default.svc.cluster.local svc.cluster.local cluster.local\n"
          "nameserver 10.96.0.10\n"
          "options ndots:5\n"),
     "10.96.0.10", "default.svc.cluster.local svc.cluster.local cluster.local", 5, 5, 2, 0, 0},
    {"Docker embedded DNS", TEXT("nameserver 127.0.0.11\noptions ndots:0\n"), "127.0.0.11", "", 0,
     5, 2, 0, 0},
    {"empty file", TEXT(""), "", "", DEF, 0},
    {"blank lines only", TEXT("\n\n   \n\t\n\r\n"), "", "", DEF, 0},

    /* nameservers */
    {"IPv6 nameservers",
     TEXT("nameserver ::1\nnameserver fe80::1%eth0\nnameserver 2001:4860:4860::8888\n"),
     "::1 fe80::1%eth0 2001:4860:4860::8888", "", DEF, 0},
    {"four nameservers: the first 3 kept",
     TEXT("nameserver 1.1.1.1\nnameserver 8.8.8.8\nnameserver 9.9.9.9\nnameserver 1.0.0.1\n"),
     "1.1.1.1 8.8.8.8 9.9.9.9", "", DEF, 0},
    {"a bad nameserver takes no slot",
     TEXT("nameserver 1.1.1.1\nnameserver dns.google\nnameserver 8.8.8.8\nnameserver 9.9.9.9\n"),
     "1.1.1.1 8.8.8.8 9.9.9.9", "", DEF, 1},
    {"names and garbage as nameservers",
     TEXT("nameserver localhost\nnameserver 999.1.1.1\nnameserver 010.0.0.1\n"
          "nameserver fe80::1%\nnameserver\nnameserver 1.2.3\nnameserver 1.1.1.1\n"),
     "1.1.1.1", "", DEF, 6},
    {"ports",
     TEXT("nameserver [::1]:5353\nnameserver 127.0.0.1#5300\nnameserver [2001:db8::1]#53\n"),
     "::1#5353 127.0.0.1#5300 2001:db8::1", "", DEF, 0},
    {"bad ports",
     TEXT("nameserver 127.0.0.1#0\nnameserver 127.0.0.1#65536\nnameserver [::1]:\n"
          "nameserver [::1\nnameserver [127.0.0.1]:53\nnameserver [::1]x53\n"
          "nameserver 127.0.0.1:53\nnameserver 127.0.0.1#053\n"),
     "", "", DEF, 8},
    {"words after the address", TEXT("nameserver 1.1.1.1 8.8.8.8\n"), "1.1.1.1", "", DEF, 1},
    {"comments after the address",
     TEXT("nameserver 1.1.1.1 # Cloudflare\nnameserver 8.8.8.8 ; Google\nnameserver 9.9.9.9#53\n"),
     "1.1.1.1 8.8.8.8 9.9.9.9", "", DEF, 0},

    /* domain and search */
    {"search after domain wins", TEXT("domain a.example\nsearch b.example c.example\n"), "",
     "b.example c.example", DEF, 0},
    {"domain after search wins", TEXT("search b.example c.example\ndomain a.example\n"), "",
     "a.example", DEF, 0},
    {"the last search line wins", TEXT("search a.example\nsearch b.example\n"), "", "b.example",
     DEF, 0},
    {"more than 6 search domains: all kept",
     TEXT("search a.example b.example c.example d.example e.example f.example g.example "
          "h.example\n"),
     "", "a.example b.example c.example d.example e.example f.example g.example h.example", DEF, 0},
    {"more than 32 search domains: 32 kept, the rest ignored",
     TEXT("search a b c d e f g h i j k l m n o p q r s t u v w x y z a1 b1 c1 d1 e1 f1 g1 h1\n"),
     "", "a b c d e f g h i j k l m n o p q r s t u v w x y z a1 b1 c1 d1 e1 f1", DEF, 2},
    {"trailing dots", TEXT("search example.com. corp.example.\n"), "", "example.com corp.example",
     DEF, 0},
    {"domain with a trailing dot", TEXT("domain example.org.\n"), "", "example.org", DEF, 0},
    {"search . is the root, kept in its place", TEXT("search a.example\nsearch . b.example\n"), "",
     ". b.example", DEF, 0},
    {"domain . is the root", TEXT("domain .\n"), "", ".", DEF, 0},
    {"bad domains are skipped", TEXT("search a..b good.example .lead bad!char two.. x_y.example\n"),
     "", "good.example x_y.example", DEF, 4},
    {"domain takes one word", TEXT("domain a.example b.example\n"), "", "a.example", DEF, 1},
    {"a search without value changes nothing",
     TEXT("search a.example\nsearch\nsearch   # nothing\ndomain\n"), "", "a.example", DEF, 3},
    {"comments end the search list", TEXT("search a.example # b.example\n"), "", "a.example", DEF,
     0},

    /* options */
    {"options", TEXT("options ndots:2 timeout:1 attempts:3 rotate use-vc\n"), "", "", 2, 1, 3, 1,
     0},
    {"usevc", TEXT("options usevc\n"), "", "", 1, 5, 2, 1, 0},
    {"clamped to the maximum", TEXT("options ndots:99 timeout:99 attempts:99\n"), "", "", 15, 30, 5,
     0, 0},
    {"huge numbers clamp", TEXT("options ndots:99999999999999999999999 timeout:4294967297\n"), "",
     "", 15, 30, 2, 0, 0},
    {"zero: ndots 0, timeout and attempts 1", TEXT("options ndots:0 timeout:0 attempts:0\n"), "",
     "", 0, 1, 1, 0, 0},
    {"garbage values are ignored",
     TEXT("options ndots: ndots:-1 timeout:x attempts:1.5 ndots:2x ndots:+3 timeout: 3\n"), "", "",
     DEF, 8},
    {"leading zeros read as decimal", TEXT("options timeout:07 ndots:010\n"), "", "", 10, 7, 2, 0,
     0},
    {"the later option wins", TEXT("options ndots:3\noptions ndots:4 ndots:2\n"), "", "", 2, 5, 2,
     0, 0},
    {"unknown options", TEXT("options foo ndots bar:1 NDOTS:3\n"), "", "", DEF, 4},

    /* comments, keywords, line endings, bytes */
    {"comments with # and ;",
     TEXT("# comment\n; comment\n   # indented\nnameserver 1.1.1.1\n#nameserver 2.2.2.2\n"
          ";nameserver 3.3.3.3\n"),
     "1.1.1.1", "", DEF, 0},
    {"unknown keywords",
     TEXT("lookup file bind\nfamily inet4\nsortlist 130.155.160.0/255.255.240.0\n"
          "NAMESERVER 1.1.1.1\nnameserver1.1.1.1\n"),
     "", "", DEF, 4},
    {"tabs and leading blanks", TEXT("  nameserver\t1.1.1.1\n\tsearch\ta.example \t b.example\t\n"),
     "1.1.1.1", "a.example b.example", DEF, 0},
    {"CRLF line endings",
     TEXT("nameserver 1.1.1.1\r\nsearch a.example b.example\r\noptions ndots:3\r\n"), "1.1.1.1",
     "a.example b.example", 3, 5, 2, 0, 0},
    {"old Mac CR alone is not a line break", TEXT("nameserver 1.1.1.1\rnameserver 8.8.8.8\r"),
     "1.1.1.1", "", DEF, 2},
    {"no trailing newline", TEXT("nameserver 1.1.1.1\nsearch example.com"), "1.1.1.1",
     "example.com", DEF, 0},
    {"a NUL ends the line's text",
     TEXT("nameserver 1.1.1.1\0 junk\nsearch a.ex\0ample\n\0nameserver 9.9.9.9\n"
          "nameserver 8.8.8.8\n"),
     "1.1.1.1 8.8.8.8", "a.ex", DEF, 0},
    {"a NUL inside a keyword", TEXT("name\0server 1.1.1.1\n"), "", "", DEF, 1},
    {"bytes above 0x7f", TEXT("search caf\xc3\xa9.example ok.example\nnameserver 1.1.1.\xd9\xa1\n"),
     "", "ok.example", DEF, 2},
};

static int check_rc(size_t i, const struct rc_case *c)
{
    struct nb_resolvconf rc;
    char ns[JOIN_MAX], search[JOIN_MAX];

    memset(&rc, 0xa5, sizeof rc);
    assert_int_equal(nb_resolvconf_parse(c->text, c->len, &rc), 0);
    rc_lists(&rc, ns, search);
    if (strcmp(ns, c->ns) || strcmp(search, c->search) || rc.ndots != c->ndots ||
        rc.timeout_s != c->timeout || rc.attempts != c->attempts || rc.use_vc != c->use_vc ||
        rc.ignored != c->ignored) {
        print_error("resolv.conf case %zu (%s):\n"
                    "  got  ns '%s' search '%s' ndots %u timeout %u attempts %u vc %d ignored %u\n"
                    "  want ns '%s' search '%s' ndots %u timeout %u attempts %u vc %d ignored %u\n",
                    i, c->what, ns, search, rc.ndots, rc.timeout_s, rc.attempts, rc.use_vc,
                    rc.ignored, c->ns, c->search, c->ndots, c->timeout, c->attempts, c->use_vc,
                    c->ignored);
        return 1;
    }
    return 0;
}

static void test_resolvconf_table(void **state)
{
    size_t i;
    int nfail = 0;

    for (i = 0; i < N(rc_cases); i++)
        nfail += check_rc(i, &rc_cases[i]);
    assert_int_equal(nfail, 0);
}

/* ---- resolv.conf: generated texts ----------------------------------------------------- */

/* A line of exactly n bytes: "search a.example" padded with spaces. */
static char *padded_line(size_t n, const char *start, const char *end)
{
    size_t s = strlen(start), e = strlen(end);
    char *t = malloc(n + e + 1);

    assert_non_null(t);
    assert_true(n >= s);
    memcpy(t, start, s);
    memset(t + s, ' ', n - s);
    memcpy(t + n, end, e + 1);
    return t;
}

static void test_resolvconf_long_lines(void **state)
{
    struct nb_resolvconf rc;
    char *t;
    size_t i;

    /* a 10 KB line of domains is ignored and the next line still read */
    t = malloc(10240 + 64);
    assert_non_null(t);
    strcpy(t, "search");
    for (i = 0; strlen(t) < 10240; i++)
        sprintf(t + strlen(t), " d%zu.example", i);
    strcat(t, "\nnameserver 1.1.1.1\n");
    nb_resolvconf_parse(t, strlen(t), &rc);
    assert_int_equal(rc.nsearch, 0);
    assert_int_equal(rc.nns, 1);
    assert_int_equal(rc.ignored, 1);
    free(t);

    /* a 10 KB comment is no line to count */
    t = padded_line(10240, "# comment", "\nnameserver 1.1.1.1");
    nb_resolvconf_parse(t, strlen(t), &rc);
    assert_int_equal(rc.nns, 1);
    assert_int_equal(rc.ignored, 0);
    free(t);

    /* 1024 bytes are kept, with or without a CR; 1025 are not */
    t = padded_line(1024, "search a.example", "\n");
    nb_resolvconf_parse(t, strlen(t), &rc);
    assert_int_equal(rc.nsearch, 1);
    assert_int_equal(rc.ignored, 0);
    free(t);
    t = padded_line(1024, "search a.example", "\r\n");
    nb_resolvconf_parse(t, strlen(t), &rc);
    assert_int_equal(rc.nsearch, 1);
    free(t);
    t = padded_line(1025, "search a.example", "");
    nb_resolvconf_parse(t, strlen(t), &rc);
    assert_int_equal(rc.nsearch, 0);
    assert_int_equal(rc.ignored, 1);
    free(t);
}

/* A domain of n bytes: labels of 63 'a's and a shorter last one, dot-separated. */
static void long_domain(char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        buf[i] = i % 64 == 63 ? '.' : 'a';
    if (buf[n - 1] == '.')
        buf[n - 1] = 'b';
    buf[n] = '\0';
}

static void test_resolvconf_name_limits(void **state)
{
    struct nb_resolvconf rc;
    char line[700], name[300], label[80];

    long_domain(name, 253);
    snprintf(line, sizeof line, "search %s %s.\n", name, name);
    nb_resolvconf_parse(line, strlen(line), &rc);
    assert_int_equal(rc.nsearch, 2);
    assert_string_equal(rc.search[0], name);
    assert_string_equal(rc.search[1], name);

    long_domain(name, 254);
    snprintf(line, sizeof line, "search %s ok.example\n", name);
    nb_resolvconf_parse(line, strlen(line), &rc);
    assert_int_equal(rc.nsearch, 1);
    assert_string_equal(rc.search[0], "ok.example");
    assert_int_equal(rc.ignored, 1);

    memset(label, 'x', 64);
    label[64] = '\0';
    snprintf(line, sizeof line, "search %s.example %s.example\n", label, label + 1);
    nb_resolvconf_parse(line, strlen(line), &rc);
    assert_int_equal(rc.nsearch, 1);
    assert_int_equal(strlen(rc.search[0]), 63 + 8);
    assert_int_equal(rc.ignored, 1);
}

static void test_resolvconf_defaults_and_null(void **state)
{
    struct nb_resolvconf rc;

    memset(&rc, 0xff, sizeof rc);
    assert_int_equal(nb_resolvconf_parse(NULL, 0, &rc), 0);
    assert_int_equal(rc.nns, 0);
    assert_int_equal(rc.nsearch, 0);
    assert_int_equal(rc.ndots, 1);
    assert_int_equal(rc.timeout_s, 5);
    assert_int_equal(rc.attempts, 2);
    assert_int_equal(rc.use_vc, 0);
    assert_int_equal(rc.ignored, 0);

    /* the text is read only up to len, never to a NUL */
    assert_int_equal(nb_resolvconf_parse("nameserver 1.1.1.1nameserver", 18, &rc), 0);
    assert_int_equal(rc.nns, 1);
}

/* ---- hosts: lookup table ------------------------------------------------------------------ */

static const char HOSTS_DEBIAN[] = "127.0.0.1\tlocalhost\n"
                                   "127.0.1.1\tmyhost.example.org\tmyhost\n"
                                   "\n"
                                   "# The following lines are desirable for IPv6 capable hosts\n"
                                   "::1     localhost ip6-localhost ip6-loopback\n"
                                   "ff02::1 ip6-allnodes\n"
                                   "ff02::2 ip6-allrouters\n";

static const char HOSTS_MULTI[] = "10.0.0.2 web\n"
                                  "10.0.0.1 web www\n"
                                  "2001:db8::2 web\n"
                                  "10.0.0.2 web\n"
                                  "10.0.0.2 web\n";

struct hosts_case {
    const char *what;
    const char *text;
    size_t len;
    const char *query;
    int family;
    const char *want; /* "ADDR CANONICAL LINE" of each match, '|'-separated */
};

static const struct hosts_case hosts_cases[] = {
    {"Debian localhost, both families", TEXT(HOSTS_DEBIAN), "localhost", 0,
     "127.0.0.1 localhost 1|::1 localhost 5"},
    {"Debian localhost, IPv4", TEXT(HOSTS_DEBIAN), "localhost", 4, "127.0.0.1 localhost 1"},
    {"Debian localhost, IPv6", TEXT(HOSTS_DEBIAN), "localhost", 6, "::1 localhost 5"},
    {"case-insensitive", TEXT(HOSTS_DEBIAN), "LocalHost", 0,
     "127.0.0.1 localhost 1|::1 localhost 5"},
    {"trailing dot in the query", TEXT(HOSTS_DEBIAN), "localhost.", 0,
     "127.0.0.1 localhost 1|::1 localhost 5"},
    {"two trailing dots", TEXT(HOSTS_DEBIAN), "localhost..", 0, ""},
    {"alias gives the canonical name", TEXT(HOSTS_DEBIAN), "myhost", 0,
     "127.0.1.1 myhost.example.org 2"},
    {"IPv6 alias", TEXT(HOSTS_DEBIAN), "ip6-loopback", 0, "::1 localhost 5"},
    {"IPv6-only name asked for IPv4", TEXT(HOSTS_DEBIAN), "ip6-allnodes", 4, ""},
    {"a prefix does not match", TEXT(HOSTS_DEBIAN), "local", 0, ""},
    {"a shorter prefix does not match", TEXT(HOSTS_DEBIAN), "localhos", 0, ""},
    {"a longer name does not match", TEXT(HOSTS_DEBIAN), "localhost.localdomain", 0, ""},
    {"a suffix does not match", TEXT(HOSTS_DEBIAN), "host", 0, ""},
    {"several addresses in file order, duplicates removed", TEXT(HOSTS_MULTI), "web", 0,
     "10.0.0.2 web 1|10.0.0.1 web 2|2001:db8::2 web 3"},
    {"several addresses, IPv4 only", TEXT(HOSTS_MULTI), "web", 4, "10.0.0.2 web 1|10.0.0.1 web 2"},
    {"alias of one line only", TEXT(HOSTS_MULTI), "www", 0, "10.0.0.1 web 2"},
    {"comments at line end",
     TEXT("10.0.0.5 printer # lobby printer\n10.0.0.6 fax#comment\n#10.0.0.7 lobby\n"), "lobby", 0,
     ""},
    {"a name before a comment", TEXT("10.0.0.5 printer # lobby printer\n10.0.0.6 fax#comment\n"),
     "fax", 0, "10.0.0.6 fax 2"},
    {"tabs and many spaces", TEXT("  10.0.0.8 \t  a   \t b\t\n"), "b", 0, "10.0.0.8 a 1"},
    {"malformed lines skipped",
     TEXT("10.0.0 bad\n999.0.0.1 bad\n010.0.0.1 bad\nbad 10.0.0.1\n10.0.0.1\n::g bad\n"
          "0x0a.0.0.1 bad\n10.0.0.1/8 bad\n10.0.0.9 bad\n"),
     "bad", 0, "10.0.0.9 bad 9"},
    {"a trailing dot in the file", TEXT("10.0.0.3 dotted.example.\n"), "dotted.example", 0,
     "10.0.0.3 dotted.example 1"},
    {"trailing dots on both sides", TEXT("10.0.0.3 dotted.example.\n"), "dotted.example.", 0,
     "10.0.0.3 dotted.example 1"},
    {"two trailing dots in the file", TEXT("10.0.0.1 a..\n10.0.0.2 a\n"), "a", 0, "10.0.0.2 a 2"},
    {"the canonical name keeps its case", TEXT("10.0.0.4 MixedCase.Example\n"), "mixedcase.example",
     0, "10.0.0.4 MixedCase.Example 1"},
    {"CRLF", TEXT("10.0.0.1 crlf\r\n10.0.0.2 other crlf\r\n"), "crlf", 0,
     "10.0.0.1 crlf 1|10.0.0.2 other 2"},
    {"no trailing newline", TEXT("10.0.0.1 a\n10.0.0.2 last"), "last", 0, "10.0.0.2 last 2"},
    {"a NUL ends the line's text", TEXT("10.0.0.1 a\0b\n10.0.0.2 b\n"), "b", 0, "10.0.0.2 b 2"},
    {"before a NUL", TEXT("10.0.0.1 a\0b\n10.0.0.2 b\n"), "a", 0, "10.0.0.1 a 1"},
    {"zones are different addresses", TEXT("fe80::1%eth0 router\nfe80::1%eth1 router\n"), "router",
     6, "fe80::1%eth0 router 1|fe80::1%eth1 router 2"},
    {"IPv4-mapped is IPv6", TEXT("::ffff:10.0.0.1 mapped\n"), "mapped", 4, ""},
    {"IPv4-mapped asked for IPv6", TEXT("::ffff:10.0.0.1 mapped\n"), "mapped", 6,
     "::ffff:10.0.0.1 mapped 1"},
    {"empty query", TEXT(HOSTS_DEBIAN), "", 0, ""},
    {"root query", TEXT(HOSTS_DEBIAN), ".", 0, ""},
    {"unknown family", TEXT(HOSTS_DEBIAN), "localhost", 5, ""},
    {"empty file", TEXT(""), "localhost", 0, ""},
    {"a name with a control byte", TEXT("10.0.0.1 a\x01z ok\n10.0.0.2 ok\n"), "ok", 0,
     "10.0.0.2 ok 2"},
    {"a bad alias is skipped, the line kept", TEXT("10.0.0.1 host bad\x7f alias\n"), "alias", 0,
     "10.0.0.1 host 1"},
};

/* The matches as "ADDR CANONICAL LINE|...". */
static void matches_text(const struct nb_hosts_match *m, size_t n, char *buf)
{
    char a[NB_ADDR_TEXT_MAX];
    size_t i, o = 0;

    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        o += (size_t)snprintf(buf + o, JOIN_MAX - o, "%s%s %s %u", i ? "|" : "",
                              nb_addr_format(&m[i].addr, a, sizeof a), m[i].canonical, m[i].line);
        assert_true(o < JOIN_MAX);
    }
}

static int check_hosts(size_t i, const struct hosts_case *c)
{
    struct nb_hosts_match m[8];
    char got[JOIN_MAX];
    size_t n;

    memset(m, 0xa5, sizeof m);
    n = nb_hosts_lookup(c->text, c->len, c->query, c->family, m, N(m));
    matches_text(m, n, got);
    if (strcmp(got, c->want) != 0) {
        print_error("hosts case %zu (%s): '%s' family %d\n  got  '%s'\n  want '%s'\n", i, c->what,
                    c->query, c->family, got, c->want);
        return 1;
    }
    return 0;
}

static void test_hosts_table(void **state)
{
    size_t i;
    int nfail = 0;

    for (i = 0; i < N(hosts_cases); i++)
        nfail += check_hosts(i, &hosts_cases[i]);
    assert_int_equal(nfail, 0);
}

static void test_hosts_limits(void **state)
{
    struct nb_hosts_match m[4];
    char text[1000], name[300], got[JOIN_MAX];
    char *big;
    size_t n, i;

    /* max bounds the matches; 0 or NULL arguments find nothing */
    n = nb_hosts_lookup(TEXT(HOSTS_MULTI), "web", 0, m, 1);
    matches_text(m, n, got);
    assert_string_equal(got, "10.0.0.2 web 1");
    assert_int_equal(nb_hosts_lookup(TEXT(HOSTS_MULTI), "web", 0, m, 0), 0);
    assert_int_equal(nb_hosts_lookup(TEXT(HOSTS_MULTI), NULL, 0, m, 4), 0);
    assert_int_equal(nb_hosts_lookup(NULL, 0, "web", 0, m, 4), 0);

    /* a 253-byte name matches; a 254-byte one, in the file or asked, never does */
    long_domain(name, 253);
    snprintf(text, sizeof text, "10.0.0.1 %s\n10.0.0.2 short %s\n", name, name);
    n = nb_hosts_lookup(text, strlen(text), name, 0, m, N(m));
    assert_int_equal(n, 2);
    assert_string_equal(m[0].canonical, name);
    assert_string_equal(m[1].canonical, "short");
    long_domain(name, 254);
    snprintf(text, sizeof text, "10.0.0.1 %s\n10.0.0.2 short %s\n", name, name);
    assert_int_equal(nb_hosts_lookup(text, strlen(text), name, 0, m, N(m)), 0);
    assert_int_equal(nb_hosts_lookup(text, strlen(text), "short", 0, m, N(m)), 1);
    name[253] = '.'; /* 253 bytes and the trailing dot: still a valid query */
    name[254] = '\0';
    snprintf(text, sizeof text, "10.0.0.3 x %.253s\n", name);
    assert_int_equal(nb_hosts_lookup(text, strlen(text), name, 0, m, N(m)), 1);

    /* a 10 KB line of aliases is read to its end */
    big = malloc(10240 + 64);
    assert_non_null(big);
    strcpy(big, "10.0.0.1 first");
    for (i = 0; strlen(big) < 10240; i++)
        sprintf(big + strlen(big), " alias%zu", i);
    strcat(big, " needle\n");
    n = nb_hosts_lookup(big, strlen(big), "needle", 0, m, N(m));
    matches_text(m, n, got);
    assert_string_equal(got, "10.0.0.1 first 1");
    free(big);
}

/* ---- hosts: reverse ------------------------------------------------------------------------ */

struct reverse_case {
    const char *what;
    const char *text;
    size_t len;
    const char *addr;
    const char *want; /* names, space-separated */
};

static const struct reverse_case reverse_cases[] = {
    {"Debian 127.0.0.1", TEXT(HOSTS_DEBIAN), "127.0.0.1", "localhost"},
    {"Debian ::1", TEXT(HOSTS_DEBIAN), "::1", "localhost"},
    {"Debian 127.0.1.1", TEXT(HOSTS_DEBIAN), "127.0.1.1", "myhost.example.org"},
    {"not in the file", TEXT(HOSTS_DEBIAN), "10.9.9.9", ""},
    {"several lines, duplicates removed", TEXT("10.0.0.1 a\n10.0.0.1 b c\n10.0.0.1 A\n"),
     "10.0.0.1", "a b"},
    {"a zone does not tell hosts apart", TEXT("fe80::1%eth0 r0\n"), "fe80::1", "r0"},
    {"IPv4-mapped is not IPv4", TEXT("::ffff:10.0.0.1 m\n10.0.0.1 v\n"), "10.0.0.1", "v"},
    {"IPv4 is not IPv4-mapped", TEXT("::ffff:10.0.0.1 m\n10.0.0.1 v\n"), "::ffff:10.0.0.1", "m"},
    {"malformed lines skipped", TEXT("010.0.0.1 x\n10.0.0.1\n10.0.0.1 y # z\n"), "10.0.0.1", "y"},
    {"trailing dot removed", TEXT("10.0.0.1 dotted.example.\n"), "10.0.0.1", "dotted.example"},
    {"empty file", TEXT(""), "127.0.0.1", ""},
};

static void test_hosts_reverse_table(void **state)
{
    char names[4][NB_CONF_NAME_MAX], got[JOIN_MAX];
    struct nb_addr a;
    size_t i, k, n;
    int nfail = 0;

    for (i = 0; i < N(reverse_cases); i++) {
        const struct reverse_case *c = &reverse_cases[i];

        assert_int_equal(nb_addr_parse(c->addr, strlen(c->addr), &a, NULL), 0);
        n = nb_hosts_reverse(c->text, c->len, &a, names, N(names));
        got[0] = '\0';
        for (k = 0; k < n; k++)
            join(got, names[k]);
        if (strcmp(got, c->want) != 0) {
            print_error("reverse case %zu (%s): %s\n  got  '%s'\n  want '%s'\n", i, c->what,
                        c->addr, got, c->want);
            nfail++;
        }
    }
    assert_int_equal(nfail, 0);

    /* max bounds the names; stray bytes past an IPv4 address do not matter */
    assert_int_equal(nb_addr_parse("10.0.0.1", 8, &a, NULL), 0);
    memset(a.b + 4, 0xee, 12);
    n = nb_hosts_reverse(TEXT("10.0.0.1 a\n10.0.0.1 b\n"), &a, names, 1);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "a");
    a.family = 5;
    assert_int_equal(nb_hosts_reverse(TEXT("10.0.0.1 a\n"), &a, names, 4), 0);
    assert_int_equal(nb_hosts_reverse(TEXT("10.0.0.1 a\n"), NULL, names, 4), 0);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolvconf_table),
        cmocka_unit_test(test_resolvconf_long_lines),
        cmocka_unit_test(test_resolvconf_name_limits),
        cmocka_unit_test(test_resolvconf_defaults_and_null),
        cmocka_unit_test(test_hosts_table),
        cmocka_unit_test(test_hosts_limits),
        cmocka_unit_test(test_hosts_reverse_table),
    };
    /* clang-format on */

    return cmocka_run_group_tests(tests, NULL, NULL);
}
