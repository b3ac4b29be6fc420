/* url.c - http URLs (RFC 3986 as applied to http by browsers and curl):
 * parsing, redirect resolution, safe file names, header checks, no_proxy. */
#include <netbasics/addr.h>
#include <netbasics/num.h>
#include <netbasics/url.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Copies the path and query p[0..n) into out, percent-encoding what may not
 * stand raw in a request line. Returns 0, or -1 when it does not fit. */
static int encode_target(const char *p, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    if (n == 0 || p[0] != '/') {
        if (o + 1 >= cap)
            return -1;
        out[o++] = '/';
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
            c == '`' || c == '{' || c == '|' || c == '}') {
            if (o + 3 >= cap)
                return -1;
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            if (o + 1 >= cap)
                return -1;
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return 0;
}

/* RFC 3986 5.2.4: removes "." and ".." segments from path in place. */
static void remove_dots(char *path)
{
    char out[NB_URL_MAX];
    size_t o = 0;
    const char *p = path, *q = strchr(path, '?');
    size_t plen = q ? (size_t)(q - path) : strlen(path);

    while ((size_t)(p - path) < plen) {
        const char *seg = p + 1, *next = memchr(seg, '/', plen - (size_t)(seg - path));
        size_t sl = next ? (size_t)(next - seg) : plen - (size_t)(seg - path);
        if (sl == 1 && seg[0] == '.') {
            if (!next)
                out[o++] = '/';
        } else if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
            while (o > 0 && out[--o] != '/')
                ;
            if (!next)
                out[o++] = '/';
        } else {
            out[o++] = '/';
            memcpy(out + o, seg, sl);
            o += sl;
        }
        p = seg + sl;
    }
    if (o == 0)
        out[o++] = '/';
    snprintf(out + o, sizeof out - o, "%s", q ? q : "");
    snprintf(path, NB_URL_MAX, "%s", out);
}

/* The authority after its user-info: HOST, HOST:PORT or [IPv6]:PORT, read by the one
 * host:port parser. A name is kept in lower case. */
static int parse_authority(const char *h, size_t n, struct nb_url *u, struct nb_err *e)
{
    struct nb_hostport hp;

    if (n == 0)
        return nb_err_set(e, NB_E_INVALID, "the URL has no host: write http://HOST/PATH");
    if (nb_hostport_parse(h, n, NB_HP_URL, u->port, &hp, e) < 0)
        return -1;
    memcpy(u->host, hp.host, strlen(hp.host) + 1);
    for (char *c = u->host; hp.kind == NB_HOST_NAME && *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c | 0x20 : *c);
    u->host_v6 = hp.kind == NB_HOST_IP6;
    u->port = hp.port;
    return 0;
}

int nb_url_parse(const char *s, struct nb_url *u, struct nb_err *e)
{
    size_t len = strlen(s), i = 0, auth_end, at;
    const char *auth, *frag, *rest;

    memset(u, 0, sizeof *u);
    if (len == 0)
        return nb_err_set(e, NB_E_INVALID, "the URL is empty");
    if (len >= NB_URL_MAX)
        return nb_err_set(e, NB_E_INVALID, "the URL is %zu bytes, more than the %d allowed", len,
                          NB_URL_MAX - 1);
    if (!is_alpha((unsigned char)s[0]))
        return nb_err_set(e, NB_E_INVALID, "the URL must start with a scheme, as in http://");
    while (i < len && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) ||
                       s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    if (i >= len || s[i] != ':')
        return nb_err_set(e, NB_E_INVALID, "the URL must start with a scheme, as in http://");
    if (strncmp(s + i, "://", 3)) {
        if ((i == 4 && !strncasecmp(s, "http", 4)) || (i == 5 && !strncasecmp(s, "https", 5)))
            return nb_err_set(e, NB_E_INVALID,
                              "the scheme '%.*s:' must be followed by '//' and "
                              "the host",
                              (int)i, s);
        return nb_err_set(e, NB_E_INVALID, "the scheme '%.*s' is not supported: only http",
                          (int)(i > 16 ? 16 : i), s);
    }
    if (i >= sizeof u->scheme)
        return nb_err_set(e, NB_E_INVALID, "the scheme '%.*s' is not supported: only http",
                          (int)(i > 16 ? 16 : i), s);
    for (size_t k = 0; k < i; k++)
        u->scheme[k] = (char)(s[k] | 0x20);
    if (strcmp(u->scheme, "http") && strcmp(u->scheme, "https"))
        return nb_err_set(e, NB_E_INVALID, "the scheme '%s' is not supported: only http",
                          u->scheme);
    u->port = strcmp(u->scheme, "https") ? 80 : 443;
    auth = s + i + 3;
    auth_end = strcspn(auth, "/?#");
    /* user-info ends at the last '@' of the authority */
    at = auth_end;
    for (size_t k = auth_end; k > 0; k--)
        if (auth[k - 1] == '@') {
            at = k - 1;
            break;
        }
    if (at < auth_end) {
        if (at >= sizeof u->userinfo)
            return nb_err_set(e, NB_E_INVALID, "the user name and password are too long");
        memcpy(u->userinfo, auth, at);
        u->userinfo[at] = '\0';
        auth += at + 1;
        auth_end -= at + 1;
    }
    if (parse_authority(auth, auth_end, u, e) < 0)
        return -1;
    rest = auth + auth_end;
    frag = strchr(rest, '#');
    if (encode_target(rest, frag ? (size_t)(frag - rest) : strlen(rest), u->target,
                      sizeof u->target) < 0)
        return nb_err_set(e, NB_E_INVALID, "the URL's path is too long once encoded");
    remove_dots(u->target); /* RFC 3986 5.2.4, as browsers and curl do */
    return 0;
}

