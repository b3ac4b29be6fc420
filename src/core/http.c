/* http.c - the incremental HTTP/1.1 response parser (RFC 9112), sans-IO. */
#include <netbasics/http.h>
#include <netbasics/num.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
    S_STATUS,
    S_HEADERS,
    S_BODY_LENGTH,
    S_CHUNK_SIZE,
    S_CHUNK_DATA,
    S_CHUNK_CR,
    S_CHUNK_LF,
    S_TRAILERS,
    S_BODY_CLOSE,
    S_DONE,
};

void nb_http_init(struct nb_http_parser *p, int head)
{
    memset(p, 0, sizeof *p);
    p->state = S_STATUS;
    p->head = head;
}

int nb_http_done(const struct nb_http_parser *p)
{
    return p->state == S_DONE;
}

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int status_line(struct nb_http_parser *p, const char *l, size_t n, struct nb_err *e)
{
    if (n < 12 || memcmp(l, "HTTP/1.", 7) || (l[7] != '0' && l[7] != '1') || l[8] != ' ' ||
        l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
        (n > 12 && l[12] != ' '))
        return nb_err_set(e, NB_E_PROTO,
                          "the status line is not 'HTTP/1.1 CODE REASON': the server does not "
                          "speak HTTP/1.x");
    p->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    return 0;
}

/* Reads a Content-Length value: digits, or a list of the same number. */
static int content_length(struct nb_http_parser *p, const char *v, size_t n, struct nb_err *e)
{
    size_t i = 0;

    if (n == 0)
        return nb_err_set(e, NB_E_PROTO, "Content-Length is empty: it must be a number of bytes");
    while (i < n) {
        uint64_t x = 0;
        size_t start;
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
        start = i;
        while (i < n && v[i] >= '0' && v[i] <= '9') {
            if (x > (UINT64_MAX / 2 - 9) / 10)
                return nb_err_set(e, NB_E_PROTO, "Content-Length is too large");
            x = x * 10 + (uint64_t)(v[i++] - '0');
        }
        if (i == start)
            return nb_err_set(e, NB_E_PROTO, "Content-Length '%.40s' is not a number of bytes",
                              v);
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i < n && v[i] != ',')
            return nb_err_set(e, NB_E_PROTO, "Content-Length '%.40s' is not a number of bytes",
                              v);
        if (p->have_length && p->length != x)
            return nb_err_set(e, NB_E_PROTO,
                              "two different Content-Length values (%llu and %llu): the body's "
                              "end is unknown", (unsigned long long)p->length,
                              (unsigned long long)x);
        p->length = x;
        p->have_length = 1;
        i++; /* the comma */
    }
    return 0;
}

static int transfer_encoding(struct nb_http_parser *p, const char *v, size_t n, struct nb_err *e)
{
    size_t i = 0;

    while (i < n) {
        size_t start, end;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        start = i;
        while (i < n && v[i] != ',')
            i++;
        end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
            end--;
        if (end == start)
            continue;
        if (p->chunked_te)
            return nb_err_set(e, NB_E_PROTO, "Transfer-Encoding has a coding after chunked");
        if (end - start == 7 && !strncasecmp(v + start, "chunked", 7))
            p->chunked_te = 1;
        else
            p->other_te = 1;
    }
    return 0;
}

static int header_line(struct nb_http_parser *p, const char *l, size_t n,
                       const struct nb_http_cb *cb, struct nb_err *e)
{
    const char *colon = memchr(l, ':', n);
    size_t nl, vs, ve;

    if (l[0] == ' ' || l[0] == '\t')
        return nb_err_set(e, NB_E_PROTO, "a header line starts with a space: obsolete line "
                                         "folding is refused");
    if (!colon)
        return nb_err_set(e, NB_E_PROTO, "a header line has no ':'");
    nl = (size_t)(colon - l);
    if (nl == 0)
        return nb_err_set(e, NB_E_PROTO, "a header line has an empty name");
    for (size_t i = 0; i < nl; i++)
        if (!is_tchar((unsigned char)l[i]))
            return nb_err_set(e, NB_E_PROTO, "byte 0x%02x in a header name (a space before ':' "
                                             "is not allowed either)", (unsigned char)l[i]);
    if (++p->nheaders > NB_HTTP_HEADERS_MAX)
        return nb_err_set(e, NB_E_PROTO, "more than %d header lines", NB_HTTP_HEADERS_MAX);
    vs = nl + 1;
    while (vs < n && (l[vs] == ' ' || l[vs] == '\t'))
        vs++;
    ve = n;
    while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
        ve--;
    if (p->interim)
        return 0; /* a 1xx response's headers are not the final response's */
    if (nl == 14 && !strncasecmp(l, "content-length", 14)) {
        if (content_length(p, l + vs, ve - vs, e) < 0)
            return -1;
    } else if (nl == 17 && !strncasecmp(l, "transfer-encoding", 17)) {
        if (transfer_encoding(p, l + vs, ve - vs, e) < 0)
            return -1;
    } else if (nl == 8 && !strncasecmp(l, "location", 8)) {
        snprintf(p->location, sizeof p->location, "%.*s", (int)(ve - vs), l + vs);
    } else if (nl == 12 && !strncasecmp(l, "content-type", 12)) {
        snprintf(p->content_type, sizeof p->content_type, "%.*s", (int)(ve - vs), l + vs);
    }
    if (cb->on_header)
        cb->on_header(cb->ctx, l, nl, l + vs, ve - vs);
    return 0;
}

