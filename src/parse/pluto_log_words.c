/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * What a message of pluto's about a connection says, in the words of each release (the
 * memory in pluto_log.c then decides what it counts; failures are pluto_log_cause.c's).
 *
 * A keying retry, "initiating IKEv2 connection to replace establishing IKE SA #N" (4.x+, the
 * next try of keyingtries=; 4.3: "... to replace #N" of an IKE SA that the memory saw start and
 * never establish), replaces nothing that was up: it is a new negotiation.
 *
 * What each release says (from the five releases' sources and Libreswan's test consoles):
 *
 * Established, IKE SA
 *   3.x IKEv1   STATE_MAIN_I4: ISAKMP SA established {...}   (MAIN_R3, AGGR_I2, AGGR_R2 alike)
 *   3.x IKEv2   Authenticated using authby=secret | RSA      (no line says "established")
 *   4.x IKEv1   IKE SA established {auth=PRESHARED_KEY ...}
 *   4.4 IKEv2   authenticated using authby=secret and peer ID_FQDN '@east' | RSA with ...
 *               (IKEv1 says it too with RSA: not counted on a serial known as IKEv1)
 *   4.4 IKEv2   established IKE SA {auth=IKEv2 ...}          (a rekeyed IKE SA, either role)
 *   4.10+ IKEv2 initiator|responder established IKE SA; authenticated peer ...
 *               initiator|responder rekeyed IKE SA #N {...}
 *   5.x IKEv1   ISAKMP SA established {auth=...}
 * Established, Child SA
 *   3.x         STATE_QUICK_I2: sent QI2, IPsec SA established ... | STATE_V2_IPSEC_I: IPsec SA
 *               established ... (older 3.x: STATE_PARENT_I3: PARENT SA established tunnel mode,
 *               the IKE SA and its first Child SA in one line: counted as the Child SA)
 *   4.x         IPsec SA established tunnel mode {...}       (IKEv1 and IKEv2 alike)
 *   4.10+ IKEv2 initiator|responder established Child SA using #1; IPsec tunnel ...
 *               initiator|responder rekeyed Child SA #2 using #1; ...
 *   5.x IKEv1   IPsec SA established tunnel mode {...}
 *
 * Connection: "added [oriented|unoriented] IKEv2 connection" (4.x+), `added connection
 * description "NAME"` (3.x), "deleting connection ...", "deleting non-instance connection",
 * "deleting template|group instances", "initiating IKEv2 connection ..." / "initiating IKEv1
 * Main Mode connection" / "initiating v2 parent SA" / "initiating Main Mode" (not a
 * replacement), "terminating SAs using this connection", "initiating delete of connection's
 * ...", "suspending connection", "connection marked for routing" / "... already routed" /
 * "policy ROUTE added ...", "switched [from "A"] to "B"".
 *
 * None: the wordings in none_prefixes[] below (progress of a negotiation, retransmits,
 * deletions, traffic counters, updown output, IMPAIR test hooks, ...). Anything else about a
 * connection is unrecognised.
 */
#include "autoconfig.h"

#include <string.h>

#include "lib/util.h"
#include "parse/pluto_log_msg.h"

/*
 * The wordings that mean nothing to count: the progress of a negotiation, retransmits, peer IDs,
 * traffic counters, updown output, test hooks. Matched at the start of the message (after a
 * state name). Deletions are not here: they are read for the memory (read_deletion()).
 */
