/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */

/*
 * Proves that the parsers read every real Libreswan output in the reference
 * corpus ($CORPUS_DIR, the expected consoles of Libreswan's own test suite at
 * several tags; skipped with exit 77 when it is absent):
 *  - every block of every tag goes through its parser (status, showstates and
 *    connectionstatus -> parse_status; trafficstatus -> parse_traffic;
 *    globalstatus -> parse_global) without a crash or sanitizer report, and
 *    whole-buffer, odd-sized-chunk and line-by-line parsing agree;
 *  - on unfiltered status/connectionstatus blocks, the parsed connections equal
 *    "Total IPsec connections: loaded N", and the categories of the parsed
 *    states give the printed "IKE SAs:" half-open / open /
 *    authenticated+anonymous and "IPsec SAs: total" numbers; the few consoles
 *    that cannot match are listed below with the reason, and the test fails if
 *    one of them starts matching or another block stops matching;
 *  - on unfiltered trafficstatus blocks, every non-blank line yields exactly
 *    one SA whose serial, name, instance chain and byte counters equal what an
 *    independent POSIX regex of the trafficstatus line extracts;
 *  - on every status/connectionstatus block, each connection line that names
 *    certificates (3.x/4.x "mycert=...; hiscert|peercert=...;" on the
 *    "oriented;" line, 5.x on a line of their own) gives the parsed connection
 *    of that name and instance exactly the nicknames an independent POSIX regex
 *    reads (when the block lists that connection);
 *  - in unfiltered blocks, the only unrecognised lines carry test-suite
 *    placeholders. Per tag it prints the unrecognised-line rate and the kinds.
 */
#include "autoconfig.h"

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fixture_util.h"
#include "parse/parse_global.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"
#include "lib/util.h"

/* Consoles whose printed counts cannot match what they list, and why. */
struct known_mismatch {
	const char *tag;
	const char *file;
	const char *reason;
};

static const struct known_mismatch known_mismatches[] = {
	{ "v3.25", "ikev2-09-rw-oe-rsa--status--road-3.txt",
	  "stale console from 3.14 (test_status=unlisted): its 'IKE SAs:' line lacks open() and "
	  "does not add up (total(2) = 0+0+1), and 'IPsec SAs: total(0)' although the state list "
	  "shows #2 as an IPsec SA with parent isakmp#1" },
	{ "v3.25", "ikev2-09-rw-oe-rsa--trafficstatus--road-2.txt",
	  "stale console from 3.14 (test_status=unlisted) sanitised by an old rule to "
	  "'add_time=XXXX': not a real trafficstatus line; the independent regex rejects it too" },
};

static const struct known_mismatch *find_known(const char *tag, const char *file)
{
	for (size_t i = 0; i < ELEMENTSOF(known_mismatches); i++)
		if (streq(known_mismatches[i].tag, tag) && streq(known_mismatches[i].file, file))
			return &known_mismatches[i];
	return NULL;
}

#define MAX_KINDS 16
#define MAX_EXAMPLES 3

struct kind_stat {
	const char *kind;
	uint64_t count;
	char examples[MAX_EXAMPLES][160];
	size_t n_examples;
};

struct tag_stat {
	char tag[32];
	uint64_t blocks, lines, unrecognised, unrecognised_unfiltered;
	uint64_t status_checked, traffic_checked, traffic_sas, certs_checked;
	uint64_t family_right, family_unknown;
	struct kind_stat kinds[MAX_KINDS];
	size_t n_kinds;
};

struct corpus_ctx {
	regex_t traffic_re;
	regex_t cert_re;
	uint64_t failures;
	uint64_t known_seen;
};

static void note_kind(struct tag_stat *t, const char *kind, const char *file, const char *line,
		      size_t len)
{
	struct kind_stat *k = NULL;

	for (size_t i = 0; i < t->n_kinds; i++)
		if (streq(t->kinds[i].kind, kind))
			k = &t->kinds[i];
	if (!k) {
		if (t->n_kinds == MAX_KINDS)
			return;
		k = &t->kinds[t->n_kinds++];
		k->kind = kind;
	}
	k->count++;
	if (k->n_examples < MAX_EXAMPLES) {
		snprintf(k->examples[k->n_examples++], sizeof(k->examples[0]), "%.40s: %.*s", file,
			 (int)(len > 100 ? 100 : len), line);
	}
}

