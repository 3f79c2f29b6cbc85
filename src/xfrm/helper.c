/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

/*
 * xfrm-helper: the kernel collector's privileged half (doc/kernel.md).
 *
 * Spawned by the daemon once per poll cycle with CAP_NET_ADMIN (XFRM netlink
 * requests need it, dumps included), it reads the kernel's IPsec state of its
 * network namespace and prints it as key-free text on stdout, then exits. It
 * reads nothing else: no arguments but --version and --help, no configuration,
 * no input but the kernel's replies and /proc/self/net/xfrm_stat.
 *
 * Keys never leave this process: an SA dump carries every SA's keys
 * (XFRMA_ALG_AEAD/CRYPT/AUTH/AUTH_TRUNC), so only named, non-secret fields are
 * printed, and the receive buffer is zeroed after each batch of messages.
 * Memory is bounded: one receive buffer and stdio's output buffer, whatever the
 * size of the SAD; records are printed as they arrive. Once the last netlink
 * request is answered the helper drops every capability before /proc is read.
 *
 * What it prints and how it exits is src/xfrm/protocol.h, which the daemon's parser
 * includes too.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "xfrm/protocol.h"

/* A dump batch is at most one page-sized skb per recv in practice; 32 KiB never truncates one. */
#define RECV_BUFFER_SIZE 32768
#define STAT_LINE_MAX 256

struct dump {
	struct mnl_socket *nl;
	unsigned int portid;
	uint32_t seq;
	uint64_t sas;
	uint64_t policies;
	bool have_sadinfo;
	uint32_t sad_count;
	bool have_spdinfo;
	struct xfrmu_spdinfo spd;
};

static const char *proto_name(uint8_t p, char buf[static 4])
{
	switch (p) {
	case IPPROTO_ESP:
		return "esp";
	case IPPROTO_AH:
		return "ah";
	case IPPROTO_COMP:
		return "comp";
	case IPPROTO_IPIP:
		return "ipip";
	case IPPROTO_IPV6:
		return "ipv6";
	case IPPROTO_ROUTING:
		return "route2";
	case IPPROTO_DSTOPTS:
		return "hao";
	default:
		(void)snprintf(buf, 4, "%u", p);
		return buf;
	}
}

static const char *mode_name(uint8_t m, char buf[static 4])
{
	switch (m) {
	case XFRM_MODE_TRANSPORT:
		return "transport";
	case XFRM_MODE_TUNNEL:
		return "tunnel";
	case XFRM_MODE_ROUTEOPTIMIZATION:
		return "ro";
	case XFRM_MODE_IN_TRIGGER:
		return "in_trigger";
	case XFRM_MODE_BEET:
		return "beet";
	default:
		(void)snprintf(buf, 4, "%u", m);
		return buf;
	}
}

static const char *dir_name(uint8_t d)
{
	switch (d) {
	case XFRM_POLICY_IN:
		return "in";
	case XFRM_POLICY_OUT:
		return "out";
	case XFRM_POLICY_FWD:
		return "fwd";
	default:
		return "socket";
	}
}

/* An address of the given family as text; "?" for a family we don't print. */
static const char *addr_str(uint16_t family, const xfrm_address_t *a,
			    char buf[static INET6_ADDRSTRLEN])
{
	if ((family == AF_INET || family == AF_INET6) &&
	    inet_ntop(family, a, buf, INET6_ADDRSTRLEN))
		return buf;
	return "?";
}

/* Attributes of one message, by type; NULL where absent. Validated for their minimum size. */
struct attrs {
	const struct nlattr *a[XFRMA_MAX + 1];
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > XFRMA_MAX)
		return MNL_CB_OK;	/* newer than our headers: not needed */
	t->a[type] = attr;
	return MNL_CB_OK;
}

static uint32_t attr_u32(const struct attrs *t, int type)
{
	const struct nlattr *a = t->a[type];

	return a && mnl_attr_get_payload_len(a) >= sizeof(uint32_t) ? mnl_attr_get_u32(a) : 0;
}

