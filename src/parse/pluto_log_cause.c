/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Why a negotiation failed: the cause lines and the peer's notifications, by reason (what
 * each release says; pluto_log.c counts one failure per cause and lets the lines that follow
 * it go, see there).
 *
 *   authentication  IKE SA authentication request rejected [by peer]: AUTHENTICATION_FAILED,
 *                   3.x STATE_PARENT_I2: v2N_AUTHENTICATION_FAILED, authentication failed: ...,
 *                   PSK/RSA/Digital Signature authentication failed, Signature check ... failed,
 *                   probable authentication failure (mismatch of preshared secrets?), XAUTH,
 *                   PPK, own key missing, IKEv1 INVALID_ID_INFORMATION / INVALID_HASH_ /
 *                   INVALID_KEY_INFORMATION in Main/Aggressive Mode; X509/NSS certificate and
 *                   identity rejections are pending (a responder may still switch to another
 *                   connection that suits); IKEv1 Main Mode I3 going unanswered ("Possible
 *                   authentication failure": what a pre-shared key that differs looks like)
 *   no proposal     [IKE_]AUTH response contained the error notification NO_PROPOSAL_CHOSEN,
 *                   IKE_AUTH response rejected Child SA with ..., CHILD SA failed: ...,
 *                   CREATE_CHILD_SA failed with error notification ..., no local proposal
 *                   matches remote proposals, no acceptable Oakley Transform / Proposal in IPsec
 *                   SA, transport/tunnel mode mismatches; unauthenticated NO_PROPOSAL_CHOSEN
 *                   answers (which pluto ignores and retransmits) are pending
 *   TS              the same families with TS_UNACCEPTABLE, cannot respond to IPsec SA request
 *                   because no connection is known for ..., Child SA's Traffic Selector ...
 *                   does not fit/match, IKEv1 INVALID_ID_INFORMATION on an established ISAKMP
 *                   SA (Quick Mode)
 *   invalid KE      CREATE_CHILD_SA failed with error notification INVALID_KE_PAYLOAD, 3.x
 *                   STATE_PARENT_I1: v2N_INVALID_KE_PAYLOAD. "received unauthenticated
 *                   INVALID_KE_PAYLOAD response ...; resending with suggested ..." is no failure:
 *                   pluto retries with the group asked for, in the same negotiation, which
 *                   usually succeeds; it is pending, the cause should that negotiation then
 *                   time out or be deleted unestablished. A responder answering INVALID_KE_PAYLOAD
 *                   (or COOKIE, TEMPORARY_FAILURE, REDIRECT) is none, and so is the end of
 *                   that responder state ("encountered fatal error", the deletion): the
 *                   initiator retries with a new one.
 *   timeout         STATE: N second timeout exceeded after N retransmits ... / max number of
 *                   retransmissions (N) reached ...: in IKE_SA_INIT, IKE_AUTH, IKEv1 phase 1
 *                   and Quick Mode; the cause the peer gave, if any, wins
 *   liveness        liveness action - ..., IKEv2 liveness: action - ..., DPD action - ...,
 *                   IKEv1 DPD[:] action - ..., liveness_check - peer ... has not responded;
 *                   and an IKEv2 exchange of an established IKE SA going unanswered (5.x
 *                   ESTABLISHED_IKE_SA: ... timeout, 3.x/4.x STATE_V2_REKEY_CHILD_I1: ...,
 *                   which 4.x follows with "liveness action")
 *
 */
#include "autoconfig.h"

#include <string.h>

#include "parse/pluto_log_msg.h"

/* A notification's name (v2N_ prefix or not) to a reason; OTHER for the rest. */
static enum pluto_event_reason notify_reason(const char *s, size_t n)
{
	const char *e;

	if (PFX(s, n, "v2N_"))
		s += 4, n -= 4;
	e = s;
	while ((size_t)(e - s) < n && ((*e >= 'A' && *e <= 'Z') || is_digit(*e) || *e == '_'))
		e++;
	n = (size_t)(e - s);
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, n) == 0)
	if (IS("AUTHENTICATION_FAILED") || IS("INVALID_ID_INFORMATION") ||
	    IS("INVALID_HASH_INFORMATION") || IS("INVALID_KEY_INFORMATION") ||
	    IS("INVALID_SIGNATURE") || IS("INVALID_CERTIFICATE") || IS("CERT_UNAVAILABLE"))
		return PLUTO_REASON_AUTHENTICATION_FAILED;
	if (IS("NO_PROPOSAL_CHOSEN") || IS("BAD_PROPOSAL_SYNTAX"))
		return PLUTO_REASON_NO_PROPOSAL_CHOSEN;
	if (IS("TS_UNACCEPTABLE"))
		return PLUTO_REASON_TS_UNACCEPTABLE;
	if (IS("INVALID_KE_PAYLOAD"))
		return PLUTO_REASON_INVALID_KE;
