/* dns.c - the DNS message codec (RFC 1035, 3596, 2782, 6891, 8659), sans-IO:
 * a bounds-checked reader that checks the remaining length before every read. */
#include <netbasics/buf.h>
#include <netbasics/dns.h>
#include <netbasics/num.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    uint16_t type;
    const char *name;
} TYPES[] = {
    {NB_DNS_A, "A"},     {NB_DNS_NS, "NS"},   {NB_DNS_CNAME, "CNAME"}, {NB_DNS_SOA, "SOA"},
    {NB_DNS_PTR, "PTR"}, {NB_DNS_MX, "MX"},   {NB_DNS_TXT, "TXT"},     {NB_DNS_AAAA, "AAAA"},
    {NB_DNS_SRV, "SRV"}, {NB_DNS_OPT, "OPT"}, {NB_DNS_ANY, "ANY"},     {NB_DNS_CAA, "CAA"},
};

const char *nb_dns_type_name(uint16_t type, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (TYPES[i].type == type) {
            snprintf(buf, n, "%s", TYPES[i].name);
            return buf;
        }
    snprintf(buf, n, "TYPE%u", type);
    return buf;
}

int nb_dns_type_parse(const char *s, uint16_t *type, struct nb_err *e)
{
    uint64_t v;

    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (!strcasecmp(s, TYPES[i].name) && TYPES[i].type != NB_DNS_OPT) {
            *type = TYPES[i].type;
            return 0;
        }
    if (!strncasecmp(s, "TYPE", 4) && nb_parse_uint(s + 4, 1, 65535, "type", &v, NULL) == 0) {
        *type = (uint16_t)v;
        return 0;
    }
    return nb_err_set(e, NB_E_INVALID,
                      "'%.32s' is not a record type: use A, AAAA, CNAME, NS, PTR, MX, TXT, SOA, "
                      "SRV, CAA, ANY or TYPEnnn",
                      s);
}

const char *nb_dns_rcode_name(unsigned rcode, char *buf, size_t n)
{
    static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                        "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                        "NXRRSET", "NOTAUTH", "NOTZONE"};
    if (rcode < sizeof names / sizeof names[0])
        snprintf(buf, n, "%s", names[rcode]);
    else
        snprintf(buf, n, "RCODE%u", rcode);
    return buf;
}

int nb_dns_name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *len, struct nb_err *e)
{
    size_t o = 0, lab = 0, nlabel = 1;
    const char *p = name;

    if (cap < NB_DNS_NAME_WIRE_MAX + 1)
        return nb_err_set(e, NB_E_INVALID, "no room for a name");
    if (!strcmp(name, ".")) {
        out[0] = 0;
        *len = 1;
        return 0;
    }
    if (!*name)
        return nb_err_set(e, NB_E_INVALID, "the name is empty");
    out[o++] = 0; /* length byte of the first label, filled in below */
    while (*p) {
        unsigned c = (unsigned char)*p++;
        if (c == '.') {
            if (o - lab - 1 == 0)
                return nb_err_set(e, NB_E_INVALID,
                                  "label %zu is empty: two dots in a row, or a "
                                  "dot at the start",
                                  nlabel);
            out[lab] = (uint8_t)(o - lab - 1);
            if (!*p)
                break; /* the final dot of a fully qualified name */
            lab = o++;
            nlabel++;
            if (o > NB_DNS_NAME_WIRE_MAX - 1)
                return nb_err_set(e, NB_E_INVALID, "the name is longer than 255 bytes");
            continue;
        }
        if (c == '\\') {
            if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
                p[2] <= '9') {
                c = (unsigned)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
                if (c > 255)
                    return nb_err_set(e, NB_E_INVALID, "\\%.3s is not a byte", p);
                p += 3;
            } else if (*p) {
                c = (unsigned char)*p++;
            } else {
                return nb_err_set(e, NB_E_INVALID, "the name ends with a lone backslash");
            }
        } else if (c <= 0x20 || c >= 0x7f) {
            return nb_err_set(e, NB_E_INVALID,
                              "byte 0x%02x in label %zu: write spaces and other bytes as \\DDD", c,
                              nlabel);
        }
        if (o - lab - 1 >= NB_DNS_LABEL_MAX)
            return nb_err_set(e, NB_E_INVALID,
                              "label %zu is longer than 63 bytes, the most a "
                              "label holds",
                              nlabel);
        if (o >= NB_DNS_NAME_WIRE_MAX - 1)
            return nb_err_set(e, NB_E_INVALID, "the name is longer than 255 bytes");
        out[o++] = (uint8_t)c;
    }
    if (o - lab - 1 > 0)
        out[lab] = (uint8_t)(o - lab - 1);
    out[o++] = 0;
    *len = o;
    return 0;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