static int on_sa(const struct nlmsghdr *nlh, struct dump *d)
{
	const struct xfrm_usersa_info *sa;
	struct attrs t = { { NULL } };
	char pb[4], mb[4], dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN];
	bool keyed;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*sa))
		return MNL_CB_ERROR;
	sa = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*sa), attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	/* Only the presence of an algorithm is read from these attributes, never their contents. */
	keyed = t.a[XFRMA_ALG_AEAD] || t.a[XFRMA_ALG_CRYPT] || t.a[XFRMA_ALG_AUTH] ||
		t.a[XFRMA_ALG_AUTH_TRUNC] || t.a[XFRMA_ALG_COMP];
	printf("sa proto=%s spi=%x dst=%s src=%s reqid=%u mode=%s if_id=%u keyed=%d bytes=%llu "
	       "packets=%llu "
	       "add_time=%llu use_time=%llu replay_window=%u replay=%u integrity=%u\n",
	       proto_name(sa->id.proto, pb), ntohl(sa->id.spi),
	       addr_str(sa->family, &sa->id.daddr, dst), addr_str(sa->family, &sa->saddr, src),
	       sa->reqid, mode_name(sa->mode, mb), attr_u32(&t, XFRMA_IF_ID), keyed,
	       (unsigned long long)sa->curlft.bytes, (unsigned long long)sa->curlft.packets,
	       (unsigned long long)sa->curlft.add_time, (unsigned long long)sa->curlft.use_time,
	       sa->stats.replay_window, sa->stats.replay, sa->stats.integrity_failed);
	d->sas++;
	return MNL_CB_OK;
}

static int on_policy(const struct nlmsghdr *nlh, struct dump *d)
{
	const struct xfrm_userpolicy_info *p;
	struct attrs t = { { NULL } };
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const struct nlattr *tmpl;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
		return MNL_CB_ERROR;
	p = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof(*p), attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	printf("policy dir=%s action=%s index=%u priority=%u if_id=%u src=%s/%u dst=%s/%u tmpl=",
	       dir_name(p->dir), p->action == XFRM_POLICY_ALLOW ? "allow" : "block", p->index,
	       p->priority, attr_u32(&t, XFRMA_IF_ID), addr_str(p->sel.family, &p->sel.saddr, src),
	       p->sel.prefixlen_s, addr_str(p->sel.family, &p->sel.daddr, dst), p->sel.prefixlen_d);
	tmpl = t.a[XFRMA_TMPL];
	if (tmpl) {
		const struct xfrm_user_tmpl *ut = mnl_attr_get_payload(tmpl);
		size_t n = mnl_attr_get_payload_len(tmpl) / sizeof(*ut);

		for (size_t i = 0; i < n; i++) {
			char pb[4], mb[4];

			printf("%s%s:%s:%u", i ? "," : "", proto_name(ut[i].id.proto, pb),
			       mode_name(ut[i].mode, mb), ut[i].reqid);
		}
	}
	putchar('\n');
	d->policies++;
	return MNL_CB_OK;
}

static int on_sadinfo(const struct nlmsghdr *nlh, struct dump *d)
{
	struct attrs t = { { NULL } };

	/* The payload is a u32 of flags, then XFRMA_SAD_* attributes (a separate namespace). */
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(uint32_t) ||
	    mnl_attr_parse(nlh, sizeof(uint32_t), attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	if (t.a[XFRMA_SAD_CNT] &&
	    mnl_attr_get_payload_len(t.a[XFRMA_SAD_CNT]) >= sizeof(uint32_t)) {
		d->sad_count = mnl_attr_get_u32(t.a[XFRMA_SAD_CNT]);
		d->have_sadinfo = true;
	}
	return MNL_CB_OK;
}

static int on_spdinfo(const struct nlmsghdr *nlh, struct dump *d)
{
	struct attrs t = { { NULL } };
	const struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(uint32_t) ||
	    mnl_attr_parse(nlh, sizeof(uint32_t), attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	a = t.a[XFRMA_SPD_INFO];
	if (a && mnl_attr_get_payload_len(a) >= sizeof(d->spd)) {
		memcpy(&d->spd, mnl_attr_get_payload(a), sizeof(d->spd));
		d->have_spdinfo = true;
	}
	return MNL_CB_OK;
}

static int on_message(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;

	switch (nlh->nlmsg_type) {
	case XFRM_MSG_NEWSA:
		return on_sa(nlh, d);
	case XFRM_MSG_NEWPOLICY:
		return on_policy(nlh, d);
	case XFRM_MSG_NEWSADINFO:
		return on_sadinfo(nlh, d);
	case XFRM_MSG_NEWSPDINFO:
		return on_spdinfo(nlh, d);
	default:
		return MNL_CB_OK;
	}
}

/* Send one request (a dump, or a GET with a u32 flags payload) and run its replies. 0 or -errno. */
static int request(struct dump *d, uint16_t type, bool dump)
{
	char *buf = malloc(RECV_BUFFER_SIZE);
	struct nlmsghdr *nlh;
	uint32_t seq = ++d->seq;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = seq;
	/* GETSA/GETPOLICY dumps take no payload; GETSADINFO/GETSPDINFO a u32 of flags. */
	if (!dump)
		*(uint32_t *)mnl_nlmsg_put_extra_header(nlh, sizeof(uint32_t)) = UINT32_MAX;
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(d->nl, buf, RECV_BUFFER_SIZE);
		int cb;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		cb = mnl_cb_run(buf, (size_t)n, seq, d->portid, on_message, d);
		/* The batch may hold keys: gone before anything else happens. */
		explicit_bzero(buf, (size_t)n);
		if (cb == MNL_CB_ERROR) {
			r = errno ? -errno : -EBADMSG;
			break;
		}
		if (cb == MNL_CB_STOP)
			break;
		if (!dump)
			break;	/* a GET is answered by one message */
	}
out:
	explicit_bzero(buf, RECV_BUFFER_SIZE);
	free(buf);
	return r;
}

/* Nothing is needed after the last request: drop every capability (and never regain one). */
static void drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	(void)prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL);
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0UL, 0UL, 0UL);
	(void)syscall(SYS_capset, &hdr, data);
}

