/*
 * paperdex-serve: an HTTP JSON API and a search page over a paperdex index.
 *
 *   paperdex-serve [-i INDEX] [--listen ADDR:PORT] [--threads N]
 *                  [--max-connections N] [--timeout S]
 *
 * Thin: arguments, the libmicrohttpd daemon (a pool of threads, each
 * polling its share of the connections and answering their requests), the
 * limits, and a clean stop on SIGINT/SIGTERM. The endpoints are in
 * serve_api.c, the index and its replacement in serve_index.c;
 * docs/SERVE.md documents them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli_opt.h"
#include "serve.h"

static const char usage[] =
    "usage: paperdex-serve [-i INDEX] [--listen ADDR:PORT] [--threads N]\n"
    "                      [--max-connections N] [--timeout S]\n"
    "\n"
    "Serves a paperdex index over HTTP: the search page at /, the JSON API at\n"
    "/api/search, /api/paper/ID, /api/stats and /api/histogram (docs/SERVE.md).\n"
    "An index rewritten by paperdex-index (-o, --update, --optimize, --watch)\n"
    "is picked up within a fraction of a second; requests in flight finish on\n"
    "the old one.\n"
    "\n"
    "options:\n"
    "  -i, --index INDEX      index to serve (default: $PAPERDEX_INDEX, then\n"
    "                         paperdex.idx)\n"
    "  -l, --listen ADDR:PORT address to listen on (default 127.0.0.1:8080;\n"
    "                         [::1]:8080 for IPv6; port 0 picks a free port).\n"
    "                         Anything but loopback prints a warning: there is\n"
    "                         no authentication\n"
    "  -t, --threads N        threads answering requests, 1..256 (default: the\n"
    "                         number of processors)\n"
    "      --max-connections N  open connections, 1..10000 (default 256); past it\n"
    "                         a request gets 503\n"
    "      --timeout S        close a connection idle for S seconds, or whose\n"
    "                         request is not received and answered within S\n"
    "                         seconds, 1..3600 (default 10)\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n"
    "\n"
    "Stop with SIGINT (Ctrl-C) or SIGTERM.\n";

/* Bytes a connection may use for its request line, headers and reply
 * buffers: room for a PDX_SERVE_MAX_URL address, which the API then
 * refuses with its own JSON 414; past this libmicrohttpd answers 414/431. */
#define CONNECTION_MEMORY (256 * 1024)
/* Connections above --max-connections that are still accepted, to tell
 * them 503 rather than close them unanswered. */
#define OVERLOAD_MARGIN 16
/* When the last of those is taken, libmicrohttpd accepts no more, and
 * clients wait in the listen queue until a connection closes: connections
 * left open without a request (a flood of half-open ones, or clients idle
 * between requests) would hold them there for --timeout. So then every
 * idle connection is closed within DRAIN_MS unless its request line
 * comes, as nginx reuses idle keep-alive connections when it runs out. */
#define DRAIN_MS 500

typedef struct options {
    const char *index;       /* path of the index (not owned) */
    const char *listen;      /* ADDR:PORT as given */
    unsigned threads;        /* thread pool size */
    unsigned max_connections; /* past it: 503 */
    unsigned timeout;        /* idle seconds before a connection is closed */
} options;

/* What the request callbacks share. */
typedef struct server {
    pdx_served sv;              /* the index */
    unsigned max_connections;   /* copy of the option */
    atomic_uint connections;    /* open connections served (at most max_connections) */
    atomic_uint open;           /* open connections, served or not */
    atomic_ullong requests;     /* requests answered */
    pdx_reaper *reaper;         /* the per-request deadline */
} server;

/* Per request: the length of the raw URI, seen before it is decoded. */
typedef struct request_state {
    size_t uri_len;  /* bytes of the request target, query string included */
    bool headers_in; /* the handler has been called once (headers read) */
    /* The path holds an encoded NUL (%00): decoded, the path handed to
     * the handler ends there ("/api/paper/2405.00001%00junk" would find
     * 2405.00001), so the request is refused instead. */
    bool path_nul;
    /* A query-string parameter with a broken escape ("%ZZ", a lone "%E")
     * or an encoded NUL: libmicrohttpd would hand the first over as
     * literal text and cut or keep the NUL, so the request is refused,
     * naming the parameter (its raw name, cut to fit). */
    bool bad_escape;
    char bad_param[40];
    /* The request target's length as sent when it holds a raw NUL byte,
     * which ended it for libmicrohttpd (and on_uri()): the rest of the
     * query was dropped (raw_target_len()); else 0. */
    size_t raw_len;
    /* More than PDX_SERVE_MAX_PARAMS query-string parameters (on_uri()). */
    bool too_many;
} request_state;

