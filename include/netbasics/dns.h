/* dns.h - the DNS message codec, sans-IO: queries out, replies in (RFC 1035,
 * RFC 3596 AAAA, RFC 2782 SRV, RFC 6891 EDNS0, RFC 8659 CAA), names in their
 * presentation form with every unsafe byte escaped as \DDD. */
#ifndef NETBASICS_DNS_H
#define NETBASICS_DNS_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/addr.h>
#include <netbasics/err.h>
#include <netbasics/out.h>

enum nb_dns_type {
    NB_DNS_A = 1,
    NB_DNS_NS = 2,
    NB_DNS_CNAME = 5,
    NB_DNS_SOA = 6,
    NB_DNS_PTR = 12,
    NB_DNS_MX = 15,
    NB_DNS_TXT = 16,
    NB_DNS_AAAA = 28,
    NB_DNS_SRV = 33,
    NB_DNS_OPT = 41,
    NB_DNS_ANY = 255,
    NB_DNS_CAA = 257,
};

enum nb_dns_rcode {
    NB_DNS_NOERROR = 0,
    NB_DNS_FORMERR = 1,
    NB_DNS_SERVFAIL = 2,
    NB_DNS_NXDOMAIN = 3,
    NB_DNS_NOTIMP = 4,
    NB_DNS_REFUSED = 5,
};

#define NB_DNS_HEADER_LEN    12  /* RFC 1035 4.1.1 */
#define NB_DNS_NAME_WIRE_MAX 255 /* RFC 1035 2.3.4: a name on the wire */
#define NB_DNS_LABEL_MAX     63
#define NB_DNS_NAME_TEXT     1024 /* a presentation name: 255 bytes, escaped, NUL */
#define NB_DNS_MAX_JUMPS     32   /* compression pointers followed in one name */
#define NB_DNS_MAX_RECORDS   4096 /* records kept from one message */
#define NB_DNS_MAX_CHAIN     16   /* CNAME hops followed */
#define NB_DNS_EDNS_PAYLOAD  1232 /* the UDP size we advertise (DNS flag day 2020) */

/* The type's mnemonic ("AAAA", or "TYPE65" for one we do not know) in buf. */
const char *nb_dns_type_name(uint16_t type, char *buf, size_t n);

/* Reads a type mnemonic, case-insensitive ("mx", "TYPE65"). Returns 0 and
 * sets *type, or -1 with e set to NB_E_INVALID. */
int nb_dns_type_parse(const char *s, uint16_t *type, struct nb_err *e);

/* "NOERROR", "NXDOMAIN", ... or "RCODE17" for one without a name, in buf
 * (n at least 16). Returns buf. */
const char *nb_dns_rcode_name(unsigned rcode, char *buf, size_t n);

/* Encodes a text name ("example.com", "example.com.", escapes \. and \DDD
 * allowed) into wire form in out (cap at least 256). Labels 1-63 bytes, the
 * whole at most 255. Returns 0 and sets *len, or -1 with e set to NB_E_INVALID
 * naming the rule ("label 2 is 64 bytes, but a label holds at most 63"). */
int nb_dns_name_to_wire(const char *name, uint8_t *out, size_t cap, size_t *len, struct nb_err *e);

/* Builds a query for name and type with the given id, recursion desired, and
 * an EDNS0 OPT record advertising edns_payload bytes (0: no OPT). Returns 0
 * and sets *len, or -1 with e set (NB_E_INVALID for a bad name). */
int nb_dns_build_query(const char *name, uint16_t type, uint16_t id, uint16_t edns_payload,
                       uint8_t *buf, size_t cap, size_t *len, struct nb_err *e);

/* The reverse-lookup name of a: "4.3.2.1.in-addr.arpa." or the 32 nibbles of
 * ip6.arpa. Returns buf (n at least 80). */
char *nb_dns_reverse_name(const struct nb_addr *a, char *buf, size_t n);

/* The 12-byte header of a message (RFC 1035 4.1.1), flags split out. */
struct nb_dns_header {
    uint16_t id, flags;
    unsigned qr, opcode, aa, tc, rd, ra, ad, cd, rcode; /* rcode: the header's 4 bits only */
    uint16_t qdcount, ancount, nscount, arcount;
};

