/* http.c - the incremental HTTP/1.1 response parser (RFC 9112), sans-IO. */
#include <netbasics/http.h>
#include <netbasics/num.h>
#include <netbasics/out.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The parser's states. Each says what it waits for and where it goes next
 * (the line states collect bytes into p->line up to NB_HTTP_LINE_MAX). */
enum {
    /* The status line "HTTP/1.x CODE REASON", up to its LF; then S_HEADERS. */
    S_STATUS,
    /* A header line, or the rest of one after an obs-fold, up to its LF; then
     * S_HEADER_NEXT, or at the empty line the state of the body that
     * headers_done chooses (S_BODY_LENGTH, S_CHUNK_SIZE, S_BODY_CLOSE, S_DONE,
     * or S_STATUS again after a 1xx). */
    S_HEADERS,
    /* A header line has ended; waits for the next byte to know whether the
     * line goes on: SP or HTAB is an obs-fold, then S_FOLD; any other byte
     * completes the line, which is taken, then S_HEADERS (the byte unused). */
    S_HEADER_NEXT,
    /* Inside an obs-fold, which became one SP: skips the continuation's
     * leading SP and HTAB; at any other byte, S_HEADERS (the byte unused). */
    S_FOLD,
    /* Content-Length body bytes, until p->left is 0; then S_DONE. */
    S_BODY_LENGTH,
    /* A chunk-size line "HEX[;ext]", up to its LF; then S_CHUNK_DATA, or
     * S_TRAILERS after the size 0. */
    S_CHUNK_SIZE,
    /* A chunk's data bytes, until p->left is 0; then S_CHUNK_CR. */
    S_CHUNK_DATA,
    /* The CR after a chunk's data (a bare LF is taken too); then S_CHUNK_LF. */
    S_CHUNK_CR,
    /* The LF after a chunk's data; then S_CHUNK_SIZE. */
    S_CHUNK_LF,
    /* Trailer lines after the last chunk, read and dropped, up to the empty
     * line; then S_DONE. */
    S_TRAILERS,
    /* Body bytes until the connection closes (nb_http_finish); then S_DONE. */
    S_BODY_CLOSE,
    /* The response is complete: no state follows and no byte is taken. */
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

/* The status line: any three-digit code is taken (RFC 9112 4); the caller
 * handles one outside 100-599 as a 5xx (RFC 9110 15). */
static int status_line(struct nb_http_parser *p, const char *l, size_t n, struct nb_err *e)
{
    if (n < 12 || memcmp(l, "HTTP/1.", 7) || (l[7] != '0' && l[7] != '1') || l[8] != ' ' ||
        l[9] < '0' || l[9] > '9' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
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
            return nb_err_set(e, NB_E_PROTO, "Content-Length '%.40s' is not a number of bytes", v);
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i < n && v[i] != ',')
            return nb_err_set(e, NB_E_PROTO, "Content-Length '%.40s' is not a number of bytes", v);
        if (p->have_length && p->length != x)
            return nb_err_set(e, NB_E_PROTO,
                              "two different Content-Length values (%llu and %llu): the body's "
                              "end is unknown",
                              (unsigned long long)p->length, (unsigned long long)x);
        p->length = x;
        p->have_length = 1;
        i++; /* the comma */
    }
    return 0;
}

/* Reads a Transfer-Encoding list: chunked must come last, and the first
 * other coding is kept, for headers_done to refuse the body by name. */
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
        else if (!p->coding[0])
            snprintf(p->coding, sizeof p->coding, "%.*s",
                     (int)(end - start < NB_HTTP_CODING_MAX ? end - start : NB_HTTP_CODING_MAX),
                     v + start);
    }
    return 0;
}

static int header_line(struct nb_http_parser *p, const char *l, size_t n,
                       const struct nb_http_cb *cb, struct nb_err *e)
{
    const char *colon = memchr(l, ':', n);
    size_t nl, vs, ve;

    if (l[0] == ' ' || l[0] == '\t') /* a fold is joined before: this is the first line */
        return nb_err_set(e, NB_E_PROTO,
                          "the first header line starts with a space: it "
                          "continues no header (RFC 9112 2.2)");
    if (!colon)
        return nb_err_set(e, NB_E_PROTO, "a header line has no ':'");
    nl = (size_t)(colon - l);
    if (nl == 0)
        return nb_err_set(e, NB_E_PROTO, "a header line has an empty name");
    for (size_t i = 0; i < nl; i++)
        if (!is_tchar((unsigned char)l[i]))
            return nb_err_set(e, NB_E_PROTO,
                              "byte 0x%02x in a header name (a space before ':' "
                              "is not allowed either)",
                              (unsigned char)l[i]);
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
        if (ve - vs > NB_HTTP_LOCATION_MAX && p->status / 100 == 3)
            return nb_err_set(e, NB_E_PROTO,
                              "the redirect's Location is %zu bytes long, more "
                              "than the %d a URL may have",
                              ve - vs, NB_HTTP_LOCATION_MAX);
        if (ve - vs <= NB_HTTP_LOCATION_MAX)
            snprintf(p->location, sizeof p->location, "%.*s", (int)(ve - vs), l + vs);
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
        return 0;
    }
    if (p->head || p->status == 204 || p->status == 304) {
        p->framing = NB_HTTP_NO_BODY;
        p->state = S_DONE;
    } else if (p->coding[0]) {
        /* libc alone cannot decode gzip or deflate, and an unknown coding cannot be decoded at
         * all: refuse before any byte of the body, so nothing encoded is saved as the body */
        char esc[4 * NB_HTTP_CODING_MAX + 8];
        nb_escape(p->coding, strlen(p->coding), NB_ESC_C, esc, sizeof esc);
        return nb_err_set(e, NB_E_PROTO,
                          "the body is sent in transfer coding '%s', which "
                          "netbasics cannot decode (it decodes only chunked)",
                          esc);
    } else if (p->chunked_te) {
        p->framing = NB_HTTP_CHUNKED; /* chunked wins over any Content-Length */
        p->state = S_CHUNK_SIZE;
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
            return nb_err_set(e, NB_E_PROTO,
                              "a chunk size of 17 or more hex digits is too "
                              "large");
        v = v << 4 | (uint64_t)d;
        i++;
    }
    if (i == 0)
        return nb_err_set(e, NB_E_PROTO,
                          "a chunk size line '%.20s' does not start with hex "
                          "digits",
                          l);
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
static int take_line(struct nb_http_parser *p, const char *l, size_t n, const struct nb_http_cb *cb,
                     struct nb_err *e)
{
    if (memchr(l, '\0', n))
        return nb_err_set(e, NB_E_PROTO, "a NUL byte in the response head");
    if (memchr(l, '\r', n))
        return nb_err_set(e, NB_E_PROTO, "a bare CR inside a line of the response head");
    switch (p->state) {
    case S_STATUS:
        if (status_line(p, l, n, e) < 0)
            return -1;
        p->interim = p->status >= 100 && p->status < 200;
        if (!p->interim && cb->on_status)
            cb->on_status(cb->ctx, p->status, n > 13 ? l + 13 : "", n > 13 ? n - 13 : 0);
        p->state = S_HEADERS;
        return 0;
    case S_HEADERS:
        return header_line(p, l, n, cb, e);
    case S_CHUNK_SIZE:
        return chunk_size(p, l, n, cb, e);
    case S_TRAILERS:
        if (n == 0)
            p->state = S_DONE;
        return 0; /* a trailer (or a fold of one) is dropped */
    }
    return 0;
}

