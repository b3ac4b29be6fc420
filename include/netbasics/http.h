/* http.h - an incremental, sans-IO HTTP/1.1 response parser (RFC 9112):
 * bytes in as they arrive, status, headers and body out through callbacks,
 * with the body's framing (Content-Length, chunked, or until close) checked
 * strictly and every line, header and count bounded. */
#ifndef NETBASICS_HTTP_H
#define NETBASICS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>

/* curl's limits or more: real Content-Security-Policy, Link and Set-Cookie
 * lines reach 8-16 KiB, and 150 Set-Cookie lines are seen; the head's size
 * bounds the number of lines, so there is no count of its own. */
#define NB_HTTP_LINE_MAX                                                                           \
    (100 * 1024) /* status line, one (unfolded) header line, chunk-size line                       \
                  */
#define NB_HTTP_HEAD_MAX                                                                           \
    (300 * 1024) /* the status and header lines of every response read, and the trailers */
#define NB_HTTP_LOCATION_MAX 8192 /* a redirect's Location (NB_URL_MAX) */
#define NB_HTTP_CODING_MAX   40   /* the unsupported transfer coding kept for the message */

enum nb_http_framing {
    NB_HTTP_NO_BODY, /* HEAD, 1xx, 204, 304 */
    NB_HTTP_LENGTH,  /* Content-Length */
    NB_HTTP_CHUNKED, /* Transfer-Encoding: chunked */
    NB_HTTP_CLOSE,   /* until the server closes */
};

struct nb_http_cb {
    void *ctx;
    /* the final status line (1xx responses are skipped, after on_header calls) */
    void (*on_status)(void *ctx, int status, const char *reason, size_t len);
    void (*on_header)(void *ctx, const char *name, size_t nlen, const char *value, size_t vlen);
    /* all headers are in: framing known (on_body not called before this) */
    void (*on_headers_done)(void *ctx);
    /* body bytes, de-chunked; returns 0, or -1 to stop (the error is the caller's) */
    int (*on_body)(void *ctx, const uint8_t *p, size_t n);
    void (*on_chunk)(void *ctx, uint64_t size); /* each chunk's size, for --explain */
};

struct nb_http_parser {
    int state;
    int head;            /* the request was HEAD: no body whatever the headers say */
    int status, interim; /* status of the response being read; 1xx seen */
    enum nb_http_framing framing;
    int have_length;
    uint64_t length;                     /* Content-Length, or the current chunk's size */
    uint64_t left;                       /* bytes of body (or chunk) still to come */
    uint64_t body_bytes;                 /* body bytes delivered */
    int chunked_te;                      /* Transfer-Encoding ends in chunked */
    char coding[NB_HTTP_CODING_MAX + 1]; /* the first transfer coding that is not chunked */
    size_t head_bytes;
    char line[NB_HTTP_LINE_MAX + 1];
    size_t line_len;
    char location[NB_HTTP_LOCATION_MAX + 1]; /* the Location header, "" if none or too long */
};

/* Starts a parser for the response to a request; head: it was a HEAD. */
void nb_http_init(struct nb_http_parser *p, int head);

/* Takes the next n bytes of the response. Returns how many were used (fewer
 * than n only once the response is complete: the rest does not belong to it),
 * or -1 with e set to NB_E_PROTO naming the rule that was broken. Any
 * three-digit status is passed on (RFC 9110 15: the caller handles one outside
 * 100-599 as a 5xx); an obs-fold in a header becomes one SP (RFC 9112 5.2); a
 * body sent in a transfer coding other than chunked is refused, naming the
 * coding, before on_headers_done: no encoded byte reaches on_body. */
long nb_http_feed(struct nb_http_parser *p, const uint8_t *data, size_t n,
                  const struct nb_http_cb *cb, struct nb_err *e);

/* The connection has closed: returns 0 when the response is complete (a
 * close-delimited body ends here), or -1 with e set to NB_E_PROTO saying what
 * was cut short ("the body ended after 10 of 100 bytes"). */
int nb_http_finish(struct nb_http_parser *p, struct nb_err *e);

/* Whether the response is complete. */
int nb_http_done(const struct nb_http_parser *p);

#endif