char *nb_url_hostport(const struct nb_url *u, char *buf, size_t n)
{
    int dflt = u->port == (strcmp(u->scheme, "https") ? 80 : 443);
    const char *pct = strchr(u->host, '%');
    int hl = pct ? (int)(pct - u->host) : (int)strlen(u->host);

    if (u->host_v6)
        snprintf(buf, n, dflt ? "[%.*s]" : "[%.*s]:%u", hl, u->host, u->port);
    else
        snprintf(buf, n, dflt ? "%.*s" : "%.*s:%u", hl, u->host, u->port);
    return buf;
}

char *nb_url_format(const struct nb_url *u, char *buf, size_t n)
{
    char hp[NB_URL_HOST_MAX + 16];

    snprintf(buf, n, "%s://%s%s", u->scheme, nb_url_hostport(u, hp, sizeof hp), u->target);
    return buf;
}

int nb_url_same_origin(const struct nb_url *a, const struct nb_url *b)
{
    return !strcmp(a->scheme, b->scheme) && !strcmp(a->host, b->host) && a->port == b->port;
}

/* Parses the resolved absolute URL text into out; the user's credentials in
 * base go along only to base's own origin, as curl does. */
static int resolved(const struct nb_url *base, const char *text, struct nb_url *out,
                    struct nb_err *e)
{
    if (nb_url_parse(text, out, e) < 0)
        return -1;
    if (!out->userinfo[0] && nb_url_same_origin(out, base))
        snprintf(out->userinfo, sizeof out->userinfo, "%s", base->userinfo);
    return 0;
}

int nb_url_resolve(const struct nb_url *base, const char *ref, struct nb_url *out, struct nb_err *e)
{
    char buf[NB_URL_MAX * 2], hp[NB_URL_HOST_MAX + 16];
    size_t i = 0;

    if (strlen(ref) >= NB_URL_MAX)
        return nb_err_set(e, NB_E_INVALID,
                          "the redirect's Location is %zu bytes, more than the "
                          "%d allowed",
                          strlen(ref), NB_URL_MAX - 1);
    while (is_alpha((unsigned char)ref[i]) || is_digit((unsigned char)ref[i]) || ref[i] == '+' ||
           ref[i] == '-' || ref[i] == '.')
        i++;
    if (i > 0 && ref[i] == ':') /* an absolute URL with its own scheme */
        return resolved(base, ref, out, e);
    if (ref[0] == '/' && ref[1] == '/') {
        snprintf(buf, sizeof buf, "%s:%s", base->scheme, ref);
        return resolved(base, buf, out, e);
    }
    /* the base's authority as it would be written in a URL: a zone as %25 */
    {
        const char *pct = strchr(base->host, '%');
        int dflt = base->port == (strcmp(base->scheme, "https") ? 80 : 443);
        if (base->host_v6)
            snprintf(hp, sizeof hp, dflt ? "[%.*s%s%s]" : "[%.*s%s%s]:%u",
                     pct ? (int)(pct - base->host) : (int)strlen(base->host), base->host,
                     pct ? "%25" : "", pct ? pct + 1 : "", base->port);
        else
            nb_url_hostport(base, hp, sizeof hp);
    }
    if (ref[0] == '/') {
        snprintf(buf, sizeof buf, "%s://%s%s", base->scheme, hp, ref);
    } else if (ref[0] == '?') {
        const char *q = strchr(base->target, '?');
        snprintf(buf, sizeof buf, "%s://%s%.*s%s", base->scheme, hp,
                 (int)(q ? (size_t)(q - base->target) : strlen(base->target)), base->target, ref);
    } else if (ref[0] == '\0' || ref[0] == '#') {
        snprintf(buf, sizeof buf, "%s://%s%s", base->scheme, hp, base->target);
    } else {
        const char *q = strchr(base->target, '?'), *slash;
        size_t pl = q ? (size_t)(q - base->target) : strlen(base->target);
        for (slash = base->target + pl; slash > base->target && slash[-1] != '/'; slash--)
            ;
        snprintf(buf, sizeof buf, "%s://%s%.*s%s", base->scheme, hp, (int)(slash - base->target),
                 base->target, ref);
    }
    if (strlen(buf) >= NB_URL_MAX)
        return nb_err_set(e, NB_E_INVALID, "the redirect's URL is too long");
    return resolved(base, buf, out, e);
}