int nb_dns_build_query(const char *name, uint16_t type, uint16_t id, uint16_t edns_payload,
                       uint8_t *buf, size_t cap, size_t *len, struct nb_err *e)
{
    size_t nlen;

    if (cap < 12 + NB_DNS_NAME_WIRE_MAX + 1 + 4 + 11)
        return nb_err_set(e, NB_E_INVALID, "no room for a query");
    memset(buf, 0, 12);
    put16(buf, id);
    buf[2] = 0x01; /* RD: recursion desired */
    put16(buf + 4, 1);
    put16(buf + 10, edns_payload ? 1 : 0);
    if (nb_dns_name_to_wire(name, buf + 12, cap - 12, &nlen, e) < 0)
        return -1;
    put16(buf + 12 + nlen, type);
    put16(buf + 14 + nlen, 1); /* class IN */
    *len = 16 + nlen;
    if (edns_payload) {
        uint8_t *o = buf + *len;
        o[0] = 0; /* root owner */
        put16(o + 1, NB_DNS_OPT);
        put16(o + 3, edns_payload); /* the class carries the UDP size */
        memset(o + 5, 0, 6);        /* extended rcode, version 0, flags; no options */
        *len += 11;
    }
    return 0;
}

char *nb_dns_reverse_name(const struct nb_addr *a, char *buf, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (a->family == 4) {
        snprintf(buf, n, "%u.%u.%u.%u.in-addr.arpa.", a->b[3], a->b[2], a->b[1], a->b[0]);
        return buf;
    }
    for (int i = 15; i >= 0 && o + 4 < n; i--) {
        buf[o++] = hex[a->b[i] & 15];
        buf[o++] = '.';
        buf[o++] = hex[a->b[i] >> 4];
        buf[o++] = '.';
    }
    snprintf(buf + o, n - o, "ip6.arpa.");
    return buf;
}

/* --- the reader: names ------------------------------------------------ */

/* Reads the name at r's offset into text (cap at least NB_DNS_NAME_TEXT), following
 * compression pointers anywhere in r's bytes; r moves past the name as it stands. */
static int read_name(struct nb_reader *r, char *text, size_t cap, struct nb_err *e)
{
    struct nb_reader at = *r;
    struct nb_builder b;
    size_t start = nb_reader_offset(r), wire = 1, end = 0;
    unsigned jumps = 0;
    int jumped = 0;

    nb_builder_init_fixed(&b, text, cap);
    for (;;) {
        size_t pos = nb_reader_offset(&at);
        const uint8_t *label;
        uint8_t c, low;

        if (nb_reader_u8(&at, &c) < 0)
            return nb_err_set(e, NB_E_PROTO, "a name at byte %zu runs past the end (byte %zu)",
                              start, at.len);
        if ((c & 0xc0) == 0xc0) {
            size_t target;
            if (nb_reader_u8(&at, &low) < 0)
                return nb_err_set(e, NB_E_PROTO, "a compression pointer at byte %zu is cut off",
                                  pos);
            target = (size_t)(c & 0x3f) << 8 | low;
            if (!jumped)
                end = nb_reader_offset(&at);
            jumped = 1;
            if (++jumps > NB_DNS_MAX_JUMPS)
                return nb_err_set(e, NB_E_PROTO,
                                  "more than %d compression pointers in the name at byte %zu: "
                                  "the pointers go round in a loop",
                                  NB_DNS_MAX_JUMPS, start);
            if (target >= at.len || nb_reader_seek(&at, target) < 0)
                return nb_err_set(e, NB_E_PROTO,
                                  "the compression pointer at byte %zu points to byte %zu, past "
                                  "the end of the %zu-byte message",
                                  pos, target, at.len);
            continue;
        }
        if (c & 0xc0)
            return nb_err_set(e, NB_E_PROTO,
                              "the label length byte 0x%02x at byte %zu is not a length: a label "
                              "holds at most 63 bytes, and label types 01 and 10 are reserved",
                              c, pos);
        if (c == 0) {
            if (!jumped)
                end = nb_reader_offset(&at);
            break;
        }
        if (nb_reader_take(&at, c, &label) < 0)
            return nb_err_set(e, NB_E_PROTO, "a %u-byte label at byte %zu runs past the end", c,
                              pos);
        wire += 1u + c;
        if (wire > NB_DNS_NAME_WIRE_MAX)
            return nb_err_set(e, NB_E_PROTO,
                              "the name at byte %zu is longer than 255 bytes, the most a name "
                              "holds",
                              start);
        nb_builder_escaped(&b, label, c, ". ()\";");
        nb_builder_putc(&b, '.');
    }
    if (b.len == 0)
        nb_builder_putc(&b, '.');
    if (nb_builder_error(&b))
        return nb_err_set(e, NB_E_INVALID, "no room for the name at byte %zu", start);
    nb_builder_str(&b);
    nb_reader_seek(r, end);
    return 0;
}

/* --- record data, one decoder per type -------------------------------- */

#define RDATA_TEXT_MAX (1u << 20) /* 65535 bytes as \DDD in quotes fit with room to spare */

/* One record's data being decoded: r reads the data alone (RDLENGTH bytes, at the same
 * offsets as in the message), msg the whole message, where its names may point. */
struct rdata {
    struct nb_reader r;
    const struct nb_reader *msg;
    struct nb_dns_rr *rr;
    size_t idx;
    const char *tname;
    struct nb_builder *text; /* the data in presentation form, as dig prints it */
    char *target;            /* NB_DNS_NAME_TEXT bytes, for the name the record points to */
};