/* ---- arguments ---- */

static bool parse_uint(const char *v, unsigned min, unsigned max, unsigned *out)
{
    if (!v || *v < '0' || *v > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long x = strtoul(v, &end, 10);
    if (errno || *end || x < min || x > max)
        return false;
    *out = (unsigned)x;
    return true;
}

static int bad_value(const char *opt, const char *val, const char *want)
{
    pdx_cli_eprintf(PROG "%s wants %s, got '%s'\n", opt, want, val ? val : "");
    return 2;
}

/* Returns -1 to go on, else an exit status. */
static int parse_args(options *o, int argc, char **argv)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    *o = (options){NULL, "127.0.0.1:8080", cpus > 0 ? (unsigned)PDX_MIN(cpus, 256) : 2, 256, 10};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("paperdex-serve %s\n", PDX_VERSION_STRING);
            return 0;
        } else if (pdx_cli_opt_value(argc, argv, &i, "--index", "-i", &v)) {
            if (!v || !*v)
                return bad_value("--index", v, "an index file");
            o->index = v;
        } else if (pdx_cli_opt_value(argc, argv, &i, "--listen", "-l", &v)) {
            if (!v || !*v)
                return bad_value("--listen", v, "ADDR:PORT");
            o->listen = v;
        } else if (pdx_cli_opt_value(argc, argv, &i, "--threads", "-t", &v)) {
            if (!parse_uint(v, 1, 256, &o->threads))
                return bad_value("--threads", v, "a number from 1 to 256");
        } else if (pdx_cli_opt_value(argc, argv, &i, "--max-connections", NULL, &v)) {
            if (!parse_uint(v, 1, 10000, &o->max_connections))
                return bad_value("--max-connections", v, "a number from 1 to 10000");
        } else if (pdx_cli_opt_value(argc, argv, &i, "--timeout", NULL, &v)) {
            if (!parse_uint(v, 1, 3600, &o->timeout))
                return bad_value("--timeout", v, "seconds from 1 to 3600");
        } else {
            pdx_cli_eprintf(PROG "unknown argument '%s' (see --help)\n", a);
            return 2;
        }
    }
    if (!o->index) {
        const char *env = getenv("PAPERDEX_INDEX");
        o->index = env && *env ? env : "paperdex.idx";
    }
    return -1;
}

/* ADDR:PORT (ADDR an IPv4 address or name, or [IPv6]) into *out. False
 * when the text is not of that form, or (*gai_err set) when the name does
 * not resolve. */
static bool resolve_listen(const char *listen, struct sockaddr_storage *out, socklen_t *out_len,
                           int *gai_err)
{
    *gai_err = 0;
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host || colon == listen)
        return false;
    size_t hl = (size_t)(colon - listen);
    memcpy(host, listen, hl);
    host[hl] = 0;
    if (host[0] == '[' && hl >= 2 && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = 0;
    }
    unsigned port;
    if (!parse_uint(colon + 1, 0, 65535, &port))
        return false;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    if ((*gai_err = getaddrinfo(host, NULL, &hints, &ai)) != 0)
        return false;
    memcpy(out, ai->ai_addr, ai->ai_addrlen);
    *out_len = ai->ai_addrlen;
    freeaddrinfo(ai);
    if (out->ss_family == AF_INET)
        ((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)port);
    return true;
}

static bool is_loopback(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *v6 = &((const struct sockaddr_in6 *)a)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(v6) ||
           (IN6_IS_ADDR_V4MAPPED(v6) && v6->s6_addr[12] == 127);
}

/* ---- requests ---- */

static bool mhd_param(void *payload, const char *name, const char **value, size_t *len)
{
    struct MHD_Connection *c = payload;
    *value = NULL;
    *len = 0;
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, name, strlen(name), value,
                                      len) != MHD_YES)
        return false;
    if (!*value) { /* "?flag" without "=" */
        *value = "";
        *len = 0;
    }
    return true;
}

/* Headers every reply carries: no sniffing a JSON string into HTML, no
 * framing, no caching of answers that change with the index. The page may
 * run only its own inline script and style and talk only to this server. */
