/* test_url.c - http URLs: parsing (curl's fixed CVEs as cases), redirect
 * resolution, safe file names, the Host value, extra-header checks, no_proxy
 * and the exact bytes of the request. Table-driven: every case of a table runs
 * and every failing case is printed before the test fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/url.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Fails the current case of a table: prints why and counts it. */
#define CASE_FAIL(bad, what, ...)                                                                  \
    do {                                                                                           \
        print_error("case '%s': " __VA_ARGS__);                                                    \
        print_error("\n");                                                                         \
        (void)what;                                                                                \
        (bad)++;                                                                                   \
    } while (0)

static int streq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* ---- nb_url_parse: table ---------------------------------------------------------------- */

struct parse_case {
    const char *url;
    const char *err; /* NULL: must parse; else a part of the error message */
    const char *scheme;
    const char *host;
    int v6;
    unsigned port;
    const char *userinfo;
    const char *target;
    const char *format; /* nb_url_format */
};

/* clang-format off */
#define OK(url, scheme, host, v6, port, ui, target, fmt) \
    {url, NULL, scheme, host, v6, port, ui, target, fmt}
#define BAD(url, msg) {url, msg, NULL, NULL, 0, 0, NULL, NULL, NULL}
/* clang-format on */

static const struct parse_case PARSE[] = {
    /* scheme: case-insensitive, default ports */
    OK("http://example.com/", "http", "example.com", 0, 80, "", "/", "http://example.com/"),
    OK("HTTP://Example.COM", "http", "example.com", 0, 80, "", "/", "http://example.com/"),
    OK("hTtP://h/x", "http", "h", 0, 80, "", "/x", "http://h/x"),
    OK("https://h/", "https", "h", 0, 443, "", "/", "https://h/"),
    OK("HTTPS://h:8443/", "https", "h", 0, 8443, "", "/", "https://h:8443/"),
    OK("http://h:80/", "http", "h", 0, 80, "", "/", "http://h/"),
    OK("http://h:1/", "http", "h", 0, 1, "", "/", "http://h:1/"),
    OK("http://h:65535/", "http", "h", 0, 65535, "", "/", "http://h:65535/"),
    OK("http://1.2.3.4:8080/", "http", "1.2.3.4", 0, 8080, "", "/", "http://1.2.3.4:8080/"),
    OK("http://H_1-x.Example./", "http", "h_1-x.example.", 0, 80, "", "/",
       "http://h_1-x.example./"),
    /* an empty port is the default one (RFC 3986: port = *DIGIT) */
    OK("http://h:/", "http", "h", 0, 80, "", "/", "http://h/"),
    /* user-info: kept apart, never in the formatted URL */
    OK("http://good@evil/", "http", "evil", 0, 80, "good", "/", "http://evil/"),
    OK("http://u:p@h:81/p?q", "http", "h", 0, 81, "u:p", "/p?q", "http://h:81/p?q"),
    OK("http://u:p@ss@h/", "http", "h", 0, 80, "u:p@ss", "/", "http://h/"),
    OK("http://user:secret@example.com:8080/x", "http", "example.com", 0, 8080, "user:secret", "/x",
       "http://example.com:8080/x"),
    /* the fragment ends the authority: "http://evil#@good/" is the host evil */
    OK("http://evil#@good/", "http", "evil", 0, 80, "", "/", "http://evil/"),
    OK("http://evil?@good/", "http", "evil", 0, 80, "", "/?@good/", "http://evil/?@good/"),
    OK("http://evil/@good/", "http", "evil", 0, 80, "", "/@good/", "http://evil/@good/"),
    /* IPv6 literals */
    OK("http://[::1]", "http", "::1", 1, 80, "", "/", "http://[::1]/"),
    OK("http://[::1]/", "http", "::1", 1, 80, "", "/", "http://[::1]/"),
    OK("http://[::1]:8080/x", "http", "::1", 1, 8080, "", "/x", "http://[::1]:8080/x"),
    OK("http://[::ffff:1.2.3.4]:1/", "http", "::ffff:1.2.3.4", 1, 1, "", "/",
       "http://[::ffff:1.2.3.4]:1/"),
    OK("http://[fe80::1%25eth0]/", "http", "fe80::1%eth0", 1, 80, "", "/", NULL),
    OK("http://[fe80::1%25eth0]:8080/", "http", "fe80::1%eth0", 1, 8080, "", "/", NULL),
    /* path: spaces, control bytes and non-ASCII percent-encoded; fragment dropped; query kept */
    OK("http://h/a b/\xc3\xa9?q=1 2#frag", "http", "h", 0, 80, "", "/a%20b/%C3%A9?q=1%202",
       "http://h/a%20b/%C3%A9?q=1%202"),
    OK("http://h/a\x01\x7f\tb\x1b", "http", "h", 0, 80, "", "/a%01%7F%09b%1B",
       "http://h/a%01%7F%09b%1B"),
    OK("http://h/\"<>\\^`{|}", "http", "h", 0, 80, "", "/%22%3C%3E%5C%5E%60%7B%7C%7D",
       "http://h/%22%3C%3E%5C%5E%60%7B%7C%7D"),
    OK("http://h/already%20encoded", "http", "h", 0, 80, "", "/already%20encoded",
       "http://h/already%20encoded"),
    OK("http://h?x=1", "http", "h", 0, 80, "", "/?x=1", "http://h/?x=1"),
    OK("http://h/p?a=1&b=/c", "http", "h", 0, 80, "", "/p?a=1&b=/c", "http://h/p?a=1&b=/c"),
    OK("http://h#frag", "http", "h", 0, 80, "", "/", "http://h/"),
    OK("http://h/p#f?x", "http", "h", 0, 80, "", "/p", "http://h/p"),
    OK("http://h/p?q#f#g", "http", "h", 0, 80, "", "/p?q", "http://h/p?q"),
    OK("http://h", "http", "h", 0, 80, "", "/", "http://h/"),

    /* schemes other than http(s): refused, naming the scheme */
    BAD("ftp://x/", "'ftp'"),
    BAD("file:///etc/passwd", "'file'"),
    BAD("FILE:///etc/passwd", "'file'"),
    BAD("gopher://h/", "'gopher'"),
    BAD("ws://h/", "'ws'"),
    /* not URLs */
    BAD("", "empty"),
    BAD("http:/x", "scheme"),
    BAD("http//x", "scheme"),
    BAD("http:x", "scheme"),
    BAD("//h/x", "scheme"),
    BAD("1http://h/", "scheme"),
    BAD("h/x", "scheme"),
    BAD("javascript:alert(1)", NULL),
    /* no host */
    BAD("http://", "no host"),
    BAD("http:///x", "no host"),
    BAD("http://u@/x", "no host"),
    BAD("http://:80/", "no host"),
    /* the host: no percent-encoding, control bytes, spaces or non-ASCII */
    BAD("http://ho%2Fst/", "percent"),
    BAD("http://a b/", "0x20"),
    BAD("http://a\001b/", "0x01"),
    BAD("http://a\177b/", "0x7f"),
    BAD("http://a\tb/", "0x09"),
    BAD("http://caf\xc3\xa9.example/", "non-ASCII"),
    BAD("http://a\\b/", "0x5c"),
    BAD("http://a!b/", "0x21"),
    /* IPv6 literals */
    BAD("http://[::1/", "']'"),
    BAD("http://[::1", "']'"),
    BAD("http://[::1]x/", "']'"),
    BAD("http://[]/", NULL),
    BAD("http://[zzz]/", NULL),
    BAD("http://[1.2.3.4]/", NULL),
    BAD("http://[fe80::1%eth0]/", "%25"),
    BAD("http://[fe80::1%25]/", "%25"),
    BAD("http://[::1]:0/", "port"),
    /* ports */
    BAD("http://h:0/", "port"),
    BAD("http://h:65536/", "65536"),
    BAD("http://h:99999999999999999999999/", "port"),
    BAD("http://h:080/", "leading zero"),
    BAD("http://h:-1/", "sign"),
    BAD("http://h:+80/", "sign"),
    BAD("http://h:abc/", "not a number"),
    BAD("http://h:8080:90/", "more than one ':'"),
    BAD("http://h: 80/", "space"),
};