static int too_short(const struct rdata *d, const char *what, struct nb_err *e)
{
    return nb_err_set(e, NB_E_PROTO,
                      "record %zu (%s) at byte %zu is too short: %s runs past its data (%u "
                      "bytes)",
                      d->idx, d->tname, d->rr->offset, what, d->rr->rdlen);
}

static int rd_u8(struct rdata *d, const char *what, uint8_t *v, struct nb_err *e)
{
    return nb_reader_u8(&d->r, v) < 0 ? too_short(d, what, e) : 0;
}

static int rd_u16(struct rdata *d, const char *what, uint16_t *v, struct nb_err *e)
{
    return nb_reader_u16(&d->r, v) < 0 ? too_short(d, what, e) : 0;
}

static int rd_u32(struct rdata *d, const char *what, uint32_t *v, struct nb_err *e)
{
    return nb_reader_u32(&d->r, v) < 0 ? too_short(d, what, e) : 0;
}

static int rd_take(struct rdata *d, const char *what, size_t n, const uint8_t **p, struct nb_err *e)
{
    return nb_reader_take(&d->r, n, p) < 0 ? too_short(d, what, e) : 0;
}

/* A name inside the data: its own bytes end inside the data, its pointers go anywhere in
 * the message. */
static int rd_name(struct rdata *d, const char *what, char *text, struct nb_err *e)
{
    struct nb_reader at = *d->msg;

    if (nb_reader_remaining(&d->r) == 0)
        return too_short(d, what, e);
    nb_reader_seek(&at, nb_reader_offset(&d->r));
    if (read_name(&at, text, NB_DNS_NAME_TEXT, e) < 0)
        return -1;
    if (nb_reader_seek(&d->r, nb_reader_offset(&at)) < 0)
        return too_short(d, what, e);
    return 0;
}

/* A and AAAA: exactly 4 or 16 bytes of address. */
static int decode_addr(struct rdata *d, struct nb_err *e)
{
    size_t want = d->rr->type == NB_DNS_A ? 4 : 16;
    char text[NB_ADDR_TEXT_MAX];
    const uint8_t *p;

    if (d->rr->rdlen != want)
        return nb_err_set(e, NB_E_PROTO,
                          "record %zu (%s) at byte %zu has %u bytes of data, but an %s record "
                          "holds exactly %zu",
                          d->idx, d->tname, d->rr->offset, d->rr->rdlen, d->tname, want);
    if (rd_take(d, "the address", want, &p, e) < 0)
        return -1;
    memset(&d->rr->addr, 0, sizeof d->rr->addr);
    d->rr->addr.family = want == 4 ? 4 : 6;
    memcpy(d->rr->addr.b, p, want);
    nb_builder_puts(d->text, nb_addr_format(&d->rr->addr, text, sizeof text));
    return 0;
}

/* CNAME, NS and PTR: one name. */
static int decode_name(struct rdata *d, struct nb_err *e)
{
    if (rd_name(d, "its name", d->target, e) < 0)
        return -1;
    nb_builder_puts(d->text, d->target);
    return 0;
}

/* MX: a preference, then the exchange's name. */
static int decode_mx(struct rdata *d, struct nb_err *e)
{
    uint16_t pref;

    if (rd_u16(d, "the preference", &pref, e) < 0 ||
        rd_name(d, "the exchange name", d->target, e) < 0)
        return -1;
    nb_builder_printf(d->text, "%u %s", pref, d->target);
    return 0;
}

/* SRV (RFC 2782): priority, weight, port, then the target's name. */
static int decode_srv(struct rdata *d, struct nb_err *e)
{
    uint16_t prio, weight, port;

    if (rd_u16(d, "the priority", &prio, e) < 0 || rd_u16(d, "the weight", &weight, e) < 0 ||
        rd_u16(d, "the port", &port, e) < 0 || rd_name(d, "the target name", d->target, e) < 0)
        return -1;
    nb_builder_printf(d->text, "%u %u %u %s", prio, weight, port, d->target);
    return 0;
}

/* SOA: the primary server, the mailbox, then five 32-bit numbers. */
static int decode_soa(struct rdata *d, struct nb_err *e)
{
    static const char *const what[5] = {"the serial", "the refresh", "the retry", "the expire",
                                        "the minimum"};
    char mname[NB_DNS_NAME_TEXT], rname[NB_DNS_NAME_TEXT];
    uint32_t v[5];

    if (rd_name(d, "the server name", mname, e) < 0 || rd_name(d, "the mailbox name", rname, e) < 0)
        return -1;
    for (int i = 0; i < 5; i++)
        if (rd_u32(d, what[i], &v[i], e) < 0)
            return -1;
    nb_builder_printf(d->text, "%s %s %u %u %u %u %u", mname, rname, v[0], v[1], v[2], v[3], v[4]);
    return 0;
}

