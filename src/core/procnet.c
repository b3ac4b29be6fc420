/* procnet.c - parsing lines of Linux's /proc/net/{tcp,udp}{,6}, sans-IO. */
#include <netbasics/buf.h>
#include <netbasics/procnet.h>

#include <limits.h>
#include <string.h>
#include <strings.h>

static const char *const TCP_STATES[] = {
    "?",         "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
    "TIME_WAIT", "CLOSE",       "CLOSE_WAIT", "LAST_ACK", "LISTEN",    "CLOSING",
};

const char *nb_procnet_state_name(int tcp, unsigned state)
{
    if (!tcp)
        return state == 7 ? "UNCONN" : state == 1 ? "ESTABLISHED" : "?";
    return state < sizeof TCP_STATES / sizeof TCP_STATES[0] ? TCP_STATES[state] : "?";
}

int nb_procnet_state_parse(const char *s, unsigned *state, struct nb_err *e)
{
    for (unsigned i = 1; i < sizeof TCP_STATES / sizeof TCP_STATES[0]; i++)
        if (!strcasecmp(s, TCP_STATES[i])) {
            *state = i;
            return 0;
        }
    if (!strcasecmp(s, "UNCONN")) {
        *state = 7;
        return 0;
    }
    return nb_err_set(e, NB_E_INVALID,
                      "'%.20s' is not a socket state: LISTEN, ESTABLISHED, "
                      "TIME_WAIT, CLOSE_WAIT, UNCONN, ...",
                      s);
}

#define SPACES " \t"

/* Reads the byte want, or fails. */
static int expect(struct nb_reader *r, uint8_t want)
{
    uint8_t c;

    if (nb_reader_peek(r, &c) < 0 || c != want)
        return -1;
    return nb_reader_skip(r, 1);
}

/* "0100007F:1F90": words of 8 hex digits in host order, then the port. */
static int endpoint(struct nb_reader *r, int family, struct nb_addr *a, uint16_t *port)
{
    int words = family == 4 ? 1 : 4;
    uint64_t v;

    memset(a, 0, sizeof *a);
    a->family = family;
    for (int w = 0; w < words; w++) {
        size_t start = nb_reader_offset(r);
        uint32_t x;
        if (nb_reader_uint(r, 16, 8, &v) < 0 || nb_reader_offset(r) - start != 8)
            return -1;
        x = (uint32_t)v;
        /* the kernel printed the 32-bit word as a number: little-endian hosts
         * show the bytes reversed */
        {
            const uint16_t probe = 1;
            if (*(const uint8_t *)&probe)
                x = (x >> 24) | (x >> 8 & 0xff00) | (x << 8 & 0xff0000) | (x << 24);
        }
        a->b[4 * w] = (uint8_t)(x >> 24);
        a->b[4 * w + 1] = (uint8_t)(x >> 16);
        a->b[4 * w + 2] = (uint8_t)(x >> 8);
        a->b[4 * w + 3] = (uint8_t)x;
    }
    if (expect(r, ':') < 0 || nb_reader_uint(r, 16, 4, &v) < 0)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* A decimal field after blanks; a value too big for unsigned long saturates. */
static int decimal(struct nb_reader *r, unsigned long *out)
{
    uint64_t v;

    nb_reader_skip_while(r, SPACES);
    if (nb_reader_uint(r, 10, 20, &v) < 0)
        return -1;
    *out = v > ULONG_MAX ? ULONG_MAX : (unsigned long)v;
    return 0;
}

int nb_procnet_parse(const char *line, size_t len, int family, int tcp,
                     struct nb_procnet_entry *out, struct nb_err *e)
{
    struct nb_reader r;
    const uint8_t *field;
    uint64_t v;
    unsigned long skip;

    memset(out, 0, sizeof *out);
    out->tcp = tcp;
    nb_reader_init(&r, line, len);
    if (decimal(&r, &skip) < 0 || expect(&r, ':') < 0)
        return nb_err_set(e, NB_E_PROTO, "a /proc/net line does not start with 'N:'");
    nb_reader_skip_while(&r, SPACES);
    if (endpoint(&r, family, &out->local, &out->lport) < 0)
        return nb_err_set(e, NB_E_PROTO, "the local address of a /proc/net line is malformed");
    nb_reader_skip_while(&r, SPACES);
    if (endpoint(&r, family, &out->remote, &out->rport) < 0)
        return nb_err_set(e, NB_E_PROTO, "the remote address of a /proc/net line is malformed");
    nb_reader_skip_while(&r, SPACES);
    if (nb_reader_uint(&r, 16, 2, &v) < 0)
        return nb_err_set(e, NB_E_PROTO, "the state of a /proc/net line is malformed");
    out->state = (unsigned)v;
    /* tx_queue:rx_queue tr:tm->when retrnsmt, then uid, timeout, inode */
    for (int i = 0; i < 3; i++) {
        nb_reader_skip_while(&r, SPACES);
        nb_reader_take_until(&r, SPACES, &field);
    }
    if (decimal(&r, &out->uid) < 0)
        return nb_err_set(e, NB_E_PROTO, "the uid of a /proc/net line is malformed");
    if (decimal(&r, &skip) < 0)
        return nb_err_set(e, NB_E_PROTO, "the timeout of a /proc/net line is malformed");
    if (decimal(&r, &out->inode) < 0)
        return nb_err_set(e, NB_E_PROTO, "the inode of a /proc/net line is malformed");
    return 0;
}