static const char *const none_prefixes[] = {
	/* negotiation progress, all releases */
	"initiate",			/* 3.x "STATE_MAIN_I1: initiate" */
	"initiating Child SA",		/* 5.x: a Child SA on an existing IKE SA */
	"initiating a redirect",
	"initiating connection '",	/* 4.x revival of a connection that must remain up */
	"initiating reauthentication",
	"initiate reauthentication",
	"sent ",			/* sent MI2, sent IKE_SA_INIT request, sent v2I1 ... */
	"received ",
	"Received ",
	"processing ",
	"processed ",
	"responding to Main Mode",
	"responding to Aggressive Mode",
	"responding to Quick Mode",
	"negotiated connection",	/* 3.x/4.x: before "IPsec SA established" */
	"negotiated tunnel",
	"negotiated new IPsec SA",	/* 4.3 responder of a Child SA rekey */
	"accepted selectors",
	"the peer proposed",
	"proposal ",			/* proposal 1:IKE=... chosen from remote proposals */
	"remote proposal ",
	"Remote proposal ",
	"transform (",
	"Peer ID is ",
	"IKEv2 mode peer ID is ",
	"Main mode peer ID is ",
	"Aggressive mode peer ID is ",
	"authenticated peer ",		/* 4.10+ IKEv1, before "ISAKMP SA established" */
	"certificate verified OK",
	"certificate E=",
	"certificate CN=",
	"I am sending ",
	"sending INITIAL_CONTACT",
	"sending keepalive",
	"sending IKE SA delete",
	"setting ip source address",
	"XAUTH: Answering",
	"XAUTH: Successfully",
	"XAUTH: ",
	"XAUTH client - possibly",
	"XAUTH completed",
	"xauth: ",
	"modecfg: ",
	"prompt for ",
	"PAM: authentication of user '",	/* SUCCEEDED (ABORTED: read_cause()) */
	"scheduling retry attempt",
	"starting keying attempt",
	"release whack",
	"releasing whack",
	"switching CHILD #",
	"reschedule pending",
	"pending ",
	"adding ",
	"added EAP payload",
	"delete ipsec-interface",
	"cannot delete ipsec-interface",
	"dropping negotiation as superseded",
	"dropping IKE_SA_INIT response",
	"dropping unrecognized",
	"message id deadlock",
	"Message ID: ",
	"Deleting previous proposal",
	"multiple DH groups",
	"IKEv1 Aggressive Mode with PSK is vulnerable",
	"WARNING: ",
	"warning: ",
	"PPK AUTH calculated",
	"PPK '",
	"failed to find PPK and PPK_ID, continuing",
	"Peer wants to continue without PPK",
	"peer wants to continue without PPK",
	"No Certificate Authority available!",
	"no crl from issuer",
	"no Certificate Authority in NSS Certificate DB",
	"X509: connection allows unmatched",
	"ignoring unsolicited",
	"ignoring INTERNAL_",
	"ignoring Delete SA payload",
	"ignoring IKE_SA_INIT response containing IKEV2_FRAGMENTATION",
	"ignoring informational payload IPSEC_",
	"ignoring secured informational payload IPSEC_",
	"ignoring unsecured informational payload IPSEC_",
	"discarding ",
	"retransmitting ",
	"retransmission; will wait",
	"suppressing retransmit",
	"IMPAIR",
	"Impair",
	"SKIPPED sending",
	"setting bogus",
	" setting bogus",
	"sending bogus",
	"EXPECTATION FAILED",
	"non-critical payload ignored",
	"message response contained an unknown critical payload",
	"packet rejected: should have been encrypted",
	"encrypted payload seems to be corrupt",
	"NSS: AEAD ",
	"NSS: shared key calculation",
	"no useful state microcode",
	"message for STATE_",
	"KE has ",
	"initiator IKE_SA_INIT KE payload",
	"responder IKE_SA_INIT KE payload",
	"responder IDPROT KE payload",
	"Informational Exchange message must be encrypted",
	"malformed Quick Mode message",
	"IKE_SA_INIT response has zero",
	"IKE_AUTH response missing",
	"IKE_AUTH request fragment",
	"IKE_SA_INIT response redirects",
	"IKE_AUTH response redirects",
	"IKE_AUTH redirect",
	"redirect loop",
	"scheduling redirect",
	"unexpected INFORMATIONAL response",
	"unexpected IKE_SA_INIT message containing IKEV2_FRAGMENTATION",
	"missing ADDITIONAL_KEY_EXCHANGE",
	"dropping ADDKE",
	"initiator processed ",
	"MOBIKE ",
	" success MOBIKE",
	"success MOBIKE",
	"updown ",
	"running updown",
	"command \"",
	"\"",				/* 5.x: "unroute" output: ... (a quoted command) */
	"prepare-client output",
	"prepare-client-v6 output",
	"prepare-host output",
	"route-client output",
	"route-host output",
	"unroute-client output",
	"unroute-host output",
	"up-client output",
	"up-client-v6 output",
	"up-host output",
	"down-client output",
	"down-client-v6 output",
	"down-host output",
	"kernel: ",
	"ESP traffic information",	/* read by read_deletion() first: counters at deletion */
	"AH traffic information",
	"IPCOMP traffic information",
	" IPCOMP traffic information",
	"failed to pull traffic counters",
	"received soft EXPIRE",
	"calling REKEY event handler",
	"deleting existing REKEY event",
	"connection is using multiple",
	"route to peer's client conflicts",
	"cannot install kernel policy",
	"Subnet ",
	"CISCO_SPLIT",
	"IKETCP ",
	"DPD: ",			/* IKEv1 R_U_THERE bookkeeping ("DPD action": liveness) */
	"Configured DPD",
	"DPD initialization failed",
	"liveness: ",
	"IKE SA is shared",
	"IKE SA proposals (",		/* 4.x+ at `addconn`: the lines below list them */
	"Child SA proposals (",
	"local IKE proposals (",	/* 4.3: as a negotiation starts */
	"local ESP/AH proposals (",
	"oriented IKEv",		/* 5.x: "oriented IKEv2 connection (local: left=...)" */
	"reviving connection which ",	/* 5.x: an UP connection revived ("initiating" next) */
	"netlink response for Del SA",	/* the kernel had no such SA to delete */
	"ERROR: netlink response for Del SA",
	"netlink ext_ack: ",		/* 5.x: the kernel's detail of the error above it */
	"Warning: Adding IPsec SA to ",	/* 5.x: after "netlink response for Add SA" */
	"ERROR: asynchronous network error report",	/* an ICMP error; retransmits go on */
	"asynchronous network error report",
	"setup_half_ipsec_sa() hit fail",	/* after the kernel's refusal (read_cause()) */
	"IKE SA expired",		/* read by read_deletion() first */
	"certificate payload rejected; crl-strict=yes and Certificate Revocation List (CRL) is "
		"expired or missing, forcing",
	"NSS: ERROR: ",			/* a certificate's check: read_cause() first */
	"Peer public key",		/* read_cause() first */
	"ignoring ",
	"omitting CHILD SA payloads",
	"initiating IKE_AUTH redirect",
	"initiating IKE_SA_INIT redirect",
	"intiating delete",		/* 4.10 (sic): an IKE SA's delete exchange */
	"fatal error for IKE SA, but releasing whack",
	"dropping fragment",
	"calling REAUTH event handler",
	"no existing REAUTH event",
	"Child SA initiating pending connection",
	"Child SA #",			/* ... no longer exists, ignoring delete response */
	"IKE SA #",			/* ... has outstanding IKE_AUTH request */
	"ISAKMP_v2_",			/* ... message response ... has no matching SA */
	"state spd requires a block",
	"unsolicited ",
	"asking for session resume ticket",
	"identity hash, skipping",
	"Allowing questionable (microsoft) proposal",
	"BSD doesn't add kernel-policy",
	"command: ",
	"eof: ",
	"freebsd_ipsec_interface",
	"openbsd_ipsec_interface",
	"netbsd_ipsec_interface",
	"Received Domain",
	"Received DNS",
	"Received IP",
	"Received subnet",
};