/* TXT: one or more strings, each a length byte and its bytes. */
static int decode_txt(struct rdata *d, struct nb_err *e)
{
    if (nb_reader_remaining(&d->r) == 0)
        return nb_err_set(e, NB_E_PROTO, "record %zu (TXT) at byte %zu has no string", d->idx,
                          d->rr->offset);
    while (nb_reader_remaining(&d->r) > 0) {
        const uint8_t *s;
        uint8_t n;
        if (rd_u8(d, "a string", &n, e) < 0 || rd_take(d, "a string", n, &s, e) < 0)
            return -1;
        if (d->text->want)
            nb_builder_putc(d->text, ' ');
        nb_builder_putc(d->text, '"');
        nb_builder_escaped(d->text, s, n, "\"");
        nb_builder_putc(d->text, '"');
    }
    return 0;
}

/* CAA (RFC 8659): flags, a tag of 1 or more bytes, and the value, the rest of the data. */
static int decode_caa(struct rdata *d, struct nb_err *e)
{
    const uint8_t *tag, *value;
    uint8_t flags, tlen;
    size_t vlen;

    if (rd_u8(d, "the flags", &flags, e) < 0 || rd_u8(d, "the tag length", &tlen, e) < 0)
        return -1;
    if (tlen == 0)
        return nb_err_set(e, NB_E_PROTO, "record %zu (CAA) at byte %zu has an empty tag", d->idx,
                          d->rr->offset);
    if (rd_take(d, "the tag", tlen, &tag, e) < 0)
        return -1;
    vlen = nb_reader_remaining(&d->r);
    rd_take(d, "the value", vlen, &value, e);
    nb_builder_printf(d->text, "%u ", flags);
    nb_builder_escaped(d->text, tag, tlen, " \"");
    nb_builder_puts(d->text, " \"");
    nb_builder_escaped(d->text, value, vlen, "\"");
    nb_builder_putc(d->text, '"');
    return 0;
}

/* Any other type: RFC 3597's generic form, \# and the length, then the bytes in hex. */
static int decode_unknown(struct rdata *d, struct nb_err *e)
{
    size_t n = nb_reader_remaining(&d->r);
    const uint8_t *p;

    rd_take(d, "the data", n, &p, e);
    nb_builder_printf(d->text, "\\# %zu", n);
    if (n)
        nb_builder_putc(d->text, ' ');
    for (size_t i = 0; i < n; i++)
        nb_builder_hex(d->text, p[i], 2);
    return 0;
}

static const struct {
    uint16_t type;
    int (*decode)(struct rdata *d, struct nb_err *e);
} DECODERS[] = {
    {NB_DNS_A, decode_addr},  {NB_DNS_AAAA, decode_addr}, {NB_DNS_CNAME, decode_name},
    {NB_DNS_NS, decode_name}, {NB_DNS_PTR, decode_name},  {NB_DNS_MX, decode_mx},
    {NB_DNS_SRV, decode_srv}, {NB_DNS_SOA, decode_soa},   {NB_DNS_TXT, decode_txt},
    {NB_DNS_CAA, decode_caa},
};

/* Decodes rr's data (rdlen bytes at rdata_off) with its type's decoder into rr->data, and
 * rr->target or rr->addr. The RDLENGTH rule lives here: a decoder uses exactly those bytes. */
static int decode_record(const struct nb_reader *msg, struct nb_dns_rr *rr, size_t idx,
                         struct nb_err *e)
{
    int (*decode)(struct rdata *, struct nb_err *) = decode_unknown;
    char tname[16], target[NB_DNS_NAME_TEXT] = "";
    struct nb_builder text;
    struct rdata d;
    int rc;

    for (size_t i = 0; i < sizeof DECODERS / sizeof DECODERS[0]; i++)
        if (DECODERS[i].type == rr->type)
            decode = DECODERS[i].decode;
    nb_builder_init(&text, RDATA_TEXT_MAX);
    d.msg = msg;
    d.rr = rr;
    d.idx = idx;
    d.tname = nb_dns_type_name(rr->type, tname, sizeof tname);
    d.text = &text;
    d.target = target;
    nb_reader_init(&d.r, msg->p, rr->rdata_off + rr->rdlen);
    nb_reader_seek(&d.r, rr->rdata_off);
    rc = decode(&d, e);
    if (rc == 0 && nb_reader_remaining(&d.r) > 0)
        rc = nb_err_set(e, NB_E_PROTO,
                        "record %zu (%s) at byte %zu has %zu extra byte%s: its length says %u "
                        "bytes, but its fields take %zu",
                        idx, tname, rr->offset, nb_reader_remaining(&d.r),
                        nb_reader_remaining(&d.r) == 1 ? "" : "s", rr->rdlen,
                        nb_reader_offset(&d.r) - rr->rdata_off);
    if (rc == 0) {
        rr->data = nb_builder_take(&text);
        if (!rr->data || (target[0] && !(rr->target = strdup(target))))
            rc = nb_err_set(e, NB_E_SYS, "out of memory");
    }
    nb_builder_free(&text);
    return rc;
}

