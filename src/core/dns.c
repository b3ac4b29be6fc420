/* dns.c - the DNS message codec (RFC 1035, 3596, 2782, 6891, 8659), sans-IO:
 * a bounds-checked reader that checks the remaining length before every read. */
#include <netbasics/dns.h>

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
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (!strcasecmp(s, TYPES[i].name) && TYPES[i].type != NB_DNS_OPT) {
            *type = TYPES[i].type;
            return 0;
        }
    if (!strncasecmp(s, "TYPE", 4) && s[4] >= '1' && s[4] <= '9' &&
        strspn(s + 4, "0123456789") == strlen(s + 4) && strlen(s + 4) <= 5 &&
        atol(s + 4) <= 65535) {
        *type = (uint16_t)atol(s + 4);
        return 0;
    }
    return nb_err_set(e, NB_E_INVALID,
                      "'%.32s' is not a record type: use A, AAAA, CNAME, NS, PTR, MX, TXT, SOA, "
                      "SRV, CAA, ANY or TYPEnnn", s);
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

int nb_dns_name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *len,
                        struct nb_err *e)
{
    size_t o = 0, lab = 0, nlabel = 1;
    const char *p = name;

    if (cap < NB_DNS_NAME_WIRE_MAX + 1)
        return nb_err_set(e, NB_E_INVALID, "no room for a name");
    if (!strcmp(name, ".") ) {
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
                return nb_err_set(e, NB_E_INVALID, "label %zu is empty: two dots in a row, or a "
                                                   "dot at the start", nlabel);
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
            return nb_err_set(e, NB_E_INVALID, "label %zu is longer than 63 bytes, the most a "
                                               "label holds", nlabel);
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
        o[0] = 0;                    /* root owner */
        put16(o + 1, NB_DNS_OPT);
        put16(o + 3, edns_payload);  /* the class carries the UDP size */
        memset(o + 5, 0, 6);         /* extended rcode, version 0, flags; no options */
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

/* --- the reader ------------------------------------------------------- */

struct rd {
    const uint8_t *p;
    size_t len, off;
};

static int need(const struct rd *r, size_t n, const char *what, struct nb_err *e)
{
    if (r->len - r->off < n)
        return nb_err_set(e, NB_E_PROTO, "the message ends at byte %zu, inside %s", r->len, what);
    return 0;
}

static int get16(struct rd *r, uint16_t *v, const char *what, struct nb_err *e)
{
    if (need(r, 2, what, e) < 0)
        return -1;
    *v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
    r->off += 2;
    return 0;
}

static int get32(struct rd *r, uint32_t *v, const char *what, struct nb_err *e)
{
    if (need(r, 4, what, e) < 0)
        return -1;
    *v = (uint32_t)r->p[r->off] << 24 | (uint32_t)r->p[r->off + 1] << 16 |
         (uint32_t)r->p[r->off + 2] << 8 | r->p[r->off + 3];
    r->off += 4;
    return 0;
}

/* A growing string with a hard limit. */
struct str {
    char *s;
    size_t len, cap;
    int oom;
};

static void str_putn(struct str *b, const char *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *q;
        while (cap < b->len + n + 1)
            cap *= 2;
        q = realloc(b->s, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->s = q;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void str_puts(struct str *b, const char *s)
{
    str_putn(b, s, strlen(s));
}

/* Appends bytes in presentation form: \DDD for anything not printable, and a
 * backslash before the characters special in names or strings. */
static void str_escaped(struct str *b, const uint8_t *p, size_t n, const char *special)
{
    char tmp[8];

    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c < 0x21 || c > 0x7e) {
            if (c == ' ' && !strchr(special, ' ')) {
                str_putn(b, " ", 1);
                continue;
            }
            snprintf(tmp, sizeof tmp, "\\%03u", c);
            str_puts(b, tmp);
        } else if (c == '\\' || strchr(special, c)) {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            str_putn(b, tmp, 2);
        } else {
            str_putn(b, (const char *)&c, 1);
        }
    }
}

/* Reads the name at *off (following compression pointers) into text; *off
 * moves past the name as it stands at *off. */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *text, size_t cap,
                     struct nb_err *e)
{
    size_t pos = *off, wire = 1, start = *off;
    unsigned jumps = 0;
    int jumped = 0;
    struct str b = {0};