static bool has_placeholder(const char *line, size_t len)
{
	static const char *const marks[] = { "XX",    "YYYYY", ":PORT", ":EPHEM",
					     "SPIi@", "nn,",   "REQID" };
	char buf[LINE_MAX_LEN + 1];

	if (len > LINE_MAX_LEN)
		len = LINE_MAX_LEN;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(marks); i++)
		if (strstr(buf, marks[i]))
			return true;
	return false;
}

enum cmd {
	CMD_STATUS,
	CMD_TRAFFIC,
	CMD_GLOBAL,
	CMD_OTHER,
};

struct block {
	struct corpus_ctx *ctx;
	struct tag_stat *tag;
	const char *file;
	enum cmd cmd;
	bool filtered;
	struct status_summary *status;
	struct traffic_list *traffic;
	struct global_list *global;
	uint64_t traffic_lines;	/* non-blank SA lines seen */
	bool traffic_bad;
};

static uint64_t match_u64(const char *line, const regmatch_t *m)
{
	uint64_t v = 0;

	if (m->rm_so < 0 || safe_atou64_n(line + m->rm_so, (size_t)(m->rm_eo - m->rm_so), &v) < 0)
		return UINT64_MAX;
	return v;
}

static bool match_eq(const char *line, const regmatch_t *m, const char *s)
{
	size_t n = (size_t)(m->rm_eo - m->rm_so);

	return m->rm_so >= 0 && strlen(s) == n && memcmp(line + m->rm_so, s, n) == 0;
}

/*
 * A connection line that names certificates: the parsed connection of that name and instance
 * (if the block lists it) must carry exactly the nicknames the regex reads.
 */
static void check_cert_line(struct block *b, const char *line)
{
	regmatch_t m[12];
	const struct status_conn *c = NULL;

	if (!strstr(line, "cert=") || regexec(&b->ctx->cert_re, line, ELEMENTSOF(m), m, 0) != 0 ||
	    (m[7].rm_so < 0 && m[9].rm_so < 0))
		return;
	for (size_t i = 0; i < b->status->n_conns && !c; i++)
		if (match_eq(line, &m[2], b->status->conns[i].name) &&
		    match_eq(line, &m[3], b->status->conns[i].instance))
			c = &b->status->conns[i];
	if (!c)
		return;	/* filtered out of the block */
	b->tag->certs_checked++;
	if ((m[8].rm_so < 0 ? c->cert != NULL : !(c->cert && match_eq(line, &m[8], c->cert))) ||
	    (m[11].rm_so < 0 ? c->peer_cert != NULL :
			       !(c->peer_cert && match_eq(line, &m[11], c->peer_cert)))) {
		print_message("corpus: %s/%s: parser and regex disagree on the certificates of: "
			      "%s\n", b->tag->tag, b->file, line);
		b->ctx->failures++;
	}
}