void nb_dns_msg_free(struct nb_dns_msg *m)
{
    for (size_t i = 0; i < m->nrr; i++) {
        free(m->rr[i].name);
        free(m->rr[i].data);
        free(m->rr[i].target);
    }
    free(m->rr);
    m->rr = NULL;
    m->nrr = 0;
}

/* --- the message ------------------------------------------------------ */

int nb_dns_header_parse(const uint8_t *msg, size_t len, struct nb_dns_header *h, struct nb_err *e)
{
    struct nb_reader r;
    uint16_t flags;

    memset(h, 0, sizeof *h);
    nb_reader_init(&r, msg, len);
    if (nb_reader_u16(&r, &h->id) < 0 || nb_reader_u16(&r, &flags) < 0 ||
        nb_reader_u16(&r, &h->qdcount) < 0 || nb_reader_u16(&r, &h->ancount) < 0 ||
        nb_reader_u16(&r, &h->nscount) < 0 || nb_reader_u16(&r, &h->arcount) < 0)
        return nb_err_set(e, NB_E_PROTO, "the message is %zu bytes, but a DNS header alone is 12",
                          len);
    h->flags = flags;
    h->qr = flags >> 15;
    h->opcode = flags >> 11 & 15;
    h->aa = flags >> 10 & 1;
    h->tc = flags >> 9 & 1;
    h->rd = flags >> 8 & 1;
    h->ra = flags >> 7 & 1;
    h->ad = flags >> 5 & 1;
    h->cd = flags >> 4 & 1;
    h->rcode = flags & 15;
    return 0;
}

/* Reads one resource record's fixed part at r into rr and moves r past its data. */
static int read_record(struct nb_reader *r, struct nb_dns_rr *rr, char *name, struct nb_err *e)
{
    size_t start = nb_reader_offset(r);

    if (read_name(r, name, NB_DNS_NAME_TEXT, e) < 0)
        return -1;
    if (nb_reader_u16(r, &rr->type) < 0 || nb_reader_u16(r, &rr->rclass) < 0 ||
        nb_reader_u32(r, &rr->ttl) < 0 || nb_reader_u16(r, &rr->rdlen) < 0)
        return nb_err_set(e, NB_E_PROTO, "the message ends at byte %zu, inside a record", r->len);
    rr->offset = start;
    rr->rdata_off = nb_reader_offset(r);
    if (nb_reader_skip(r, rr->rdlen) < 0)
        return nb_err_set(e, NB_E_PROTO,
                          "the record at byte %zu says its data is %u bytes, but only %zu are "
                          "left in the message",
                          start, rr->rdlen, nb_reader_remaining(r));
    return 0;
}

/* Keeps rr in m (which owns its strings from then on) and decodes its data. */
static int add_record(struct nb_dns_msg *m, size_t *cap, const struct nb_reader *msg,
                      const struct nb_dns_rr *rr, const char *name, struct nb_err *e)
{
    if (m->nrr == NB_DNS_MAX_RECORDS)
        return nb_err_set(e, NB_E_PROTO, "more than %d records in one message", NB_DNS_MAX_RECORDS);
    if (m->nrr == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        struct nb_dns_rr *p = realloc(m->rr, ncap * sizeof *p);
        if (!p)
            return nb_err_set(e, NB_E_SYS, "out of memory");
        m->rr = p;
        *cap = ncap;
    }
    m->rr[m->nrr] = *rr;
    m->rr[m->nrr].name = strdup(name);
    if (!m->rr[m->nrr++].name)
        return nb_err_set(e, NB_E_SYS, "out of memory");
    return decode_record(msg, &m->rr[m->nrr - 1], m->nrr, e);
}

int nb_dns_parse(const uint8_t *msg, size_t len, struct nb_dns_msg *m, struct nb_err *e)
{
    static const char *const SECTIONS[] = {"answer", "authority", "additional"};
    struct nb_dns_header h;
    struct nb_reader r;
    uint16_t counts[3];
    size_t cap = 0;
    char name[NB_DNS_NAME_TEXT];

    memset(m, 0, sizeof *m);
    if (nb_dns_header_parse(msg, len, &h, e) < 0)
        return -1;
    m->id = h.id;
    m->qr = h.qr;
    m->opcode = h.opcode;
    m->aa = h.aa;
    m->tc = h.tc;
    m->rd = h.rd;
    m->ra = h.ra;
    m->ad = h.ad;
    m->cd = h.cd;
    m->rcode = h.rcode;
    m->qdcount = h.qdcount;
    m->ancount = h.ancount;
    m->nscount = h.nscount;
    m->arcount = h.arcount;
    nb_reader_init(&r, msg, len);
    nb_reader_seek(&r, NB_DNS_HEADER_LEN);
    if (m->qdcount > 1)
        return nb_err_set(e, NB_E_PROTO, "the header counts %u questions; a reply has at most 1",
                          m->qdcount);
    if (m->qdcount == 1) {
        if (read_name(&r, m->qname, sizeof m->qname, e) < 0)
            return -1;
        if (nb_reader_u16(&r, &m->qtype) < 0 || nb_reader_u16(&r, &m->qclass) < 0)
            return nb_err_set(e, NB_E_PROTO, "the message ends at byte %zu, inside the question",
                              len);
        m->has_question = 1;
    }
    counts[0] = m->ancount;
    counts[1] = m->nscount;
    counts[2] = m->arcount;
    for (int sec = 0; sec < 3; sec++) {
        for (unsigned i = 0; i < counts[sec]; i++) {
            struct nb_dns_rr rr;

            if (nb_reader_remaining(&r) == 0)
                return nb_err_set(e, NB_E_PROTO,
                                  "the header counts %u %s records, but the message ends after "
                                  "%u of them (byte %zu)",
                                  counts[sec], SECTIONS[sec], i, len);
            memset(&rr, 0, sizeof rr);
            rr.section = (enum nb_dns_section)sec;
            if (read_record(&r, &rr, name, e) < 0)
                return -1;
            if (rr.type == NB_DNS_OPT) {
                if (sec != NB_DNS_ADDITIONAL || m->edns)
                    return nb_err_set(e, NB_E_PROTO,
                                      "an OPT record at byte %zu: there may be one, and only among "
                                      "the additional records (RFC 6891)",
                                      rr.offset);
                m->edns = 1;
                m->edns_payload = rr.rclass;
                m->rcode |= (rr.ttl >> 24) << 4; /* the extended rcode bits */
                continue;
            }
            if (add_record(m, &cap, &r, &rr, name, e) < 0)
                return -1;
        }
    }
    return 0;
}

