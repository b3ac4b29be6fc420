/* procnet.c - parsing lines of Linux's /proc/net/{tcp,udp}{,6}, sans-IO. */
#include <netbasics/num.h>
#include <netbasics/procnet.h>

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
    return nb_err_set(e, NB_E_INVALID, "'%.20s' is not a socket state: LISTEN, ESTABLISHED, "
                                       "TIME_WAIT, CLOSE_WAIT, UNCONN, ...", s);
}

struct cur {
    const char *p, *end;
};

static void skip_spaces(struct cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

/* Reads up to max hex digits (at least 1) into *v. */
static int hex(struct cur *c, unsigned max, unsigned long long *v)
{
    unsigned n = 0;

    *v = 0;
    while (c->p < c->end && n < max) {
        char ch = *c->p;
        int d = nb_hex_digit((unsigned char)ch);
        if (d < 0)
            break;
        *v = *v << 4 | (unsigned)d;
        c->p++;
        n++;
    }
    return n ? 0 : -1;
}

static int decimal(struct cur *c, unsigned long *v)
{
    const char *start = c->p;

    *v = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && c->p - start < 19)
        *v = *v * 10 + (unsigned long)(*c->p++ - '0');
    return c->p > start ? 0 : -1;
}

/* "0100007F:1F90": words of 8 hex digits in host order, then the port. */
static int endpoint(struct cur *c, int family, struct nb_addr *a, uint16_t *port)
{
    int words = family == 4 ? 1 : 4;
    unsigned long long v;

    memset(a, 0, sizeof *a);
    a->family = family;
    for (int w = 0; w < words; w++) {
        const char *start = c->p;
        uint32_t x;
        if (hex(c, 8, &v) < 0 || c->p - start != 8)
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
    if (c->p >= c->end || *c->p != ':')
        return -1;
    c->p++;
    if (hex(c, 4, &v) < 0)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

int nb_procnet_parse(const char *line, size_t len, int family, int tcp,
                     struct nb_procnet_entry *out, struct nb_err *e)
{
    struct cur c = {line, line + len};
    unsigned long long v;
    unsigned long skip;

    memset(out, 0, sizeof *out);
    out->tcp = tcp;
    skip_spaces(&c);
    if (decimal(&c, &skip) < 0 || c.p >= c.end || *c.p++ != ':')
        return nb_err_set(e, NB_E_PROTO, "a /proc/net line does not start with 'N:'");
    skip_spaces(&c);
    if (endpoint(&c, family, &out->local, &out->lport) < 0)
        return nb_err_set(e, NB_E_PROTO, "the local address of a /proc/net line is malformed");
    skip_spaces(&c);
    if (endpoint(&c, family, &out->remote, &out->rport) < 0)
        return nb_err_set(e, NB_E_PROTO, "the remote address of a /proc/net line is malformed");
    skip_spaces(&c);
    if (hex(&c, 2, &v) < 0)
        return nb_err_set(e, NB_E_PROTO, "the state of a /proc/net line is malformed");
    out->state = (unsigned)v;
    /* tx_queue:rx_queue tr:tm->when retrnsmt, then uid, timeout, inode */
    for (int field = 0; field < 3; field++) {
        skip_spaces(&c);
        while (c.p < c.end && *c.p != ' ' && *c.p != '\t')
            c.p++;
    }
    skip_spaces(&c);
    if (decimal(&c, &out->uid) < 0)
        return nb_err_set(e, NB_E_PROTO, "the uid of a /proc/net line is malformed");
    skip_spaces(&c);
    if (decimal(&c, &skip) < 0)
        return nb_err_set(e, NB_E_PROTO, "the timeout of a /proc/net line is malformed");
    skip_spaces(&c);
    if (decimal(&c, &out->inode) < 0)
        return nb_err_set(e, NB_E_PROTO, "the inode of a /proc/net line is malformed");
    return 0;
}
