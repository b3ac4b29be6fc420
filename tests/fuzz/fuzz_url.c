/* fuzz_url.c - libFuzzer target: any text through nb_url_parse, nb_url_resolve
 * (against fixed bases), nb_url_filename, nb_url_hostport, nb_url_format and
 * nb_http_request. Invariants: a parsed URL is well formed and formats to a
 * text that parses to the same host, port and target; the user-info never
 * shows in a formatted URL; a file name is always safe; a request is exactly
 * its lines, whatever the URL held (no CR/LF injection).
 *
 * An IPv6 zone ("%25eth0" in the URL, "%eth0" in u->host) is letters,
 * digits, '_', '.' and '-'. nb_url_format drops the zone on purpose (RFC 6874:
 * it means nothing off the host, so it is never sent), so the round trip
 * compares hosts without it; nb_url_resolve keeps it for relative references.
 * Every target, parsed or resolved, has its "." and ".." segments removed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/url.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_url: %s\n", what);                                               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define FMT_MAX (NB_URL_MAX + 300)

static const char *const BASES[] = {
    "http://secret:pw@base.example:8080/a/b/c?q=1",
    "http://[::1]/x/",
    "https://h/",
    "http://u@[fe80::1%25eth0]:8080/d/",
};

static int is_name_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static size_t host_len_without_zone(const char *h)
{
    const char *pct = strchr(h, '%');

    return pct ? (size_t)(pct - h) : strlen(h);
}

/* No "." or ".." segment is left in the path (before the query). */
static void check_no_dots(const char *target)
{
    const char *q = strchr(target, '?');
    size_t n = q ? (size_t)(q - target) : strlen(target);

    for (size_t i = 0; i < n; i++) {
        if (target[i] != '/')
            continue;
        size_t k = i + 1;
        while (k < n && target[k] != '/')
            k++;
        CHECK(!(k - i - 1 == 1 && target[i + 1] == '.'), "a '.' segment in the target");
        CHECK(!(k - i - 1 == 2 && target[i + 1] == '.' && target[i + 2] == '.'),
              "a '..' segment in the target");
    }
}

/* A parsed URL is well formed. */
static void check_url(const struct nb_url *u)
{
    size_t hl, tl;

    CHECK(!strcmp(u->scheme, "http") || !strcmp(u->scheme, "https"), "scheme");
    CHECK(u->port >= 1, "port 0");
    CHECK(memchr(u->host, '\0', sizeof u->host) && memchr(u->userinfo, '\0', sizeof u->userinfo) &&
              memchr(u->target, '\0', sizeof u->target),
          "a field without its NUL");
    hl = host_len_without_zone(u->host);
    CHECK(hl >= 1 && hl <= NB_URL_HOST_MAX, "host length");
    for (size_t i = 0; i < hl; i++) {
        unsigned char c = (unsigned char)u->host[i];
        if (u->host_v6)
            CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                      c == ':' || c == '.',
                  "a byte in an IPv6 host");
        else
            CHECK(is_name_byte(c), "a byte in a host name (not lower case, or not allowed)");
    }
    CHECK(u->host_v6 || hl == strlen(u->host), "a zone on a host that is not IPv6");
    for (size_t i = hl + 1; i < strlen(u->host); i++)
        CHECK(is_name_byte((unsigned char)u->host[i]) || (u->host[i] >= 'A' && u->host[i] <= 'Z'),
              "a byte in an IPv6 zone");
    CHECK(hl == strlen(u->host) || strlen(u->host) > hl + 1, "an empty IPv6 zone");
    tl = strlen(u->target);
    CHECK(tl >= 1 && u->target[0] == '/', "target does not start with '/'");
    for (size_t i = 0; i < tl; i++) {
        unsigned char c = (unsigned char)u->target[i];
        CHECK(c > 0x20 && c < 0x7f, "a raw space, control or non-ASCII byte in the target");
        CHECK(c != '#', "a fragment in the target");
    }
    check_no_dots(u->target);
}

/* The safe-name rules of nb_url_filename. */
static void check_name(const char *s)
{
    size_t n = strlen(s);

    CHECK(n >= 1 && n <= 200, "name length");
    CHECK(s[0] != '.', "name starts with '.'");
    CHECK(!strstr(s, ".."), "name holds '..'");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_',
              "a byte in a name that is not a letter, digit, '.', '-' or '_'");
    }
}

/* A request is its lines, each ending in CRLF, with no CR or LF inside a line. */
static void check_request(const struct nb_url *u, int head, int proxy)
{
    static const char *const extra[] = {"X-Fuzz: 1"};
    static char buf[16384];
    struct nb_err e;
    size_t len = 0, lines = 0, i, start = 0;

    if (nb_http_request(u, head, proxy ? u : NULL, extra, 1, buf, sizeof buf, &len, &e) < 0) {
        CHECK(e.code == NB_E_INVALID, "request error code");
        return;
    }
    CHECK(len >= 4 && len < sizeof buf && memcmp(buf + len - 4, "\r\n\r\n", 4) == 0,
          "request does not end with an empty line");
    CHECK(memcmp(buf, head ? "HEAD " : "GET ", head ? 5 : 4) == 0, "request method");
    for (i = 0; i < len; i++) {
        CHECK(buf[i] != '\0', "a NUL in the request");
        if (buf[i] == '\n') {
            CHECK(i > start && buf[i - 1] == '\r', "a bare LF in the request");
            lines++;
            start = i + 1;
        } else if (buf[i] == '\r') {
            CHECK(i + 1 < len && buf[i + 1] == '\n', "a bare CR in the request");
        }
    }
    /* request line, Host, User-Agent, Accept, Connection, [Authorization],
     * [Proxy-Authorization: the proxy here is u itself], X-Fuzz, empty */
    CHECK(lines == 7 + (u->userinfo[0] ? 1u : 0u) + (proxy && u->userinfo[0] ? 1u : 0u),
          "the request has another number of lines");
}