int nb_dns_name_eq(const char *a, const char *b)
{
    return !strcasecmp(a, b);
}

/* Reads the question of msg into name, and points *tc at its type and class (4 bytes). */
static int read_question(const uint8_t *msg, size_t len, char *name, const uint8_t **tc)
{
    struct nb_reader r;

    nb_reader_init(&r, msg, len);
    return nb_reader_seek(&r, NB_DNS_HEADER_LEN) < 0 ||
                   read_name(&r, name, NB_DNS_NAME_TEXT, NULL) < 0 || nb_reader_take(&r, 4, tc) < 0
               ? -1
               : 0;
}

int nb_dns_matches(const uint8_t *q, size_t qlen, const uint8_t *rp, size_t rlen)
{
    struct nb_dns_header qh, rh;
    char qn[NB_DNS_NAME_TEXT], rn[NB_DNS_NAME_TEXT];
    const uint8_t *qtc, *rtc;

    if (nb_dns_header_parse(q, qlen, &qh, NULL) < 0 ||
        nb_dns_header_parse(rp, rlen, &rh, NULL) < 0 || qh.id != rh.id || !rh.qr)
        return 0;
    /* a server that does not know EDNS may answer FORMERR without the question */
    if (rh.qdcount == 0 && rh.rcode == NB_DNS_FORMERR)
        return 1;
    if (rh.qdcount != 1 || read_question(q, qlen, qn, &qtc) < 0 ||
        read_question(rp, rlen, rn, &rtc) < 0)
        return 0;
    return memcmp(qtc, rtc, 4) == 0 && nb_dns_name_eq(qn, rn);
}

int nb_dns_follow(const struct nb_dns_msg *m, const char *qname,
                  const struct nb_dns_rr *chain[NB_DNS_MAX_CHAIN], size_t *nchain,
                  const char **final, struct nb_err *e)
{
    const char *cur = qname;

    *nchain = 0;
    for (;;) {
        const struct nb_dns_rr *hop = NULL;
        for (size_t i = 0; i < m->nrr; i++)
            if (m->rr[i].section == NB_DNS_ANSWER && m->rr[i].type == NB_DNS_CNAME &&
                nb_dns_name_eq(m->rr[i].name, cur)) {
                hop = &m->rr[i];
                break;
            }
        if (!hop)
            break;
        for (size_t k = 0; k < *nchain; k++)
            if (nb_dns_name_eq(chain[k]->name, hop->target) || nb_dns_name_eq(qname, hop->target))
                return nb_err_set(e, NB_E_PROTO, "the canonical names go round in a loop at %s",
                                  hop->target);
        if (nb_dns_name_eq(qname, hop->target))
            return nb_err_set(e, NB_E_PROTO, "the canonical names go round in a loop at %s",
                              hop->target);
        if (*nchain == NB_DNS_MAX_CHAIN)
            return nb_err_set(e, NB_E_PROTO, "more than %d canonical-name hops", NB_DNS_MAX_CHAIN);
        chain[(*nchain)++] = hop;
        cur = hop->target;
    }
    *final = cur;
    return 0;
}

size_t nb_dns_nxdomain(const uint8_t *q, size_t qlen, uint8_t *out, size_t cap)
{
    struct nb_dns_header h;
    char name[NB_DNS_NAME_TEXT];
    const uint8_t *tc;
    size_t end;

    if (nb_dns_header_parse(q, qlen, &h, NULL) < 0 || h.qr || h.qdcount != 1 ||
        read_question(q, qlen, name, &tc) < 0)
        return 0;
    end = (size_t)(tc + 4 - q);
    if (end > cap)
        return 0;
    memcpy(out, q, end);
    out[2] = (uint8_t)(0x80 | h.rd); /* QR, and RD as asked */
    out[3] = 0x80 | NB_DNS_NXDOMAIN; /* RA, rcode 3 */
    memset(out + 6, 0, 6);           /* no answer, authority or additional */
    return end;
}