/* Compare the SA the parser just added with the regex's reading of the same line. */
static void check_traffic_line(struct block *b, const char *line, size_t before)
{
	regmatch_t m[26];
	const struct traffic_sa *sa;
	const char *p = line;
	bool ok;

	while (*p == ' ')
		p++;
	if (*p == '\0' || strstr(line, "no such connection") || strstr(line, "no connection or"))
		return;
	if (startswith(line, "-bash: ") || startswith(line, "bash: "))
		return;	/* not whack output; reported with the unrecognised lines */
	b->traffic_lines++;
	if (regexec(&b->ctx->traffic_re, line, ELEMENTSOF(m), m, 0) != 0) {
		if (!find_known(b->tag->tag, b->file))
			print_message("corpus: %s/%s: regex does not match: %s\n", b->tag->tag,
				      b->file, line);
		b->traffic_bad = true;
		return;
	}
	if (b->traffic->n_sas != before + 1) {
		print_message("corpus: %s/%s: no SA from: %s\n", b->tag->tag, b->file, line);
		b->traffic_bad = true;
		return;
	}
	sa = &b->traffic->sas[before];
	ok = sa->serial == match_u64(line, &m[3]) && match_eq(line, &m[4], sa->conn) &&
	     match_eq(line, &m[5], sa->instance) && match_eq(line, &m[11], sa->type) &&
	     sa->add_time == match_u64(line, &m[14]) && sa->has_in_bytes == (m[16].rm_so >= 0) &&
	     sa->has_out_bytes == (m[18].rm_so >= 0) &&
	     (!sa->has_in_bytes || sa->in_bytes == match_u64(line, &m[16])) &&
	     (!sa->has_out_bytes || sa->out_bytes == match_u64(line, &m[18])) &&
	     (m[10].rm_so < 0 ? !sa->username
			      : (sa->username && match_eq(line, &m[10], sa->username))) &&
	     (m[23].rm_so < 0 ? !sa->id : (sa->id && match_eq(line, &m[23], sa->id))) &&
	     (m[25].rm_so < 0 ? !sa->lease : (sa->lease && match_eq(line, &m[25], sa->lease)));
	if (!ok) {
		print_message("corpus: %s/%s: parser and regex disagree on: %s\n", b->tag->tag,
			      b->file, line);
		b->traffic_bad = true;
	}
}

static void block_line_cb(void *userdata, char *line, size_t len, unsigned flags)
{
	struct block *b = userdata;
	const char *kind;
	size_t before;
	int r = 0;

	b->tag->lines++;
	switch (b->cmd) {
	case CMD_STATUS:
		r = parser_parse_line(&b->status->parser, line, len);
		check_cert_line(b, line);
		break;
	case CMD_TRAFFIC:
		before = b->traffic->n_sas;
		r = parser_parse_line(&b->traffic->parser, line, len);
		if (!b->filtered)
			check_traffic_line(b, line, before);
		break;
	case CMD_GLOBAL:
		r = parser_parse_line(&b->global->parser, line, len);
		break;
	case CMD_OTHER:
		break;
	}
	if (r >= 0)
		return;
	b->tag->unrecognised++;
	if (has_placeholder(line, len))
		kind = "test-suite placeholder (XX, :PORT, :EPHEM, nn)";
	else if (startswith(line, "-bash: ") || startswith(line, "bash: "))
		kind = "shell error in the console (not whack output)";
	else if (b->filtered)
		kind = "post-processed by the test (grep/sed) in a filtered block";
	else
		kind = "OTHER (unexpected)";
	if (!b->filtered)
		b->tag->unrecognised_unfiltered++;
	if (!b->filtered && streq(kind, "OTHER (unexpected)") &&
	    !find_known(b->tag->tag, b->file)) {
		print_message("corpus: %s/%s: unrecognised: %.*s\n", b->tag->tag, b->file, (int)len,
			      line);
		b->ctx->failures++;
	}
	note_kind(b->tag, kind, b->file, line, len);
}

/* Parsed categories against the printed Total / IKE SAs / IPsec SAs lines; true if equal. */
static bool status_counts_match(const struct status_summary *s, char *why, size_t why_len)
{
	uint64_t half_open = 0, open = 0, est = 0, child = 0;

	for (size_t i = 0; i < s->n_states; i++)
		switch (s->states[i].category) {
		case SA_CATEGORY_HALF_OPEN:
			half_open++;
			break;
		case SA_CATEGORY_OPEN:
			open++;
			break;
		case SA_CATEGORY_ESTABLISHED_IKE:
			est++;
			break;
		case SA_CATEGORY_ESTABLISHED_CHILD:
			child++;
			break;
		case SA_CATEGORY_UNKNOWN:
		case SA_CATEGORY_IGNORE:
		case SA_CATEGORY_OPEN_CHILD:
		case SA_CATEGORY_INFO:
			break;
		}
	if (s->has_total && s->loaded != s->n_conns) {
		snprintf(why, why_len, "loaded %llu, parsed %zu connections",
			 (unsigned long long)s->loaded, s->n_conns);
		return false;
	}
	if (s->has_ike_sas && (s->ike_half_open != half_open || s->ike_open != open ||
			       s->ike_authenticated + s->ike_anonymous != est)) {
		snprintf(why, why_len, "IKE SAs printed %llu/%llu/%llu, parsed %llu/%llu/%llu",
			 (unsigned long long)s->ike_half_open, (unsigned long long)s->ike_open,
			 (unsigned long long)(s->ike_authenticated + s->ike_anonymous),
			 (unsigned long long)half_open, (unsigned long long)open,
			 (unsigned long long)est);
		return false;
	}
	if (s->has_ipsec_sas && s->ipsec_total != child) {
		snprintf(why, why_len, "IPsec SAs printed %llu, parsed %llu",
			 (unsigned long long)s->ipsec_total, (unsigned long long)child);
		return false;
	}
	return true;
}