/* All headers are in: choose how the body is framed (RFC 9112 6.3). */
static int headers_done(struct nb_http_parser *p, const struct nb_http_cb *cb, struct nb_err *e)
{
    if (p->status >= 100 && p->status < 200) {
        if (p->status == 101)
            return nb_err_set(e, NB_E_PROTO, "101 Switching Protocols was not asked for");
        /* an interim response (100 Continue, 103 Early Hints): the real one follows */
        p->state = S_STATUS;
        p->interim = 0;
        p->nheaders = 0;
        return 0;
    }
    if (p->head || p->status == 204 || p->status == 304) {
        p->framing = NB_HTTP_NO_BODY;
        p->state = S_DONE;
    } else if (p->chunked_te) {
        p->framing = NB_HTTP_CHUNKED; /* chunked wins over any Content-Length */
        p->state = S_CHUNK_SIZE;
    } else if (p->other_te) {
        p->framing = NB_HTTP_CLOSE;
        p->state = S_BODY_CLOSE;
    } else if (p->have_length) {
        p->framing = NB_HTTP_LENGTH;
        p->left = p->length;
        p->state = p->length ? S_BODY_LENGTH : S_DONE;
    } else {
        p->framing = NB_HTTP_CLOSE;
        p->state = S_BODY_CLOSE;
    }
    if (cb->on_headers_done)
        cb->on_headers_done(cb->ctx);
    return 0;
}

static int chunk_size(struct nb_http_parser *p, const char *l, size_t n,
                      const struct nb_http_cb *cb, struct nb_err *e)
{
    uint64_t v = 0;
    size_t i = 0;
    int d;

    size_t digits = 0; /* significant ones: leading zeros do not count */

    while (i < n && (d = nb_hex_digit((unsigned char)l[i])) >= 0) {
        if (v || d)
            digits++;
        if (digits > 16)
            return nb_err_set(e, NB_E_PROTO, "a chunk size of 17 or more hex digits is too "
                                             "large");
        v = v << 4 | (uint64_t)d;
        i++;
    }
    if (i == 0)
        return nb_err_set(e, NB_E_PROTO, "a chunk size line '%.20s' does not start with hex "
                                         "digits", l);
    if (v > (UINT64_MAX >> 1))
        return nb_err_set(e, NB_E_PROTO, "a chunk size of %llu bytes is too large",
                          (unsigned long long)v);
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    if (i < n && l[i] != ';')
        return nb_err_set(e, NB_E_PROTO, "junk after a chunk size: '%.20s'", l);
    if (cb->on_chunk)
        cb->on_chunk(cb->ctx, v);
    if (v == 0) {
        p->state = S_TRAILERS;
    } else {
        p->left = v;
        p->state = S_CHUNK_DATA;
    }
    return 0;
}

/* One complete line of the state that reads lines. */
static int take_line(struct nb_http_parser *p, const char *l, size_t n,
                     const struct nb_http_cb *cb, struct nb_err *e)
{
    if (memchr(l, '\0', n))
        return nb_err_set(e, NB_E_PROTO, "a NUL byte in the response head");
    if (memchr(l, '\r', n))
        return nb_err_set(e, NB_E_PROTO, "a bare CR inside a line of the response head");
    switch (p->state) {
    case S_STATUS:
        if (status_line(p, l, n, e) < 0)
            return -1;
        p->interim = p->status < 200;
        if (!p->interim && cb->on_status)
            cb->on_status(cb->ctx, p->status, n > 13 ? l + 13 : "", n > 13 ? n - 13 : 0);
        p->state = S_HEADERS;
        return 0;
    case S_HEADERS:
        if (n == 0)
            return headers_done(p, cb, e);
        return header_line(p, l, n, cb, e);
    case S_CHUNK_SIZE:
        return chunk_size(p, l, n, cb, e);
    case S_TRAILERS:
        if (n == 0) {
            p->state = S_DONE;
            return 0;
        }
        if (++p->nheaders > NB_HTTP_HEADERS_MAX)
            return nb_err_set(e, NB_E_PROTO, "more than %d header and trailer lines",
                              NB_HTTP_HEADERS_MAX);
        return 0;
    }
    return 0;
}