/* --- --explain: the message in words, and as annotated hex ------------- */

static void hex_lines(const struct nb_explain *x, const uint8_t *msg, size_t from, size_t to)
{
    char line[80];

    for (size_t i = from; i < to; i += 16) {
        size_t o = (size_t)snprintf(line, sizeof line, "    %04zx ", i);
        for (size_t k = i; k < to && k < i + 16; k++)
            o += (size_t)snprintf(line + o, sizeof line - o, " %02x", msg[k]);
        nb_explainf(x, "%s", line);
    }
}

/* What a record says, in words: "has the address", "is another name for". */
static const char *record_words(uint16_t type)
{
    switch (type) {
    case NB_DNS_A:
        return "has the IPv4 address";
    case NB_DNS_AAAA:
        return "has the IPv6 address";
    case NB_DNS_CNAME:
        return "is another name (CNAME) for";
    case NB_DNS_NS:
        return "is served by the name server";
    case NB_DNS_PTR:
        return "points back (PTR) to the name";
    case NB_DNS_MX:
        return "takes mail at (preference, exchange)";
    case NB_DNS_TXT:
        return "carries the text";
    case NB_DNS_SOA:
        return "is a zone whose start of authority (SOA) is";
    case NB_DNS_SRV:
        return "offers the service at (priority, weight, port, target)";
    default:
        return "holds";
    }
}

/* The flags of a message that change what it means, in words (level 1). */
static void explain_flags(const struct nb_explain *x, const struct nb_dns_msg *m)
{
    char rname[16];

    if (!m->qr) {
        nb_explainf(x, "  %s",
                    m->rd ? "RD: recursion desired — the server is to chase the answer "
                            "for us, through other servers if it must"
                          : "RD is not set: the server answers only from what it holds");
        return;
    }
    nb_explainf(x, "  rcode %u (%s) — %s", m->rcode,
                nb_dns_rcode_name(m->rcode, rname, sizeof rname),
                m->rcode == NB_DNS_NOERROR ? (m->ancount ? "the name exists and here is the answer"
                                                         : "the name exists, but has no record of "
                                                           "the type asked for")
                : m->rcode == NB_DNS_NXDOMAIN ? "no such name: it does not exist"
                : m->rcode == NB_DNS_SERVFAIL ? "the server could not find out (it failed)"
                : m->rcode == NB_DNS_REFUSED  ? "the server will not answer us"
                : m->rcode == NB_DNS_FORMERR  ? "the server could not read the query"
                                              : "the server did not answer the question");
    nb_explainf(x, "  %s",
                m->aa ? "AA: authoritative — the server holds the zone itself, so this "
                        "is no copy from a cache"
                      : "not authoritative (no AA): the answer comes from a cache or "
                        "from asking other servers");
    if (m->rd && !m->ra)
        nb_explainf(x, "  no RA: the server does not recurse — ask one that does (a resolver)");
    if (m->tc)
        nb_explainf(x, "  TC: truncated — the reply did not fit one UDP datagram; ask again over "
                       "TCP for all of it");
}

/* The canonical-name chain of a reply, hop by hop, to the records it ends in. */
static void explain_chain(const struct nb_explain *x, const struct nb_dns_msg *m)
{
    const struct nb_dns_rr *chain[NB_DNS_MAX_CHAIN];
    const char *final;
    size_t nchain = 0, found = 0;
    struct nb_err e;

    if (!m->qr || !m->has_question || nb_dns_follow(m, m->qname, chain, &nchain, &final, &e) < 0 ||
        nchain == 0)
        return;
    for (size_t i = 0; i < m->nrr; i++)
        found += m->rr[i].section == NB_DNS_ANSWER && m->rr[i].type == m->qtype &&
                 nb_dns_name_eq(m->rr[i].name, final);
    for (size_t i = 0; i < nchain; i++)
        nb_explainf(x, "  hop %zu of the chain: %s is an alias; the answer goes on under %s", i + 1,
                    chain[i]->name, chain[i]->target);
    nb_explainf(x, "  the chain ends at %s, with %zu record%s of the type asked for", final, found,
                found == 1 ? "" : "s");
}

