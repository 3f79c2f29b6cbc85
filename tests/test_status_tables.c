/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves the state tables alone (src/parse/status_tables.c): every state name of
 * pluto that this exporter relies on is found with its category, names are
 * matched whole (a longer or shorter name is unknown), stories match exactly
 * or, for the few families that carry details, by prefix; lookups never read
 * past the length given.
 */
#include "autoconfig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "parse/status_private.h"

static enum sa_category by_name(const char *name)
{
	const struct status_kind *k = status_kind_by_name(name, strlen(name));

	return k ? k->category : SA_CATEGORY_UNKNOWN;
}

static enum sa_category by_story(const char *story)
{
	const struct status_kind *k = status_kind_by_story(story, strlen(story));

	return k ? k->category : SA_CATEGORY_UNKNOWN;
}

static void test_names(void **state)
{
	static const struct {
		const char *name;
		enum sa_category category;
	} cases[] = {
		{ "STATE_MAIN_I1", SA_CATEGORY_HALF_OPEN },
		{ "STATE_MAIN_I4", SA_CATEGORY_ESTABLISHED_IKE },
		{ "STATE_QUICK_I2", SA_CATEGORY_ESTABLISHED_CHILD },
		{ "STATE_PARENT_I1", SA_CATEGORY_HALF_OPEN },
		{ "STATE_PARENT_I3", SA_CATEGORY_ESTABLISHED_IKE },
		{ "STATE_V2_PARENT_I1", SA_CATEGORY_HALF_OPEN },
		{ "STATE_V2_PARENT_I2", SA_CATEGORY_OPEN },
		{ "STATE_V2_ESTABLISHED_IKE_SA", SA_CATEGORY_ESTABLISHED_IKE },
		{ "STATE_V2_ESTABLISHED_CHILD_SA", SA_CATEGORY_ESTABLISHED_CHILD },
		{ "STATE_V2_IKE_AUTH_CHILD_I0", SA_CATEGORY_IGNORE },
		{ "IKE_SA_INIT_I", SA_CATEGORY_HALF_OPEN },
		{ "IKE_AUTH_I", SA_CATEGORY_OPEN },
		{ "ESTABLISHED_IKE_SA", SA_CATEGORY_ESTABLISHED_IKE },
		{ "ESTABLISHED_CHILD_SA", SA_CATEGORY_ESTABLISHED_CHILD },
		{ "NEW_CHILD_I1", SA_CATEGORY_OPEN_CHILD },
		{ "STATE_INFO", SA_CATEGORY_INFO },
		/* whole names only */
		{ "STATE_V2_ESTABLISHED_IKE_S", SA_CATEGORY_UNKNOWN },
		{ "STATE_V2_ESTABLISHED_IKE_SAX", SA_CATEGORY_UNKNOWN },
		{ "", SA_CATEGORY_UNKNOWN },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		if (by_name(cases[i].name) != cases[i].category)
			fail_msg("%s: %s", cases[i].name,
				 status_sa_category_to_string(by_name(cases[i].name)));
	/* the length given is all that is read: a prefix of a longer buffer */
	assert_int_equal(status_kind_by_name("STATE_MAIN_I4 (ISAKMP SA established)", 13)->category,
			 SA_CATEGORY_ESTABLISHED_IKE);
}

static void test_stories(void **state)
{
	assert_int_equal(by_story("established IKE SA"), SA_CATEGORY_ESTABLISHED_IKE);
	assert_int_equal(by_story("established Child SA"), SA_CATEGORY_ESTABLISHED_CHILD);
	assert_int_equal(by_story("IPsec SA established"), SA_CATEGORY_ESTABLISHED_CHILD);
	assert_int_equal(by_story("sent IKE_SA_INIT request"), SA_CATEGORY_HALF_OPEN);
	assert_int_equal(by_story("ISAKMP SA established"), SA_CATEGORY_ESTABLISHED_IKE);
	assert_int_equal(by_story("sent QI1, expecting QR1"), SA_CATEGORY_ESTABLISHED_CHILD);
	/* prefix families */
	assert_int_equal(by_story("XAUTH client - possibly awaiting CFG_request"),
			 SA_CATEGORY_ESTABLISHED_IKE);
	assert_int_equal(by_story("ModeCfg Reply sent"), SA_CATEGORY_ESTABLISHED_IKE);
	assert_int_equal(by_story("sent IKE_SESSION_RESUME request"), SA_CATEGORY_HALF_OPEN);
	/* exact stories only, outside those families */
	assert_int_equal(by_story("established IKE SA, maybe"), SA_CATEGORY_UNKNOWN);
	assert_int_equal(by_story("established"), SA_CATEGORY_UNKNOWN);
	assert_int_equal(by_story("XAUT"), SA_CATEGORY_UNKNOWN);
	assert_int_equal(status_kind_by_story("established IKE SA); REKEY in 9s", 18)->category,
			 SA_CATEGORY_ESTABLISHED_IKE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_stories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
