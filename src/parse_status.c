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
 *   3.x-4.5  000 "N": 192.0.1.0/24===192.1.2.45<192.1.2.45>[@west]...192.1.2.23<192.1.2.23>[@east]===192.0.2.0/24; unrouted; eroute owner: #0
 *   4.6-4.15 000 "N": 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24; erouted; eroute owner: #2
 *   5.x      "N": 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24; routed-tunnel; my_ip=unset; their_ip=unset;
 *   all      "N":   <3+ spaces, then anything>          (attribute lines; the ones below are read)
 *   3.x      "N":   policy: RSASIG+ENCRYPT+TUNNEL+PFS+UP+IKEV2_ALLOW+IKEV2_PROPOSE+...;
 *   4.x/5.x  "N":   policy: IKEv2+RSASIG+ENCRYPT+TUNNEL+PFS+UP+...;   ("IKEv1+" for IKEv1)
 *   3.x      "N":   newest ISAKMP SA: #1; newest IPsec SA: #2;
 *   4.0-4.7  "N":   newest ISAKMP SA: #1; newest IPsec SA: #2; conn serial: $2, instantiated from: $1;
 *   4.8+     "N":   newest IKE SA: #1; newest IPsec SA: #2; conn serial: $2;
 *   5.x      "N":   host: oriented; local: 192.1.3.209; remote: 192.1.2.23; established IKE SA: #1;
 *   5.x      "N":   routing: routed-tunnel; owner: Child SA #2; established IKE SA: #1; established Child SA: #2;
 *   5.x      "N":   conn serial: $2, instantiated from: $1;
 * A connection with several SPDs prints several topology lines: consecutive
 * topology lines of the same name and instance chain make one connection.
 *
 * Summary lines:
 *   Total IPsec connections: loaded 2, active 1             (3.x..5.2; "# Total ..." in 5.x briefconnectionstatus)
 *   Total IPsec connections: loaded 2, routed 1, active 1   (5.3+)
 *   State Information: DDoS cookies not required, Accepting new IKE connections   (also REQUIRED / NOT ACCEPTING / IGNORING)
 *   IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)      (3.14 lacks open())
 *   IPsec SAs: total(1), authenticated(1), anonymous(0)
 *
 * State lines (FORMATS §5.1; the name is absent from 5.4 on):
 *   3.25    000 #2: "c"[1] 192.1.2.23:500 STATE_V2_IPSEC_I (IPsec SA established); EVENT_SA_REPLACE in 27s; newest IPSEC; eroute owner; isakmp#1; idle; import:admin initiate
 *   3.26+   000 #1: "c":500 STATE_MAIN_I4 (ISAKMP SA established); EVENT_SA_REPLACE in 27s; newest ISAKMP; lastdpd=-1s(seq in:0 out:0); idle;
 *   4.0-4.4 000 #2: "c":500 STATE_V2_ESTABLISHED_CHILD_SA (IPsec SA established); EVENT_SA_REKEY in 27s; newest IPSEC; eroute owner; isakmp#1; idle;
 *   4.5     000 #1: "c":500 STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); RETRANSMIT in 3s; idle;
 *   4.6+    000 #2: "c":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); REKEY in 27s; REPLACE in 40s; newest; eroute owner; IKE SA #1; idle;
 *   5.0     #1: "c":500 STATE_V2_PARENT_R1 (sent IKE_SA_INIT (or IKE_INTERMEDIATE) response); DISCARD in 3s; idle;
 *   5.1-5.3 #1: "c":4500(tcp) ESTABLISHED_IKE_SA (established IKE SA); REKEY in 27s; REPLACE in 40s; newest; idle;
 *   5.4     #2: "c"[1] 2001:db8:1:2::45:500 established Child SA; REKEY in 27s; newest; eroute owner; IKE SA #1; idle;
 * The port is the last ":digits" before a space or "(tcp)", which copes with
 * IPv6 peers and OE suffixes such as `"p#10.0.0.0/8"[1] 10.0.10.1/32=== ...192.1.2.3:500`.
 * Timers: "EVENT_SA_REKEY"/"EVENT_v2_RETRANSMIT"/"REKEY"/... are normalised
 * (EVENT_, v1_/v2_ and SA_ dropped) and the soonest of each kind is kept;
 * "none in -1s" is no timer. The test suite's "in XXs" placeholder is taken as
 * "value unknown" (no timer) so sanitised consoles still parse.
 *
 * The detail line of an established Child SA gives its SAIDs (kept in saids[]);
 * its humber-rounded Traffic: counters are not used (trafficstatus is exact):
 *   000 #2: "c" esp.1a2b3c4d@192.1.2.23 esp.5e6f7a8b@192.1.2.45 tun.0@192.1.2.23 tun.0@192.1.2.45 ref=0 refhim=0 Traffic: ESPin=336B ...
 *   #3: "c"[1] 2001:db8::7 esp:1a2b3c4d@2001:db8::7 esp:5e6f7a8b@2001:db8::1 ... Traffic: ESPin=84B ...   (5.x, IPv6)
 * Per protocol the first SAID is the outbound SA (the peer's address), the
 * second the inbound one (ours). 5.4+ also prints the connection's reqid:
 *   "c":   reqid: 16388;
 * A pending line is recognised but not stored:
 *   000 #1: pending CHILD SA for "c"        /  #1: pending Child SA for "c" replacing #2
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
 */
#include "autoconfig.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "parse_status.h"
#include "util.h"
#include "whack_line.h"

/* status_summary.evidence bits, for the family heuristics (FORMATS §11.3). */
#define EV_PREFIX	(1u << 0)	/* a "NNN " prefix: 3.x/4.x */
#define EV_NOPREFIX	(1u << 1)	/* a recognised line without prefix */
#define EV_V3		(1u << 2)	/* only 3.x prints this */
#define EV_V4PLUS	(1u << 3)	/* 4.0 or later */
#define EV_V5		(1u << 4)	/* only 5.x prints this */

enum section {
	SECTION_NONE,
	SECTION_SHUNTS,
};

struct state_kind {
	const char *text;
	enum sa_category category;
	int ike_version;
};

/* State names of every version (FORMATS §10). */
static const struct state_kind state_names[] = {
	/* IKEv1, every version */
	{ "STATE_MAIN_R0", SA_CATEGORY_HALF_OPEN, 1 },
	{ "STATE_MAIN_I1", SA_CATEGORY_HALF_OPEN, 1 },
	{ "STATE_AGGR_R0", SA_CATEGORY_HALF_OPEN, 1 },
	{ "STATE_AGGR_I1", SA_CATEGORY_HALF_OPEN, 1 },
	{ "STATE_MAIN_R1", SA_CATEGORY_OPEN, 1 },
	{ "STATE_MAIN_R2", SA_CATEGORY_OPEN, 1 },
	{ "STATE_MAIN_I2", SA_CATEGORY_OPEN, 1 },
	{ "STATE_MAIN_I3", SA_CATEGORY_OPEN, 1 },
	{ "STATE_AGGR_R1", SA_CATEGORY_OPEN, 1 },
	{ "STATE_MAIN_I4", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_MAIN_R3", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_AGGR_I2", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_AGGR_R2", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_XAUTH_I0", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_XAUTH_I1", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_XAUTH_R0", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_XAUTH_R1", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_MODE_CFG_I1", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_MODE_CFG_R1", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_MODE_CFG_R2", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_MODE_CFG_R0", SA_CATEGORY_INFO, 1 },
	{ "STATE_MODE_CFG_SERVER_WAITING_FOR_ACK", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "STATE_MODE_CFG_CLIENT_RESPONDING", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	/* pluto counts the unfinished Quick Mode states as established (sic) */
	{ "STATE_QUICK_I1", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "STATE_QUICK_R0", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "STATE_QUICK_R1", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "STATE_QUICK_I2", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "STATE_QUICK_R2", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "STATE_INFO", SA_CATEGORY_INFO, 1 },
	{ "STATE_INFO_PROTECTED", SA_CATEGORY_INFO, 1 },
	/* IKEv2, 3.x (and 4.0-4.4 for the PARENT names) */
	{ "STATE_PARENT_I0", SA_CATEGORY_IGNORE, 2 },
	{ "STATE_PARENT_I1", SA_CATEGORY_HALF_OPEN, 2 },
	{ "STATE_PARENT_R0", SA_CATEGORY_HALF_OPEN, 2 },
	{ "STATE_PARENT_R1", SA_CATEGORY_HALF_OPEN, 2 },
	{ "STATE_PARENT_I2", SA_CATEGORY_OPEN, 2 },
	{ "STATE_PARENT_I3", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_PARENT_R2", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_CREATE_I0", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_CREATE_I", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_CREATE_R", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_IKE_I", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_IKE_R", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_CHILD_I", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_CHILD_R", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_IPSEC_I", SA_CATEGORY_ESTABLISHED_CHILD, 2 },
	{ "STATE_V2_IPSEC_R", SA_CATEGORY_ESTABLISHED_CHILD, 2 },
	{ "STATE_IKESA_DEL", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_CHILDSA_DEL", SA_CATEGORY_INFO, 2 },
	/* IKEv2, 4.0-4.15 and 5.0 */
	{ "STATE_V2_ESTABLISHED_IKE_SA", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_ESTABLISHED_CHILD_SA", SA_CATEGORY_ESTABLISHED_CHILD, 2 },
	{ "STATE_V2_IKE_AUTH_CHILD_I0", SA_CATEGORY_IGNORE, 2 },
	{ "STATE_V2_IKE_AUTH_CHILD_R0", SA_CATEGORY_IGNORE, 2 },
	{ "STATE_V2_NEW_CHILD_I0", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_NEW_CHILD_I1", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_NEW_CHILD_R0", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_CHILD_I0", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_CHILD_I1", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_CHILD_R0", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_IKE_I0", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_IKE_I1", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_REKEY_IKE_R0", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_PARENT_I0", SA_CATEGORY_IGNORE, 2 },
	{ "STATE_V2_PARENT_I1", SA_CATEGORY_HALF_OPEN, 2 },
	{ "STATE_V2_PARENT_R0", SA_CATEGORY_HALF_OPEN, 2 },
	{ "STATE_V2_PARENT_R1", SA_CATEGORY_HALF_OPEN, 2 },
	{ "STATE_V2_PARENT_R_EAP", SA_CATEGORY_OPEN, 2 },
	{ "STATE_V2_PARENT_I2", SA_CATEGORY_OPEN, 2 },
	{ "STATE_V2_IKE_SA_DELETE", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_CHILD_SA_DELETE", SA_CATEGORY_INFO, 2 },
	/* IKEv2, 5.1+ */
	{ "IKE_SA_INIT_I0", SA_CATEGORY_IGNORE, 2 },
	{ "IKE_SA_INIT_I", SA_CATEGORY_HALF_OPEN, 2 },
	{ "IKE_SA_INIT_R0", SA_CATEGORY_HALF_OPEN, 2 },
	{ "IKE_SA_INIT_R", SA_CATEGORY_HALF_OPEN, 2 },
	{ "IKE_SA_INIT_IR", SA_CATEGORY_OPEN, 2 },
	{ "IKE_INTERMEDIATE_I", SA_CATEGORY_OPEN, 2 },
	{ "IKE_INTERMEDIATE_IR", SA_CATEGORY_OPEN, 2 },
	{ "IKE_INTERMEDIATE_R", SA_CATEGORY_OPEN, 2 },
	{ "IKE_AUTH_EAP_R", SA_CATEGORY_OPEN, 2 },
	{ "IKE_AUTH_I", SA_CATEGORY_OPEN, 2 },
	{ "IKE_SESSION_RESUME_I0", SA_CATEGORY_IGNORE, 2 },
	{ "IKE_SESSION_RESUME_I", SA_CATEGORY_HALF_OPEN, 2 },
	{ "IKE_SESSION_RESUME_R0", SA_CATEGORY_HALF_OPEN, 2 },
	{ "IKE_SESSION_RESUME_R", SA_CATEGORY_HALF_OPEN, 2 },
	{ "IKE_SESSION_RESUME_IR", SA_CATEGORY_HALF_OPEN, 2 },
	{ "UNSECURED_R", SA_CATEGORY_HALF_OPEN, 2 },
	{ "NEW_CHILD_I0", SA_CATEGORY_IGNORE, 2 },
	{ "NEW_CHILD_R0", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "NEW_CHILD_I1", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "REKEY_CHILD_I0", SA_CATEGORY_IGNORE, 2 },
	{ "REKEY_CHILD_R0", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "REKEY_CHILD_I1", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "REKEY_IKE_I0", SA_CATEGORY_IGNORE, 2 },
	{ "REKEY_IKE_R0", SA_CATEGORY_OPEN, 2 },
	{ "REKEY_IKE_I1", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "REKEY_IKE_FOLLOWUP_KE_I0", SA_CATEGORY_OPEN, 2 },
	{ "REKEY_IKE_FOLLOWUP_KE_I1", SA_CATEGORY_OPEN, 2 },
	{ "REKEY_IKE_FOLLOWUP_KE_R0", SA_CATEGORY_OPEN, 2 },
	{ "ESTABLISHED_IKE_SA", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "ESTABLISHED_CHILD_SA", SA_CATEGORY_ESTABLISHED_CHILD, 2 },
	{ "ZOMBIE", SA_CATEGORY_ESTABLISHED_IKE, 2 },
};

/*
 * Stories, used when there is no name (5.4+) or the name is not in the
 * table. Exact stories first; prefixes below.
 */
static const struct state_kind state_stories[] = {
	/* IKEv1 (3.x, 4.x, 5.x wordings) */
	{ "expecting MI1", SA_CATEGORY_HALF_OPEN, 1 },
	{ "sent MI1, expecting MR1", SA_CATEGORY_HALF_OPEN, 1 },
	{ "expecting AI1", SA_CATEGORY_HALF_OPEN, 1 },
	{ "sent AI1, expecting AR1", SA_CATEGORY_HALF_OPEN, 1 },
	{ "expecting Main Mode request", SA_CATEGORY_HALF_OPEN, 1 },
	{ "sent Main Mode request", SA_CATEGORY_HALF_OPEN, 1 },
	{ "expecting Aggressive Mode request", SA_CATEGORY_HALF_OPEN, 1 },
	{ "sent Aggressive Mode request", SA_CATEGORY_HALF_OPEN, 1 },
	{ "sent MR1, expecting MI2", SA_CATEGORY_OPEN, 1 },
	{ "sent MR2, expecting MI3", SA_CATEGORY_OPEN, 1 },
	{ "sent MI2, expecting MR2", SA_CATEGORY_OPEN, 1 },
	{ "sent MI3, expecting MR3", SA_CATEGORY_OPEN, 1 },
	{ "sent AR1, expecting AI2", SA_CATEGORY_OPEN, 1 },
	{ "sent Main Mode R1", SA_CATEGORY_OPEN, 1 },
	{ "sent Main Mode R2", SA_CATEGORY_OPEN, 1 },
	{ "sent Main Mode I2", SA_CATEGORY_OPEN, 1 },
	{ "sent Main Mode I3", SA_CATEGORY_OPEN, 1 },
	{ "sent Aggressive Mode response, expecting confirmation", SA_CATEGORY_OPEN, 1 },
	{ "ISAKMP SA established", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "sent MR3, ISAKMP SA established", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "sent AI2, ISAKMP SA established", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "IKE SA established", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "sent ModeCfg request", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "sent ModeCfg reply, expecting Ack", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "received ModeCfg Ack", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "received ModeCfg request, reply sent", SA_CATEGORY_INFO, 1 },
	{ "sent QI1, expecting QR1", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "expecting QI1", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "sent QR1, inbound IPsec SA installed, expecting QI2", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "sent QI2, IPsec SA established", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "sent Quick Mode request", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "expecting Quick Mode request", SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "sent Quick Mode reply, inbound IPsec SA installed, expecting confirmation",
	  SA_CATEGORY_ESTABLISHED_CHILD, 1 },
	{ "got Informational Message in clear", SA_CATEGORY_INFO, 1 },
	{ "got encrypted Informational Message", SA_CATEGORY_INFO, 1 },
	{ "received unencrypted Informational Exchange message", SA_CATEGORY_INFO, 1 },
	{ "received encrypted Informational Exchange message", SA_CATEGORY_INFO, 1 },
	/* both IKE versions */
	{ "IPsec SA established", SA_CATEGORY_ESTABLISHED_CHILD, 0 },
	/* IKEv2 */
	{ "waiting for KE to finish", SA_CATEGORY_IGNORE, 2 },
	{ "sent v2I1, expected v2R1", SA_CATEGORY_HALF_OPEN, 2 },
	{ "received v2I1, sent v2R1", SA_CATEGORY_HALF_OPEN, 2 },
	{ "processing SA_INIT request", SA_CATEGORY_HALF_OPEN, 2 },
	{ "sent v2I2, expected v2R2", SA_CATEGORY_OPEN, 2 },
	{ "PARENT SA established", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "received v2I2, PARENT SA established", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "sent IKE_SA_INIT request", SA_CATEGORY_HALF_OPEN, 2 },
	{ "processing IKE_SA_INIT request", SA_CATEGORY_HALF_OPEN, 2 },
	{ "sent IKE_SA_INIT reply", SA_CATEGORY_HALF_OPEN, 2 },
	{ "sent IKE_SA_INIT (or IKE_INTERMEDIATE) response", SA_CATEGORY_HALF_OPEN, 2 },
	{ "sent IKE_SA_INIT response", SA_CATEGORY_HALF_OPEN, 2 },
	{ "sent IKE_SA_INIT response, waiting for IKE_INTERMEDIATE or IKE_AUTH request",
	  SA_CATEGORY_HALF_OPEN, 2 },
	{ "larval unsecured IKE SA responder", SA_CATEGORY_HALF_OPEN, 2 },
	{ "processed IKE_SA_INIT response", SA_CATEGORY_OPEN, 2 },
	{ "processed IKE_SA_INIT response, preparing IKE_INTERMEDIATE or IKE_AUTH request",
	  SA_CATEGORY_OPEN, 2 },
	{ "sent IKE_INTERMEDIATE request", SA_CATEGORY_OPEN, 2 },
	{ "processed IKE_INTERMEDIATE response, initiating IKE_INTERMEDIATE or IKE_AUTH",
	  SA_CATEGORY_OPEN, 2 },
	{ "sent IKE_INTERMEDIATE response", SA_CATEGORY_OPEN, 2 },
	{ "sent IKE_INTERMEDIATE response, waiting for IKE_INTERMEDIATE or IKE_AUTH request",
	  SA_CATEGORY_OPEN, 2 },
	{ "sent IKE_AUTH(EAP) response", SA_CATEGORY_OPEN, 2 },
	{ "sent IKE_AUTH(EAP) response, waiting for IKE_AUTH(EAP) request", SA_CATEGORY_OPEN, 2 },
	{ "sent EAP request", SA_CATEGORY_OPEN, 2 },
	{ "sent IKE_AUTH request", SA_CATEGORY_OPEN, 2 },
	{ "established IKE SA", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "established Child SA", SA_CATEGORY_ESTABLISHED_CHILD, 2 },
	{ "deleted state", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_V2_NEW_CHILD_I0", SA_CATEGORY_IGNORE, 2 },
	{ "STATE_V2_NEW_CHILD_R0", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "sent CREATE_CHILD_SA request for new IPsec SA", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "STATE_V2_REKEY_CHILD_I0", SA_CATEGORY_IGNORE, 2 },
	{ "STATE_V2_REKEY_CHILD_R0", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "sent CREATE_CHILD_SA request to rekey IPsec SA", SA_CATEGORY_OPEN_CHILD, 2 },
	{ "STATE_V2_REKEY_IKE_I0", SA_CATEGORY_IGNORE, 2 },
	{ "STATE_V2_REKEY_IKE_R0", SA_CATEGORY_OPEN, 2 },
	{ "sent CREATE_CHILD_SA request to rekey IKE SA", SA_CATEGORY_OPEN, 2 },
	{ "sent IKE_FOLLOWUP_KE request to rekey IKE SA", SA_CATEGORY_OPEN, 2 },
	{ "process IKE_FOLLOWUP_KE rekey IKE SA request (larval)", SA_CATEGORY_OPEN, 2 },
	{ "STATE_IKESA_DEL", SA_CATEGORY_ESTABLISHED_IKE, 2 },
	{ "STATE_CHILDSA_DEL", SA_CATEGORY_INFO, 2 },
};

static const struct state_kind state_story_prefixes[] = {
	{ "XAUTH", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "ModeCfg", SA_CATEGORY_ESTABLISHED_IKE, 1 },
	{ "sent IKE_SESSION_RESUME", SA_CATEGORY_HALF_OPEN, 2 },
	{ "processing IKE_SESSION_RESUME", SA_CATEGORY_HALF_OPEN, 2 },
	{ "processed IKE_SESSION_RESUME", SA_CATEGORY_HALF_OPEN, 2 },
};

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

const char *sa_category_to_string(enum sa_category c)
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

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_name_char(char c)
{
	return is_upper(c) || whack_is_digit(c) || c == '_' || (c >= 'a' && c <= 'z');
}

/* Last occurrence of needle in [s, end). */
static const char *rfind(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	if ((size_t)(end - s) < n)
		return NULL;
	for (const char *p = end - n;; p--) {
		if (memcmp(p, needle, n) == 0)
			return p;
		if (p == s)
			return NULL;
	}
}

/* First occurrence of needle in [s, end). */
static const char *find(const char *s, const char *end, const char *needle)
{
	if (end <= s)
		return NULL;
	return memmem(s, (size_t)(end - s), needle, strlen(needle));
}

/* Same, with an optional '-'. */
static int read_i64(const char *s, int64_t *ret, const char **ret_end)
{
	const char *e = s;

	if (*e == '-')
		e++;
	while (whack_is_digit(*e))
		e++;
	if (e == s || (e == s + 1 && *s == '-'))
		return -EINVAL;
	if (safe_atoi64_n(s, (size_t)(e - s), ret) < 0)
		return -ERANGE;
	*ret_end = e;
	return 0;
}

static bool conn_matches(const struct status_conn *c, const struct whack_conn_ref *r)
{
	return strlen(c->name) == r->name_len && memcmp(c->name, r->name, r->name_len) == 0 &&
	       strlen(c->instance) == r->chain_len && memcmp(c->instance, r->chain, r->chain_len) == 0;
}

/* The connection an attribute line belongs to: the last one, if the name matches. */
static struct status_conn *current_conn(struct status_summary *s, const struct whack_conn_ref *r)
{
	struct status_conn *c;

	if (s->n_conns == 0)
		return NULL;
	c = &s->conns[s->n_conns - 1];
	return conn_matches(c, r) ? c : NULL;
}

static char *dup_span(struct status_summary *s, const char *b, const char *e)
{
	return arena_strndup(s->arena, b, (size_t)(e - b));
}

/* First "..." in [s, end) outside [ID] and <hostname> brackets. */
static const char *find_dots(const char *s, const char *end)
{
	int depth = 0;

	for (const char *p = s; p + 3 <= end; p++) {
		if (*p == '[' || *p == '<')
			depth++;
		else if ((*p == ']' || *p == '>') && depth > 0)
			depth--;
		else if (depth == 0 && p[0] == '.' && p[1] == '.' && p[2] == '.')
			return p;
	}
	return NULL;
}

/* End of a host address at p: before '<', '[', '{', "---", "===", ';' or ":proto/port". */
static const char *host_end(const char *p, const char *end)
{
	for (const char *q = p; q < end; q++) {
		if (*q == '<' || *q == '[' || *q == '{' || *q == ';')
			return q;
		if (end - q >= 3 && ((q[0] == '-' && q[1] == '-' && q[2] == '-') ||
				     (q[0] == '=' && q[1] == '=' && q[2] == '=')))
			return q;
		if (*q == ':' && whack_is_digit(q[1])) {
			const char *d = q + 1;

			while (d < end && whack_is_digit(*d))
				d++;
			if (d < end && *d == '/')
				return q;
		}
	}
	return end;
}

/* Last "===" in [s, end) outside brackets; NULL if none. */
static const char *last_client_sep(const char *s, const char *end)
{
	const char *found = NULL;
	int depth = 0;

	for (const char *p = s; p + 3 <= end; p++) {
		if (*p == '[' || *p == '<')
			depth++;
		else if ((*p == ']' || *p == '>') && depth > 0)
			depth--;
		else if (depth == 0 && p[0] == '=' && p[1] == '=' && p[2] == '=')
			found = p;
	}
	return found;
}

/* First "---" in [s, end) before any bracket or "==="; NULL if none. */
static const char *leading_nexthop_sep(const char *s, const char *end)
{
	for (const char *p = s; p + 3 <= end; p++) {
		if (*p == '[' || *p == '<' || *p == '{')
			return NULL;
		if (p[0] == '=' && p[1] == '=' && p[2] == '=')
			return NULL;
		if (p[0] == '-' && p[1] == '-' && p[2] == '-')
			return p;
	}
	return NULL;
}

static void topology_hosts(struct status_summary *s, struct status_conn *c, const char *t, const char *end)
{
	const char *dots = find_dots(t, end);
	const char *l, *le, *r, *re, *sep;

	if (!dots)
		return;
	sep = last_client_sep(t, dots);
	l = sep ? sep + 3 : t;
	le = host_end(l, dots);
	r = dots + 3;
	sep = leading_nexthop_sep(r, end);
	if (sep)
		r = sep + 3;
	re = host_end(r, end);
	if (le > l && !c->local_host)
		c->local_host = dup_span(s, l, le);
	if (re > r && !c->remote_host)
		c->remote_host = dup_span(s, r, re);
}

/*
 * Topology line: `LEFT...RIGHT; ROUTING; eroute owner: #S` (3.x/4.x) or
 * `LEFT...RIGHT; ROUTING; my_ip=A; their_ip=B;` (5.x). t is after ": ".
 */
static int parse_topology(struct status_summary *s, const struct whack_conn_ref *r, const char *t,
			  bool truncated)
{
	const char *end = t + strlen(t);
	const char *mark, *rstart, *body_end = end;
	struct status_conn *c;
	char *routing = NULL;

	if (!find_dots(t, end) && !truncated)
		return -EBADMSG;	/* LEFT...RIGHT, unless the cut took the "..." */

	mark = rfind(t, end, "; eroute owner: #");
	if (mark) {
		uint64_t owner;
		const char *e;

		if (whack_read_u64(mark + strlen("; eroute owner: #"), &owner, &e) < 0)
			return -EBADMSG;
	} else {
		mark = rfind(t, end, "; my_ip=");
		if (mark)
			s->evidence |= EV_V5;
	}
	if (mark) {
		rstart = rfind(t, mark, "; ");
		if (rstart) {
			routing = dup_span(s, rstart + 2, mark);
			body_end = rstart;
		}
	} else if (!truncated) {
		return -EBADMSG;
	}

	c = current_conn(s, r);
	if (c) {
		/* another SPD of the same connection */
		return 0;
	}
	xgrow((void **)&s->conns, &s->alloc_conns, s->n_conns + 1, sizeof(*s->conns));
	c = &s->conns[s->n_conns++];
	*c = (struct status_conn){
		.name = arena_strndup(s->arena, r->name, r->name_len),
		.instance = arena_strndup(s->arena, r->chain, r->chain_len),
		.routing = routing,
	};
	topology_hosts(s, c, t, body_end);
	return 0;
}

/* policy: A+B+C; -> ike_version, UP, GROUP, GROUPINSTANCE. */
static void parse_policy(struct status_conn *c, const char *p)
{
	bool v1_allow = false, v2_allow = false, v2_propose = false;
	int explicit = 0;

	c->has_policy = true;
	while (*p) {
		size_t n = strcspn(p, "+; ");

#define TOKEN_IS(x) (n == strlen(x) && memcmp(p, x, n) == 0)
		if (TOKEN_IS("UP"))
			c->policy_up = true;
		else if (TOKEN_IS("GROUP"))
			c->policy_group = true;
		else if (TOKEN_IS("GROUPINSTANCE"))
			c->policy_groupinstance = true;
		else if (TOKEN_IS("IKEv1"))
			explicit = 1;
		else if (TOKEN_IS("IKEv2"))
			explicit = 2;
		else if (TOKEN_IS("IKEV1_ALLOW"))
			v1_allow = true;
		else if (TOKEN_IS("IKEV2_ALLOW"))
			v2_allow = true;
		else if (TOKEN_IS("IKEV2_PROPOSE"))
			v2_propose = true;
#undef TOKEN_IS
		p += n;
		if (*p)
			p++;
	}
	/*
	 * 4.x/5.x name the version. 3.x has allow flags; with both allowed
	 * pluto initiates IKEv2 only when IKEV2_PROPOSE is set, so that decides.
	 */
	if (explicit)
		c->ike_version = explicit;
	else if (v2_allow && (!v1_allow || v2_propose))
		c->ike_version = 2;
	else if (v1_allow)
		c->ike_version = 1;
}

/* Value of "KEY#N" / "KEY$N" in s: 1 if found, 0 if not, <0 if the number is malformed. */
static int find_serial(const char *s, const char *key, uint64_t *ret)
{
	const char *p = strstr(s, key);
	const char *e;

	if (!p)
		return 0;
	if (whack_read_u64(p + strlen(key), ret, &e) < 0)
		return -EBADMSG;
	return 1;
}

/* Attribute lines of a connection block; c may be NULL (filtered output). */
static int parse_conn_attr(struct status_summary *s, struct status_conn *c, const char *a)
{
	static const char *const ike_keys[] = {
		"newest ISAKMP SA: #", "newest IKE SA: #",
		"established IKE SA: #", "established ISAKMP SA: #",
	};
	static const char *const child_keys[] = {
		"newest IPsec SA: #", "established Child SA: #", "established IPsec SA: #",
	};
	const char *e;
	uint64_t v;
	int r;

	if (startswith(a, "policy: ")) {
		if (c)
			parse_policy(c, a + strlen("policy: "));
		return 0;
	}
	if (startswith(a, "routing: ") || startswith(a, "host: "))
		s->evidence |= EV_V5;
	if (startswith(a, "newest ")) {
		if (strstr(a, "conn serial: $"))
			s->evidence |= EV_V4PLUS;
		else if (!strstr(a, "newest IKE SA"))
			s->evidence |= EV_V3;
	}
	if (startswith(a, "conn serial: $"))
		s->evidence |= EV_V5;
	if (startswith(a, "reqid: ")) {
		/* 5.4+; the test suite's "REQID" placeholder leaves it unknown */
		s->evidence |= EV_V5;
		if (c && whack_read_u64(a + strlen("reqid: "), &v, &e) == 0 && *e == ';' && v <= UINT32_MAX)
			c->reqid = (uint32_t)v;
		return 0;
	}
	/* Only these lines carry SA or connection serials: skip the searches on the other ~15. */
	if (!startswith(a, "newest ") && !startswith(a, "routing: ") && !startswith(a, "host: ") &&
	    !startswith(a, "conn serial: "))
		return 0;

	for (size_t i = 0; i < ELEMENTSOF(ike_keys); i++) {
		r = find_serial(a, ike_keys[i], &v);
		if (r < 0)
			return r;
		if (r > 0 && c)
			c->ike_sa = v;
	}
	for (size_t i = 0; i < ELEMENTSOF(child_keys); i++) {
		r = find_serial(a, child_keys[i], &v);
		if (r < 0)
			return r;
		if (r > 0 && c)
			c->child_sa = v;
	}
	r = find_serial(a, "conn serial: $", &v);
	if (r < 0)
		return r;
	if (r > 0 && c)
		c->serial = v;
	r = find_serial(a, "instantiated from: $", &v);
	if (r < 0)
		return r;
	if (r > 0 && c)
		c->instantiated = true;
	return 0;
}

/* `"name"[N]: ...`: a topology line or an attribute line. */
static int parse_conn_line(struct status_summary *s, const char *line, bool truncated)
{
	struct whack_conn_ref r;
	const char *p;

	if (whack_conn_ref(line, &r) < 0)
		return -EBADMSG;
	p = r.end;
	if (p[0] != ':' || p[1] != ' ')
		return -EBADMSG;
	p += 2;
	if (*p != ' ') {
		if (*p == '\0')
			return -EBADMSG;
		return parse_topology(s, &r, p, truncated);
	}
	/* attribute lines are indented by 3+ spaces; tolerate 2 */
	if (p[1] != ' ')
		return -EBADMSG;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return -EBADMSG;
	return parse_conn_attr(s, current_conn(s, &r), p);
}

static const struct state_kind *lookup(const struct state_kind *t, size_t n, const char *text,
				       size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].text) == len && memcmp(t[i].text, text, len) == 0)
			return &t[i];
	return NULL;
}

static void classify_state(struct status_state *st, unsigned *evidence)
{
	const struct state_kind *k = NULL;

	if (st->state_name) {
		k = lookup(state_names, ELEMENTSOF(state_names), st->state_name,
			   strlen(st->state_name));
		/* 3.x-only names; the other STATE_PARENT_ names live on in 4.0-4.4 */
		if (streq(st->state_name, "STATE_PARENT_I3") ||
		    streq(st->state_name, "STATE_PARENT_R2") ||
		    startswith(st->state_name, "STATE_V2_IPSEC_") ||
		    startswith(st->state_name, "STATE_V2_CREATE_") ||
		    streq(st->state_name, "STATE_V2_REKEY_IKE_I") ||
		    streq(st->state_name, "STATE_V2_REKEY_IKE_R") ||
		    streq(st->state_name, "STATE_V2_REKEY_CHILD_I") ||
		    streq(st->state_name, "STATE_V2_REKEY_CHILD_R"))
			*evidence |= EV_V3;
		else if (startswith(st->state_name, "STATE_V2_"))
			*evidence |= EV_V4PLUS;
		else if (!startswith(st->state_name, "STATE_"))
			*evidence |= EV_V5;
	} else {
		*evidence |= EV_V5;
	}
	if (!k && st->story)
		k = lookup(state_stories, ELEMENTSOF(state_stories), st->story, strlen(st->story));
	if (!k && st->story)
		for (size_t i = 0; i < ELEMENTSOF(state_story_prefixes); i++)
			if (startswith(st->story, state_story_prefixes[i].text))
				k = &state_story_prefixes[i];
	if (k) {
		st->category = k->category;
		if (k->ike_version)
			st->ike_version = k->ike_version;
	}
	/* only established IPsec/Child SAs print a parent reference (FORMATS §10) */
	if (st->is_child)
		st->category = SA_CATEGORY_ESTABLISHED_CHILD;
}

/* Timer kinds after normalisation ("EVENT_v2_SA_REKEY" -> "REKEY"). */
static int64_t *timer_slot(struct status_state *st, const char *name, size_t len)
{
	static const char *const drop[] = { "EVENT_", "v1_", "v2_", "SA_" };

	for (size_t i = 0; i < ELEMENTSOF(drop); i++) {
		size_t n = strlen(drop[i]);

		if (len > n && memcmp(name, drop[i], n) == 0) {
			name += n;
			len -= n;
		}
	}
#define NAME_IS(x) (len == strlen(x) && memcmp(name, x, len) == 0)
	if (NAME_IS("REKEY"))
		return &st->rekey_in;
	if (NAME_IS("REPLACE") || NAME_IS("REPLACE_IF_USED"))
		return &st->replace_in;
	if (NAME_IS("EXPIRE"))
		return &st->expire_in;
	if (NAME_IS("RETRANSMIT"))
		return &st->retransmit_in;
#undef NAME_IS
	return NULL;
}

/* One ';'-separated item after the story; -EBADMSG if it is malformed. */
static int parse_state_item(struct status_state *st, const char *b, const char *e,
			    unsigned *evidence)
{
	const char *in, *x;
	uint64_t u;
	int64_t v;

	while (b < e && *b == ' ')
		b++;
	while (e > b && e[-1] == ' ')
		e--;
	if (b == e)
		return 0;

	if ((size_t)(e - b) >= strlen("newest") && memcmp(b, "newest", strlen("newest")) == 0) {
		st->newest = true;
		if (e - b == (ptrdiff_t)strlen("newest"))
			*evidence |= EV_V4PLUS;
		return 0;
	}
	if (e - b == (ptrdiff_t)strlen("eroute owner") && memcmp(b, "eroute owner", 12) == 0) {
		st->eroute_owner = true;
		return 0;
	}
	if (startswith(b, "isakmp#") || startswith(b, "IKE SA #") || startswith(b, "ISAKMP SA #")) {
		const char *hash = memchr(b, '#', (size_t)(e - b));

		if (whack_read_u64(hash + 1, &u, &x) < 0 || x != e)
			return -EBADMSG;
		if (u == 0)
			return 0;	/* "isakmp#0" (stale 3.x consoles): no parent */
		st->is_child = true;
		st->parent_serial = u;
		if (*b != 'i') {
			/* "isakmp#P" (3.x-4.5) says nothing of the IKE version */
			st->ike_version = b[1] == 'S' ? 1 : 2;
			*evidence |= EV_V4PLUS;	/* 4.6+ */
		}
		return 0;
	}
	if (startswith(b, "lastdpd=")) {
		if (read_i64(b + strlen("lastdpd="), &v, &x) < 0 || *x != 's' || v == INT64_MIN)
			return -EBADMSG;
		st->lastdpd = v;
		return 0;
	}
	if (startswith(b, "lastlive=")) {
		if (read_i64(b + strlen("lastlive="), &v, &x) < 0 || *x != 's' || v == INT64_MIN)
			return -EBADMSG;
		st->lastlive = v;
		return 0;
	}
	/* "NAME in Ns" (3.25 sanitised: "NAME in  XXs") */
	in = find(b, e, " in ");
	if (in && e[-1] == 's') {
		const char *val = in + 4;
		int64_t *slot;

		while (val < e && *val == ' ')
			val++;
		for (const char *n = b; n < in; n++)
			if (!is_name_char(*n))
				return 0;	/* not a timer; unknown item, tolerated */
		if (e - val == 3 && memcmp(val, "XXs", 3) == 0)
			return 0;	/* test-suite placeholder: value unknown */
		if (read_i64(val, &v, &x) < 0 || x != e - 1 || v == INT64_MIN)
			return -EBADMSG;
		if (in - b == 4 && memcmp(b, "none", 4) == 0)
			return 0;
		if (!startswith(b, "EVENT_"))
			*evidence |= EV_V4PLUS;	/* short names: 4.5+ */
		slot = timer_slot(st, b, (size_t)(in - b));
		if (slot && (*slot == STATUS_TIMER_NONE || v < *slot))
			*slot = v;
		return 0;
	}
	/* idle; crypto_calculating; nodpd; import:...; unknown items: tolerated */
	return 0;
}

static void state_init(struct status_state *st)
{
	*st = (struct status_state){
		.rekey_in = STATUS_TIMER_NONE,
		.replace_in = STATUS_TIMER_NONE,
		.expire_in = STATUS_TIMER_NONE,
		.retransmit_in = STATUS_TIMER_NONE,
		.lastdpd = STATUS_TIMER_NONE,
		.lastlive = STATUS_TIMER_NONE,
	};
}

/*
 * Find the remote port: the first ":digits" followed by ' ' or "(tcp)". The
 * test suite's ":PORT" / ":EPHEM" placeholders are accepted as port 0.
 */
static const char *find_port(const char *p, const char **ret_after, unsigned *ret_port)
{
	for (; *p; p++) {
		const char *d;
		uint64_t v;

		if (*p != ':')
			continue;
		if (startswith(p, ":PORT ") || startswith(p, ":EPHEM ")) {
			*ret_after = strchr(p, ' ');
			*ret_port = 0;
			return p;
		}
		if (!whack_is_digit(p[1]))
			continue;
		d = p + 1;
		while (whack_is_digit(*d))
			d++;
		if (*d == ' ' || startswith(d, "(tcp)")) {
			if (safe_atou64_n(p + 1, (size_t)(d - p - 1), &v) < 0 || v > 65535)
				return NULL;
			*ret_after = d;
			*ret_port = (unsigned)v;
			return p;
		}
		p = d - 1;
	}
	return NULL;
}

/*
 * The SAIDs of a detail line (t: after the connection reference, up to
 * " Traffic:"). Tokens before the first SAID (an instance's peer) and the
 * `tun.` pseudo-SAs are skipped; so is a SAID whose SPI or address does not
 * parse (a placeholder), though it still counts for the direction.
 */
static void parse_saids(struct status_summary *s, uint64_t serial, const char *t, const char *end)
{
	unsigned seen[3] = { 0 };	/* SAIDs so far per protocol: ESP, AH, IPComp */

	while (t < end) {
		const char *tok, *tok_end, *sep, *at;
		struct status_said sd = { .serial = serial, .state = SIZE_MAX };
		unsigned *count;

		while (t < end && *t == ' ')
			t++;
		if (t >= end)
			break;
		tok = t;
		tok_end = memchr(tok, ' ', (size_t)(end - tok));
		if (!tok_end)
			tok_end = end;
		t = tok_end;
		sep = tok;
		while (sep < tok_end && *sep >= 'a' && *sep <= 'z')
			sep++;
		if (sep == tok_end || (*sep != '.' && *sep != ':'))
			continue;
		sd.id.proto = sa_id_proto_from_name(tok, (size_t)(sep - tok));
		switch (sd.id.proto) {
		case IPPROTO_ESP:
			count = &seen[0];
			break;
		case IPPROTO_AH:
			count = &seen[1];
			break;
		case IPPROTO_COMP:
			count = &seen[2];
			break;
		default:
			continue;	/* tun.0@..., or not a SAID */
		}
		at = memchr(sep, '@', (size_t)(tok_end - sep));
		if (!at)
			continue;
		sd.inbound = (*count)++ % 2 == 1;
		/* the detail line follows its own state line */
		if (s->n_states > 0 && s->states[s->n_states - 1].serial == serial)
			sd.state = s->n_states - 1;
		if (sa_id_parse_spi(sep + 1, (size_t)(at - sep - 1), &sd.id.spi) < 0 ||
		    sa_id_parse_addr(at + 1, (size_t)(tok_end - at - 1), &sd.id) < 0)
			continue;
		xgrow((void **)&s->saids, &s->alloc_saids, s->n_saids + 1, sizeof(*s->saids));
		s->saids[s->n_saids++] = sd;
	}
}

/* "#N: ..." state, traffic detail or pending line; p is after "#". */
static int parse_hash_line(struct status_summary *s, const char *p, bool truncated)
{
	struct status_state st;
	struct whack_conn_ref r;
	const char *x, *port, *rest, *story_b, *story_e, *items, *items_end;
	uint64_t serial;
	unsigned port_num;
	int ret;

	if (whack_read_u64(p, &serial, &x) < 0)
		return -EBADMSG;
	if (x[0] != ':' || x[1] != ' ')
		return -EBADMSG;
	x += 2;
	if (startswith(x, "pending "))
		return 0;
	if (*x != '"' || whack_conn_ref(x, &r) < 0)
		return -EBADMSG;
	x = strstr(r.end, " Traffic:");
	if (x) {
		if (strstr(r.end, " ref="))
			s->evidence |= EV_V3;
		parse_saids(s, serial, r.end, x);
		return 0;
	}
	if (*r.end != ':' && *r.end != ' ')
		return -EBADMSG;
	port = find_port(r.end, &rest, &port_num);
	if (!port)
		return -EBADMSG;

	state_init(&st);
	st.serial = serial;
	st.port = port_num;
	if (startswith(rest, "(tcp)")) {
		st.tcp = true;
		rest += strlen("(tcp)");
		s->evidence |= EV_V4PLUS;
	}
	if (*rest != ' ')
		return -EBADMSG;
	rest++;

	/* NAME (story); or, 5.4+, story; */
	x = rest;
	while (is_name_char(*x))
		x++;
	if (is_upper(*rest) && x[0] == ' ' && x[1] == '(') {
		story_b = x + 2;
		story_e = strstr(story_b, ");");
		if (story_e) {
			items = story_e + 2;
		} else {
			story_e = strrchr(story_b, ')');
			if (!story_e) {
				if (!truncated)
					return -EBADMSG;
				story_e = story_b + strlen(story_b);
			}
			items = story_e + (*story_e ? 1 : 0);
		}
		st.state_name = dup_span(s, rest, x);
	} else {
		story_b = rest;
		story_e = strchr(story_b, ';');
		if (!story_e) {
			if (!truncated)
				return -EBADMSG;
			story_e = story_b + strlen(story_b);
			items = story_e;
		} else {
			items = story_e + 1;
		}
	}
	if (story_e == story_b)
		return -EBADMSG;
	st.story = dup_span(s, story_b, story_e);

	/* on a cut line the last item may be partial: ignore it */
	items_end = items + strlen(items);
	if (truncated) {
		const char *semi = strrchr(items, ';');

		items_end = semi ? semi : items;
	}
	ret = 0;
	while (items < items_end) {
		const char *e = memchr(items, ';', (size_t)(items_end - items));

		if (!e)
			e = items_end;
		ret = parse_state_item(&st, items, e, &s->evidence);
		if (ret < 0)
			break;
		items = e < items_end ? e + 1 : e;
	}
	if (ret < 0)
		return ret;	/* its strings stay in the arena until the summary is freed */

	st.conn = arena_strndup(s->arena, r.name, r.name_len);
	st.instance = arena_strndup(s->arena, r.chain, r.chain_len);
	if (*r.end == ' ' && port > r.end + 1)
		st.peer = dup_span(s, r.end + 1, port);
	classify_state(&st, &s->evidence);

	xgrow((void **)&s->states, &s->alloc_states, s->n_states + 1, sizeof(*s->states));
	s->states[s->n_states++] = st;
	return 0;
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
		return parse_conn_line(s, p, truncated);
	if (p[0] == '#' && whack_is_digit(p[1]))
		return parse_hash_line(s, p + 1, truncated);
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
		s->section = SECTION_NONE;
		return 0;
	}
	if (startswith(p, "Bare Shunt list:")) {
		s->section = SECTION_SHUNTS;
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
			else if (startswith(p, "interface ") && p[10 + strcspn(p + 10, " /")] == '/')
				s->evidence |= EV_V3;	/* 3.x: "interface eth0/eth0 192.1.3.209@500" */
			else if (streq(preamble_prefixes[i], "nat-traversal") && p[13] == ':')
				s->evidence |= EV_V5;
			return 0;
		}
	if (parse_config_dump(s, p))
		return 0;
	if (s->section == SECTION_SHUNTS && strstr(p, "->") && strstr(p, "=>"))
		return 0;
	return -EBADMSG;
}

/* One line as the reader delivers it (writable, prepared in place); truncated: cut by the reader. */
static int parse_line(struct status_summary *s, char *line, size_t len, bool truncated)
{
	struct whack_line wl;
	int r;

	switch (whack_line_prepare(line, len, truncated, &wl)) {
	case WHACK_LINE_NUL:
		/* pluto never prints NUL; the text after it cannot be trusted */
		s->lines++;
		s->parse_errors++;
		return -EBADMSG;
	case WHACK_LINE_BLANK:
		return 0;
	case WHACK_LINE_TEXT:
		break;
	}
	s->lines++;
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

int status_parse_line(struct status_summary *s, const char *line, size_t len)
{
	char buf[LINE_MAX_LEN + 1];
	bool truncated = len > LINE_MAX_LEN;

	if (truncated)
		len = LINE_MAX_LEN;
	memcpy(buf, line, len);
	return parse_line(s, buf, len, truncated);
}

static void status_line_cb(void *userdata, char *line, size_t len, bool truncated)
{
	(void)parse_line(userdata, line, len, truncated);
}

struct status_summary *status_summary_new(void)
{
	struct status_summary *s = xcalloc(1, sizeof(*s));

	s->arena = arena_new();
	line_reader_init(&s->lr);
	return s;
}

struct status_summary *status_summary_free(struct status_summary *s)
{
	if (!s)
		return NULL;
	/* every string of conns[] and states[] lives in the arena */
	free(s->conns);
	free(s->states);
	free(s->saids);
	s->arena = arena_free(s->arena);
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
		.arena = s->arena,
	};

	free(s->version);
	arena_reset(s->arena);
	*s = keep;
	line_reader_init(&s->lr);
}

void status_feed(struct status_summary *s, const char *data, size_t len)
{
	line_reader_feed(&s->lr, data, len, status_line_cb, s);
}

void status_finish(struct status_summary *s)
{
	line_reader_finish(&s->lr, status_line_cb, s);
}

struct status_summary *status_parse(const char *text, size_t len)
{
	struct status_summary *s = status_summary_new();

	status_feed(s, text, len);
	status_finish(s);
	return s;
}