static void test_parse_table(void **state)
{
    char fmt[NB_URL_MAX + 300];
    int bad = 0;
    size_t i;

    (void)state;
    for (i = 0; i < N(PARSE); i++) {
        const struct parse_case *c = &PARSE[i];
        struct nb_url u;
        struct nb_err e;
        int rc;

        memset(&e, 0, sizeof e);
        memset(&u, 0xa5, sizeof u);
        rc = nb_url_parse(c->url, &u, &e);
        if (c->err || !c->scheme) {
            if (rc != -1) {
                CASE_FAIL(bad, c, "parsed, but must be refused (host '%s')", c->url, u.host);
                continue;
            }
            if (e.code != NB_E_INVALID || !e.msg[0])
                CASE_FAIL(bad, c, "error code %d, message '%s'", c->url, e.code, e.msg);
            else if (c->err && !strstr(e.msg, c->err))
                CASE_FAIL(bad, c, "message '%s' does not name '%s'", c->url, e.msg, c->err);
            continue;
        }
        if (rc != 0) {
            CASE_FAIL(bad, c, "refused: %s", c->url, e.msg);
            continue;
        }
        if (!streq(u.scheme, c->scheme) || !streq(u.host, c->host) || u.host_v6 != c->v6 ||
            u.port != c->port || !streq(u.userinfo, c->userinfo) || !streq(u.target, c->target))
            CASE_FAIL(bad, c, "got scheme '%s' host '%s' v6 %d port %u userinfo '%s' target '%s'",
                      c->url, u.scheme, u.host, u.host_v6, u.port, u.userinfo, u.target);
        nb_url_format(&u, fmt, sizeof fmt);
        if (c->format && !streq(fmt, c->format))
            CASE_FAIL(bad, c, "formats as '%s', not '%s'", c->url, fmt, c->format);
        if (u.userinfo[0] && strstr(fmt, u.userinfo))
            CASE_FAIL(bad, c, "the user-info is in the formatted URL '%s'", c->url, fmt);
        if (strchr(fmt, '@') && !strchr(c->target, '@'))
            CASE_FAIL(bad, c, "an '@' in the formatted URL '%s'", c->url, fmt);
    }
    assert_int_equal(bad, 0);
}

