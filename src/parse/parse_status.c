/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Parser for `ipsec whack --status` (also --showstates, --briefstatus and the
 * 5.x --connectionstatus), Libreswan 3.x, 4.x and 5.x. Pure: text in,
 * struct status_summary out; no I/O, no logging, no globals.
 *
 * Every line first loses an optional "NNN " reply-code prefix (3.x/4.x). A
 * line that is then empty or only spaces ("000  ", " ", "") is a separator.
 * Code 021 or the 5.x text "no connection or alias named" sets unknown_name.
 *
 * Connection list, one block per connection ("N" below is `"name"[1]...`):
 *   3.x-4.5  000 "N":
 * 192.0.1.0/24===192.1.2.45<192.1.2.45>[@west]...192.1.2.23<192.1.2.23>[@east]===192.0.2.0/24;
 * unrouted; eroute owner: #0 4.6-4.15 000 "N":
 * 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24; erouted; eroute owner: #2
 *   5.x      "N": 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24;
 * routed-tunnel; my_ip=unset; their_ip=unset; all      "N":   <3+ spaces, then anything> (attribute
 * lines; the ones below are read) 3.x      "N":   policy:
 * RSASIG+ENCRYPT+TUNNEL+PFS+UP+IKEV2_ALLOW+IKEV2_PROPOSE+...; 4.x/5.x  "N":   policy:
 * IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS+UP+...;   ("IKEv1+" for IKEv1) 3.x      "N":   newest ISAKMP SA:
 * #1; newest IPsec SA: #2; 4.0-4.7  "N":   newest ISAKMP SA: #1; newest IPsec SA: #2; conn serial:
 * $2, instantiated from: $1; 4.8+     "N":   newest IKE SA: #1; newest IPsec SA: #2; conn serial:
 * $2; 5.x      "N":   host: oriented; local: 192.1.3.209; remote: 192.1.2.23; established IKE SA:
 * #1; 5.x      "N":   routing: routed-tunnel; owner: Child SA #2; established IKE SA: #1;
 * established Child SA: #2; 5.x      "N":   conn serial: $2, instantiated from: $1; 3.x      "N":
 * oriented; my_ip=unset; their_ip=unset; mycert=west; hiscert=east; my_updown=ipsec _updown; 4.x
 * "N":     oriented; my_ip=unset; their_ip=unset; mycert=west; peercert=east; my_updown=ipsec
 * _updown; 5.0-5.3  "N":   mycert=NSS Certificate DB:west; peercert=east; my_updown=ipsec _updown;
 *   5.4+     "N":   mycert=west; peercert=east;     (each only when the end has a certificate)
 * A connection with several SPDs prints several topology lines: consecutive
 * topology lines of the same name and instance chain make one connection.
 *
 * Summary lines:
 *   Total IPsec connections: loaded 2, active 1             (3.x..5.2; "# Total ..." in 5.x
 * briefconnectionstatus) Total IPsec connections: loaded 2, routed 1, active 1   (5.3+) State
 * Information: DDoS cookies not required, Accepting new IKE connections   (also REQUIRED / NOT
 * ACCEPTING / IGNORING) IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)
 * (3.14 lacks open()) IPsec SAs: total(1), authenticated(1), anonymous(0)
 *
 * State lines (FORMATS §5.1; the name is absent from 5.4 on):
 *   3.25    000 #2: "c"[1] 192.1.2.23:500 STATE_V2_IPSEC_I (IPsec SA established); EVENT_SA_REPLACE
 * in 27s; newest IPSEC; eroute owner; isakmp#1; idle; import:admin initiate 3.26+   000 #1: "c":500
 * STATE_MAIN_I4 (ISAKMP SA established); EVENT_SA_REPLACE in 27s; newest ISAKMP; lastdpd=-1s(seq
 * in:0 out:0); idle; 4.0-4.4 000 #2: "c":500 STATE_V2_ESTABLISHED_CHILD_SA (IPsec SA established);
 * EVENT_SA_REKEY in 27s; newest IPSEC; eroute owner; isakmp#1; idle; 4.5     000 #1: "c":500
 * STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); RETRANSMIT in 3s; idle; 4.6+    000 #2: "c":500
 * STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); REKEY in 27s; REPLACE in 40s; newest;
 * eroute owner; IKE SA #1; idle; 5.0     #1: "c":500 STATE_V2_PARENT_R1 (sent IKE_SA_INIT (or
 * IKE_INTERMEDIATE) response); DISCARD in 3s; idle; 5.1-5.3 #1: "c":4500(tcp) ESTABLISHED_IKE_SA
 * (established IKE SA); REKEY in 27s; REPLACE in 40s; newest; idle; 5.4     #2: "c"[1]
 * 2001:db8:1:2::45:500 established Child SA; REKEY in 27s; newest; eroute owner; IKE SA #1; idle;
 * The port is the last ":digits" before a space or "(tcp)", which copes with
 * IPv6 peers and OE suffixes such as `"p#10.0.0.0/8"[1] 10.0.10.1/32=== ...192.1.2.3:500`.
 * Timers: "EVENT_SA_REKEY"/"EVENT_v2_RETRANSMIT"/"REKEY"/... are normalised
 * (EVENT_, v1_/v2_ and SA_ dropped) and the soonest of each kind is kept;
 * "none in -1s" is no timer. The test suite's "in XXs" placeholder is taken as
 * "value unknown" (no timer) so sanitised consoles still parse.
 *
 * The detail line of an established Child SA gives its SAIDs (kept in saids[]);
 * its humber-rounded Traffic: counters are not used (trafficstatus is exact):
 *   000 #2: "c" esp.1a2b3c4d@192.1.2.23 esp.5e6f7a8b@192.1.2.45 tun.0@192.1.2.23 tun.0@192.1.2.45
 * ref=0 refhim=0 Traffic: ESPin=336B ... #3: "c"[1] 2001:db8::7 esp:1a2b3c4d@2001:db8::7
 * esp:5e6f7a8b@2001:db8::1 ... Traffic: ESPin=84B ...   (5.x, IPv6) Per protocol the first SAID is
 * the outbound SA (the peer's address), the second the inbound one (ours). 5.4+ also prints the
 * connection's reqid: "c":   reqid: 16388; A pending line is recognised but not stored: 000 #1:
 * pending CHILD SA for "c"        /  #1: pending Child SA for "c" replacing #2
 *
 * Preamble sections recognised as known: "using kernel interface:",
 * "interface ...", "fips mode=", "SElinux=", "seccomp=", "config setup
 * options:" and the key=value dump (5.x may print pluto_version= there, which
 * fills version), "debug ...", "nat-traversal...", "virtual-private ...",
 * "- allowed/excluded subnets", "ESP/Kernel/IKE algorithms supported:",
 * "algorithm ...", "stats db_ops:", "Connection list:", "State list:",
 * "Bare Shunt list:" and, after it, shunt lines containing "->" and "=>", and
 * whack's own "Pluto is not running" messages.
 *
 * Anything else is counted in parse_errors and skipped, as is a line holding a
 * NUL byte or a number beyond 2^64-1. A line cut by pluto at 1024 bytes ("...")
 * or by the reader at LINE_MAX_LEN keeps whatever its leading part tells.
 * Names and other strings are copied byte for byte (not validated as UTF-8).
 *
 * This file is the dispatcher (line preparation through the shared whack-line
 * layer, the summary lines, the preamble, the result's life cycle); the
 * connection blocks are parsed in status_conn.c, the state lines in
 * status_state.c, with the state tables in status_tables.c.
 */
#include "autoconfig.h"

#include <errno.h>

#include "parse/status_private.h"

/* Preamble lines recognised by their start (FORMATS §7.1). */
static const char *const preamble_prefixes[] = {
	"using kernel interface:",
	"interface ",
	"fips mode=",
	"SElinux=",
	"seccomp=",
	"config setup options:",
	"debug",
	"nat-traversal",
	"virtual-private",
	"virtual_private",
	"- allowed subnet",
	"- excluded subnet",
	"- disallowed subnet",
	"ESP algorithms supported:",
	"Kernel algorithms supported:",
	"IKE algorithms supported:",
	"algorithm ",
	"stats db_ops:",
	"State list:",
	"whack: Pluto is not running",
	"ipsec whack: ERROR: Pluto is not running",
};

const char *status_sa_category_to_string(enum sa_category c)
{
	switch (c) {
	case SA_CATEGORY_UNKNOWN:
		return "unknown";
	case SA_CATEGORY_IGNORE:
		return "ignore";
	case SA_CATEGORY_HALF_OPEN:
		return "half_open";
	case SA_CATEGORY_OPEN:
		return "open";
	case SA_CATEGORY_ESTABLISHED_IKE:
		return "established_ike";
	case SA_CATEGORY_OPEN_CHILD:
		return "open_child";
	case SA_CATEGORY_ESTABLISHED_CHILD:
		return "established_child";
	case SA_CATEGORY_INFO:
		return "info";
	}
	return "unknown";
}

/* "name(N), name(N), ..." -> values by name; -EBADMSG on a malformed list. */
static int parse_counts(const char *p, const char *const *names, uint64_t *const *slots,
			size_t n)
{
	while (*p) {
		const char *open = strchr(p, '(');
		const char *close;
		uint64_t v;
		size_t i;

		if (!open || whack_read_u64(open + 1, &v, &close) < 0 || *close != ')')
			return -EBADMSG;
		for (i = 0; i < n; i++)
			if ((size_t)(open - p) == strlen(names[i]) &&
			    memcmp(p, names[i], (size_t)(open - p)) == 0) {
				*slots[i] = v;
				break;
			}
		if (i == n)
			return -EBADMSG;
		p = close + 1;
		if (*p == '\0')
			break;
		if (p[0] != ',' || p[1] != ' ')
			return -EBADMSG;
		p += 2;
	}
	return 0;
}

/* "loaded L, [routed R, ]active A" */
static int parse_total(struct status_summary *s, const char *p)
{
	uint64_t loaded, routed = 0, active;
	bool has_routed = false;

	if (!startswith(p, "loaded ") || whack_read_u64(p + 7, &loaded, &p) < 0)
		return -EBADMSG;
	if (startswith(p, ", routed ")) {
		if (whack_read_u64(p + 9, &routed, &p) < 0)
			return -EBADMSG;
		has_routed = true;
	}
	if (!startswith(p, ", active ") || whack_read_u64(p + 9, &active, &p) < 0 || *p != '\0')
		return -EBADMSG;
	s->has_total = true;
	s->has_routed = has_routed;
	s->loaded = loaded;
	s->routed = routed;
	s->active = active;
	if (has_routed)
		s->evidence |= EV_V5;
	return 0;
}

static int parse_state_info(struct status_summary *s, const char *p)
{
	if (startswith(p, "DDoS cookies REQUIRED"))
		s->ddos_cookies_required = true;
	else if (startswith(p, "DDoS cookies not required"))
		s->ddos_cookies_required = false;
	else
		return -EBADMSG;
	s->accepting_ike = strstr(p, ", Accepting new IKE connections") != NULL;
	if (strstr(p, ", IGNORING new IKE connections"))
		s->evidence |= EV_V5;
	s->has_state_info = true;
	return 0;
}

/* config setup dump: "key=value, key=value"; 5.x may carry pluto_version=. */
static bool parse_config_dump(struct status_summary *s, const char *p)
{
	const char *v;
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");

	if (n == 0 || p[n] != '=')
		return false;
	v = strstr(p, "pluto_version=");
	if (v && (v == p || v[-1] == ' ')) {
		v += strlen("pluto_version=");
		n = strcspn(v, ", ");
		if (n > 0) {
			free(s->version);
			s->version = xstrndup(v, n);
		}
	}
	return true;
}

static void update_family(struct status_summary *s)
{
	unsigned ev = s->evidence;

	if (ev & EV_V5)
		s->family = STATUS_FAMILY_5;
	else if (ev & EV_PREFIX)
		s->family = (ev & EV_V4PLUS) ? STATUS_FAMILY_4 :
			    (ev & EV_V3) ? STATUS_FAMILY_3 : STATUS_FAMILY_UNKNOWN;
	else if (ev & (EV_NOPREFIX | EV_V4PLUS))
		s->family = STATUS_FAMILY_5;	/* 3.x and 4.x prefix every status line */
	else if (ev & EV_V3)
		s->family = STATUS_FAMILY_3;
}

/* Recognise one line with its prefix removed; 0 or -EBADMSG. */
static int parse_text(struct status_summary *s, const char *p, bool truncated)
{
	if (p[0] == '"')
		return status_parse_conn_line(s, p, truncated);
	if (p[0] == '#' && whack_is_digit(p[1]))
		return status_parse_hash_line(s, p + 1, truncated);
	if (startswith(p, "Total IPsec connections: "))
		return parse_total(s, p + strlen("Total IPsec connections: "));
	if (startswith(p, "# Total IPsec connections: "))
		return parse_total(s, p + strlen("# Total IPsec connections: "));
	if (startswith(p, "IKE SAs: ")) {
		static const char *const names[] = {
			"total", "half-open", "open", "authenticated", "anonymous",
		};
		uint64_t *const slots[] = {
			&s->ike_total, &s->ike_half_open, &s->ike_open, &s->ike_authenticated,
			&s->ike_anonymous,
		};

		if (parse_counts(p + strlen("IKE SAs: "), names, slots, ELEMENTSOF(names)) < 0)
			return -EBADMSG;
		s->has_ike_sas = true;
		return 0;
	}
	if (startswith(p, "IPsec SAs: ")) {
		static const char *const names[] = { "total", "authenticated", "anonymous" };
		uint64_t *const slots[] = {
			&s->ipsec_total, &s->ipsec_authenticated, &s->ipsec_anonymous,
		};

		if (parse_counts(p + strlen("IPsec SAs: "), names, slots, ELEMENTSOF(names)) < 0)
			return -EBADMSG;
		s->has_ipsec_sas = true;
		return 0;
	}
	if (startswith(p, "State Information: "))
		return parse_state_info(s, p + strlen("State Information: "));
	if (startswith(p, "Connection list:")) {
		s->section = STATUS_SECTION_NONE;
		return 0;
	}
	if (startswith(p, "Bare Shunt list:")) {
		s->section = STATUS_SECTION_SHUNTS;
		return 0;
	}
	if (startswith(p, "no connection or alias named ") ||
	    startswith(p, "no such connection or aliased connection named ")) {
		s->unknown_name = true;
		if (*p == 'n' && p[3] == 'c')
			s->evidence |= EV_V5;
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(preamble_prefixes); i++)
		if (startswith(p, preamble_prefixes[i])) {
			if (streq(preamble_prefixes[i], "Kernel algorithms supported:"))
				s->evidence |= EV_V4PLUS;
			else if (startswith(p, "ipsec whack: ERROR:"))
				s->evidence |= EV_V5;
			else if (startswith(p, "interface ") &&
				 p[10 + strcspn(p + 10, " /")] == '/')
				s->evidence |=
					EV_V3; /* 3.x: "interface eth0/eth0 192.1.3.209@500" */
			else if (streq(preamble_prefixes[i], "nat-traversal") && p[13] == ':')
				s->evidence |= EV_V5;
			return 0;
		}
	if (parse_config_dump(s, p))
		return 0;
	if (s->section == STATUS_SECTION_SHUNTS && strstr(p, "->") && strstr(p, "=>"))
		return 0;
	return -EBADMSG;
}

/* One line as the reader delivers it (writable, prepared in place); flags: LINE_*. */
static int parse_line(struct parser *base, char *line, size_t len, unsigned flags)
{
	struct status_summary *s = parser_container(base, struct status_summary, parser);
	struct whack_line wl;
	int r;

	r = whack_line_take(line, len, flags, &wl, &s->lines, &s->parse_errors, NULL);
	if (r <= 0)
		return r;
	if (wl.code == WHACK_CODE_UNKNOWN_NAME) {
		s->unknown_name = true;
		s->evidence |= EV_PREFIX;
		update_family(s);
		return 0;
	}
	r = parse_text(s, wl.text, wl.truncated);
	if (r < 0) {
		s->parse_errors++;
		return -EBADMSG;
	}
	/* whack's own messages never carry a prefix: no hint from their lack of one */
	if (wl.code >= 0)
		s->evidence |= EV_PREFIX;
	else if (!startswith(wl.text, "whack: ") && !startswith(wl.text, "ipsec whack: "))
		s->evidence |= EV_NOPREFIX;
	update_family(s);
	return 0;
}

struct status_summary *status_summary_new(void)
{
	return parser_result_new(sizeof(struct status_summary),
				 offsetof(struct status_summary, parser), parse_line);
}

struct status_summary *status_summary_free(struct status_summary *s)
{
	if (!s)
		return NULL;
	/* every string of conns[] and states[] lives in the arena */
	free(s->conns);
	free(s->states);
	free(s->saids);
	parser_release(&s->parser);
	free(s->version);
	free(s);
	return NULL;
}

void status_summary_reset(struct status_summary *s)
{
	struct status_summary keep = {
		.conns = s->conns, .alloc_conns = s->alloc_conns,
		.states = s->states, .alloc_states = s->alloc_states,
		.saids = s->saids, .alloc_saids = s->alloc_saids,
		.parser = s->parser,
	};

	free(s->version);
	parser_reset(&keep.parser);
	*s = keep;
}

struct status_summary *status_parse(const char *text, size_t len)
{
	struct status_summary *s = status_summary_new();

	parser_parse(&s->parser, text, len);
	return s;
}