#undef IS
	return PLUTO_REASON_OTHER;
}

/* The notification name after the literal p, or NULL. */
static const char *notify_after(const char *s, size_t n, const char *p, size_t pl, size_t *ret_len)
{
	const char *f = find(s, n, p, pl), *e, *end = s + n;

	if (!f)
		return NULL;
	f += pl;
	for (e = f; e < end && ((*e >= 'A' && *e <= 'Z') || (*e >= 'a' && *e <= 'z') ||
				is_digit(*e) || *e == '_');
	     e++)
		;
	if (e == f)
		return NULL;
	*ret_len = (size_t)(e - f);
	return f;
}

/* The reason a notification named after the literal p gives, sa-less; false if no name follows. */
static bool notify_at(const char *r, size_t rn, const char *p, size_t pl,
		      enum pluto_event_reason *ret_reason, const char **ret_name, size_t *ret_len)
{
	size_t nl;
	const char *name = notify_after(r, rn, p, pl, &nl);

	if (!name)
		return false;
	*ret_reason = notify_reason(name, nl);
	if (ret_name) {
		*ret_name = name;
		*ret_len = nl;
	}
	return true;
}

#define NOTIFY_AT(r, rn, lit, reason) \
	notify_at((r), (rn), "" lit, sizeof(lit) - 1, (reason), NULL, NULL)

static bool name_is(const char *name, size_t nl, const char *lit, size_t ll)
{
	if (nl > 4 && memcmp(name, "v2N_", 4) == 0)
		name += 4, nl -= 4;
	return nl == ll && memcmp(name, lit, ll) == 0;
}

#define NAME_IS(name, nl, lit) name_is((name), (nl), "" lit, sizeof(lit) - 1)

/* The SA of a rejected Child SA (NO_PROPOSAL, TS, INVALID_KE) or of the IKE SA (the rest). */
static enum pluto_event_sa sa_of_child_reason(enum pluto_event_reason r)
{
	return r == PLUTO_REASON_NO_PROPOSAL_CHOSEN || r == PLUTO_REASON_TS_UNACCEPTABLE ||
			       r == PLUTO_REASON_INVALID_KE ?
		       PLUTO_SA_CHILD :
		       PLUTO_SA_IKE;
}

/*
 * Failure causes and the peer's notifications. v->v1_phase is set where IKEv1 words depend on the
 * phase (INVALID_ID_INFORMATION: the identity in Main Mode, the traffic selectors in Quick Mode).
 */