/* The IKE version a message's words reveal, for the serial's memory. */
enum pluto_ike_version pluto_log_words_ike(const struct msg *m)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;
	enum pluto_ike_version v = state_ike(m);

	if (v != PLUTO_IKE_UNKNOWN)
		return v;
	if (PFX(r, rn, "Peer ID is ") || PFX(r, rn, "initiating IKEv1") ||
	    PFX(r, rn, "initiating Main Mode") || PFX(r, rn, "initiating Aggressive Mode") ||
	    PFX(r, rn, "initiating Quick Mode") || PFX(r, rn, "ISAKMP SA established") ||
	    PFX(r, rn, "sent Main Mode") || PFX(r, rn, "sent Quick Mode") ||
	    PFX(r, rn, "sent Aggressive Mode") || PFX(r, rn, "responding to Main Mode") ||
	    PFX(r, rn, "responding to Aggressive Mode") || PFX(r, rn, "responding to Quick Mode") ||
	    PFX(r, rn, "authenticated peer ") || PFX(r, rn, "IKE SA established {") ||
	    PFX(r, rn, "XAUTH"))
		return PLUTO_IKEV1;
	if (PFX(r, rn, "IKEv2 mode peer ID is") || PFX(r, rn, "initiating IKEv2") ||
	    PFX(r, rn, "initiating v2") || PFX(r, rn, "negotiated connection") ||
	    PFX(r, rn, "sent IKE_") || PFX(r, rn, "sent CREATE_CHILD_SA") ||
	    PFX(r, rn, "processing IKE_") || PFX(r, rn, "processed IKE_") ||
	    PFX(r, rn, "initiator ") || PFX(r, rn, "responder ") ||
	    PFX(r, rn, "established IKE SA"))
		return PLUTO_IKEV2;
	return PLUTO_IKE_UNKNOWN;
}