/* The tricky host forms curl's CVEs are about, checked one by one. */
static void test_parse_host_tricks(void **state)
{
    struct nb_url u;
    struct nb_err e;
    char fmt[NB_URL_MAX + 300];

    (void)state;
    /* "http://evil%2F@good/": the user-info is "evil%2F" and the host good */
    assert_int_equal(nb_url_parse("http://evil%2F@good/", &u, &e), 0);
    assert_string_equal(u.host, "good");
    assert_string_equal(u.userinfo, "evil%2F");
    /* the password never shows in the formatted URL */
    assert_int_equal(nb_url_parse("http://alice:hunter2@h.example/", &u, &e), 0);
    nb_url_format(&u, fmt, sizeof fmt);
    assert_string_equal(fmt, "http://h.example/");
    assert_null(strstr(fmt, "hunter2"));
    assert_null(strstr(fmt, "alice"));
}

/* An IPv6 zone is part of the host: no control byte, space or '%' in it either. */
static void test_parse_zone_bytes(void **state)
{
    struct nb_url u;
    struct nb_err e;

    (void)state;
    assert_int_equal(nb_url_parse("http://[fe80::1%25eth0]/", &u, &e), 0);
    assert_int_equal(nb_url_parse("http://[fe80::1%25a\x01]/", &u, &e), -1);
    assert_int_equal(nb_url_parse("http://[fe80::1%25a b]/", &u, &e), -1);
    assert_int_equal(nb_url_parse("http://[fe80::1%25a%0a]/", &u, &e), -1);
}