/* Formats u, checks the text, and parses it back. */
static void check_roundtrip(const struct nb_url *u)
{
    static char fmt[FMT_MAX], hp[NB_URL_HOST_MAX + 16];
    static struct nb_url back;
    struct nb_err e;
    size_t sl = strlen(u->scheme), hpl;

    nb_url_format(u, fmt, sizeof fmt);
    nb_url_hostport(u, hp, sizeof hp);
    hpl = strlen(hp);
    CHECK(hpl >= 1 && !strchr(hp, '%') && !strchr(hp, '@') && !strchr(hp, '/'), "host:port text");
    /* exactly scheme "://" host:port target: no user-info anywhere */
    CHECK(strlen(fmt) == sl + 3 + hpl + strlen(u->target), "formatted URL length");
    CHECK(!memcmp(fmt, u->scheme, sl) && !memcmp(fmt + sl, "://", 3) &&
              !memcmp(fmt + sl + 3, hp, hpl) && !strcmp(fmt + sl + 3 + hpl, u->target),
          "formatted URL parts");
    if (strlen(fmt) >= NB_URL_MAX)
        return; /* longer than a URL may be: refused by the parser, rightly */
    CHECK(nb_url_parse(fmt, &back, &e) == 0, "a formatted URL does not parse");
    CHECK(!strcmp(back.scheme, u->scheme), "round trip: scheme");
    CHECK(back.port == u->port, "round trip: port");
    CHECK(back.host_v6 == u->host_v6, "round trip: host kind");
    CHECK(strlen(back.host) == host_len_without_zone(u->host) &&
              !memcmp(back.host, u->host, strlen(back.host)),
          "round trip: host");
    CHECK(!strcmp(back.target, u->target), "round trip: target");
    CHECK(back.userinfo[0] == '\0', "round trip: user-info came back");
}

static void check_parsed(const struct nb_url *u)
{
    char name[256];

    check_url(u);
    check_roundtrip(u);
    memset(name, 0xa5, sizeof name);
    check_name(nb_url_filename(u, name, sizeof name));
    check_request(u, 0, 0);
    check_request(u, 1, 1);
}

/* Whether ref is relative: no scheme and not "//host". */
static int is_relative(const char *ref)
{
    size_t i = 0;

    if (ref[0] == '/' && ref[1] == '/')
        return 0;
    while ((ref[i] >= 'a' && ref[i] <= 'z') || (ref[i] >= 'A' && ref[i] <= 'Z') ||
           (ref[i] >= '0' && ref[i] <= '9') || ref[i] == '+' || ref[i] == '-' || ref[i] == '.')
        i++;
    return !(i > 0 && ref[i] == ':');
}

static void check_resolve(const char *ref)
{
    static struct nb_url base, out;
    struct nb_err e;

    for (size_t b = 0; b < sizeof BASES / sizeof BASES[0]; b++) {
        CHECK(nb_url_parse(BASES[b], &base, &e) == 0, "a base does not parse");
        memset(&out, 0x5a, sizeof out);
        if (nb_url_resolve(&base, ref, &out, &e) < 0) {
            CHECK(e.code == NB_E_INVALID && e.msg[0], "resolve error without a message");
            continue;
        }
        check_parsed(&out);
        if (is_relative(ref)) {
            /* a relative reference stays on the base's scheme, host and port */
            CHECK(!strcmp(out.scheme, base.scheme) && !strcmp(out.host, base.host) &&
                      out.port == base.port,
                  "a relative reference left the base's host");
            CHECK(!strcmp(out.userinfo, base.userinfo), "a relative reference lost the user-info");
        } else if (strcmp(out.host, base.host) || out.port != base.port) {
            /* the base's credentials never go to another host or port */
            CHECK(!base.userinfo[0] || strcmp(out.userinfo, base.userinfo) ||
                      strstr(ref, base.userinfo),
                  "the base's user-info went to another host");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nb_url u;
    struct nb_err e;
    char *s = malloc(size + 1);

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0'; /* a NUL inside ends the text, as it would on a command line */
    memset(&u, 0xa5, sizeof u);
    if (nb_url_parse(s, &u, &e) == 0)
        check_parsed(&u);
    else
        CHECK(e.code == NB_E_INVALID && e.msg[0] && !strchr(e.msg, '\n'),
              "parse error without a one-line message");
    check_resolve(s);
    free(s);
    return 0;
}