    for (;;) {
        uint8_t c;
        if (pos >= len) {
            free(b.s);
            return nb_err_set(e, NB_E_PROTO, "a name at byte %zu runs past the end (byte %zu)",
                              start, len);
        }
        c = msg[pos];
        if ((c & 0xc0) == 0xc0) {
            size_t target;
            if (pos + 1 >= len) {
                free(b.s);
                return nb_err_set(e, NB_E_PROTO, "a compression pointer at byte %zu is cut off",
                                  pos);
            }
            target = (size_t)(c & 0x3f) << 8 | msg[pos + 1];
            if (!jumped)
                *off = pos + 2;
            jumped = 1;
            if (++jumps > NB_DNS_MAX_JUMPS) {
                free(b.s);
                return nb_err_set(e, NB_E_PROTO,
                                  "more than %d compression pointers in the name at byte %zu: "
                                  "the pointers go round in a loop", NB_DNS_MAX_JUMPS, start);
            }
            if (target >= len) {
                free(b.s);
                return nb_err_set(e, NB_E_PROTO,
                                  "the compression pointer at byte %zu points to byte %zu, past "
                                  "the end of the %zu-byte message", pos, target, len);
            }
            pos = target;
            continue;
        }
        if (c & 0xc0) {
            free(b.s);
            return nb_err_set(e, NB_E_PROTO,
                              "the label length byte 0x%02x at byte %zu is not a length: a label "
                              "holds at most 63 bytes, and label types 01 and 10 are reserved",
                              c, pos);
        }
        if (c == 0) {
            if (!jumped)
                *off = pos + 1;
            break;
        }
        if (pos + 1 + c > len) {
            free(b.s);
            return nb_err_set(e, NB_E_PROTO, "a %u-byte label at byte %zu runs past the end", c,
                              pos);
        }
        wire += 1u + c;
        if (wire > NB_DNS_NAME_WIRE_MAX) {
            free(b.s);
            return nb_err_set(e, NB_E_PROTO,
                              "the name at byte %zu is longer than 255 bytes, the most a name "
                              "holds", start);
        }
        str_escaped(&b, msg + pos + 1, c, ". ()\";");
        str_putn(&b, ".", 1);
        pos += 1u + c;
    }
    if (b.oom) {
        free(b.s);
        return nb_err_set(e, NB_E_SYS, "out of memory");
    }
    snprintf(text, cap, "%s", b.len ? b.s : ".");
    free(b.s);
    return 0;
}

static char *dup_or_null(const char *s, int *oom)
{
    char *d = strdup(s);

    if (!d)
        *oom = 1;
    return d;
}

/* Decodes the data of r (at rdata_off, rdlen bytes) into its text form. */
static int decode_rdata(const uint8_t *msg, size_t len, struct nb_dns_rr *r, size_t idx,
                        struct nb_err *e)
{
    size_t off = r->rdata_off, end = r->rdata_off + r->rdlen;
    char name[NB_DNS_NAME_TEXT], tmp[160], tname[16];
    struct str b = {0};
    int oom = 0;
    const uint8_t *d = msg + off;