char *nb_url_filename(const struct nb_url *u, char *buf, size_t n)
{
    const char *q = strchr(u->target, '?'), *end = q ? q : u->target + strlen(u->target);
    const char *seg = end;
    size_t o = 0;

    while (seg > u->target && seg[-1] != '/')
        seg--;
    for (const char *p = seg; p < end && o + 1 < n && o < 200; p++) {
        unsigned char c = (unsigned char)*p;
        int h1, h2;
        if (c == '%' && p + 2 < end && (h1 = nb_hex_digit((unsigned char)p[1])) >= 0 &&
            (h2 = nb_hex_digit((unsigned char)p[2])) >= 0) {
            c = (unsigned char)(h1 << 4 | h2);
            p += 2;
        }
        buf[o++] = (char)(is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '_' ? c : '_');
    }
    buf[o] = '\0';
    /* no leading dot (hidden files, "." and ".."), no ".." anywhere */
    while (buf[0] == '.')
        memmove(buf, buf + 1, strlen(buf));
    for (char *d; (d = strstr(buf, "..")) != NULL;)
        d[0] = '_';
    if (!buf[0])
        snprintf(buf, n, "index.html");
    return buf;
}

int nb_http_header_check(const char *h, struct nb_err *e)
{
    const char *colon = strchr(h, ':');
    static const char tchar[] = "!#$%&'*+-.^_`|~";

    if (!colon || colon == h)
        return nb_err_set(e, NB_E_INVALID, "a header is 'Name: value'");
    for (const char *p = h; p < colon; p++)
        if (!is_alpha((unsigned char)*p) && !is_digit((unsigned char)*p) && !strchr(tchar, *p))
            return nb_err_set(e, NB_E_INVALID,
                              "byte 0x%02x in the header name: a name is a "
                              "token (letters, digits, - and a few marks)",
                              (unsigned char)*p);
    for (const char *p = colon + 1; *p; p++)
        if (*p == '\r' || *p == '\n')
            return nb_err_set(e, NB_E_INVALID,
                              "a header value may not hold CR or LF: that would "
                              "inject another header");
    return 0;
}

/* RFC 4648 base64 of p[0..n) into out (cap at least 4 * (n + 2) / 3 + 1). */
static void base64(const unsigned char *p, size_t n, char *out)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        out[o++] = tbl[v >> 18 & 63];
        out[o++] = tbl[v >> 12 & 63];
        out[o++] = i + 1 < n ? tbl[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? tbl[v & 63] : '=';
    }
    out[o] = '\0';
}

/* Percent-decodes s into out (cap bytes); returns the length. */
static size_t pct_decode(const char *s, unsigned char *out, size_t cap)
{
    size_t o = 0;

    for (; *s && o < cap; s++) {
        int h1, h2;
        if (*s == '%' && (h1 = nb_hex_digit((unsigned char)s[1])) >= 0 &&
            (h2 = nb_hex_digit((unsigned char)s[2])) >= 0) {
            out[o++] = (unsigned char)(h1 << 4 | h2);
            s += 2;
        } else {
            out[o++] = (unsigned char)*s;
        }
    }
    return o;
}

int nb_http_header_is_credential(const char *h)
{
    static const char *const names[] = {"Authorization:", "Cookie:", "Proxy-Authorization:"};

    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!strncasecmp(h, names[k], strlen(names[k])))
            return 1;
    return 0;
}