/* Reads the header of msg[0..len): the one place a message's header bytes are read.
 * Returns 0, or -1 with e (may be NULL) set to NB_E_PROTO when len is under 12. */
int nb_dns_header_parse(const uint8_t *msg, size_t len, struct nb_dns_header *h, struct nb_err *e);

enum nb_dns_section { NB_DNS_ANSWER = 0, NB_DNS_AUTHORITY = 1, NB_DNS_ADDITIONAL = 2 };

/* One resource record, decoded. Strings are owned by the message. */
struct nb_dns_rr {
    char *name; /* owner, presentation form with its final dot */
    uint16_t type, rclass;
    uint32_t ttl;
    uint16_t rdlen;
    size_t offset;       /* where the record starts in the message */
    size_t rdata_off;    /* where its data starts */
    char *data;          /* the data in presentation form, as dig prints it */
    char *target;        /* CNAME/NS/PTR target, MX exchange, SRV target; else NULL */
    struct nb_addr addr; /* A and AAAA */
    enum nb_dns_section section;
};

struct nb_dns_msg {
    uint16_t id;
    unsigned qr, opcode, aa, tc, rd, ra, ad, cd;
    unsigned rcode; /* with the EDNS extended bits when there is an OPT */
    uint16_t qdcount, ancount, nscount, arcount; /* as the header says */
    char qname[NB_DNS_NAME_TEXT];
    uint16_t qtype, qclass;
    int has_question;
    int edns; /* an OPT record was present */
    uint16_t edns_payload;
    struct nb_dns_rr *rr; /* every record in message order (OPT left out) */
    size_t nrr;
};

/* Parses a whole DNS message with the bounded reader. Header counts are
 * checked against the bytes, never used to allocate. Names are decompressed
 * with at most NB_DNS_MAX_JUMPS pointers, each inside the message; reserved
 * label types, labels over 63 and names over 255 bytes are refused. Each
 * record's data is decoded by its type's decoder, which must use exactly
 * RDLENGTH bytes (an A record is exactly 4; a name inside the data ends
 * inside it, though its pointers may reach anywhere). Returns 0, or -1
 * with e set to NB_E_PROTO naming the rule and the byte offset. The caller
 * frees *out with nb_dns_msg_free in both cases. */
int nb_dns_parse(const uint8_t *msg, size_t len, struct nb_dns_msg *out, struct nb_err *e);
void nb_dns_msg_free(struct nb_dns_msg *m);

/* Whether reply answers query: same id, QR set, same question (name without
 * regard to case, type, class); or a FORMERR with the same id and no question,
 * as servers that do not know EDNS send. Checks only the header and question. */
int nb_dns_matches(const uint8_t *query, size_t qlen, const uint8_t *reply, size_t rlen);

/* Compares two presentation names without regard to ASCII case. */
int nb_dns_name_eq(const char *a, const char *b);

/* Follows the CNAME chain in m's answers from qname: fills chain[0..*nchain)
 * with the records of each hop and returns the final name in *final (owned
 * by m). Returns 0, or -1 with e set to NB_E_PROTO for a loop or more than
 * NB_DNS_MAX_CHAIN hops. */
int nb_dns_follow(const struct nb_dns_msg *m, const char *qname,
                  const struct nb_dns_rr *chain[NB_DNS_MAX_CHAIN], size_t *nchain,
                  const char **final, struct nb_err *e);

/* Makes the reply "no such name" (NXDOMAIN) to query q[0..qlen): the query
 * with QR, RA and rcode 3 set and any additional records dropped, for a
 * name server that knows nothing. Returns the reply's length (at most qlen),
 * or 0 when q is not a query with one question. */
size_t nb_dns_nxdomain(const uint8_t *q, size_t qlen, uint8_t *out, size_t cap);

/* Narrates msg[0..len) for --explain: at level 1 in words (the question,
 * the flags that matter, each record); at level 2 (-xx) also as annotated
 * hex: the header and each flag, the question, every record and where its
 * compression pointers point. what is "query" or "reply". */
void nb_dns_explain(const struct nb_explain *x, const char *what, const uint8_t *msg, size_t len);

#endif