/* "N second timeout exceeded after N retransmits" (after the state name) or 3.x "max number of
 * retransmissions (N) reached STATE_X": the SA from the state's name. */
static bool read_timeout(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest, *f;
	size_t rn = m->rest_len;
	struct msg sm = *m;

	if (m->st && (HAS(r, rn, " second timeout exceeded after ") ||
		      PFX(r, rn, "max number of retransmissions ("))) {
		/* the state's name is the message's */
	} else if ((f = FIND(r, rn, "max number of retransmissions (")) != NULL &&
		   (f = FIND(f, rn - (size_t)(f - r), ") reached ")) != NULL) {
		/* older 3.x: "max number of retransmissions (2) reached STATE_MAIN_I3.  ..." */
		const char *e = f + sizeof(") reached ") - 1, *end = r + rn;

		sm.st = e;
		while (e < end && ((*e >= 'A' && *e <= 'Z') || is_digit(*e) || *e == '_'))
			e++;
		sm.st_len = (size_t)(e - sm.st);
		if (sm.st_len == 0)
			sm.st = NULL;
	} else {
		return false;
	}
	v->kind = V_TIMEOUT;
	v->sa = state_sa(&sm);
	v->ike = state_ike(&sm);
	v->reason = PLUTO_REASON_TIMEOUT;
	/*
	 * IKEv1's first encrypted message unanswered: pluto says "Possible authentication failure",
	 * and it is what a pre-shared key that differs looks like from the initiator (the
	 * responder cannot decrypt it). IKEv2 answers a bad AUTH with AUTHENTICATION_FAILED: its
	 * IKE_AUTH going unanswered is more often a path that drops fragments, a timeout.
	 */
	if (v->ike == PLUTO_IKEV1 && (ST_HAS(&sm, "MAIN_I3") || ST_HAS(&sm, "AGGR_I2")))
		v->reason = PLUTO_REASON_AUTHENTICATION_FAILED;
	/*
	 * IKEv2 past IKE_AUTH: an exchange of an established IKE SA (a liveness probe, a delete, a
	 * rekey, a new Child SA) went unanswered: the peer is gone, and 4.x says "liveness action"
	 * next. 5.x names the IKE SA's state (ESTABLISHED_IKE_SA), 3.x/4.x the exchange's
	 * (STATE_V2_REKEY_CHILD_I1, STATE_V2_CREATE_I, ...).
	 */
	if (v->ike == PLUTO_IKEV2 && sm.st &&
	    !(st_has(&sm, "PARENT_I1", 9) || st_has(&sm, "PARENT_I2", 9) ||
	      st_has(&sm, "IKE_SA_INIT", 11) || st_has(&sm, "IKE_AUTH", 8) ||
	      st_has(&sm, "IKE_INTERMEDIATE", 16) || st_has(&sm, "IKE_SESSION_RESUME", 18))) {
		v->sa = PLUTO_SA_IKE;
		v->reason = PLUTO_REASON_LIVENESS;
	}
	return true;
}