/* Same block through *_parse() and through odd-sized chunks: same result. */
static void check_incremental(struct block *b, const char *body, size_t len)
{
	size_t chunk = 1 + len % 13;
	bool same = true;

	switch (b->cmd) {
	case CMD_STATUS: {
		struct status_summary *w = status_parse(body, len);
		struct status_summary *c = status_summary_new();

		for (size_t off = 0; off < len; off += chunk)
			parser_feed(&c->parser, body + off, len - off < chunk ? len - off : chunk);
		parser_finish(&c->parser);
		same = w->n_conns == b->status->n_conns && c->n_conns == w->n_conns &&
		       w->n_states == b->status->n_states && c->n_states == w->n_states &&
		       w->parse_errors == b->status->parse_errors &&
		       c->parse_errors == w->parse_errors && w->loaded == c->loaded &&
		       w->family == c->family;
		status_summary_free(w);
		status_summary_free(c);
		break;
	}
	case CMD_TRAFFIC: {
		struct traffic_list *w = traffic_parse(body, len);
		struct traffic_list *c = traffic_list_new();

		for (size_t off = 0; off < len; off += chunk)
			parser_feed(&c->parser, body + off, len - off < chunk ? len - off : chunk);
		parser_finish(&c->parser);
		same = w->n_sas == b->traffic->n_sas && c->n_sas == w->n_sas &&
		       w->parse_errors == b->traffic->parse_errors &&
		       c->parse_errors == w->parse_errors;
		traffic_list_free(w);
		traffic_list_free(c);
		break;
	}
	case CMD_GLOBAL: {
		struct global_list *w = global_parse(body, len);

		same = w->n_entries == b->global->n_entries &&
		       w->parse_errors == b->global->parse_errors;
		global_list_free(w);
		break;
	}
	case CMD_OTHER:
		break;
	}
	if (!same) {
		print_message("corpus: %s/%s: whole, chunked and line-by-line parses differ\n",
			      b->tag->tag, b->file);
		b->ctx->failures++;
	}
}

/* A count check's verdict, with the known mismatches taken into account. */
static void judge(struct corpus_ctx *ctx, const struct tag_stat *t, const char *file, bool match,
		  const char *why)
{
	const struct known_mismatch *km = find_known(t->tag, file);

	if (km && match) {
		print_message("corpus: %s/%s is listed as a known mismatch but matches\n", t->tag,
			      file);
		ctx->failures++;
	} else if (km) {
		print_message("corpus: known mismatch %s/%s (%s): %s\n", t->tag, file, why,
			      km->reason);
		ctx->known_seen++;
	} else if (!match) {
		print_message("corpus: %s/%s: %s\n", t->tag, file, why);
		ctx->failures++;
	}
}

static const char *family_text(enum status_family f)
{
	switch (f) {
	case STATUS_FAMILY_UNKNOWN:
		return "unknown";
	case STATUS_FAMILY_3:
		return "3.x";
	case STATUS_FAMILY_4:
		return "4.x";
	case STATUS_FAMILY_5:
		return "5.x";
	}
	return "?";
}