    nb_dns_type_name(r->type, tname, sizeof tname);
    switch (r->type) {
    case NB_DNS_A:
    case NB_DNS_AAAA: {
        size_t want = r->type == NB_DNS_A ? 4 : 16;
        if (r->rdlen != want)
            return nb_err_set(e, NB_E_PROTO,
                              "record %zu (%s) at byte %zu has %u bytes of data, but an %s "
                              "record holds exactly %zu", idx, tname, r->offset, r->rdlen, tname,
                              want);
        memset(&r->addr, 0, sizeof r->addr);
        r->addr.family = r->type == NB_DNS_A ? 4 : 6;
        memcpy(r->addr.b, d, want);
        nb_addr_format(&r->addr, tmp, sizeof tmp);
        str_puts(&b, tmp);
        break;
    }
    case NB_DNS_CNAME:
    case NB_DNS_NS:
    case NB_DNS_PTR:
    case NB_DNS_MX:
    case NB_DNS_SRV: {
        size_t fixed = r->type == NB_DNS_MX ? 2 : r->type == NB_DNS_SRV ? 6 : 0;
        if (r->rdlen < fixed + 1)
            return nb_err_set(e, NB_E_PROTO, "record %zu (%s) at byte %zu is too short (%u bytes)",
                              idx, tname, r->offset, r->rdlen);
        if (r->type == NB_DNS_MX) {
            snprintf(tmp, sizeof tmp, "%u ", (unsigned)(d[0] << 8 | d[1]));
            str_puts(&b, tmp);
        } else if (r->type == NB_DNS_SRV) {
            snprintf(tmp, sizeof tmp, "%u %u %u ", (unsigned)(d[0] << 8 | d[1]),
                     (unsigned)(d[2] << 8 | d[3]), (unsigned)(d[4] << 8 | d[5]));
            str_puts(&b, tmp);
        }
        off += fixed;
        /* pointers may reach anywhere in the message; the name's own bytes
         * must end exactly where the record's data does */
        if (read_name(msg, len, &off, name, sizeof name, e) < 0) {
            free(b.s);
            return -1;
        }
        if (off > end) {
            free(b.s);
            return nb_err_set(e, NB_E_PROTO, "the name in record %zu (%s) at byte %zu runs past "
                                             "its data", idx, tname, r->offset);
        }
        if (off != end) {
            free(b.s);
            return nb_err_set(e, NB_E_PROTO,
                              "record %zu (%s) at byte %zu has %zu bytes after its name", idx,
                              tname, r->offset, end - off);
        }
        str_puts(&b, name);
        r->target = dup_or_null(name, &oom);
        break;
    }
    case NB_DNS_SOA: {
        char rname[NB_DNS_NAME_TEXT];
        struct rd rr = {msg, end, 0};
        uint32_t v[5];
        if (read_name(msg, len, &off, name, sizeof name, e) < 0 ||
            (off <= end && read_name(msg, len, &off, rname, sizeof rname, e) < 0))
            return -1;
        if (off > end)
            return nb_err_set(e, NB_E_PROTO, "the names in record %zu (SOA) at byte %zu run past "
                                             "its data", idx, r->offset);
        rr.off = off;
        for (int i = 0; i < 5; i++)
            if (get32(&rr, &v[i], "an SOA record", e) < 0)
                return -1;
        if (rr.off != end)
            return nb_err_set(e, NB_E_PROTO, "record %zu (SOA) at byte %zu has extra bytes", idx,
                              r->offset);
        str_puts(&b, name);
        str_puts(&b, " ");
        str_puts(&b, rname);
        snprintf(tmp, sizeof tmp, " %u %u %u %u %u", v[0], v[1], v[2], v[3], v[4]);
        str_puts(&b, tmp);
        break;
    }
    case NB_DNS_TXT: {
        size_t p = 0;
        if (r->rdlen == 0)
            return nb_err_set(e, NB_E_PROTO, "record %zu (TXT) at byte %zu has no string", idx,
                              r->offset);
        while (p < r->rdlen) {
            size_t sl = d[p];
            if (p + 1 + sl > r->rdlen) {
                free(b.s);
                return nb_err_set(e, NB_E_PROTO,
                                  "a string in record %zu (TXT) at byte %zu runs past its data",
                                  idx, r->offset);
            }
            if (p)
                str_puts(&b, " ");
            str_puts(&b, "\"");
            str_escaped(&b, d + p + 1, sl, "\"");
            str_puts(&b, "\"");
            p += 1 + sl;
        }
        break;
    }
    case NB_DNS_CAA: {
        size_t tl;
        if (r->rdlen < 2 || (tl = d[1]) == 0 || 2 + tl > r->rdlen)
            return nb_err_set(e, NB_E_PROTO, "record %zu (CAA) at byte %zu is malformed", idx,
                              r->offset);
        snprintf(tmp, sizeof tmp, "%u ", d[0]);
        str_puts(&b, tmp);
        str_escaped(&b, d + 2, tl, " \"");
        str_puts(&b, " \"");
        str_escaped(&b, d + 2 + tl, r->rdlen - 2 - tl, "\"");
        str_puts(&b, "\"");
        break;
    }
    default: {
        /* RFC 3597: the generic form for a type we do not decode */
        snprintf(tmp, sizeof tmp, "\\# %u", r->rdlen);
        str_puts(&b, tmp);
        if (r->rdlen)
            str_puts(&b, " ");
        for (size_t i = 0; i < r->rdlen; i++) {
            snprintf(tmp, sizeof tmp, "%02x", d[i]);
            str_puts(&b, tmp);
        }
        break;
    }
    }
    if (b.oom || oom) {
        free(b.s);
        return nb_err_set(e, NB_E_SYS, "out of memory");
    }
    r->data = b.s ? b.s : strdup("");
    if (!r->data)
        return nb_err_set(e, NB_E_SYS, "out of memory");
    return 0;
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

int nb_dns_parse(const uint8_t *msg, size_t len, struct nb_dns_msg *m, struct nb_err *e)
{
    struct rd r = {msg, len, 0};
    uint16_t flags, counts[3];
    size_t cap = 0;
    char name[NB_DNS_NAME_TEXT];

    memset(m, 0, sizeof *m);
    if (len < 12)
        return nb_err_set(e, NB_E_PROTO, "the reply is %zu bytes, but a DNS header alone is 12",
                          len);
    get16(&r, &m->id, "the header", e);
    get16(&r, &flags, "the header", e);
    get16(&r, &m->qdcount, "the header", e);
    get16(&r, &m->ancount, "the header", e);
    get16(&r, &m->nscount, "the header", e);
    get16(&r, &m->arcount, "the header", e);
    m->qr = flags >> 15;
    m->opcode = flags >> 11 & 15;
    m->aa = flags >> 10 & 1;
    m->tc = flags >> 9 & 1;
    m->rd = flags >> 8 & 1;
    m->ra = flags >> 7 & 1;
    m->ad = flags >> 5 & 1;
    m->cd = flags >> 4 & 1;
    m->rcode = flags & 15;
    if (m->qdcount > 1)
        return nb_err_set(e, NB_E_PROTO, "the header counts %u questions; a reply has at most 1",
                          m->qdcount);
    if (m->qdcount == 1) {
        if (read_name(msg, len, &r.off, m->qname, sizeof m->qname, e) < 0 ||
            get16(&r, &m->qtype, "the question", e) < 0 ||
            get16(&r, &m->qclass, "the question", e) < 0)
            return -1;
        m->has_question = 1;
    }
    counts[0] = m->ancount;
    counts[1] = m->nscount;
    counts[2] = m->arcount;
    for (int sec = 0; sec < 3; sec++) {
        for (unsigned i = 0; i < counts[sec]; i++) {
            struct nb_dns_rr rr;
            uint32_t ttl;
            uint16_t rdlen;
            size_t start = r.off;

            if (r.off >= len)
                return nb_err_set(e, NB_E_PROTO,
                                  "the header counts %u %s records, but the message ends after "
                                  "%u of them (byte %zu)", counts[sec],
                                  sec == 0 ? "answer" : sec == 1 ? "authority" : "additional", i,
                                  len);
            memset(&rr, 0, sizeof rr);
            rr.offset = start;
            rr.section = (enum nb_dns_section)sec;
            if (read_name(msg, len, &r.off, name, sizeof name, e) < 0 ||
                get16(&r, &rr.type, "a record", e) < 0 ||
                get16(&r, &rr.rclass, "a record", e) < 0 || get32(&r, &ttl, "a record", e) < 0 ||
                get16(&r, &rdlen, "a record", e) < 0)
                return -1;
            rr.ttl = ttl;
            rr.rdlen = rdlen;
            rr.rdata_off = r.off;
            if (len - r.off < rdlen)
                return nb_err_set(e, NB_E_PROTO,
                                  "the record at byte %zu says its data is %u bytes, but only %zu "
                                  "are left in the message", start, rdlen, len - r.off);
            r.off += rdlen;
            if (rr.type == NB_DNS_OPT) {
                if (sec != NB_DNS_ADDITIONAL || m->edns)
                    return nb_err_set(e, NB_E_PROTO,
                                      "an OPT record at byte %zu: there may be one, and only among "
                                      "the additional records (RFC 6891)", start);
                m->edns = 1;
                m->edns_payload = rr.rclass;
                m->rcode |= (ttl >> 24) << 4; /* the extended rcode bits */
                continue;
            }
            if (m->nrr == NB_DNS_MAX_RECORDS)
                return nb_err_set(e, NB_E_PROTO, "more than %d records in one message",
                                  NB_DNS_MAX_RECORDS);
            if (m->nrr == cap) {
                size_t ncap = cap ? cap * 2 : 8;
                struct nb_dns_rr *p = realloc(m->rr, ncap * sizeof *p);
                if (!p)
                    return nb_err_set(e, NB_E_SYS, "out of memory");
                m->rr = p;
                cap = ncap;
            }
            rr.name = strdup(name);
            if (!rr.name)
                return nb_err_set(e, NB_E_SYS, "out of memory");
            m->rr[m->nrr++] = rr; /* owned by m from here, even if decoding fails */
            if (decode_rdata(msg, len, &m->rr[m->nrr - 1], m->nrr, e) < 0)
                return -1;
        }
    }
    return 0;
}

int nb_dns_name_eq(const char *a, const char *b)
{
    return !strcasecmp(a, b);
}

int nb_dns_matches(const uint8_t *q, size_t qlen, const uint8_t *rp, size_t rlen)
{
    size_t qoff = 12, roff = 12;
    char qn[NB_DNS_NAME_TEXT], rn[NB_DNS_NAME_TEXT];

    if (qlen < 12 || rlen < 12 || q[0] != rp[0] || q[1] != rp[1] || !(rp[2] & 0x80))
        return 0;
    /* a server that does not know EDNS may answer FORMERR without the question */
    if (rp[4] == 0 && rp[5] == 0 && (rp[3] & 15) == NB_DNS_FORMERR)
        return 1;
    if (!(rp[4] == 0 && rp[5] == 1))
        return 0;
    if (read_name(q, qlen, &qoff, qn, sizeof qn, NULL) < 0 ||
        read_name(rp, rlen, &roff, rn, sizeof rn, NULL) < 0)
        return 0;
    if (qoff + 4 > qlen || roff + 4 > rlen || memcmp(q + qoff, rp + roff, 4))
        return 0;
    return nb_dns_name_eq(qn, rn);
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
            return nb_err_set(e, NB_E_PROTO, "more than %d canonical-name hops",
                              NB_DNS_MAX_CHAIN);
        chain[(*nchain)++] = hop;
        cur = hop->target;
    }
    *final = cur;
    return 0;
}

size_t nb_dns_nxdomain(const uint8_t *q, size_t qlen, uint8_t *out, size_t cap)
{
    size_t off = 12;
    char name[NB_DNS_NAME_TEXT];

    if (qlen < 12 || (q[2] & 0x80) || q[4] != 0 || q[5] != 1)
        return 0;
    if (read_name(q, qlen, &off, name, sizeof name, NULL) < 0 || off + 4 > qlen || off + 4 > cap)
        return 0;
    memcpy(out, q, off + 4);
    out[2] = (uint8_t)(0x80 | (q[2] & 0x01)); /* QR, and RD as asked */
    out[3] = 0x80 | NB_DNS_NXDOMAIN;          /* RA, rcode 3 */
    memset(out + 6, 0, 6);                    /* no answer, authority or additional */
    return off + 4;
}

/* --- --explain: the message as annotated hex --------------------------- */

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

void nb_dns_explain(const struct nb_explain *x, const char *what, const uint8_t *msg, size_t len)
{
    struct nb_dns_msg m;
    struct nb_err e;
    char tname[16], rname[16];
    size_t qend = 12;

    if (!nb_explaining(x))
        return;
    nb_explainf(x, "the %s, %zu bytes:", what, len);
    if (len < 12) {
        hex_lines(x, msg, 0, len);
        nb_explainf(x, "  too short for the 12-byte header");
        return;
    }
    hex_lines(x, msg, 0, 12);
    nb_explainf(x, "  bytes 0-1   id 0x%02x%02x: the reply must carry the same number", msg[0],
                msg[1]);
    nb_explainf(x, "  bytes 2-3   flags 0x%02x%02x: %s, opcode %u%s%s%s%s, rcode %u (%s)", msg[2],
                msg[3], msg[2] & 0x80 ? "QR=1 a reply" : "QR=0 a query", msg[2] >> 3 & 15,
                msg[2] & 0x04 ? ", AA authoritative" : "", msg[2] & 0x02 ? ", TC truncated" : "",
                msg[2] & 0x01 ? ", RD recursion desired" : "",
                msg[3] & 0x80 ? ", RA recursion available" : "", msg[3] & 15,
                nb_dns_rcode_name(msg[3] & 15, rname, sizeof rname));
    nb_explainf(x, "  bytes 4-11  counts: %u question, %u answer, %u authority, %u additional",
                msg[4] << 8 | msg[5], msg[6] << 8 | msg[7], msg[8] << 8 | msg[9],
                msg[10] << 8 | msg[11]);
    if (nb_dns_parse(msg, len, &m, &e) < 0) {
        hex_lines(x, msg, 12, len);
        nb_explainf(x, "  cannot be read: %s", e.msg);
        nb_dns_msg_free(&m);
        return;
    }
    if (m.has_question) {
        qend = 12;
        while (qend < len && msg[qend] && (msg[qend] & 0xc0) == 0)
            qend += 1u + msg[qend];
        qend += (qend < len && (msg[qend] & 0xc0) == 0xc0) ? 2 : 1;
        qend += 4;
        hex_lines(x, msg, 12, qend);
        nb_explainf(x, "  bytes 12-%zu question: %s %s IN (each label is its length then its "
                       "letters, ending in a 0)", qend - 1, m.qname,
                    nb_dns_type_name(m.qtype, tname, sizeof tname));
    }
    for (size_t i = 0; i < m.nrr; i++) {
        const struct nb_dns_rr *r = &m.rr[i];
        size_t end = r->rdata_off + r->rdlen;
        hex_lines(x, msg, r->offset, end);
        nb_explainf(x, "  bytes %zu-%zu %s: %s %u %s %s", r->offset, end - 1,
                    r->section == NB_DNS_ANSWER      ? "answer"
                    : r->section == NB_DNS_AUTHORITY ? "authority"
                                                     : "additional",
                    r->name, r->ttl, nb_dns_type_name(r->type, tname, sizeof tname), r->data);
        if ((msg[r->offset] & 0xc0) == 0xc0)
            nb_explainf(x, "    its name is a compression pointer to byte %u: '%s' is not "
                           "written twice",
                        (msg[r->offset] & 0x3f) << 8 | msg[r->offset + 1], r->name);
    }
    if (m.edns)
        nb_explainf(x, "  an EDNS0 OPT record: the sender takes UDP replies up to %u bytes",
                    m.edns_payload);
    nb_dns_msg_free(&m);
}