/* Copy /proc/self/net/xfrm_stat as "stat NAME VALUE" lines (rows vary by kernel: taken by name). */
static void print_xfrm_stat(void)
{
	FILE *f = fopen("/proc/self/net/xfrm_stat", "re");
	char line[STAT_LINE_MAX];

	if (!f) {
		printf("stat-absent\n");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		unsigned long long v;

		if (sscanf(line, "%63[A-Za-z0-9_] %llu", name, &v) == 2)
			printf("stat %s %llu\n", name, v);
	}
	(void)fclose(f);
}

static int fail(int r, const char *what)
{
	fprintf(stderr, "xfrm-helper: %s: %s\n", what, strerror(-r));
	return r == -EPERM || r == -EACCES ? XFRM_HELPER_EXIT_NOT_PERMITTED : EXIT_FAILURE;
}

int main(int argc, char **argv)
{
	static char outbuf[65536];
	struct dump d = { 0 };
	int r;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("xfrm-helper (libreswan_exporter) %s, protocol %d\n", PACKAGE_VERSION,
		       XFRM_HELPER_PROTOCOL);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: xfrm-helper\n"
		       "The kernel collector of libreswan_exporter, which spawns it every poll "
		       "cycle: prints the\n"
		       "kernel's XFRM SAs and policies (never their keys), the SAD/SPD counts and\n"
		       "/proc/net/xfrm_stat as text records on stdout. Needs CAP_NET_ADMIN; exit "
		       "status 3\n"
		       "when XFRM refuses it.\n");
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s (spawned by libreswan_exporter; takes no arguments)\n",
			argv[0]);
		return XFRM_HELPER_EXIT_USAGE;
	}
	(void)setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	d.nl = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
	if (!d.nl)
		return fail(-errno, "opening the XFRM netlink socket");
	if (mnl_socket_bind(d.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		(void)mnl_socket_close(d.nl);
		return fail(r, "binding the XFRM netlink socket");
	}
	d.portid = mnl_socket_get_portid(d.nl);
	d.seq = (uint32_t)time(NULL);

	printf("%s\n", XFRM_HELPER_HEADER);
	r = request(&d, XFRM_MSG_GETSA, true);
	if (r >= 0)
		r = request(&d, XFRM_MSG_GETPOLICY, true);
	if (r >= 0)
		r = request(&d, XFRM_MSG_GETSADINFO, false);
	if (r >= 0)
		r = request(&d, XFRM_MSG_GETSPDINFO, false);
	(void)mnl_socket_close(d.nl);
	drop_capabilities();
	if (r < 0) {
		(void)fflush(stdout);
		return fail(r, "reading the kernel's IPsec state");
	}

	if (d.have_sadinfo)
		printf("sadinfo count=%u\n", d.sad_count);
	if (d.have_spdinfo)
		printf("spdinfo in=%u out=%u fwd=%u\n", d.spd.incnt, d.spd.outcnt, d.spd.fwdcnt);
	print_xfrm_stat();
	printf("end sas=%llu policies=%llu\n", (unsigned long long)d.sas,
	       (unsigned long long)d.policies);
	if (fflush(stdout) != 0 || ferror(stdout))
		return fail(-errno, "writing the output");
	return 0;
}