long nb_http_feed(struct nb_http_parser *p, const uint8_t *data, size_t n,
                  const struct nb_http_cb *cb, struct nb_err *e)
{
    size_t i = 0;

    while (i < n && p->state != S_DONE) {
        switch (p->state) {
        case S_STATUS:
        case S_HEADERS:
        case S_CHUNK_SIZE:
        case S_TRAILERS: {
            const uint8_t *nl = memchr(data + i, '\n', n - i);
            size_t take = nl ? (size_t)(nl - (data + i)) : n - i;
            size_t len;
            if (p->line_len + take > NB_HTTP_LINE_MAX)
                return nb_err_set(e, NB_E_PROTO, "a line of the response is longer than %d bytes",
                                  NB_HTTP_LINE_MAX);
            if (p->state != S_CHUNK_SIZE) {
                p->head_bytes += take + (nl ? 1 : 0);
                if (p->head_bytes > NB_HTTP_HEAD_MAX)
                    return nb_err_set(e, NB_E_PROTO, "the response head is larger than %d bytes",
                                      NB_HTTP_HEAD_MAX);
            }
            memcpy(p->line + p->line_len, data + i, take);
            p->line_len += take;
            i += take;
            if (!nl)
                break;
            i++; /* the '\n' */
            len = p->line_len;
            if (len > 0 && p->line[len - 1] == '\r')
                len--; /* CRLF, or a bare LF */
            p->line[len] = '\0';
            p->line_len = 0;
            if (take_line(p, p->line, len, cb, e) < 0)
                return -1;
            break;
        }
        case S_BODY_LENGTH:
        case S_CHUNK_DATA: {
            size_t k = n - i < p->left ? n - i : (size_t)p->left;
            if (cb->on_body && cb->on_body(cb->ctx, data + i, k) < 0)
                return nb_err_set(e, NB_E_SYS, "the body could not be stored");
            p->body_bytes += k;
            p->left -= k;
            i += k;
            if (p->left == 0)
                p->state = p->state == S_BODY_LENGTH ? S_DONE : S_CHUNK_CR;
            break;
        }
        case S_CHUNK_CR:
            if (data[i] == '\r') {
                p->state = S_CHUNK_LF;
                i++;
                break;
            }
            p->state = S_CHUNK_LF; /* a bare LF is accepted: read it as the LF */
            break;
        case S_CHUNK_LF:
            if (data[i] != '\n')
                return nb_err_set(e, NB_E_PROTO, "no CRLF after a chunk's data: the chunk sizes "
                                                 "do not match the data");
            i++;
            p->state = S_CHUNK_SIZE;
            break;
        case S_BODY_CLOSE:
            if (cb->on_body && cb->on_body(cb->ctx, data + i, n - i) < 0)
                return nb_err_set(e, NB_E_SYS, "the body could not be stored");
            p->body_bytes += n - i;
            i = n;
            break;
        }
    }
    return (long)i;
}

int nb_http_finish(struct nb_http_parser *p, struct nb_err *e)
{
    switch (p->state) {
    case S_DONE:
        return 0;
    case S_BODY_CLOSE:
        p->state = S_DONE;
        return 0;
    case S_STATUS:
        if (p->line_len == 0 && p->status == 0)
            return nb_err_set(e, NB_E_PROTO, "the server closed the connection without a "
                                             "response");
        if (p->line_len == 0)
            return nb_err_set(e, NB_E_PROTO, "the connection closed after an interim %d "
                                             "response, before the real one", p->status);
        return nb_err_set(e, NB_E_PROTO, "the connection closed inside the status line");
    case S_HEADERS:
        return nb_err_set(e, NB_E_PROTO, "the connection closed inside the headers");
    case S_TRAILERS:
        return nb_err_set(e, NB_E_PROTO, "the chunked body's trailers were cut off: the "
                                         "connection closed after the last chunk");
    case S_BODY_LENGTH:
        return nb_err_set(e, NB_E_PROTO, "the body ended after %llu of %llu bytes",
                          (unsigned long long)p->body_bytes, (unsigned long long)p->length);
    default:
        return nb_err_set(e, NB_E_PROTO, "the chunked body ended before its last chunk (after "
                                         "%llu bytes)", (unsigned long long)p->body_bytes);
    }
}