static void add_headers(struct MHD_Response *resp, const pdx_reply *r)
{
    MHD_add_response_header(resp, "Content-Type", r->type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->page)
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; script-src 'unsafe-inline'; "
                                "style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
                                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    if (r->status == 503) {
        MHD_add_response_header(resp, "Retry-After", "1");
        MHD_add_response_header(resp, "Connection", "close");
    }
    if (r->status == 405)
        MHD_add_response_header(resp, "Allow", "GET, HEAD");
}

static enum MHD_Result send_reply(struct MHD_Connection *c, pdx_reply *r)
{
    struct MHD_Response *resp;
    if (r->page) {
        resp = MHD_create_response_from_buffer(r->page_len, (void *)r->page,
                                               MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer(r->body.len, r->body.data,
                                               MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->body = (pdx_buf){0}; /* now the response's */
    }
    pdx_buf_free(&r->body);
    if (!resp)
        return MHD_NO; /* out of memory: libmicrohttpd closes the connection */
    add_headers(resp, r);
    enum MHD_Result ok = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* A connection's own record: its deadline, and whether it has one of the
 * --max-connections places. */
typedef struct conn_state {
    pdx_reaper_conn *deadline; /* NULL when it has none */
    bool served;
} conn_state;

static conn_state *state_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* Is the connection one of those served? Those past --max-connections
 * when they opened (accepted only to be told so) are not. */
static bool served(struct MHD_Connection *c)
{
    conn_state *cs = state_of(c);
    return cs && cs->served;
}

/* The checks before any endpoint: method, body, size, load. Returns false
 * with *r filled when the request is refused. */
static bool admit(server *srv, struct MHD_Connection *c, const char *method,
                  const request_state *st, pdx_reply *r)
{
    memset(r, 0, sizeof *r);
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        pdx_reply_error(r, 405, "only GET and HEAD are served");
    else if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding") ||
             (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length") &&
              strcmp(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length"), "0")))
        pdx_reply_error(r, 413, "requests with a body are not accepted");
    else if (st && st->path_nul)
        pdx_reply_error(r, 400, "the address holds an encoded NUL byte (%%00)");
    else if (st && PDX_MAX(st->uri_len, st->raw_len) > PDX_SERVE_MAX_URL)
        pdx_reply_error(r, 414, "address of %zu bytes is longer than %d bytes",
                        PDX_MAX(st->uri_len, st->raw_len), PDX_SERVE_MAX_URL);
    else if (st && st->raw_len)
        pdx_reply_error(r, 400, "the address holds a NUL byte");
    else if (st && st->too_many)
        pdx_reply_error(r, 400, "more than %d query-string parameters", PDX_SERVE_MAX_PARAMS);
    else if (st && st->bad_escape)
        pdx_reply_error(r, 400,
                        "parameter %s%s%s is malformed: a %% must start an escape of two hex "
                        "digits (%%25 for a %% itself), and %%00 is refused",
                        *st->bad_param ? "'" : "(unnamed)", st->bad_param,
                        *st->bad_param ? "'" : "");
    else if (!served(c))
        pdx_reply_error(r, 503, "too many connections (more than %u); try again",
                        srv->max_connections);
    else
        return true;
    return false;
}

/* The request target's length as sent, when a raw NUL byte ended it
 * early (else 0). libmicrohttpd (0.9.75) parses the request line in place:
 * the target starts at url, the HTTP version right after the space that
 * ends it (a NUL now), and the target it handed on_uri() ends at the first
 * NUL (a trial found `q=model\0-model&n=1` searched for model, 10 hits).
 * So the target was cut when the version lies further on than its length
 * and a NUL stands where it stopped. Checked only where that layout is
 * seen: a version given, within the connection's memory of url. */
static size_t raw_target_len(const char *url, const char *version, const request_state *st)
{
    if (!url || !version || !*version)
        return 0; /* no version: a static "", no layout to read */
    uintptr_t u = (uintptr_t)url, v = (uintptr_t)version;
    if (v <= u + st->uri_len + 1 || v - u > CONNECTION_MEMORY || version[-1] != '\0' ||
        url[st->uri_len] != '\0')
        return 0;
    return (size_t)(v - u - 1);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    (void)upload_data;
    server *srv = cls;
    request_state *st = *req_cls;
    pdx_reply r;
    /* Answer on the last call, once any body is read (and dropped: admit
     * refuses it): a reply queued while a body may still be coming makes
     * libmicrohttpd close the connection after it, which would end
     * keep-alive for every request. */
    if (st && !st->headers_in) {
        st->headers_in = true;
        st->raw_len = raw_target_len(url, version, st);
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    memset(&r, 0, sizeof r);
    if (!st)
        pdx_reply_error(&r, 503, "out of memory");
    else if (admit(srv, c, method, st, &r))
        pdx_serve_route(&srv->sv, url, mhd_param, c, &r);
    atomic_fetch_add(&srv->requests, 1);
    return send_reply(c, &r);
}

/* The connection's deadline record (NULL if it has none). */
static pdx_reaper_conn *deadline_of(struct MHD_Connection *c)
{
    conn_state *cs = state_of(c);
    return cs ? cs->deadline : NULL;
}

/* Does the raw request target's path (before any '?') hold "%00"? */
static bool path_has_nul(const char *uri)
{
    for (const char *p = uri; *p && *p != '?'; p++)
        if (p[0] == '%' && p[1] == '0' && p[2] == '0')
            return true;
    return false;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Does the parameter at p (up to '&' or the end) hold a '%' without two
 * hex digits after it, or a "%00"? */
static bool param_escape_bad(const char *p)
{
    for (; *p && *p != '&'; p++)
        if (*p == '%' && (!is_hex(p[1]) || !is_hex(p[2]) || (p[1] == '0' && p[2] == '0')))
            return true;
    return false;
}

/* Checks each parameter of uri's query string; the first broken one's
 * name goes to st. Only the API's: the page reads its address in the
 * browser, and "/?q=100%" must still give the page (its script sends the
 * API "100%25"). */
static void find_bad_escape(const char *uri, request_state *st)
{
    if (strncmp(pdx_serve_origin_path(uri), "/api/", 5) != 0)
        return;
    const char *p = strchr(uri, '?');
    for (; p && !st->bad_escape; p = strchr(p, '&')) {
        p++;
        if (!param_escape_bad(p))
            continue;
        size_t n = strcspn(p, "=&");
        n = PDX_MIN(n, sizeof st->bad_param - 1);
        memcpy(st->bad_param, p, n);
        st->bad_param[n] = 0;
        st->bad_escape = true;
    }
}

/* How many query-string parameters uri holds ('&'-separated after '?'). */
static size_t params_in(const char *uri)
{
    const char *q = strchr(uri, '?');
    size_t n = q ? 1 : 0;
    for (; q && *q; q++)
        n += *q == '&';
    return n;
}

/* Called with the raw request target before it is decoded: its length is
 * kept for the 414 check, its parameters counted. The returned state is
 * the request's *req_cls. The request line is in: the request's deadline
 * counts from now (a second from now when libmicrohttpd may not answer). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    server *srv = cls;
    pdx_reaper_begin(deadline_of(c));
    request_state *st = malloc(sizeof *st);
    if (st) {
        *st = (request_state){strlen(uri), false, path_has_nul(uri), false, "", 0, false};
        find_bad_escape(uri, st);
        st->too_many = params_in(uri) > PDX_SERVE_MAX_PARAMS;
    }
    if (!st || st->too_many) /* libmicrohttpd may be unable to answer it */
        pdx_reaper_hurry(srv->reaper, deadline_of(c), 1000);
    return st;
}

/* A request ended (its reply sent, or the connection lost): the next
 * request's deadline counts from now. */
static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)code;
    pdx_reaper_restart(deadline_of(c));
    free(*req_cls);
    *req_cls = NULL;
}

/* Takes one of the --max-connections places, if one is free. */
static bool take_place(server *srv)
{
    unsigned n = atomic_load(&srv->connections);
    while (n < srv->max_connections)
        if (atomic_compare_exchange_weak(&srv->connections, &n, n + 1))
            return true;
    return false;
}

/* Gives each connection its record: a deadline, and a place among those
 * served when one is free as it opens, which it keeps until it closes. So
 * a burst past --max-connections is told 503 on the connections past it,
 * and the first --max-connections are served (deciding on each request
 * by the count of open connections refused every one of them while the
 * burst lasted). libmicrohttpd announces a close before it closes the
 * socket. Out of memory, a connection has no record: it is told 503. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED &&
        atomic_fetch_add(&srv->open, 1) + 1 >= srv->max_connections + OVERLOAD_MARGIN)
        pdx_reaper_drain_idle(srv->reaper, DRAIN_MS);
    if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_sub(&srv->open, 1);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_state *cs = malloc(sizeof *cs);
        *socket_context = cs;
        if (!cs)
            return;
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        cs->deadline = info ? pdx_reaper_track(srv->reaper, info->connect_fd) : NULL;
        cs->served = take_place(srv);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn_state *cs = *socket_context;
        if (cs) {
            if (cs->served)
                atomic_fetch_sub(&srv->connections, 1);
            pdx_reaper_untrack(srv->reaper, cs->deadline);
            free(cs);
        }
        *socket_context = NULL;
    }
}

/* ---- the index overwritten in place ---- */

/* What the SIGBUS handler writes, formatted before the index is mapped (a
 * handler may only call async-signal-safe functions). */
static char bus_msg[4352];
static size_t bus_msg_len;

/* Reading a page of the mapping past the end of a file that shrank raises
 * SIGBUS: `cp new.idx INDEX` truncates INDEX under the server. No request
 * can be finished then (the index it reads is gone), and the other
 * threads' may be on the same pages: say why and exit, rather than vanish. */
static void on_sigbus(int sig)
{
    (void)sig;
    ssize_t n = write(STDERR_FILENO, bus_msg, bus_msg_len);
    (void)n;
    _exit(1);
}

static void guard_mapping(const char *path)
{
    int n = snprintf(bus_msg, sizeof bus_msg,
                     PROG "%s changed while being read (it was overwritten in place; replace "
                          "indexes with paperdex-index, which does it atomically); stopping\n", path);
    bus_msg_len = n < 0 ? 0 : PDX_MIN((size_t)n, sizeof bus_msg - 1);
    if (bus_msg_len && bus_msg[bus_msg_len - 1] != '\n')
        bus_msg[bus_msg_len - 1] = '\n';
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

/* ---- main ---- */

/* libmicrohttpd's own messages, escaped, once the daemon runs. While it
 * starts, the first is kept instead (mhd_startup): a failure to listen is
 * reported by main with the address asked for (the library's message names
 * port 0, the port of its MHD_OPTION_SOCK_ADDR default), and the kept
 * message only when main finds no cause of its own (too many threads for
 * the memory, say). */
static atomic_bool mhd_running;
static char mhd_startup[512];

/* A client can make the library complain at will (a bad request line or
 * Content-Length, a target too long): at most LOG_BURST of its messages a
 * minute are printed, and the next one printed says how many were left
 * out, so that no client can fill the server's log. */
#define LOG_BURST 10
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    time_t window; /* start of the current minute, monotonic seconds */
    unsigned printed, dropped;
} log_rate;

/* May a message be printed now? *dropped gets how many were left out
 * since the last one printed. */
static bool log_admit(unsigned *dropped)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&log_mu);
    if (now.tv_sec - log_rate.window >= 60) {
        log_rate.window = now.tv_sec;
        log_rate.printed = 0;
    }
    bool ok = log_rate.printed < LOG_BURST;
    *dropped = 0;
    if (ok) {
        log_rate.printed++;
        *dropped = log_rate.dropped;
        log_rate.dropped = 0;
    } else {
        log_rate.dropped++;
    }
    pthread_mutex_unlock(&log_mu);
    return ok;
}
__attribute__((format(printf, 2, 0))) static void mhd_log(void *payload, const char *fmt,
                                                          va_list ap)
{
    (void)payload;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = 0;
    unsigned dropped;
    if (!atomic_load(&mhd_running)) {
        if (!mhd_startup[0]) /* main's thread: the daemon's are not up */
            memcpy(mhd_startup, msg, n + 1);
    } else if (log_admit(&dropped)) {
        char left[128] = ""; /* one write with the message: no line between */
        if (dropped)
            snprintf(left, sizeof left,
                     PROG "libmicrohttpd: %u more messages left out (at most %d a minute)\n",
                     dropped, LOG_BURST);
        /* left is ours and ends in a newline the escaping would show as \x0A */
        pdx_cli_eprintf_after(left, PROG "libmicrohttpd: %s\n", msg);
    }
}

static struct MHD_Daemon *start_daemon(server *srv, const options *o,
                                       const struct sockaddr_storage *addr)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (addr->ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first, as the library asks */
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)(o->max_connections + OVERLOAD_MARGIN),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
        MHD_OPTION_END);
}