/* The peer declared dead. */
static bool read_liveness(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;

	if (PFX(r, rn, "liveness action - ") || PFX(r, rn, "IKEv2 liveness: action - ") ||
	    PFX(r, rn, "IKEv2 liveness action - ") || PFX(r, rn, "IKEv1 DPD: action - ") ||
	    PFX(r, rn, "IKEv1 DPD action - ") || PFX(r, rn, "DPD action - ") ||
	    PFX(r, rn, "liveness_check - peer ") || PFX(r, rn, "DPD: No response from peer")) {
		failed(v, PLUTO_SA_IKE, PLUTO_REASON_LIVENESS);
		return true;
	}
	return false;
}

/* Establishments and the announcements of replacements. */
static bool read_established(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest, *f;
	size_t rn = m->rest_len;

	/* 4.10+ IKEv2: the role and the words say it all */
	if (PFX(r, rn, "initiator ") || PFX(r, rn, "responder ")) {
		const char *t = r + 10;
		size_t tn = rn - 10;

		if (PFX(t, tn, "established IKE SA")) {
			established(v, PLUTO_SA_IKE, EST_NEW, PLUTO_IKEV2);
			return true;
		}
		if (PFX(t, tn, "rekeyed IKE SA")) {
			established(v, PLUTO_SA_IKE, EST_REKEY, PLUTO_IKEV2);
			return true;
		}
		if (PFX(t, tn, "established Child SA")) {
			established(v, PLUTO_SA_CHILD, EST_NEW, PLUTO_IKEV2);
			v->other = SERIAL_AFTER(t, tn, " using");
			return true;
		}
		if (PFX(t, tn, "rekeyed Child SA")) {
			established(v, PLUTO_SA_CHILD, EST_REKEY, PLUTO_IKEV2);
			return true;
		}
		return false;
	}
	/* 5.x and 3.x IKEv1 phase 1 (3.x after the state's name, "sent MR3, ..." included) */
	if ((f = FIND(r, rn, "ISAKMP SA established")) != NULL && (f == r || f[-1] == ' ')) {
		established(v, PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV1);
		return true;
	}
	/* 4.x IKEv1 phase 1 */
	if (PFX(r, rn, "IKE SA established")) {
		if (PFX(r, rn, "IKE SA established but initiator rejected Child SA")) {
			follower(v, PLUTO_SA_CHILD, PLUTO_REASON_OTHER);
			return true;
		}
		established(v, PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV1);
		return true;
	}
	/* phase 2 / Child SA, 3.x and 4.x both versions, 5.x IKEv1 */
	if ((f = FIND(r, rn, "IPsec SA established")) != NULL &&
	    (f == r || (f - r >= 2 && f[-1] == ' ' && f[-2] == ','))) {
		established(v, PLUTO_SA_CHILD, EST_DECIDE, state_ike(m));
		return true;
	}
	/* 3.x IKEv2 IKE SA (the line is on the Child SA's serial); IKEv1 RSA says it too */
	if (PFX(r, rn, "Authenticated using ") || PFX(r, rn, "authenticated using ")) {
		established(v, PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV2);
		v->only_if_v2 = true;
		return true;
	}
	/* older 3.x: the IKE SA and its first Child SA in one line; 3.25: a rekeyed IKE SA */
	if ((f = FIND(r, rn, "PARENT SA established")) != NULL) {
		bool child = HAS(r, rn, "{ESP") || HAS(r, rn, "{AH") || HAS(r, rn, " mode");

		established(v, child ? PLUTO_SA_CHILD : PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV2);
		return true;
	}
	/* 4.4: a rekeyed IKE SA, either role */
	if (PFX(r, rn, "established IKE SA")) {
		established(v, PLUTO_SA_IKE, EST_DECIDE, PLUTO_IKEV2);
		return true;
	}
	/* announcements: the message's serial will replace another SA */
	if (PFX(r, rn, "rekeyed #") ||				/* 3.x, 4.x initiator */
	    PFX(r, rn, "initiating rekey to replace ") ||	/* 4.10+ */
	    PFX(r, rn, "initiate rekey of ") ||			/* 4.4 */
	    PFX(r, rn, "sent CREATE_CHILD_SA request to rekey ")) {
		v->kind = V_NONE;
		v->replaces = true;
		v->ike = PLUTO_IKEV2;
		return true;
	}
	return false;
}