bool pluto_log_read_cause(const struct msg *m, struct verdict *v)
{
	const char *r = m->rest, *name;
	size_t rn = m->rest_len, nl;
	enum pluto_event_reason reason;

	/* ---- IKEv2 initiator: the responder's answer ---- */
	if (PFX(r, rn, "IKE SA authentication request rejected") &&
	    (NOTIFY_AT(r, rn, "rejected by peer: ", &reason) ||
	     NOTIFY_AT(r, rn, "rejected: ", &reason))) {
		failed(v, PLUTO_SA_IKE, reason);
		return true;
	}
	if (PFX(r, rn, "IKE SA authentication failed")) {
		failed(v, PLUTO_SA_IKE, PLUTO_REASON_AUTHENTICATION_FAILED);
		return true;
	}
	if ((PFX(r, rn, "AUTH response contained the error notification ") ||
	     PFX(r, rn, "IKE_AUTH response contained the error notification ")) &&
	    NOTIFY_AT(r, rn, "error notification ", &reason)) {
		failed(v, sa_of_child_reason(reason), reason);
		return true;
	}
	if ((PFX(r, rn, "IKE_AUTH response rejected Child SA with ") &&
	     NOTIFY_AT(r, rn, "Child SA with ", &reason)) ||
	    (PFX(r, rn, "CHILD SA failed: ") && NOTIFY_AT(r, rn, "failed: ", &reason)) ||
	    (PFX(r, rn, "CREATE_CHILD_SA failed with error notification ") &&
	     NOTIFY_AT(r, rn, "error notification ", &reason)) ||
	    (PFX(r, rn, "response for Child SA #") &&
	     (NOTIFY_AT(r, rn, "was rejected with ", &reason) ||
	      NOTIFY_AT(r, rn, "was rejected (", &reason))) ||
	    (PFX(r, rn, "peer rejected Child SA ") &&
	     (NOTIFY_AT(r, rn, "Child SA  (", &reason) ||
	      NOTIFY_AT(r, rn, "Child SA (", &reason)))) {
		failed(v, PLUTO_SA_CHILD, reason);
		return true;
	}
	/* 3.x/4.x: unauthenticated answers to IKE_SA_INIT, ignored: the cause if it times out */
	if (m->st && PFX(r, rn, "received unauthenticated ") && HAS(r, rn, " - ignored") &&
	    NOTIFY_AT(r, rn, "received unauthenticated ", &reason)) {
		if (reason != PLUTO_REASON_OTHER)
			pending(v, state_sa(m), reason);
		else
			v->kind = V_NONE;
		return true;
	}
	if ((PFX(r, rn, "ignoring IKE_SA_INIT response containing ") &&
	     NOTIFY_AT(r, rn, "response containing ", &reason)) ||
	    ((PFX(r, rn, "dropping unexpected IKE_SA_INIT message containing ") ||
	      PFX(r, rn, "unexpected IKE_SA_INIT message containing ")) &&
	     NOTIFY_AT(r, rn, "message containing ", &reason))) {
		if (reason != PLUTO_REASON_OTHER)
			pending(v, PLUTO_SA_IKE, reason);
		else
			v->kind = V_NONE;
		return true;
	}
	if (PFX(r, rn, "dropping unexpected ") &&
	    NOTIFY_AT(r, rn, "message containing ", &reason)) {
		if (reason != PLUTO_REASON_OTHER)
			pending(v, sa_of_child_reason(reason), reason);
		else
			v->kind = V_NONE;
		return true;
	}
	/* INVALID_KE_PAYLOAD answered by a retry with the group the responder asked for */
	if ((PFX(r, rn, "Received unauthenticated INVALID_KE_PAYLOAD") ||
	     PFX(r, rn, "received unauthenticated INVALID_KE_PAYLOAD")) &&
	    HAS(r, rn, "resending")) {
		pending(v, PLUTO_SA_IKE, PLUTO_REASON_INVALID_KE);
		return true;
	}
	/* 3.x whack: the transition's result, "STATE_PARENT_I2: v2N_AUTHENTICATION_FAILED" */
	if (m->st && rn > 0 && ((r[0] >= 'A' && r[0] <= 'Z') || PFX(r, rn, "v2N_"))) {
		const char *e = r;

		while (e < r + rn && ((*e >= 'A' && *e <= 'Z') || is_digit(*e) || *e == '_' ||
				      (e - r < 4 && (*e == 'v' || *e == 'N'))))
			e++;
		if (e == r + rn && rn >= 6 && HAS(r, rn, "_")) {
			enum pluto_event_sa sa = state_sa(m);

			reason = notify_reason(r, rn);
			/* IKE_AUTH (PARENT_I2) carries the first Child SA: its proposal, its TS */
			if (reason == PLUTO_REASON_TS_UNACCEPTABLE ||
			    (reason == PLUTO_REASON_NO_PROPOSAL_CHOSEN && ST_HAS(m, "PARENT_I2")))
				sa = PLUTO_SA_CHILD;
			failed(v, sa, reason);
			if (sa == PLUTO_SA_CHILD && reason == PLUTO_REASON_AUTHENTICATION_FAILED &&
			    HAS(r, rn, "INVALID_ID_INFORMATION"))
				v->reason = PLUTO_REASON_TS_UNACCEPTABLE;
			return true;
		}
	}

	/* a responder asking for another group: the initiator retries with a new state */
	if (PFX(r, rn, "initiator guessed wrong keying material group")) {
		v->kind = V_NONE;
		v->quiet = true;
		return true;
	}

	/* ---- the responder's own causes ---- */
	if (PFX(r, rn, "no local proposal matches remote proposals")) {
		failed(v, HAS(r, rn, ":ESP") || HAS(r, rn, ":AH") ? PLUTO_SA_CHILD : PLUTO_SA_IKE,
		       PLUTO_REASON_NO_PROPOSAL_CHOSEN);
		return true;
	}
	if (PFX(r, rn, "no acceptable Oakley Transform")) {
		failed(v, PLUTO_SA_IKE, PLUTO_REASON_NO_PROPOSAL_CHOSEN);
		return true;
	}
	if (PFX(r, rn, "no acceptable Proposal in IPsec SA") ||
	    PFX(r, rn, "local policy requires Transport Mode but peer requires") ||
	    PFX(r, rn, "local policy requires Tunnel Mode but peer requires") ||
	    PFX(r, rn, "policy dictates Transport Mode, but peer requested") ||
	    PFX(r, rn, "policy dictates Tunnel Mode, but peer requested") ||
	    PFX(r, rn, "Unexpected IPCOMP request") ||
	    PFX(r, rn, "IKE_AUTH responder matching remote ESP/AH proposals failed")) {
		failed(v, PLUTO_SA_CHILD, PLUTO_REASON_NO_PROPOSAL_CHOSEN);
		return true;
	}
	if (PFX(r, rn, "cannot respond to IPsec SA request because no connection is known") ||
	    PFX(r, rn, "No IKEv2 connection found with compatible Traffic Selectors") ||
	    PFX(r, rn, "no IKEv2 connection found with compatible Traffic Selectors") ||
	    PFX(r, rn, "peer client subnet returned doesn't match my proposal") ||
	    (PFX(r, rn, "Child SA's Traffic Selector") &&
	     (HAS(r, rn, "TS_UNACCEPTABLE") || HAS(r, rn, "does not fit"))) ||
	    PFX(r, rn, "proposed Traffic Selectors do not match") ||
	    PFX(r, rn, "rekey: received Traffic Selectors") ||
	    PFX(r, rn, "Quick Mode request rejected; connection has no remote client selector")) {
		failed(v, PLUTO_SA_CHILD, PLUTO_REASON_TS_UNACCEPTABLE);
		return true;
	}
	if (PFX(r, rn, "Quick Mode request rejected") ||
	    PFX(r, rn, "leasing IPv4 address failed") ||
	    PFX(r, rn, "ERROR: netlink response for Add SA") ||
	    PFX(r, rn, "netlink response for Add SA") ||
	    PFX(r, rn, "leasing IPv6 address failed")) {
		failed(v, PLUTO_SA_CHILD, PLUTO_REASON_OTHER);
		return true;
	}
	/* authentication, either role */
	if (HAS(r, rn, "uthentication failed") || HAS(r, rn, "uthentication Failed") ||
	    PFX(r, rn, "AUTH mismatch") ||	/* 4.3 responder: "AUTH mismatch: Received ..." */
	    PFX(r, rn, "probable authentication failure") ||
	    PFX(r, rn, "received Hash Payload does not match computed value") ||
	    (PFX(r, rn, "Signature check") && HAS(r, rn, "failed")) ||
	    (PFX(r, rn, "RSA Signature check") && HAS(r, rn, "fai")) ||
	    PFX(r, rn, "Peer attempted NULL authentication") ||
	    PFX(r, rn, "no RSA public key known for") || PFX(r, rn, "No matching PSK found") ||
	    PFX(r, rn, "Can't find the certificate or private key") ||
	    PFX(r, rn, "unable to locate my private key") || PFX(r, rn, "DigSig: failed to find") ||
	    PFX(r, rn, "private key matching") || PFX(r, rn, "Received Cisco XAUTH status: FAIL") ||
	    PFX(r, rn, "legacy RSA-SHA1 is not allowed") ||
	    PFX(r, rn, "connection requires PPK, but we didn't find one") ||
	    PFX(r, rn, "Requested PPK_ID not found") ||
	    PFX(r, rn, "no matching (PPK_ID, PPK) found") ||
	    PFX(r, rn, "connection has ppk=insist but peer does not support PPK") ||
	    PFX(r, rn, "authentication method ") ||
	    (PFX(r, rn, "initial Aggressive Mode packet claiming to be from") &&
	     HAS(r, rn, "no connection has been authorized")) ||
	    (PFX(r, rn, "PAM: authentication of user") && !HAS(r, rn, "SUCCEEDED")) ||
	    PFX(r, rn, "XAUTH: User ") || PFX(r, rn, "XAUTH: aborting")) {
		if (PFX(r, rn, "XAUTH: aborting"))
			follower(v, PLUTO_SA_IKE, PLUTO_REASON_AUTHENTICATION_FAILED);
		else
			failed(v, PLUTO_SA_IKE, PLUTO_REASON_AUTHENTICATION_FAILED);
		return true;
	}
	/* certificate and identity checks: a responder may still switch to another connection,
	 * so these are the cause should the negotiation end (fatal error, deletion) */
	if (PFX(r, rn, "X509: ") || PFX(r, rn, "NSS ERROR: ") ||
	    PFX(r, rn, "ERROR: Peer's Certificate") || PFX(r, rn, "ERROR: Issuer certificate") ||
	    PFX(r, rn, "NSS: ERROR: IPsec certificate") ||
	    PFX(r, rn, "certificate revoked") || PFX(r, rn, "FIPS: ") ||
	    PFX(r, rn, "Peer public key SubjectAltName does not match") ||
	    PFX(r, rn, "Peer CERT payload SubjectAltName does not match") ||
	    PFX(r, rn, "certificate subjectAltName extension does not match") ||
	    PFX(r, rn, "certificate contains no subjectAltName") ||
	    PFX(r, rn, "peer certificate contains no subjectAltName") ||
	    PFX(r, rn, "peer certificate subjectAltName") ||
	    PFX(r, rn, "certificate does not contain") ||
	    PFX(r, rn, "No matching subjectAltName") ||
	    PFX(r, rn, "certificate payload rejected") ||
	    ((PFX(r, rn, "Certificate ") || PFX(r, rn, "certificate ")) &&
	     HAS(r, rn, "failed") && HAS(r, rn, "verification")) ||
	    ((PFX(r, rn, "ID_") || PFX(r, rn, "DER_ASN1_DN") || PFX(r, rn, "FQDN")) &&
	     HAS(r, rn, "does not match expected"))) {
		pending(v, PLUTO_SA_IKE, PLUTO_REASON_AUTHENTICATION_FAILED);
		return true;
	}

	/* ---- notifications sent or received (IKEv1 both ways, IKEv2 responses) ---- */
	if (PFX(r, rn, "responding to ") &&
	    notify_at(r, rn, " notification ", sizeof(" notification ") - 1, &reason, &name, &nl)) {
		if (NAME_IS(name, nl, "INVALID_KE_PAYLOAD") ||
		    NAME_IS(name, nl, "TEMPORARY_FAILURE") ||
		    NAME_IS(name, nl, "COOKIE") || NAME_IS(name, nl, "REDIRECT")) {
			v->kind = V_NONE;	/* the initiator retries */
			v->quiet = true;	/* with another state: this one's end is none */
		} else {
			enum pluto_event_sa sa = sa_of_child_reason(reason);

			if (HAS(r, rn, "CREATE_CHILD_SA"))
				sa = PLUTO_SA_CHILD;
			else if (HAS(r, rn, "IKE_SA_INIT") || HAS(r, rn, "SA_INIT"))
				sa = PLUTO_SA_IKE;
			follower(v, sa, reason);
		}
		return true;
	}
	if ((PFX(r, rn, "sending notification ") || PFX(r, rn, "sending encrypted notification ") ||
	     PFX(r, rn, "sending unencrypted notification ")) &&
	    notify_at(r, rn, "notification ", sizeof("notification ") - 1, &reason, &name, &nl)) {
		if (reason == PLUTO_REASON_OTHER && !NAME_IS(name, nl, "PAYLOAD_MALFORMED")) {
			v->kind = V_NONE;	/* INVALID_FLAGS, ...: stray packets */
		} else {
			follower(v, PLUTO_SA_IKE, reason);
			v->v1_phase = true;
			v->v1_id = NAME_IS(name, nl, "INVALID_ID_INFORMATION");
		}
		return true;
	}
	if (((PFX(r, rn, "ignoring informational payload ") ||
	      PFX(r, rn, "ignoring unsecured informational payload ") ||
	      PFX(r, rn, "ignoring secured informational payload ")) &&
	     notify_at(r, rn, "informational payload ", sizeof("informational payload ") - 1,
		       &reason, &name, &nl)) ||
	    (PFX(r, rn, "received and ignored notification payload: ") &&
	     notify_at(r, rn, "notification payload: ", sizeof("notification payload: ") - 1,
		       &reason, &name, &nl)) ||
	    (PFX(r, rn, "received and ignored informational message"))) {
		if (PFX(r, rn, "received and ignored informational message") ||
		    reason == PLUTO_REASON_OTHER) {
			v->kind = V_NONE;
		} else {
			pending(v, PLUTO_SA_IKE, reason);
			v->v1_phase = true;
			v->v1_id = NAME_IS(name, nl, "INVALID_ID_INFORMATION");
		}
		return true;
	}

	/* ---- consequences ---- */
	/* 5.x: an exchange of the IKE SA that never completed, "initiator/responder/response
	 * processor timeout after 60 seconds": the SA is deleted (revived if it must stay up) */
	if (HAS(r, rn, "processor timeout after ")) {
		follower(v, PLUTO_SA_IKE, PLUTO_REASON_OTHER);
		return true;
	}
	if (PFX(r, rn, "encountered fatal error in state ")) {
		struct msg sm = *m;

		sm.st = r + sizeof("encountered fatal error in state ") - 1;
		sm.st_len = rn - (sizeof("encountered fatal error in state ") - 1);
		follower(v, state_sa(&sm), PLUTO_REASON_OTHER);
		v->ike = state_ike(&sm);
		return true;
	}
	if (PFX(r, rn, "state transition ") && HAS(r, rn, "failed")) {
		reason = PLUTO_REASON_OTHER;
		(void)NOTIFY_AT(r, rn, "failed with ", &reason);
		follower(v, HAS(r, rn, "CHILD") || HAS(r, rn, "Child") ? PLUTO_SA_CHILD :
			 reason == PLUTO_REASON_AUTHENTICATION_FAILED ? PLUTO_SA_IKE :
									sa_of_child_reason(reason),
			 reason);
		return true;
	}
	return false;
}