static void run_block(struct corpus_ctx *ctx, struct tag_stat *t, const char *dir,
		      const char *file, const char *command, bool filtered, const char *family)
{
	struct block b = { .ctx = ctx, .tag = t, .file = file, .filtered = filtered };
	struct line_reader lr;
	char path[PATH_MAX + 64], base[64], why[256];
	const char *body;
	size_t len = 0, dash;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	buf = fixture_read(path, &len);
	if (!buf) {
		print_message("corpus: cannot read %s\n", path);
		ctx->failures++;
		return;
	}
	/* the first line is "# cmd: ..." */
	body = buf;
	if (startswith(buf, "# cmd:")) {
		const char *nl = memchr(buf, '\n', len);

		body = nl ? nl + 1 : buf + len;
	}
	len -= (size_t)(body - buf);

	dash = strcspn(command, "-");
	snprintf(base, sizeof(base), "%.*s", (int)dash, command);
	if (streq(base, "status") || streq(base, "showstates") || streq(base, "connectionstatus"))
		b.cmd = CMD_STATUS;
	else if (streq(base, "trafficstatus"))
		b.cmd = CMD_TRAFFIC;
	else if (streq(base, "globalstatus"))
		b.cmd = CMD_GLOBAL;
	else
		b.cmd = CMD_OTHER;
	b.status = status_summary_new();
	b.traffic = traffic_list_new();
	b.global = global_list_new();
	t->blocks++;

	line_reader_init(&lr);
	line_reader_feed(&lr, body, len, block_line_cb, &b);
	line_reader_finish(&lr, block_line_cb, &b);
	check_incremental(&b, body, len);

	/* the release-family heuristics (3.x, 4.x, 5.x) on whole outputs: right, or undecided */
	if (b.cmd == CMD_STATUS && !filtered) {
		const char *got = family_text(b.status->family);

		if (streq(got, family))
			t->family_right++;
		else if (b.status->family == STATUS_FAMILY_UNKNOWN)
			t->family_unknown++;
		else {
			print_message("corpus: %s/%s: family %s, parsed as %s\n", t->tag, file,
				      family, got);
			ctx->failures++;
		}
	}
	if (b.cmd == CMD_STATUS && !filtered && !streq(base, "showstates")) {
		t->status_checked++;
		judge(ctx, t, file, status_counts_match(b.status, why, sizeof(why)), why);
	}
	if (b.cmd == CMD_TRAFFIC && !filtered) {
		t->traffic_checked++;
		t->traffic_sas += b.traffic->n_sas;
		snprintf(why, sizeof(why), "%llu SA lines, %zu SAs parsed%s",
			 (unsigned long long)b.traffic_lines, b.traffic->n_sas,
			 b.traffic_bad ? ", regex disagrees" : "");
		judge(ctx, t, file, !b.traffic_bad && b.traffic->n_sas == b.traffic_lines, why);
	}
	status_summary_free(b.status);
	traffic_list_free(b.traffic);
	global_list_free(b.global);
	free(buf);
}

