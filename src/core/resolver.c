/* resolver.c - the stub resolver: configuration, search list, CNAME chain. */
#include <netbasics/io.h>
#include <netbasics/num.h>
#include <netbasics/random.h>
#include <netbasics/resolver.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_servers_from_conf(struct nb_resolver *r, struct nb_err *e)
{
    r->nservers = 0;
    for (size_t i = 0; i < r->conf.nns; i++)
        if (nb_sockaddr_from_addr(&r->conf.ns[i].addr, r->conf.ns[i].port,
                                  &r->servers[r->nservers], e) == 0)
            r->nservers++;
    if (r->nservers == 0) {
        /* no nameserver line: glibc asks the local machine */
        struct nb_addr lo;
        nb_ip4_parse("127.0.0.1", 9, &lo, NULL);
        return nb_sockaddr_from_addr(&lo, 53, &r->servers[r->nservers++], e);
    }
    return 0;
}

int nb_resolver_init(struct nb_resolver *r, const char *conf_path, const char *hosts_path,
                     struct nb_err *e)
{
    char *text = NULL;
    size_t len = 0;

    memset(r, 0, sizeof *r);
    if (nb_file_read(conf_path, 1u << 20, &text, &len, e) < 0) {
        if (e->sys_errno != ENOENT)
            return -1;
        text = NULL;
        len = 0;
    }
    nb_resolvconf_parse(text ? text : "", len, &r->conf);
    free(text);
    r->copts.timeout_ms = (int64_t)r->conf.timeout_s * 1000;
    r->copts.attempts = r->conf.attempts;
    r->copts.tcp = r->conf.use_vc;
    if (hosts_path) {
        snprintf(r->hosts_path, sizeof r->hosts_path, "%s", hosts_path);
        if (nb_file_read(hosts_path, NB_HOSTS_FILE_MAX, &r->hosts, &r->hosts_len, e) < 0) {
            if (e->sys_errno != ENOENT)
                return -1;
            r->hosts = NULL;
        }
    }
    return set_servers_from_conf(r, e);
}

int nb_resolver_set_server(struct nb_resolver *r, const char *spec, struct nb_err *e)
{
    struct nb_hostport hp;

    if (nb_hostport_parse(spec, strlen(spec), NB_HP_DNS_SERVER, 53, &hp, e) < 0)
        return -1;
    r->nservers = 0;
    if (nb_sockaddr_from_addr(&hp.addr, hp.port, &r->servers[0], e) < 0)
        return -1;
    r->nservers = 1;
    return 0;
}

void nb_resolver_free(struct nb_resolver *r)
{
    free(r->hosts);
    r->hosts = NULL;
}

void nb_lookup_free(struct nb_lookup *l)
{
    nb_dns_msg_free(&l->msg);
}

/* The names to try for name, in order (RFC 1535 / glibc res_search). */
static size_t candidates(const struct nb_resolver *r, const char *name,
                         char (*out)[NB_DNS_NAME_TEXT], size_t max)
{
    size_t n = 0, dots = 0, len = strlen(name);
    int absolute = len > 0 && name[len - 1] == '.';

    for (const char *p = name; *p; p++)
        dots += *p == '.';
    if (absolute || dots >= r->conf.ndots)
        snprintf(out[n++], NB_DNS_NAME_TEXT, "%s", name);
    if (!absolute)
        for (size_t i = 0; i < r->conf.nsearch && n < max; i++)
            snprintf(out[n++], NB_DNS_NAME_TEXT, "%.600s.%.300s", name, r->conf.search[i]);
    if (!absolute && dots < r->conf.ndots && n < max)
        snprintf(out[n++], NB_DNS_NAME_TEXT, "%s", name);
    return n;
}

int nb_resolver_query(struct nb_resolver *r, const char *name, uint16_t type,
                      struct nb_lookup *out, struct nb_err *e)
{
    char cand[NB_CONF_MAX_SEARCH + 1][NB_DNS_NAME_TEXT];
    size_t ncand = candidates(r, name, cand, NB_CONF_MAX_SEARCH + 1);
    uint8_t *reply = r->reply;
    uint8_t query[512];
    size_t qlen, rlen;
    struct nb_dns_header hdr;

    memset(out, 0, sizeof *out);
    out->type = type;
    for (size_t i = 0, edns = 1; i < ncand; i++) {
        uint16_t id = nb_random_u16();
        if (nb_dns_build_query(cand[i], type, id, edns ? NB_DNS_EDNS_PAYLOAD : 0, query,
                               sizeof query, &qlen, e) < 0)
            return -1;
        {
            char tname[16];
            nb_explainf(r->copts.x, "asking for %s %s%s", cand[i],
                        nb_dns_type_name(type, tname, sizeof tname),
                        i + 1 < ncand ? " (the next search name follows if it is not found)" : "");
        }
        nb_dns_explain(r->copts.x, "query", query, qlen);
        if (nb_dns_exchange(r->servers, r->nservers, query, qlen, &r->copts, reply, NB_DNS_REPLY_MAX,
                            &rlen, &out->info, e) < 0)
            return -1;
        nb_dns_explain(r->copts.x, "reply", reply, rlen);
        if (nb_dns_header_parse(reply, rlen, &hdr, NULL) == 0 && hdr.rcode == NB_DNS_FORMERR &&
            edns) {
            /* an old server refusing the OPT record: ask it again without */
            nb_explainf(r->copts.x, "FORMERR to a query with EDNS0: asking again without it");
            edns = 0;
            i--;
            continue;
        }
        nb_dns_msg_free(&out->msg);
        if (nb_dns_parse(reply, rlen, &out->msg, e) < 0)
            return -1;
        snprintf(out->asked, sizeof out->asked, "%s", cand[i]);
        if (out->msg.rcode == NB_DNS_NXDOMAIN && i + 1 < ncand)
            continue;
        break;
    }
    if (out->msg.rcode != NB_DNS_NOERROR)
        return 0;
    {
        char fq[NB_DNS_NAME_TEXT];
        size_t l = strlen(out->asked);
        snprintf(fq, sizeof fq, "%.1000s%s", out->asked,
                 l && out->asked[l - 1] == '.' ? "" : ".");
        /* a question for the CNAME (or ANY) itself is answered at the name asked */
        if (type == NB_DNS_CNAME || type == NB_DNS_ANY)
            out->final = fq;
        else if (nb_dns_follow(&out->msg, fq, out->chain, &out->nchain, &out->final, e) < 0)
            return -1;
        if (out->final == fq)
            out->final = out->msg.has_question ? out->msg.qname : out->asked;
    }
    for (size_t i = 0; i < out->msg.nrr; i++) {
        const struct nb_dns_rr *rr = &out->msg.rr[i];
        if (rr->section == NB_DNS_ANSWER && (rr->type == type || type == NB_DNS_ANY) &&
            nb_dns_name_eq(rr->name, out->final))
            out->nanswers++;
    }
    return 0;
}