/* Appends "Name: Basic base64(user:password)\r\n" for a URL's user-info to
 * out (cap: 400 bytes for each such header it holds): the user-info is percent-decoded first, as
 * curl does, so "a%40b:p%3Aw" sends the user a@b and the password p:w. */
static void basic_auth(const char *name, const char *userinfo, char *out, size_t cap)
{
    unsigned char raw[256];
    size_t n = pct_decode(userinfo, raw, sizeof raw), o = strlen(out);

    o += (size_t)snprintf(out + o, cap - o, "%s: Basic ", name);
    base64(raw, n, out + o);
    o += strlen(out + o);
    snprintf(out + o, cap - o, "\r\n");
}

int nb_http_request(const struct nb_url *u, int head, const struct nb_url *proxy,
                    const char *const *extra, size_t nextra, char *buf, size_t cap, size_t *len,
                    struct nb_err *e)
{
    /* an extra header of one of these names replaces the built-in one */
    static const char *const names[] = {
        "Host:", "User-Agent:", "Accept:", "Authorization:", "Proxy-Authorization:"};
    enum { HOST = 1, AGENT = 2, ACCEPT = 4, AUTH = 8, PROXY_AUTH = 16 };
    char hp[NB_URL_HOST_MAX + 16], url[NB_URL_MAX + 300], auth[800];
    unsigned replaced = 0;
    size_t o;

    nb_url_hostport(u, hp, sizeof hp);
    for (size_t i = 0; i < nextra; i++)
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (!strncasecmp(extra[i], names[k], strlen(names[k])))
                replaced |= 1u << k;
    auth[0] = '\0';
    if (u->userinfo[0] && !(replaced & AUTH))
        basic_auth("Authorization", u->userinfo, auth, sizeof auth);
    if (proxy && proxy->userinfo[0] && !(replaced & PROXY_AUTH))
        basic_auth("Proxy-Authorization", proxy->userinfo, auth, sizeof auth);
    o = (size_t)snprintf(buf, cap, "%s %s HTTP/1.1\r\n", head ? "HEAD" : "GET",
                         proxy ? nb_url_format(u, url, sizeof url) : u->target);
    if (!(replaced & HOST) && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, "Host: %s\r\n", hp);
    if (!(replaced & AGENT) && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, "User-Agent: netbasics/%s\r\n", NB_VERSION);
    if (!(replaced & ACCEPT) && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, "Accept: */*\r\n");
    if (o < cap)
        o += (size_t)snprintf(buf + o, cap - o, "Connection: close\r\n%s", auth);
    for (size_t i = 0; i < nextra && o < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s\r\n", extra[i]);
    if (o + 3 > cap)
        return nb_err_set(e, NB_E_INVALID, "the request is longer than %zu bytes", cap);
    memcpy(buf + o, "\r\n", 3);
    *len = o + 2;
    return 0;
}

int nb_http_connect_request(const struct nb_url *u, const struct nb_url *proxy,
                            const char *const *extra, size_t nextra, char *buf, size_t cap,
                            size_t *len, struct nb_err *e)
{
    char hp[NB_URL_HOST_MAX + 16], auth[800] = "";
    const char *given = NULL;
    size_t o;

    for (size_t i = 0; i < nextra; i++)
        if (!strncasecmp(extra[i], "Proxy-Authorization:", 20))
            given = extra[i];
    if (!given && proxy->userinfo[0])
        basic_auth("Proxy-Authorization", proxy->userinfo, auth, sizeof auth);
    nb_url_hostport(u, hp, sizeof hp);
    o = (size_t)snprintf(buf, cap,
                         "CONNECT %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: netbasics/%s\r\n%s", hp,
                         hp, NB_VERSION, auth);
    if (given && o < cap)
        o += (size_t)snprintf(buf + o, cap - o, "%s\r\n", given);
    if (o + 3 > cap)
        return nb_err_set(e, NB_E_INVALID, "the CONNECT request is longer than %zu bytes", cap);
    memcpy(buf + o, "\r\n", 3);
    *len = o + 2;
    return 0;
}

int nb_no_proxy_match(const char *no_proxy, const char *host)
{
    size_t hl = strlen(host);
    const char *p = no_proxy;

    while (p && *p) {
        const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end - p == 1 && *p == '*')
            return 1;
        if (*p == '.')
            p++;
        {
            size_t l = (size_t)(end - p);
            if (l && l <= hl && !strncasecmp(host + hl - l, p, l) &&
                (l == hl || host[hl - l - 1] == '.'))
                return 1;
        }
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}