/* Columns of manifest.tsv: file version family test host command filtered test_status ... */
static void run_tag(struct corpus_ctx *ctx, struct tag_stat *t, const char *dir)
{
	char path[PATH_MAX + 64];
	size_t len = 0;
	char *manifest, *line, *save = NULL;
	bool header = true;

	snprintf(path, sizeof(path), "%s/manifest.tsv", dir);
	manifest = fixture_read(path, &len);
	if (!manifest)
		return;
	for (line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *col[8] = { 0 };
		char *p = line;
		size_t n = 0;

		if (header) {
			header = false;
			continue;
		}
		while (n < ELEMENTSOF(col)) {
			col[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (n < 7) {
			print_message("corpus: %s: short manifest row\n", t->tag);
			ctx->failures++;
			continue;
		}
		run_block(ctx, t, dir, col[0], col[5], streq(col[6], "yes"), col[2]);
	}
	free(manifest);
}

static int cmp_names(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static void report(const struct tag_stat *t)
{
	print_message("corpus: %-6s %4llu blocks, %6llu lines, %llu unrecognised (%.3f%%; %llu in "
		      "unfiltered blocks); %llu status blocks counted, %llu trafficstatus blocks "
		      "(%llu SAs) compared; %llu certificate lines compared; family right on %llu "
		      "unfiltered status blocks, undecided on %llu\n",
		      t->tag, (unsigned long long)t->blocks, (unsigned long long)t->lines,
		      (unsigned long long)t->unrecognised,
		      t->lines ? 100.0 * (double)t->unrecognised / (double)t->lines : 0.0,
		      (unsigned long long)t->unrecognised_unfiltered,
		      (unsigned long long)t->status_checked, (unsigned long long)t->traffic_checked,
		      (unsigned long long)t->traffic_sas, (unsigned long long)t->certs_checked,
		      (unsigned long long)t->family_right,
		      (unsigned long long)t->family_unknown);
	for (size_t i = 0; i < t->n_kinds; i++) {
		print_message("corpus:        %5llu x %s\n", (unsigned long long)t->kinds[i].count,
			      t->kinds[i].kind);
		for (size_t k = 0; k < t->kinds[i].n_examples; k++)
			print_message("corpus:                e.g. %s\n", t->kinds[i].examples[k]);
	}
}

static void test_corpus(void **state)
{
	const char *root = *state;
	struct corpus_ctx ctx = { 0 };
	char *names[64];
	size_t n_names = 0;
	struct dirent *de;
	DIR *d;
	int r;

	r = regcomp(&ctx.traffic_re,
		    "^(([0-9]{3}) )?#([0-9]+): \"([^\"]*)\"((\\[[0-9]+\\])*)( ([^,]*))?(, "
		    "username=(.*))?, "
		    "type=(ESP|AH|IPCOMP|UNKNOWN)(\\((nic-offload|esp-hw-offload)=[A-Za-z]+\\))?, "
		    "add_time=([0-9]+)(, inBytes=([0-9]+))?(, outBytes=([0-9]+))?(, "
		    "maxBytes=(2\\^63|[0-9]+(Ki|Mi|Gi|Ti|Pi|Ei)?)B)?(, id='(.*)')?(, "
		    "lease=([0-9a-fA-F:./,]+))?$",
		    REG_EXTENDED);
	assert_int_equal(r, 0);
	r = regcomp(&ctx.cert_re,
		    "^([0-9]{3} )?\"([^\"]*)\"((\\[[0-9]+\\])*): +((un)?oriented; my_ip=[^;]*; "
		    "their_ip=[^;]*; )?(mycert=([^;]*);)?( ?(hiscert|peercert)=([^;]*);)?",
		    REG_EXTENDED);
	assert_int_equal(r, 0);

	d = opendir(root);
	assert_non_null(d);
	while ((de = readdir(d)) && n_names < ELEMENTSOF(names))
		if (de->d_name[0] == 'v')
			names[n_names++] = xstrdup(de->d_name);
	closedir(d);
	qsort(names, n_names, sizeof(names[0]), cmp_names);
	assert_true(n_names > 0);

	for (size_t i = 0; i < n_names; i++) {
		struct tag_stat *t = xcalloc(1, sizeof(*t));
		char dir[PATH_MAX];

		snprintf(t->tag, sizeof(t->tag), "%s", names[i]);
		snprintf(dir, sizeof(dir), "%s/%s", root, names[i]);
		run_tag(&ctx, t, dir);
		report(t);
		free(t);
		free(names[i]);
	}
	print_message("corpus: %llu failures, %llu known mismatches (listed above)\n",
		      (unsigned long long)ctx.failures, (unsigned long long)ctx.known_seen);
	regfree(&ctx.traffic_re);
	regfree(&ctx.cert_re);
	assert_int_equal(ctx.failures, 0);
}

int main(void)
{
	const char *root = getenv("CORPUS_DIR");
	struct stat st;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_corpus, (void *)root),
	};

	if (!root || stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		printf("SKIP: no reference corpus (CORPUS_DIR=%s is not a directory): set "
		       "CORPUS_DIR to "
		       "a corpus of captured outputs (doc/HACKING.md)\n",
		       root ? root : "(unset)");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