/* Hosts around the 253-byte limit, and the 8 KiB limit of a whole URL. */
static void test_parse_lengths(void **state)
{
    static char url[NB_URL_MAX * 2];
    struct nb_url u;
    struct nb_err e;
    size_t n;

    (void)state;
    /* a 253-byte host is fine, 254 and 256 are not */
    n = (size_t)snprintf(url, sizeof url, "http://");
    memset(url + n, 'a', 253);
    strcpy(url + n + 253, "/");
    assert_int_equal(nb_url_parse(url, &u, &e), 0);
    assert_int_equal(strlen(u.host), 253);
    memset(url + n, 'a', 254);
    strcpy(url + n + 254, "/");
    assert_int_equal(nb_url_parse(url, &u, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    assert_non_null(strstr(e.msg, "254"));
    memset(url + n, 'a', 256);
    strcpy(url + n + 256, "/x");
    assert_int_equal(nb_url_parse(url, &u, &e), -1);
    assert_non_null(strstr(e.msg, "256"));
    /* a 256-byte host behind user-info and before a port, too */
    n = (size_t)snprintf(url, sizeof url, "http://u:p@");
    memset(url + n, 'b', 256);
    strcpy(url + n + 256, ":8080/");
    assert_int_equal(nb_url_parse(url, &u, &e), -1);
    assert_non_null(strstr(e.msg, "256"));

    /* a 9 KB URL is refused */
    n = (size_t)snprintf(url, sizeof url, "http://h/");
    memset(url + n, 'x', 9 * 1024);
    url[n + 9 * 1024] = '\0';
    assert_int_equal(nb_url_parse(url, &u, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    assert_non_null(strstr(e.msg, "bytes"));
    /* one byte under the limit is fine */
    url[NB_URL_MAX - 1] = '\0';
    assert_int_equal(nb_url_parse(url, &u, &e), 0);
    assert_int_equal(strlen(u.target), NB_URL_MAX - 1 - strlen("http://h"));
    /* ... unless encoding makes the path too long */
    memset(url + n, ' ', NB_URL_MAX - 1 - n);
    assert_int_equal(nb_url_parse(url, &u, &e), -1);
    assert_non_null(strstr(e.msg, "too long"));

    /* user-info longer than its field */
    n = (size_t)snprintf(url, sizeof url, "http://");
    memset(url + n, 'u', 300);
    strcpy(url + n + 300, "@h/");
    assert_int_equal(nb_url_parse(url, &u, &e), -1);
    assert_non_null(strstr(e.msg, "too long"));
}

/* ---- nb_url_resolve ----------------------------------------------------------------------- */

struct resolve_case {
    const char *base;
    const char *ref;
    const char *err;      /* NULL: must resolve; "" any error */
    const char *want;     /* nb_url_format of the result */
    const char *userinfo; /* the result's user-info */
};

#define BASE "http://u:pw@a.example:8080/d1/d2/f?x=1"

static const struct resolve_case RESOLVE[] = {
    /* absolute */
    {BASE, "http://b.example/p", NULL, "http://b.example/p", ""},
    {BASE, "HTTP://B.Example/p", NULL, "http://b.example/p", ""},
    {BASE, "http://b.example/a/../p", NULL, "http://b.example/p", ""},
    {BASE, "http://b.example/a/./b/../../p", NULL, "http://b.example/p", ""},
    {BASE, "http://a.example:9090/z", NULL, "http://a.example:9090/z", ""},
    {BASE, "http://x:y@c.example/", NULL, "http://c.example/", "x:y"},
    /* scheme-relative */
    {BASE, "//c.example/q", NULL, "http://c.example/q", ""},
    {BASE, "//a.example/s", NULL, "http://a.example/s", ""},
    {BASE, "//c.example/a/../q", NULL, "http://c.example/q", ""},
    {BASE, "//[::1]:81/x", NULL, "http://[::1]:81/x", ""},
    /* absolute path */
    {BASE, "/abs", NULL, "http://a.example:8080/abs", "u:pw"},
    {BASE, "/a/b/../../..", NULL, "http://a.example:8080/", "u:pw"},
    {BASE, "/./", NULL, "http://a.example:8080/", "u:pw"},
    {BASE, "/a/b/..", NULL, "http://a.example:8080/a/", "u:pw"},
    {BASE, "/a/b/.", NULL, "http://a.example:8080/a/b/", "u:pw"},
    {BASE, "/a/..?q=/../", NULL, "http://a.example:8080/?q=/../", "u:pw"},
    {BASE, "/p#frag", NULL, "http://a.example:8080/p", "u:pw"},
    /* relative path */
    {BASE, "rel", NULL, "http://a.example:8080/d1/d2/rel", "u:pw"},
    {BASE, "../..", NULL, "http://a.example:8080/", "u:pw"},
    {BASE, "../../../../x", NULL, "http://a.example:8080/x", "u:pw"},
    {BASE, "./a/./b/../c", NULL, "http://a.example:8080/d1/d2/a/c", "u:pw"},
    {BASE, ".", NULL, "http://a.example:8080/d1/d2/", "u:pw"},
    {BASE, "..", NULL, "http://a.example:8080/d1/", "u:pw"},
    {BASE, "a/..", NULL, "http://a.example:8080/d1/d2/", "u:pw"},
    {BASE, "g;x=1/../y", NULL, "http://a.example:8080/d1/d2/y", "u:pw"},
    {BASE, "c?y#z", NULL, "http://a.example:8080/d1/d2/c?y", "u:pw"},
    {BASE, "a b", NULL, "http://a.example:8080/d1/d2/a%20b", "u:pw"},
    /* query only, empty, fragment only */
    {BASE, "?q=2", NULL, "http://a.example:8080/d1/d2/f?q=2", "u:pw"},
    {BASE, "", NULL, "http://a.example:8080/d1/d2/f?x=1", "u:pw"},
    {BASE, "#frag", NULL, "http://a.example:8080/d1/d2/f?x=1", "u:pw"},
    /* a base at the root */
    {"http://h/", "x", NULL, "http://h/x", ""},
    {"http://h/", "../x", NULL, "http://h/x", ""},
    {"http://h", "?q", NULL, "http://h/?q", ""},
    /* IPv6 bases */
    {"http://[::1]:8080/a/b", "c", NULL, "http://[::1]:8080/a/c", ""},
    {"http://[::1]/a/b", "/c", NULL, "http://[::1]/c", ""},
    /* refused */
    {BASE, "file:///etc/passwd", "'file'", NULL, NULL},
    {BASE, "ftp://x/", "'ftp'", NULL, NULL},
    {BASE, "FTP://x/", "'ftp'", NULL, NULL},
    {BASE, "gopher://x/", "'gopher'", NULL, NULL},
    {BASE, "mailto:x@y", "", NULL, NULL},
    {BASE, "//", "no host", NULL, NULL},
    {BASE, "///x", "no host", NULL, NULL},
    {BASE, "http://h:0/", "port", NULL, NULL},
    {BASE, "http://ho%2Fst/", "percent", NULL, NULL},
    {BASE, "//a b/", "0x20", NULL, NULL},
};

static void test_resolve_table(void **state)
{
    char fmt[NB_URL_MAX + 300];
    int bad = 0;
    size_t i;

    (void)state;
    for (i = 0; i < N(RESOLVE); i++) {
        const struct resolve_case *c = &RESOLVE[i];
        struct nb_url base, out;
        struct nb_err e;
        int rc;

        assert_int_equal(nb_url_parse(c->base, &base, &e), 0);
        memset(&e, 0, sizeof e);
        rc = nb_url_resolve(&base, c->ref, &out, &e);
        if (c->err) {
            if (rc != -1)
                CASE_FAIL(bad, c, "resolved to '%s', must be refused", c->ref,
                          nb_url_format(&out, fmt, sizeof fmt));
            else if (e.code != NB_E_INVALID || !strstr(e.msg, c->err))
                CASE_FAIL(bad, c, "error %d '%s' does not name '%s'", c->ref, e.code, e.msg,
                          c->err);
            continue;
        }
        if (rc != 0) {
            CASE_FAIL(bad, c, "refused: %s", c->ref, e.msg);
            continue;
        }
        nb_url_format(&out, fmt, sizeof fmt);
        if (!streq(fmt, c->want))
            CASE_FAIL(bad, c, "resolved to '%s', not '%s'", c->ref, fmt, c->want);
        if (!streq(out.userinfo, c->userinfo))
            CASE_FAIL(bad, c, "user-info '%s', not '%s'", c->ref, out.userinfo, c->userinfo);
    }
    assert_int_equal(bad, 0);
}

/* The user-info goes along only to the same host and port. */
static void test_resolve_userinfo(void **state)
{
    struct nb_url base, out;
    struct nb_err e;

    (void)state;
    assert_int_equal(nb_url_parse("http://u:pw@a.example:8080/d/f", &base, &e), 0);
    /* relative forms stay on the host: kept */
    assert_int_equal(nb_url_resolve(&base, "/x", &out, &e), 0);
    assert_string_equal(out.userinfo, "u:pw");
    assert_int_equal(nb_url_resolve(&base, "x", &out, &e), 0);
    assert_string_equal(out.userinfo, "u:pw");
    assert_int_equal(nb_url_resolve(&base, "?y", &out, &e), 0);
    assert_string_equal(out.userinfo, "u:pw");
    /* another host: dropped */
    assert_int_equal(nb_url_resolve(&base, "http://evil.example/", &out, &e), 0);
    assert_string_equal(out.userinfo, "");
    assert_int_equal(nb_url_resolve(&base, "//evil.example/", &out, &e), 0);
    assert_string_equal(out.userinfo, "");
    /* the same host on another port: dropped */
    assert_int_equal(nb_url_resolve(&base, "http://a.example/", &out, &e), 0);
    assert_string_equal(out.userinfo, "");
    assert_int_equal(nb_url_resolve(&base, "//a.example:8081/", &out, &e), 0);
    assert_string_equal(out.userinfo, "");
    /* a host that ends like the base's is another host */
    assert_int_equal(nb_url_resolve(&base, "http://xa.example:8080/", &out, &e), 0);
    assert_string_equal(out.userinfo, "");
}

/* A relative redirect from a link-local IPv6 host stays on the same interface. */
static void test_resolve_zone(void **state)
{
    struct nb_url base, out;
    struct nb_err e;

    (void)state;
    assert_int_equal(nb_url_parse("http://[fe80::1%25eth0]:8080/a/b", &base, &e), 0);
    assert_string_equal(base.host, "fe80::1%eth0");
    assert_int_equal(nb_url_resolve(&base, "/c", &out, &e), 0);
    assert_string_equal(out.host, "fe80::1%eth0");
    assert_int_equal(out.port, 8080);
    assert_int_equal(nb_url_resolve(&base, "c", &out, &e), 0);
    assert_string_equal(out.host, "fe80::1%eth0");
    assert_string_equal(out.target, "/a/c");
}

static void test_resolve_long(void **state)
{
    static char ref[NB_URL_MAX + 1024];
    struct nb_url base, out;
    struct nb_err e;

    (void)state;
    assert_int_equal(nb_url_parse("http://h/d/f", &base, &e), 0);
    /* a 70 KB Location cannot even be passed: a 9 KB one is refused here */
    memset(ref, 'x', NB_URL_MAX + 800);
    ref[0] = '/';
    ref[NB_URL_MAX + 800] = '\0';
    assert_int_equal(nb_url_resolve(&base, ref, &out, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    /* short enough alone, too long once joined to the base */
    memset(ref, 'y', NB_URL_MAX - 2);
    ref[NB_URL_MAX - 2] = '\0';
    assert_int_equal(nb_url_resolve(&base, ref, &out, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
}

/* ---- nb_url_filename ---------------------------------------------------------------------- */

struct name_case {
    const char *url;
    const char *want;
};

static const struct name_case NAMES[] = {
    {"http://h/", "index.html"},
    {"http://h", "index.html"},
    {"http://h/dir/", "index.html"},
    {"http://h/?a=b", "index.html"},
    {"http://h/a/b.tar.gz", "b.tar.gz"},
    {"http://h/a/b/c", "c"},
    {"http://h/f.txt?x=/y/z.exe", "f.txt"},
    {"http://h/f.txt#x/y", "f.txt"},
    {"http://h/a%2Fb", "a_b"},
    {"http://h/a%2fb", "a_b"},
    {"http://h/..%2F..%2Fetc%2Fpasswd", "__._etc_passwd"},
    {"http://h/%2e%2e%2f%2e%2e%2fx", "__._x"},
    {"http://h/..", "index.html"},
    {"http://h/.", "index.html"},
    {"http://h/...", "index.html"},
    {"http://h/%2e%2e", "index.html"},
    {"http://h/.bashrc", "bashrc"},
    {"http://h/...x", "x"},
    {"http://h/.%2e%2e.x", "x"},
    {"http://h/a..b", "a_.b"},
    {"http://h/a...b", "a__.b"},
    {"http://h/a%0Ab", "a_b"},
    {"http://h/a%0D%0Ab", "a__b"},
    {"http://h/a%00b", "a_b"},
    {"http://h/a%1B[31mb", "a__31mb"},
    {"http://h/a\001b", "a_b"},
    {"http://h/a b", "a_b"},
    {"http://h/x%41", "xA"},
    {"http://h/x%4", "x_4"},
    {"http://h/%", "_"},
    {"http://h/a%25", "a_"},
    {"http://h/caf%C3%A9.html", "caf__.html"},
    {"http://h/report-2024_v1.pdf", "report-2024_v1.pdf"},
    {"http://h/a:b", "a_b"},
    {"http://h/C:%5Cwin%5Csystem32", "C__win_system32"},
};

/* The rules every name keeps, whatever the URL. */
static int name_is_safe(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 200 || s[0] == '.' || strstr(s, "..") || strchr(s, '/'))
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static void test_filename_table(void **state)
{
    char name[256];
    int bad = 0;
    size_t i;

    (void)state;
    for (i = 0; i < N(NAMES); i++) {
        struct nb_url u;
        struct nb_err e;

        if (nb_url_parse(NAMES[i].url, &u, &e) < 0) {
            CASE_FAIL(bad, &NAMES[i], "refused: %s", NAMES[i].url, e.msg);
            continue;
        }
        memset(name, 0xa5, sizeof name);
        nb_url_filename(&u, name, sizeof name);
        if (!streq(name, NAMES[i].want))
            CASE_FAIL(bad, &NAMES[i], "name '%s', not '%s'", NAMES[i].url, name, NAMES[i].want);
        if (!name_is_safe(name))
            CASE_FAIL(bad, &NAMES[i], "unsafe name '%s'", NAMES[i].url, name);
    }
    assert_int_equal(bad, 0);
}

static void test_filename_long(void **state)
{
    static char url[2048];
    char name[256];
    struct nb_url u;
    struct nb_err e;
    size_t n;

    (void)state;
    /* a 500-byte name is cut to 200 */
    n = (size_t)snprintf(url, sizeof url, "http://h/dir/");
    memset(url + n, 'x', 500);
    strcpy(url + n + 500, ".html?q=1");
    assert_int_equal(nb_url_parse(url, &u, &e), 0);
    nb_url_filename(&u, name, sizeof name);
    assert_int_equal(strlen(name), 200);
    assert_true(name_is_safe(name));
    /* 500 bytes of "%2F" decode to 166 slashes: none survives */
    n = (size_t)snprintf(url, sizeof url, "http://h/");
    for (size_t k = 0; k < 166; k++)
        n += (size_t)snprintf(url + n, sizeof url - n, "%%2F");
    assert_int_equal(nb_url_parse(url, &u, &e), 0);
    nb_url_filename(&u, name, sizeof name);
    assert_int_equal(strlen(name), 166);
    assert_null(strchr(name, '/'));
    /* leading dots of a long name are dropped, not counted */
    n = (size_t)snprintf(url, sizeof url, "http://h/");
    memset(url + n, '.', 300);
    memset(url + n + 300, 'y', 300);
    url[n + 600] = '\0';
    assert_int_equal(nb_url_parse(url, &u, &e), 0);
    nb_url_filename(&u, name, sizeof name);
    assert_true(name_is_safe(name));
    /* "a..." repeated: no ".." survives the cut */
    n = (size_t)snprintf(url, sizeof url, "http://h/");
    for (size_t k = 0; k < 150; k++)
        n += (size_t)snprintf(url + n, sizeof url - n, "a..");
    assert_int_equal(nb_url_parse(url, &u, &e), 0);
    nb_url_filename(&u, name, sizeof name);
    assert_true(name_is_safe(name));
}

/* ---- nb_url_hostport ---------------------------------------------------------------------- */

static void test_hostport(void **state)
{
    static const struct {
        const char *url, *want;
    } T[] = {
        {"http://example.com/", "example.com"},
        {"http://example.com:80/", "example.com"},
        {"http://example.com:8080/", "example.com:8080"},
        {"http://EXAMPLE.com:443/", "example.com:443"},
        {"https://example.com/", "example.com"},
        {"https://example.com:443/", "example.com"},
        {"https://example.com:80/", "example.com:80"},
        {"http://[::1]/", "[::1]"},
        {"http://[::1]:8080/", "[::1]:8080"},
        {"http://[fe80::1%25eth0]:81/", "[fe80::1]:81"}, /* a zone is never sent (RFC 6874) */
        {"http://u:p@h:81/", "h:81"},
        {"http://127.0.0.1:65535/", "127.0.0.1:65535"},
    };
    char buf[NB_URL_HOST_MAX + 16];
    size_t i;

    (void)state;
    for (i = 0; i < N(T); i++) {
        struct nb_url u;
        struct nb_err e;
        assert_int_equal(nb_url_parse(T[i].url, &u, &e), 0);
        assert_string_equal(nb_url_hostport(&u, buf, sizeof buf), T[i].want);
    }
}

/* ---- nb_http_header_check ----------------------------------------------------------------- */

static void test_header_check(void **state)
{
    static const struct {
        const char *h;
        int ok;
        const char *msg;
    } T[] = {
        {"X-A: b", 1, NULL},
        {"X-A:b", 1, NULL},
        {"X-A:", 1, NULL},
        {"Accept: text/html", 1, NULL},
        {"X_Odd!#$%&'*+-.^`|~: v", 1, NULL},
        {"X-A: caf\xc3\xa9", 1, NULL},
        {"X-A: a\tb", 1, NULL},
        /* CR/LF injection */
        {"X-A: a\r\nInjected: 1", 0, "CR or LF"},
        {"X-A: a\nB: c", 0, "CR or LF"},
        {"X-A: a\rb", 0, "CR or LF"},
        {"X-A: a\r\n\r\nGET /admin HTTP/1.1", 0, "CR or LF"},
        {"X-A: \r\n", 0, "CR or LF"},
        /* names that are not tokens */
        {"Bad Name: x", 0, "0x20"},
        {"X-A : x", 0, "0x20"},
        {"X(A): v", 0, "0x28"},
        {"X\"A: v", 0, "0x22"},
        {"X/A: v", 0, "0x2f"},
        {"X@A: v", 0, "0x40"},
        {"Bad\x7fname: v", 0, "0x7f"},
        {"Na\xc3\xa9: v", 0, "0xc3"},
        {"X\r\nY: v", 0, "0x0d"},
        {"\tX: v", 0, "0x09"},
        /* not "Name: value" */
        {": v", 0, "Name: value"},
        {"NoColon", 0, "Name: value"},
        {"", 0, "Name: value"},
    };
    int bad = 0;
    size_t i;

    (void)state;
    for (i = 0; i < N(T); i++) {
        struct nb_err e;
        int rc;

        memset(&e, 0, sizeof e);
        rc = nb_http_header_check(T[i].h, &e);
        if (T[i].ok && rc != 0)
            CASE_FAIL(bad, &T[i], "refused: %s", T[i].h, e.msg);
        else if (!T[i].ok && rc != -1)
            CASE_FAIL(bad, &T[i], "accepted", T[i].h);
        else if (!T[i].ok && (e.code != NB_E_INVALID || !strstr(e.msg, T[i].msg)))
            CASE_FAIL(bad, &T[i], "message '%s' does not name '%s'", T[i].h, e.msg, T[i].msg);
    }
    assert_int_equal(bad, 0);
}

/* ---- nb_no_proxy_match -------------------------------------------------------------------- */

static void test_no_proxy(void **state)
{
    static const struct {
        const char *list, *host;
        int want;
    } T[] = {
        {"*", "example.com", 1},
        {"*", "127.0.0.1", 1},
        {"example.com", "example.com", 1},
        {"example.com", "www.example.com", 1},
        {"example.com", "a.b.example.com", 1},
        {"example.com", "notexample.com", 0},
        {"example.com", "example.com.evil", 0},
        {"example.com", "com", 0},
        {".example.com", "example.com", 1},
        {".example.com", "www.example.com", 1},
        {".example.com", "notexample.com", 0},
        {"EXAMPLE.com", "www.Example.COM", 1},
        {"a.example, b.example", "b.example", 1},
        {"a.example,b.example", "x.a.example", 1},
        {" example.com ", "example.com", 1},
        {"localhost,127.0.0.1", "127.0.0.1", 1},
        {"127.0.0.1", "127.0.0.10", 0},
        {"127.0.0.1", "1127.0.0.1", 0},
        {"::1", "::1", 1},
        {"x.com", "y.com", 0},
        {"", "example.com", 0},
        {",,", "example.com", 0},
        {"*,", "example.com", 1},
        {"a*", "a", 0},
        {"*.example.com", "www.example.com", 0}, /* curl: a '*' only alone */
    };
    int bad = 0;
    size_t i;

    (void)state;
    for (i = 0; i < N(T); i++)
        if (nb_no_proxy_match(T[i].list, T[i].host) != T[i].want)
            CASE_FAIL(bad, &T[i], "with host '%s': not %d", T[i].list, T[i].host, T[i].want);
    assert_int_equal(bad, 0);
}

/* ---- nb_http_request ---------------------------------------------------------------------- */

#define UA   "User-Agent: netbasics/" NB_VERSION "\r\n"
#define TAIL "Accept: */*\r\nConnection: close\r\n"

static void expect_request(const char *url, int head, int via_proxy, const char *const *extra,
                           size_t nextra, const char *want)
{
    char buf[16384];
    struct nb_url u, proxy;
    struct nb_err e;
    size_t len = 0;

    assert_int_equal(nb_url_parse(url, &u, &e), 0);
    assert_int_equal(nb_url_parse("http://proxy.example:3128/", &proxy, &e), 0);
    memset(buf, 0xa5, sizeof buf);
    assert_int_equal(nb_http_request(&u, head, via_proxy ? &proxy : NULL, extra, nextra, buf,
                                     sizeof buf, &len, &e),
                     0);
    assert_int_equal(len, strlen(want));
    if (memcmp(buf, want, len) != 0) {
        print_error("request for %s:\n%.*s\nwanted:\n%s\n", url, (int)len, buf, want);
        fail();
    }
}

static void test_request_bytes(void **state)
{
    static const char *const extra[] = {"X-A: 1", "Accept-Language: fr"};

    (void)state;
    expect_request("http://example.com/", 0, 0, NULL, 0,
                   "GET / HTTP/1.1\r\nHost: example.com\r\n" UA TAIL "\r\n");
    expect_request("http://example.com/x?y=1", 1, 0, NULL, 0,
                   "HEAD /x?y=1 HTTP/1.1\r\nHost: example.com\r\n" UA TAIL "\r\n");
    /* via a proxy: the absolute form, without the user-info */
    expect_request("http://example.com:8080/a?b", 0, 1, NULL, 0,
                   "GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com:8080\r\n" UA TAIL
                   "\r\n");
    expect_request("http://example.com/", 0, 1, NULL, 0,
                   "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n" UA TAIL "\r\n");
    /* Host with a port that is not 80, IPv6 in brackets */
    expect_request("http://h.example:81/", 0, 0, NULL, 0,
                   "GET / HTTP/1.1\r\nHost: h.example:81\r\n" UA TAIL "\r\n");
    expect_request("http://h.example:80/", 0, 0, NULL, 0,
                   "GET / HTTP/1.1\r\nHost: h.example\r\n" UA TAIL "\r\n");
    expect_request("http://[::1]/", 0, 0, NULL, 0,
                   "GET / HTTP/1.1\r\nHost: [::1]\r\n" UA TAIL "\r\n");
    expect_request("http://[::1]:8080/p", 0, 0, NULL, 0,
                   "GET /p HTTP/1.1\r\nHost: [::1]:8080\r\n" UA TAIL "\r\n");
    /* the encoded path goes out as it is */
    expect_request("http://h/a b#frag", 0, 0, NULL, 0,
                   "GET /a%20b HTTP/1.1\r\nHost: h\r\n" UA TAIL "\r\n");
    /* Basic authorization from the user-info (RFC 7617's example), percent-decoded */
    expect_request("http://Aladdin:open%20sesame@h/", 0, 0, NULL, 0,
                   "GET / HTTP/1.1\r\nHost: h\r\n" UA TAIL
                   "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
    expect_request("http://user:pass@h:8080/x", 0, 1, NULL, 0,
                   "GET http://h:8080/x HTTP/1.1\r\nHost: h:8080\r\n" UA TAIL
                   "Authorization: Basic dXNlcjpwYXNz\r\n\r\n");
    expect_request("http://a@h/", 0, 0, NULL, 0,
                   "GET / HTTP/1.1\r\nHost: h\r\n" UA TAIL "Authorization: Basic YQ==\r\n\r\n");
    /* extra headers after the fixed ones, before the empty line */
    expect_request("http://h/", 0, 0, extra, 2,
                   "GET / HTTP/1.1\r\nHost: h\r\n" UA TAIL "X-A: 1\r\nAccept-Language: fr\r\n\r\n");
}

static void test_request_too_long(void **state)
{
    static const char *const extra[] = {"X-A: 1"};
    char small[64], fits[256];
    struct nb_url u;
    struct nb_err e;
    size_t len = 12345;

    (void)state;
    assert_int_equal(nb_url_parse("http://h/", &u, &e), 0);
    assert_int_equal(nb_http_request(&u, 0, 0, NULL, 0, small, sizeof small, &len, &e), -1);
    assert_int_equal(e.code, NB_E_INVALID);
    /* exactly the size of the request, plus its NUL */
    assert_int_equal(nb_http_request(&u, 0, 0, extra, 1, fits, sizeof fits, &len, &e), 0);
    assert_int_equal(nb_http_request(&u, 0, 0, extra, 1, fits, len + 1, &len, &e), 0);
    assert_int_equal(nb_http_request(&u, 0, 0, extra, 1, fits, len, &len, &e), -1);
}

/* Credentials: the origin is scheme, host and port; the proxy's user-info
 * becomes Proxy-Authorization, percent-decoded; an -H one replaces it. */
static void test_credentials(void **state)
{
    static const char *const own[] = {"Proxy-Authorization: Basic X"};
    struct nb_url a, b, proxy;
    struct nb_err e;
    char buf[4096];
    size_t len;

    (void)state;
    assert_int_equal(nb_url_parse("http://h.example/x", &a, &e), 0);
    assert_int_equal(nb_url_parse("http://H.example:80/y", &b, &e), 0);
    assert_true(nb_url_same_origin(&a, &b));
    assert_int_equal(nb_url_parse("http://h.example:8080/x", &b, &e), 0);
    assert_false(nb_url_same_origin(&a, &b));
    assert_int_equal(nb_url_parse("https://h.example:80/x", &b, &e), 0);
    assert_false(nb_url_same_origin(&a, &b));
    assert_int_equal(nb_url_parse("http://g.example/x", &b, &e), 0);
    assert_false(nb_url_same_origin(&a, &b));
    assert_true(nb_http_header_is_credential("authorization: Bearer S"));
    assert_true(nb_http_header_is_credential("Cookie: a=b"));
    assert_true(nb_http_header_is_credential("PROXY-AUTHORIZATION: Basic X"));
    assert_false(nb_http_header_is_credential("Authorizations: x"));
    assert_false(nb_http_header_is_credential("X-Cookie: a"));

    assert_int_equal(nb_url_parse("http://us%40er:p%3Ass@127.0.0.1:3128/", &proxy, &e), 0);
    assert_int_equal(nb_http_request(&a, 0, &proxy, NULL, 0, buf, sizeof buf, &len, &e), 0);
    buf[len] = '\0';
    /* base64("us@er:p:ss") */
    assert_non_null(strstr(buf, "\r\nProxy-Authorization: Basic dXNAZXI6cDpzcw==\r\n"));
    assert_null(strstr(buf, "\r\nAuthorization:"));
    assert_int_equal(nb_http_request(&a, 0, &proxy, own, 1, buf, sizeof buf, &len, &e), 0);
    buf[len] = '\0';
    assert_null(strstr(buf, "dXNAZXI6cDpzcw=="));
    assert_non_null(strstr(buf, "\r\nProxy-Authorization: Basic X\r\n"));
    /* directly: never a Proxy-Authorization */
    assert_int_equal(nb_http_request(&a, 0, NULL, NULL, 0, buf, sizeof buf, &len, &e), 0);
    buf[len] = '\0';
    assert_null(strstr(buf, "Proxy-Authorization"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),      cmocka_unit_test(test_parse_host_tricks),
        cmocka_unit_test(test_parse_zone_bytes), cmocka_unit_test(test_parse_lengths),
        cmocka_unit_test(test_resolve_table),    cmocka_unit_test(test_resolve_userinfo),
        cmocka_unit_test(test_resolve_zone),     cmocka_unit_test(test_resolve_long),
        cmocka_unit_test(test_filename_table),   cmocka_unit_test(test_filename_long),
        cmocka_unit_test(test_hostport),         cmocka_unit_test(test_header_check),
        cmocka_unit_test(test_no_proxy),         cmocka_unit_test(test_request_bytes),
        cmocka_unit_test(test_request_too_long), cmocka_unit_test(test_credentials),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