/* "initiating ...": a new negotiation (a connection event) or a replacement (an announcement). */
static bool read_initiating(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;
	bool v1;

	if (PFX(r, rn, "initiating Quick Mode ")) {
		v->kind = V_NONE;
		v->ike = PLUTO_IKEV1;
		v->replaces = HAS(r, rn, " to replace #");
		return true;
	}
	if (PFX(r, rn, "initiating IKEv1 ") || PFX(r, rn, "initiating Main Mode") ||
	    PFX(r, rn, "initiating Aggressive Mode"))
		v1 = true;
	else if (PFX(r, rn, "initiating IKEv2 ") || PFX(r, rn, "initiating v2 parent SA") ||
		 PFX(r, rn, "initiating IKEv2"))
		v1 = false;
	else
		return false;
	v->ike = v1 ? PLUTO_IKEV1 : PLUTO_IKEV2;
	/* 4.x+ keyingtries: "initiating IKEv2 connection to replace establishing IKE SA #2" is
	 * the next try of a negotiation that never established: a new one, no replacement */
	if ((HAS(r, rn, "to replace ") || HAS(r, rn, "(replacing ")) &&
	    !HAS(r, rn, "replace establishing ") && !HAS(r, rn, "replacing establishing ")) {
		const char *h = FIND(r, rn, "#");

		v->kind = V_NONE;
		v->replaces = true;
		v->reauth = !v1;
		/* the SA replaced: 4.3 retries one that never established "to replace #6" */
		v->other = h ? serial_at(h, r + rn) : 0;
	} else {
		connection(v, PLUTO_CHANGE_INITIATED);
	}
	return true;
}

/* The connection set changed. */
static bool read_connection(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest, *f;
	size_t rn = m->rest_len;

	if (PFX(r, rn, "added ") && (f = FIND(r, rn, " connection")) != NULL && f - r <= 40 &&
	    (f + 11 == r + rn || f[11] == ' ')) {
		for (const char *p = r + 6; p < f; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      is_digit(*p) || *p == ' '))
				return false;
		connection(v, PLUTO_CHANGE_ADDED);
		return true;
	}
	if (PFX(r, rn, "deleting connection") || PFX(r, rn, "deleting non-instance connection") ||
	    PFX(r, rn, "deleting labeled parent connection") ||
	    PFX(r, rn, "deleting labeled child connection") ||
	    PFX(r, rn, "deleting template instances") || PFX(r, rn, "deleting group instances") ||
	    PFX(r, rn, "terminating group instances")) {
		connection(v, PLUTO_CHANGE_DELETED);
		return true;
	}
	if (PFX(r, rn, "terminating SAs using this connection") ||
	    PFX(r, rn, "initiating delete of connection's ") ||
	    PFX(r, rn, "initiating delete of ") ||
	    PFX(r, rn, "suspending connection")) {
		connection(v, PLUTO_CHANGE_DOWN);
		return true;
	}
	if (PFX(r, rn, "connection marked for routing") ||
	    PFX(r, rn, "connection is already routed") ||
	    PFX(r, rn, "connection will remain routed") ||
	    PFX(r, rn, "connection already routed") ||
	    PFX(r, rn, "policy ROUTE added to established connection")) {
		connection(v, PLUTO_CHANGE_ROUTED);
		return true;
	}
	if (PFX(r, rn, "switched from \"") || PFX(r, rn, "switched to \"")) {
		connection(v, PLUTO_CHANGE_SWITCHED);
		return true;
	}
	return false;
}