/* Blocks SIGINT and SIGTERM in every thread (the pool inherits the mask)
 * so that main alone receives them, with sigwait. */
static void block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client gone mid-reply is an error, not a death */
}

/* Why the daemon could not listen on addr: libmicrohttpd logs only that
 * binding failed, so a socket is bound here to learn the reason
 * (EADDRINUSE: another server has the port; EACCES: a port under 1024).
 * *found is false when the socket binds and listens after all: the cause
 * was something else, which the library's kept message may say. */
static const char *listen_problem(const struct sockaddr_storage *addr, socklen_t len,
                                  bool *found)
{
    *found = true;
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return strerror(errno);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* as the daemon does */
    *found = bind(fd, (const struct sockaddr *)addr, len) != 0 || listen(fd, 1) != 0;
    const char *why = *found ? strerror(errno) : "the server could not start";
    close(fd);
    return why;
}

static void announce(const server *srv, struct MHD_Daemon *d, const options *o,
                     const struct sockaddr_storage *addr)
{
    char host[INET6_ADDRSTRLEN] = "?";
    const void *a = addr->ss_family == AF_INET
                        ? (const void *)&((const struct sockaddr_in *)addr)->sin_addr
                        : (const void *)&((const struct sockaddr_in6 *)addr)->sin6_addr;
    inet_ntop(addr->ss_family, a, host, sizeof host);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    pdx_index_info ii;
    pdx_index_info_get(srv->sv.current->ix, &ii);
    bool v6 = addr->ss_family == AF_INET6;
    pdx_cli_eprintf(PROG "serving %s (%u paper%s) on http://%s%s%s:%u/ with %u threads\n",
            o->index, ii.docs, ii.docs == 1 ? "" : "s", v6 ? "[" : "", host, v6 ? "]" : "", info ? info->port : 0,
            o->threads);
    if (!is_loopback(addr))
        pdx_cli_eprintf(PROG "warning: %s is not a loopback address: anyone who can reach "
                        "it can use this server (there is no authentication)\n", o->listen);
}

