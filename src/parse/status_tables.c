/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * The names and stories of pluto's states in every version, and what each
 * says of the SA (FORMATS §10): pure data and its lookups, tested alone by
 * tests/test_status_tables.c. A state line names its state (up to 5.3) and
 * always tells its story; the name decides when it is known, the story
 * otherwise (5.4+ prints no name).
 */
#include "autoconfig.h"

#include "parse/status_private.h"

#define K(text, category, ike_version) { text, sizeof(text) - 1, category, ike_version }

/* State names of every version (FORMATS §10). */
static const struct status_kind state_names[] = {
	/* IKEv1, every version */
	K("STATE_MAIN_R0", SA_CATEGORY_HALF_OPEN, 1),
	K("STATE_MAIN_I1", SA_CATEGORY_HALF_OPEN, 1),
	K("STATE_AGGR_R0", SA_CATEGORY_HALF_OPEN, 1),
	K("STATE_AGGR_I1", SA_CATEGORY_HALF_OPEN, 1),
	K("STATE_MAIN_R1", SA_CATEGORY_OPEN, 1),
	K("STATE_MAIN_R2", SA_CATEGORY_OPEN, 1),
	K("STATE_MAIN_I2", SA_CATEGORY_OPEN, 1),
	K("STATE_MAIN_I3", SA_CATEGORY_OPEN, 1),
	K("STATE_AGGR_R1", SA_CATEGORY_OPEN, 1),
	K("STATE_MAIN_I4", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_MAIN_R3", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_AGGR_I2", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_AGGR_R2", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_XAUTH_I0", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_XAUTH_I1", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_XAUTH_R0", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_XAUTH_R1", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_MODE_CFG_I1", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_MODE_CFG_R1", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_MODE_CFG_R2", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_MODE_CFG_R0", SA_CATEGORY_INFO, 1),
	K("STATE_MODE_CFG_SERVER_WAITING_FOR_ACK", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("STATE_MODE_CFG_CLIENT_RESPONDING", SA_CATEGORY_ESTABLISHED_IKE, 1),
	/* pluto counts the unfinished Quick Mode states as established (sic) */
	K("STATE_QUICK_I1", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("STATE_QUICK_R0", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("STATE_QUICK_R1", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("STATE_QUICK_I2", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("STATE_QUICK_R2", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("STATE_INFO", SA_CATEGORY_INFO, 1),
	K("STATE_INFO_PROTECTED", SA_CATEGORY_INFO, 1),
	/* IKEv2, 3.x (and 4.0-4.4 for the PARENT names) */
	K("STATE_PARENT_I0", SA_CATEGORY_IGNORE, 2),
	K("STATE_PARENT_I1", SA_CATEGORY_HALF_OPEN, 2),
	K("STATE_PARENT_R0", SA_CATEGORY_HALF_OPEN, 2),
	K("STATE_PARENT_R1", SA_CATEGORY_HALF_OPEN, 2),
	K("STATE_PARENT_I2", SA_CATEGORY_OPEN, 2),
	K("STATE_PARENT_I3", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_PARENT_R2", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_CREATE_I0", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_CREATE_I", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_CREATE_R", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_IKE_I", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_IKE_R", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_CHILD_I", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_CHILD_R", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_IPSEC_I", SA_CATEGORY_ESTABLISHED_CHILD, 2),
	K("STATE_V2_IPSEC_R", SA_CATEGORY_ESTABLISHED_CHILD, 2),
	K("STATE_IKESA_DEL", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_CHILDSA_DEL", SA_CATEGORY_INFO, 2),
	/* IKEv2, 4.0-4.15 and 5.0 */
	K("STATE_V2_ESTABLISHED_IKE_SA", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_ESTABLISHED_CHILD_SA", SA_CATEGORY_ESTABLISHED_CHILD, 2),
	K("STATE_V2_IKE_AUTH_CHILD_I0", SA_CATEGORY_IGNORE, 2),
	K("STATE_V2_IKE_AUTH_CHILD_R0", SA_CATEGORY_IGNORE, 2),
	K("STATE_V2_NEW_CHILD_I0", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_NEW_CHILD_I1", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_NEW_CHILD_R0", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_CHILD_I0", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_CHILD_I1", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_CHILD_R0", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_IKE_I0", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_IKE_I1", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_REKEY_IKE_R0", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_PARENT_I0", SA_CATEGORY_IGNORE, 2),
	K("STATE_V2_PARENT_I1", SA_CATEGORY_HALF_OPEN, 2),
	K("STATE_V2_PARENT_R0", SA_CATEGORY_HALF_OPEN, 2),
	K("STATE_V2_PARENT_R1", SA_CATEGORY_HALF_OPEN, 2),
	K("STATE_V2_PARENT_R_EAP", SA_CATEGORY_OPEN, 2),
	K("STATE_V2_PARENT_I2", SA_CATEGORY_OPEN, 2),
	K("STATE_V2_IKE_SA_DELETE", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_CHILD_SA_DELETE", SA_CATEGORY_INFO, 2),
	/* IKEv2, 5.1+ */
	K("IKE_SA_INIT_I0", SA_CATEGORY_IGNORE, 2),
	K("IKE_SA_INIT_I", SA_CATEGORY_HALF_OPEN, 2),
	K("IKE_SA_INIT_R0", SA_CATEGORY_HALF_OPEN, 2),
	K("IKE_SA_INIT_R", SA_CATEGORY_HALF_OPEN, 2),
	K("IKE_SA_INIT_IR", SA_CATEGORY_OPEN, 2),
	K("IKE_INTERMEDIATE_I", SA_CATEGORY_OPEN, 2),
	K("IKE_INTERMEDIATE_IR", SA_CATEGORY_OPEN, 2),
	K("IKE_INTERMEDIATE_R", SA_CATEGORY_OPEN, 2),
	K("IKE_AUTH_EAP_R", SA_CATEGORY_OPEN, 2),
	K("IKE_AUTH_I", SA_CATEGORY_OPEN, 2),
	K("IKE_SESSION_RESUME_I0", SA_CATEGORY_IGNORE, 2),
	K("IKE_SESSION_RESUME_I", SA_CATEGORY_HALF_OPEN, 2),
	K("IKE_SESSION_RESUME_R0", SA_CATEGORY_HALF_OPEN, 2),
	K("IKE_SESSION_RESUME_R", SA_CATEGORY_HALF_OPEN, 2),
	K("IKE_SESSION_RESUME_IR", SA_CATEGORY_HALF_OPEN, 2),
	K("UNSECURED_R", SA_CATEGORY_HALF_OPEN, 2),
	K("NEW_CHILD_I0", SA_CATEGORY_IGNORE, 2),
	K("NEW_CHILD_R0", SA_CATEGORY_OPEN_CHILD, 2),
	K("NEW_CHILD_I1", SA_CATEGORY_OPEN_CHILD, 2),
	K("REKEY_CHILD_I0", SA_CATEGORY_IGNORE, 2),
	K("REKEY_CHILD_R0", SA_CATEGORY_OPEN_CHILD, 2),
	K("REKEY_CHILD_I1", SA_CATEGORY_OPEN_CHILD, 2),
	K("REKEY_IKE_I0", SA_CATEGORY_IGNORE, 2),
	K("REKEY_IKE_R0", SA_CATEGORY_OPEN, 2),
	K("REKEY_IKE_I1", SA_CATEGORY_OPEN_CHILD, 2),
	K("REKEY_IKE_FOLLOWUP_KE_I0", SA_CATEGORY_OPEN, 2),
	K("REKEY_IKE_FOLLOWUP_KE_I1", SA_CATEGORY_OPEN, 2),
	K("REKEY_IKE_FOLLOWUP_KE_R0", SA_CATEGORY_OPEN, 2),
	K("ESTABLISHED_IKE_SA", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("ESTABLISHED_CHILD_SA", SA_CATEGORY_ESTABLISHED_CHILD, 2),
	K("ZOMBIE", SA_CATEGORY_ESTABLISHED_IKE, 2),
};

/*
 * Stories, used when there is no name (5.4+) or the name is not in the
 * table. Exact stories first; prefixes below.
 */
static const struct status_kind state_stories[] = {
	/* IKEv1 (3.x, 4.x, 5.x wordings) */
	K("expecting MI1", SA_CATEGORY_HALF_OPEN, 1),
	K("sent MI1, expecting MR1", SA_CATEGORY_HALF_OPEN, 1),
	K("expecting AI1", SA_CATEGORY_HALF_OPEN, 1),
	K("sent AI1, expecting AR1", SA_CATEGORY_HALF_OPEN, 1),
	K("expecting Main Mode request", SA_CATEGORY_HALF_OPEN, 1),
	K("sent Main Mode request", SA_CATEGORY_HALF_OPEN, 1),
	K("expecting Aggressive Mode request", SA_CATEGORY_HALF_OPEN, 1),
	K("sent Aggressive Mode request", SA_CATEGORY_HALF_OPEN, 1),
	K("sent MR1, expecting MI2", SA_CATEGORY_OPEN, 1),
	K("sent MR2, expecting MI3", SA_CATEGORY_OPEN, 1),
	K("sent MI2, expecting MR2", SA_CATEGORY_OPEN, 1),
	K("sent MI3, expecting MR3", SA_CATEGORY_OPEN, 1),
	K("sent AR1, expecting AI2", SA_CATEGORY_OPEN, 1),
	K("sent Main Mode R1", SA_CATEGORY_OPEN, 1),
	K("sent Main Mode R2", SA_CATEGORY_OPEN, 1),
	K("sent Main Mode I2", SA_CATEGORY_OPEN, 1),
	K("sent Main Mode I3", SA_CATEGORY_OPEN, 1),
	K("sent Aggressive Mode response, expecting confirmation", SA_CATEGORY_OPEN, 1),
	K("ISAKMP SA established", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("sent MR3, ISAKMP SA established", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("sent AI2, ISAKMP SA established", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("IKE SA established", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("sent ModeCfg request", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("sent ModeCfg reply, expecting Ack", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("received ModeCfg Ack", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("received ModeCfg request, reply sent", SA_CATEGORY_INFO, 1),
	K("sent QI1, expecting QR1", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("expecting QI1", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("sent QR1, inbound IPsec SA installed, expecting QI2", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("sent QI2, IPsec SA established", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("sent Quick Mode request", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("expecting Quick Mode request", SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("sent Quick Mode reply, inbound IPsec SA installed, expecting confirmation",
	  SA_CATEGORY_ESTABLISHED_CHILD, 1),
	K("got Informational Message in clear", SA_CATEGORY_INFO, 1),
	K("got encrypted Informational Message", SA_CATEGORY_INFO, 1),
	K("received unencrypted Informational Exchange message", SA_CATEGORY_INFO, 1),
	K("received encrypted Informational Exchange message", SA_CATEGORY_INFO, 1),
	/* both IKE versions */
	K("IPsec SA established", SA_CATEGORY_ESTABLISHED_CHILD, 0),
	/* IKEv2 */
	K("waiting for KE to finish", SA_CATEGORY_IGNORE, 2),
	K("sent v2I1, expected v2R1", SA_CATEGORY_HALF_OPEN, 2),
	K("received v2I1, sent v2R1", SA_CATEGORY_HALF_OPEN, 2),
	K("processing SA_INIT request", SA_CATEGORY_HALF_OPEN, 2),
	K("sent v2I2, expected v2R2", SA_CATEGORY_OPEN, 2),
	K("PARENT SA established", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("received v2I2, PARENT SA established", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("sent IKE_SA_INIT request", SA_CATEGORY_HALF_OPEN, 2),
	K("processing IKE_SA_INIT request", SA_CATEGORY_HALF_OPEN, 2),
	K("sent IKE_SA_INIT reply", SA_CATEGORY_HALF_OPEN, 2),
	K("sent IKE_SA_INIT (or IKE_INTERMEDIATE) response", SA_CATEGORY_HALF_OPEN, 2),
	K("sent IKE_SA_INIT response", SA_CATEGORY_HALF_OPEN, 2),
	K("sent IKE_SA_INIT response, waiting for IKE_INTERMEDIATE or IKE_AUTH request",
	  SA_CATEGORY_HALF_OPEN, 2),
	K("larval unsecured IKE SA responder", SA_CATEGORY_HALF_OPEN, 2),
	K("processed IKE_SA_INIT response", SA_CATEGORY_OPEN, 2),
	K("processed IKE_SA_INIT response, preparing IKE_INTERMEDIATE or IKE_AUTH request",
	  SA_CATEGORY_OPEN, 2),
	K("sent IKE_INTERMEDIATE request", SA_CATEGORY_OPEN, 2),
	K("processed IKE_INTERMEDIATE response, initiating IKE_INTERMEDIATE or IKE_AUTH",
	  SA_CATEGORY_OPEN, 2),
	K("sent IKE_INTERMEDIATE response", SA_CATEGORY_OPEN, 2),
	K("sent IKE_INTERMEDIATE response, waiting for IKE_INTERMEDIATE or IKE_AUTH request",
	  SA_CATEGORY_OPEN, 2),
	K("sent IKE_AUTH(EAP) response", SA_CATEGORY_OPEN, 2),
	K("sent IKE_AUTH(EAP) response, waiting for IKE_AUTH(EAP) request", SA_CATEGORY_OPEN, 2),
	K("sent EAP request", SA_CATEGORY_OPEN, 2),
	K("sent IKE_AUTH request", SA_CATEGORY_OPEN, 2),
	K("established IKE SA", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("established Child SA", SA_CATEGORY_ESTABLISHED_CHILD, 2),
	K("deleted state", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_V2_NEW_CHILD_I0", SA_CATEGORY_IGNORE, 2),
	K("STATE_V2_NEW_CHILD_R0", SA_CATEGORY_OPEN_CHILD, 2),
	K("sent CREATE_CHILD_SA request for new IPsec SA", SA_CATEGORY_OPEN_CHILD, 2),
	K("STATE_V2_REKEY_CHILD_I0", SA_CATEGORY_IGNORE, 2),
	K("STATE_V2_REKEY_CHILD_R0", SA_CATEGORY_OPEN_CHILD, 2),
	K("sent CREATE_CHILD_SA request to rekey IPsec SA", SA_CATEGORY_OPEN_CHILD, 2),
	K("STATE_V2_REKEY_IKE_I0", SA_CATEGORY_IGNORE, 2),
	K("STATE_V2_REKEY_IKE_R0", SA_CATEGORY_OPEN, 2),
	K("sent CREATE_CHILD_SA request to rekey IKE SA", SA_CATEGORY_OPEN, 2),
	K("sent IKE_FOLLOWUP_KE request to rekey IKE SA", SA_CATEGORY_OPEN, 2),
	K("process IKE_FOLLOWUP_KE rekey IKE SA request (larval)", SA_CATEGORY_OPEN, 2),
	K("STATE_IKESA_DEL", SA_CATEGORY_ESTABLISHED_IKE, 2),
	K("STATE_CHILDSA_DEL", SA_CATEGORY_INFO, 2),
};

static const struct status_kind state_story_prefixes[] = {
	K("XAUTH", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("ModeCfg", SA_CATEGORY_ESTABLISHED_IKE, 1),
	K("sent IKE_SESSION_RESUME", SA_CATEGORY_HALF_OPEN, 2),
	K("processing IKE_SESSION_RESUME", SA_CATEGORY_HALF_OPEN, 2),
	K("processed IKE_SESSION_RESUME", SA_CATEGORY_HALF_OPEN, 2),
};

#undef K

static const struct status_kind *lookup(const struct status_kind *t, size_t n, const char *text,
					size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].len == len && memcmp(t[i].text, text, len) == 0)
			return &t[i];
	return NULL;
}

const struct status_kind *status_kind_by_name(const char *name, size_t len)
{
	return lookup(state_names, ELEMENTSOF(state_names), name, len);
}

const struct status_kind *status_kind_by_story(const char *story, size_t len)
{
	const struct status_kind *k = lookup(state_stories, ELEMENTSOF(state_stories), story, len);

	for (size_t i = 0; !k && i < ELEMENTSOF(state_story_prefixes); i++)
		if (len >= state_story_prefixes[i].len &&
		    memcmp(story, state_story_prefixes[i].text, state_story_prefixes[i].len) == 0)
			k = &state_story_prefixes[i];
	return k;
}