/* The message in words: the question, the flags that matter, each record (level 1). */
static void explain_words(const struct nb_explain *x, const char *what, const struct nb_dns_msg *m,
                          size_t len)
{
    char tname[16];

    if (!m->qr)
        nb_explainf(x, "the %s (%zu bytes, id 0x%04x: the reply must carry the same number)", what,
                    len, m->id);
    else
        nb_explainf(x,
                    "the %s (%zu bytes, id 0x%04x as in the query): %u answer%s, %u authority, "
                    "%u additional",
                    what, len, m->id, m->ancount, m->ancount == 1 ? "" : "s", m->nscount,
                    m->arcount);
    if (m->has_question)
        nb_explainf(x,
                    "  the question: %s %s IN — which name, what type of record, the Internet "
                    "class",
                    m->qname, nb_dns_type_name(m->qtype, tname, sizeof tname));
    explain_flags(x, m);
    for (size_t i = 0; i < m->nrr; i++) {
        const struct nb_dns_rr *r = &m->rr[i];
        nb_explainf(x, "  %s: %s %s %s (caches may keep it %u s)",
                    r->section == NB_DNS_ANSWER      ? "answer"
                    : r->section == NB_DNS_AUTHORITY ? "authority"
                                                     : "additional",
                    r->name, record_words(r->type), r->data, r->ttl);
    }
    if (m->edns)
        nb_explainf(x, "  EDNS0: the sender takes UDP replies up to %u bytes", m->edns_payload);
    explain_chain(x, m);
}

/* The message as annotated hex (level 2): the header and each flag, the
 * question, every record and where its compression pointers point. */
static void explain_hex(const struct nb_explain *x, const char *what, const uint8_t *msg,
                        size_t len)
{
    struct nb_dns_header h;
    struct nb_dns_msg m;
    struct nb_err e;
    char tname[16], rname[16], qname[NB_DNS_NAME_TEXT];
    const uint8_t *tc;

    nb_explainf(x, "the %s, %zu bytes:", what, len);
    if (nb_dns_header_parse(msg, len, &h, NULL) < 0) {
        hex_lines(x, msg, 0, len);
        nb_explainf(x, "  too short for the 12-byte header");
        return;
    }
    hex_lines(x, msg, 0, NB_DNS_HEADER_LEN);
    nb_explainf(x, "  bytes 0-1   id 0x%04x: the reply must carry the same number", h.id);
    nb_explainf(x, "  bytes 2-3   flags 0x%04x: %s, opcode %u%s%s%s%s, rcode %u (%s)", h.flags,
                h.qr ? "QR=1 a reply" : "QR=0 a query", h.opcode, h.aa ? ", AA authoritative" : "",
                h.tc ? ", TC truncated" : "", h.rd ? ", RD recursion desired" : "",
                h.ra ? ", RA recursion available" : "", h.rcode,
                nb_dns_rcode_name(h.rcode, rname, sizeof rname));
    nb_explainf(x, "  bytes 4-11  counts: %u question, %u answer, %u authority, %u additional",
                h.qdcount, h.ancount, h.nscount, h.arcount);
    if (nb_dns_parse(msg, len, &m, &e) < 0) {
        hex_lines(x, msg, NB_DNS_HEADER_LEN, len);
        nb_explainf(x, "  cannot be read: %s", e.msg);
        nb_dns_msg_free(&m);
        return;
    }
    if (m.has_question && read_question(msg, len, qname, &tc) == 0) {
        size_t qend = (size_t)(tc + 4 - msg);
        hex_lines(x, msg, NB_DNS_HEADER_LEN, qend);
        nb_explainf(x,
                    "  bytes 12-%zu question: %s %s IN (each label is its length then its "
                    "letters, ending in a 0)",
                    qend - 1, m.qname, nb_dns_type_name(m.qtype, tname, sizeof tname));
    }
    for (size_t i = 0; i < m.nrr; i++) {
        const struct nb_dns_rr *r = &m.rr[i];
        size_t end = r->rdata_off + r->rdlen;
        struct nb_reader at;
        uint16_t ptr;

        hex_lines(x, msg, r->offset, end);
        nb_explainf(x, "  bytes %zu-%zu %s: %s %u %s %s", r->offset, end - 1,
                    r->section == NB_DNS_ANSWER      ? "answer"
                    : r->section == NB_DNS_AUTHORITY ? "authority"
                                                     : "additional",
                    r->name, r->ttl, nb_dns_type_name(r->type, tname, sizeof tname), r->data);
        nb_reader_init(&at, msg, len);
        if (nb_reader_seek(&at, r->offset) == 0 && nb_reader_u16(&at, &ptr) == 0 &&
            (ptr & 0xc000) == 0xc000)
            nb_explainf(x,
                        "    its name is a compression pointer to byte %u: '%s' is not "
                        "written twice",
                        ptr & 0x3fff, r->name);
    }
    if (m.edns)
        nb_explainf(x, "  an EDNS0 OPT record: the sender takes UDP replies up to %u bytes",
                    m.edns_payload);
    nb_dns_msg_free(&m);
}

void nb_dns_explain(const struct nb_explain *x, const char *what, const uint8_t *msg, size_t len)
{
    struct nb_dns_msg m;
    struct nb_err e;

    if (!nb_explaining(x))
        return;
    if (nb_dns_parse(msg, len, &m, &e) == 0)
        explain_words(x, what, &m, len);
    else if (!nb_explaining_at(x, NB_EXPLAIN_PACKETS))
        nb_explainf(x, "the %s, %zu bytes, cannot be read: %s", what, len, e.msg);
    nb_dns_msg_free(&m);
    if (nb_explaining_at(x, NB_EXPLAIN_PACKETS))
        explain_hex(x, what, msg, len);
}