int main(int argc, char **argv)
{
    options o;
    int status = parse_args(&o, argc, argv);
    if (status >= 0)
        return status;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int gai_err;
    if (!resolve_listen(o.listen, &addr, &addr_len, &gai_err)) {
        if (!gai_err)
            return bad_value("--listen", o.listen, "ADDR:PORT (127.0.0.1:8080, [::1]:8080)");
        pdx_cli_eprintf(PROG "cannot listen on %s: its address does not resolve (%s)\n", o.listen,
                gai_strerror(gai_err));
        return 1;
    }
    static server srv;
    char err[PDX_MSG_MAX];
    guard_mapping(o.index);
    int rc = pdx_served_open(&srv.sv, o.index, err, sizeof err);
    if (rc) {
        pdx_cli_eprintf(PROG "%s%s\n", err,
                rc == PDX_ENOTFOUND ? " (build one with: paperdex-index -o INDEX DIGESTS...)"
                                    : "");
        return 1;
    }
    srv.max_connections = o.max_connections;
    sigset_t stop;
    block_stop_signals(&stop);
    struct MHD_Daemon *d = NULL;
    if (pdx_reaper_start(&srv.reaper, o.timeout) == PDX_OK)
        d = start_daemon(&srv, &o, &addr);
    if (!d) {
        bool found;
        pdx_cli_eprintf(PROG "cannot listen on %s: %s\n", o.listen,
                listen_problem(&addr, addr_len, &found));
        if (mhd_startup[0] && !found)
            pdx_cli_eprintf(PROG "libmicrohttpd: %s\n", mhd_startup);
        pdx_reaper_stop(srv.reaper);
        pdx_served_close(&srv.sv);
        return 1;
    }
    atomic_store(&mhd_running, true);
    announce(&srv, d, &o, &addr);
    int sig = 0;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d); /* waits for the requests in flight */
    unsigned long long late = pdx_reaper_count(srv.reaper);
    pdx_reaper_stop(srv.reaper);
    unsigned long long served = atomic_load(&srv.requests);
    pdx_cli_eprintf(PROG "stopped by %s after %llu request%s (%llu connection%s closed for "
                    "missing the %u s deadline)\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM", served, served == 1 ? "" : "s", late,
            late == 1 ? "" : "s", o.timeout);
    pdx_served_close(&srv.sv);
    return 0;
}