/* An SA went away: the message's own serial, or the one it names (v->other). */
static bool read_deletion(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;

	if (PFX(r, rn, "IMPAIR: "))
		r += 8, rn -= 8;
	if (PFX(r, rn, "deleting other state #")) {
		v->other = SERIAL_AFTER(r, rn, "deleting other state");
	} else if (PFX(r, rn, "received Delete SA") &&
		   (HAS(r, rn, "State #") || HAS(r, rn, "SA #"))) {
		/* "received Delete SA payload: delete CHILD SA #2 now": the SA named, never the
		 * message's own (the IKE SA that received it) */
		const char *h = FIND(r, rn, "State #");

		if (!h)
			h = FIND(r, rn, "SA #");
		v->other = serial_at(FIND(h, rn - (size_t)(h - r), "#"), r + rn);
		if (!v->other)
			return false;
	} else if (!(PFX(r, rn, "deleting state") || PFX(r, rn, "deleting IKE SA") ||
		     PFX(r, rn, "deleting ISAKMP SA") || PFX(r, rn, "deleting IPsec SA") ||
		     PFX(r, rn, "deleting Child SA") || PFX(r, rn, "deleting CHILD SA") ||
		     PFX(r, rn, "deleting established ") || PFX(r, rn, "deleting larval ") ||
		     PFX(r, rn, "deleting lingering ") ||
		     PFX(r, rn, "deleting incomplete state") ||
		     PFX(r, rn, "sent INFORMATIONAL request to delete ") ||
		     PFX(r, rn, "ESP traffic information") ||
		     PFX(r, rn, "AH traffic information") ||
		     PFX(r, rn, "IPCOMP traffic information") ||
		     PFX(r, rn, " IPCOMP traffic information") || PFX(r, rn, "IKE SA expired") ||
		     PFX(r, rn, "connection is supposed to remain up") ||
		     PFX(r, rn, "IMPAIR: retransmit so deleting SA"))) {
		return false;
	}
	v->kind = V_NONE;
	v->deletes = true;
	return true;
}

static bool read_none(const struct msg *m)
{
	const char *r = m->rest;
	size_t rn = m->rest_len;

	/* 3.x/4.x whack: "NAME prompt for Username:", "NAME IKE proposals: ..." */
	if (HAS(r, rn, " prompt for ") ||
	    (rn > m->conn_len && memcmp(r, m->conn, m->conn_len) == 0 && r[m->conn_len] == ' '))
		return true;
	if (PFX(r, rn, "added ") && HAS(r, rn, " to ipsec-interface "))
		return true;
	/* 4.10: "IKE_AUTH request has duplicate Message ID 1; retransmitting response" */
	if (HAS(r, rn, " has duplicate Message ID "))
		return true;
	/* IKEv1 Quick Mode responder: "    us: 192.0.2.0/24===...", "  them: ..." */
	while (rn > 0 && *r == ' ')
		r++, rn--;
	if (rn < m->rest_len && (PFX(r, rn, "us: ") || PFX(r, rn, "them: ")))
		return true;
	/* 4.x+ at `addconn`: the proposals under "IKE SA proposals (connection add):",
	 * "  1:IKE=AES_GCM_C_256-HMAC_SHA2_512-...", "  2:ESP=..." */
	if (rn < m->rest_len && rn > 0 && is_digit(*r)) {
		const char *d = r;

		while (d < r + rn && is_digit(*d))
			d++;
		if (d < r + rn && *d == ':' &&
		    (PFX(d + 1, rn - (size_t)(d + 1 - r), "IKE=") ||
		     PFX(d + 1, rn - (size_t)(d + 1 - r), "ESP=") ||
		     PFX(d + 1, rn - (size_t)(d + 1 - r), "AH=")))
			return true;
	}

	for (size_t i = 0; i < ELEMENTSOF(none_prefixes); i++) {
		const char *p = none_prefixes[i];

		if (rn > 0 && r[0] == p[0] && has_prefix(r, rn, p, strlen(p)))
			return true;
	}
	return false;
}

void pluto_log_read_message(const struct msg *m, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->kind = V_UNRECOGNISED;
	if (read_established(m, v) || read_initiating(m, v) || read_connection(m, v) ||
	    read_timeout(m, v) || read_liveness(m, v) || pluto_log_read_cause(m, v) ||
	    read_deletion(m, v))
		return;
	if (read_none(m))
		v->kind = V_NONE;
}
