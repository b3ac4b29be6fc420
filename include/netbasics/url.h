/* url.h - sans-IO parsing of http URLs (RFC 3986 as browsers and curl apply
 * it to http), relative references for redirects, and request building. */
#ifndef NETBASICS_URL_H
#define NETBASICS_URL_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>

#define NB_URL_MAX      8192 /* a longer URL is refused */
#define NB_URL_HOST_MAX 253  /* a host name's text */

struct nb_url {
    char scheme[8];                 /* lower case: "http" (or "https", refused later) */
    char host[NB_URL_HOST_MAX + 1]; /* lower case; an IPv6 literal without brackets */
    int host_v6;                    /* the host is an IPv6 literal */
    uint16_t port;                  /* the port given, else 80 (443 for https) */
    char userinfo[256];             /* "user:password", never printed; "" if none */
    char target[NB_URL_MAX];        /* path and query, percent-encoded, starting with '/' */
};

/* Parses an absolute http or https URL. The scheme is case-insensitive; the
 * fragment is dropped (so "http://evil#@good/" is the host evil); the
 * authority ends at the first '/', '?' or '#'; user-info is kept apart and
 * never echoed; a host is a name of letters, digits, '-', '.' and '_' (no
 * percent-encoding, no control byte, no space, at most 253 bytes), an IPv4
 * address or a bracketed IPv6 one; the port is 1-65535. Spaces, control
 * bytes and non-ASCII bytes in the path are percent-encoded. Returns 0, or -1
 * with e set to NB_E_INVALID naming the rule (an unsupported scheme says so). */
int nb_url_parse(const char *s, struct nb_url *u, struct nb_err *e);

/* Resolves a redirect's Location against base (RFC 3986 5.2): absolute URLs,
 * scheme-relative "//host/path", absolute paths "/x" and relative paths
 * "x/y" (with "." and ".." segments removed). The result keeps base's
 * user-info only when it is base's origin (nb_url_same_origin) and names none
 * of its own. Returns 0, or -1 with e set. */
int nb_url_resolve(const struct nb_url *base, const char *ref, struct nb_url *out,
                   struct nb_err *e);

/* Whether a and b are the same origin (RFC 6454): the same scheme, host and
 * port. Credentials (user-info, and the -H headers nb_http_header_is_credential
 * names) go only to the origin they were given for, so a redirect to another
 * host, port or scheme (https to http included) never carries them. */
int nb_url_same_origin(const struct nb_url *a, const struct nb_url *b);

/* Writes the URL without its user-info: "http://host:port/path". Returns buf. */
char *nb_url_format(const struct nb_url *u, char *buf, size_t n);

/* The Host header's value: the host (bracketed if IPv6) and ":port" when the
 * port is not the scheme's default. Returns buf. */
char *nb_url_hostport(const struct nb_url *u, char *buf, size_t n);

/* A name to save the URL's body as: its last path segment, percent-decoded,
 * with every byte that is not a letter, digit, '.', '-' or '_' replaced by
 * '_', no leading dot, no "..", at most 200 bytes; "index.html" when the path
 * ends in '/' or the result would be empty. Returns buf (n at least 256). */
char *nb_url_filename(const struct nb_url *u, char *buf, size_t n);

/* Checks an extra request header "Name: value": a token name, a value with no
 * CR, LF or NUL. Returns 0, or -1 with e set to NB_E_INVALID. */
int nb_http_header_check(const char *h, struct nb_err *e);

/* Whether the extra header h ("Name: value") carries a credential:
 * Authorization, Cookie or Proxy-Authorization (names case-insensitive). */
int nb_http_header_is_credential(const char *h);

/* Builds the request for u: "GET target HTTP/1.1" (HEAD when head; the
 * absolute URL as target when proxy is not NULL), Host, User-Agent
 * netbasics/VERSION, Accept, Connection: close, Basic Authorization from u's
 * user-info and Basic Proxy-Authorization from proxy's (each percent-decoded
 * as curl does), then the extra headers (already checked with
 * nb_http_header_check; an extra Host, User-Agent, Accept, Authorization or
 * Proxy-Authorization replaces the built-in one), then the empty line.
 * Returns 0 and sets *len, or -1 with e set (too long). */
int nb_http_request(const struct nb_url *u, int head, const struct nb_url *proxy,
                    const char *const *extra, size_t nextra, char *buf, size_t cap, size_t *len,
                    struct nb_err *e);

/* The CONNECT request that asks the proxy for a tunnel to u's host and port
 * (for https through a proxy): Host, User-Agent, and Proxy-Authorization
 * from the proxy URL's user-info or from an extra "Proxy-Authorization:"
 * header (the only extra header the proxy sees). Returns 0 and sets *len,
 * or -1 with e set to NB_E_INVALID when it does not fit cap. */
int nb_http_connect_request(const struct nb_url *u, const struct nb_url *proxy,
                            const char *const *extra, size_t nextra, char *buf, size_t cap,
                            size_t *len, struct nb_err *e);

/* Whether host matches a no_proxy list ("*", or comma-separated names, where
 * "example.com" and ".example.com" match the name and its subdomains). */
int nb_no_proxy_match(const char *no_proxy, const char *host);

#endif