/* Counts n more bytes of the head (status and header lines, and trailers). */
static int head_add(struct nb_http_parser *p, size_t n, struct nb_err *e)
{
    p->head_bytes += n;
    if (p->head_bytes > NB_HTTP_HEAD_MAX)
        return nb_err_set(e, NB_E_PROTO, "the response head%s is larger than %d bytes",
                          p->state == S_TRAILERS ? " with its trailers" : "", NB_HTTP_HEAD_MAX);
    return 0;
}

static int is_blank(uint8_t c)
{
    return c == ' ' || c == '\t';
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
            if (p->state != S_CHUNK_SIZE && head_add(p, take + (nl ? 1 : 0), e) < 0)
                return -1;
            memcpy(p->line + p->line_len, data + i, take);
            p->line_len += take;
            i += take;
            if (!nl)
                break;
            i++; /* the '\n' */
            len = p->line_len;
            if (len > 0 && p->line[len - 1] == '\r')
                len--; /* CRLF, or a bare LF */
            p->line_len = len;
            if (p->state == S_HEADERS && len > 0) {
                p->state = S_HEADER_NEXT; /* the next byte tells whether it is folded */
                break;
            }
            p->line[len] = '\0';
            p->line_len = 0;
            if (p->state == S_HEADERS ? headers_done(p, cb, e) : take_line(p, p->line, len, cb, e))
                return -1;
            break;
        }
        case S_HEADER_NEXT:
            if (is_blank(data[i])) {
                /* obs-fold (OWS CRLF RWS) becomes one SP (RFC 9112 5.2) */
                while (p->line_len > 0 && is_blank((uint8_t)p->line[p->line_len - 1]))
                    p->line_len--;
                if (p->line_len + 1 > NB_HTTP_LINE_MAX)
                    return nb_err_set(e, NB_E_PROTO,
                                      "a line of the response is longer than %d bytes",
                                      NB_HTTP_LINE_MAX);
                p->line[p->line_len++] = ' ';
                p->state = S_FOLD;
                break; /* S_FOLD takes this blank */
            }
            p->line[p->line_len] = '\0';
            p->state = S_HEADERS;
            if (take_line(p, p->line, p->line_len, cb, e) < 0)
                return -1;
            p->line_len = 0;
            break;
        case S_FOLD:
            if (!is_blank(data[i])) {
                p->state = S_HEADERS;
                break;
            }
            if (head_add(p, 1, e) < 0)
                return -1;
            i++;
            break;
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
                return nb_err_set(e, NB_E_PROTO,
                                  "no CRLF after a chunk's data: the chunk sizes "
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
            return nb_err_set(e, NB_E_PROTO,
                              "the server closed the connection without a "
                              "response");
        if (p->line_len == 0)
            return nb_err_set(e, NB_E_PROTO,
                              "the connection closed after an interim %d "
                              "response, before the real one",
                              p->status);
        return nb_err_set(e, NB_E_PROTO, "the connection closed inside the status line");
    case S_HEADERS:
    case S_HEADER_NEXT:
    case S_FOLD:
        return nb_err_set(e, NB_E_PROTO, "the connection closed inside the headers");
    case S_TRAILERS:
        return nb_err_set(e, NB_E_PROTO,
                          "the chunked body's trailers were cut off: the "
                          "connection closed after the last chunk");
    case S_BODY_LENGTH:
        return nb_err_set(e, NB_E_PROTO, "the body ended after %llu of %llu bytes",
                          (unsigned long long)p->body_bytes, (unsigned long long)p->length);
    default:
        return nb_err_set(e, NB_E_PROTO,
                          "the chunked body ended before its last chunk (after "
                          "%llu bytes)",
                          (unsigned long long)p->body_bytes);
    }
}
