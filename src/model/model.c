/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2026 The libreswan_exporter authors */
#include "autoconfig.h"

#include <netinet/in.h>

#include "parse/lines.h"
#include "lib/metrics.h"
#include "model/model.h"
#include "parse/parse_kernel.h"
#include "parse/parse_status.h"
#include "parse/parse_traffic.h"
#include "lib/strbuf.h"
#include "lib/util.h"

/*
 * Counter semantics (SPEC §3):
 *  - a connection's byte counter = retired + sum over its live SAs of
 *    (base + last raw value);
 *  - an SA that disappears from trafficstatus adds its final value to its
 *    connection's retired total (a rekey creates a new serial from 0);
 *  - 3.x/4.x print inBytes (and before 4.8 outBytes) through a 32-bit
 *    unsigned: when the same serial's value goes down, base += 2^32;
 *  - a 64-bit value that goes down on the same serial, or a serial that
 *    comes back with another connection or add_time (pluto restarted and
 *    reused it), is a new SA: the old one is retired first.
 * So the counter never decreases while the exporter runs.
 *
 * The kernel's packet and error counters follow the same rule, per kernel SA
 * (struct model_ksa, keyed by protocol, SPI and destination): kernel counters
 * are 64-bit, so a value that goes down, or another add_time under the same
 * identity (an SA deleted and added again with the same SPI), is a new SA.
 */

#define WRAP_32 (UINT64_C(1) << 32)

struct model *model_new(const struct model_options *opt)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->opt = *opt;
	m->conns = (struct hashmap)HASHMAP_INIT_BORROWED;
	m->sas = (struct hashmap)HASHMAP_INIT_BORROWED;
	m->other_user.name = xstrdup("_other");
	return m;
}

static struct model_conn *conn_free(struct model_conn *c)
{
	if (!c)
		return NULL;
	free(c->local);
	free(c->remote);
	free(c);
	return NULL;
}

static void sa_free(struct model_sa *s)
{
	free(s->username);
	free(s);
}

static void ksa_free(struct model_ksa *k)
{
	free(k->conn_key);
	free(k);
}

static void child_kernel_clear(struct model *m)
{
	size_t i = 0;
	void *v;

	while (hashmap_next(&m->child_kernel, &i, NULL, &v))
		free(v);
	hashmap_clear(&m->child_kernel);
}

static void user_free(struct model_user *u)
{
	free(u->name);
	free(u->lease);
	free(u->conn_key);
	free(u);
}

struct model *model_free(struct model *m)
{
	size_t i = 0;
	void *v;

	if (!m)
		return NULL;
	while (hashmap_next(&m->conns, &i, NULL, &v))
		conn_free(v);
	i = 0;
	while (hashmap_next(&m->sas, &i, NULL, &v))
		sa_free(v);
	i = 0;
	while (hashmap_next(&m->users, &i, NULL, &v))
		user_free(v);
	i = 0;
	while (hashmap_next(&m->ksas, &i, NULL, &v))
		ksa_free(v);
	child_kernel_clear(m);
	hashmap_clear(&m->ksas);
	hashmap_clear(&m->conns);
	free(m->sorted);
	free(m->created);
	hashmap_clear(&m->sas);
	hashmap_clear(&m->users);
	hashmap_clear(&m->groups);
	free(m->other_user.name);
	free(m->other_user.lease);
	free(m->other_user.conn_key);
	strbuf_release(&m->keybuf);
	strbuf_release(&m->labelbuf);
	strbuf_release(&m->prefetchbuf);
	free(m);
	return NULL;
}

const char *model_conn_kind_to_string(enum conn_kind k)
{
	switch (k) {
	case CONN_KIND_STATIC:
		return "static";
	case CONN_KIND_TEMPLATE:
		return "template";
	case CONN_KIND_GROUP:
		return "group";
	}
	return "static";
}

const char *model_event_to_string(enum model_event e)
{
	switch (e) {
	case MODEL_EVENT_REKEY:
		return "rekey";
	case MODEL_EVENT_REPLACE:
		return "replace";
	case MODEL_EVENT_EXPIRE:
		return "expire";
	case _MODEL_EVENT_MAX:
		break;
	}
	return "?";
}

/* Length of the connection name a (name) folds into: a group member GROUP#SUBNET folds into GROUP. */
static size_t fold_len(const struct model *m, const char *name)
{
	const char *hash = strchr(name, '#');

	/* A group member is named GROUP#SUBNET; fold it when GROUP is a loaded group. */
	if (hash && hash != name && m->groups.n_items > 0) {
		char prefix[LINE_MAX_LEN + 1];
		size_t n = (size_t)(hash - name);

		if (n <= LINE_MAX_LEN) {
			memcpy(prefix, name, n);
			prefix[n] = '\0';
			if (hashmap_get(&m->groups, prefix))
				return n;
		}
	}
	return strlen(name);
}

/* Write the map key of (name, instance) into sb: the folded name, plus \x1f and the instance label
 * with per-instance series. Returns the length of the base name within it. */
static size_t conn_map_key_into(const struct model *m, struct strbuf *sb, const char *name, const char *instance)
{
	size_t base_len = fold_len(m, name);

	strbuf_reset(sb);
	strbuf_append(sb, name, base_len);
	if (m->opt.per_instance && (name[base_len] || (instance && instance[0]))) {
		strbuf_putc(sb, '\x1f');
		strbuf_puts(sb, name + base_len);
		strbuf_puts(sb, instance ? instance : "");
	}
	return base_len;
}

void model_fold_name(const struct model *m, const char *name, const char *instance, char **ret_base,
		     char **ret_instance)
{
	size_t base_len = fold_len(m, name);

	*ret_base = xstrndup(name, base_len);
	if (m->opt.per_instance) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_puts(&sb, name + base_len);
		strbuf_puts(&sb, instance ? instance : "");
		*ret_instance = strbuf_detach(&sb, NULL);
	} else {
		*ret_instance = xstrdup("");
	}
}

static void conn_reset_cycle(struct model_conn *c)
{
	c->loaded = false;
	c->have_info = false;
	c->expected_up = false;
	c->instances = 0;
	c->ike_established = 0;
	c->child_established = 0;
	c->traffic_sas = 0;
	c->live_in = 0;
	c->live_out = 0;
	c->newest_add_time = 0;
	for (size_t i = 0; i < _MODEL_EVENT_MAX; i++)
		c->ike_timer[i] = c->child_timer[i] = MODEL_TIMER_NONE;
	c->lastdpd = MODEL_TIMER_NONE;
	c->lastlive = MODEL_TIMER_NONE;
	c->kernel_joined = false;
	c->kernel_sas = 0;
	c->kernel_sas_missing = 0;
	c->kernel_policies_known = false;
	memset(c->kernel_policies, 0, sizeof(c->kernel_policies));
	memset(c->live_packets, 0, sizeof(c->live_packets));
	memset(c->live_errors, 0, sizeof(c->live_errors));
}

/*
 * A new connection for the map key in m->keybuf (its base name is the first base_len bytes):
 * the connection and its strings are one allocation, whose key the map borrows.
 */
static struct model_conn *conn_new(struct model *m, size_t base_len)
{
	struct strbuf *k = &m->keybuf;
	bool has_instance = base_len < k->len;
	const char *instance = has_instance ? k->buf + base_len + 1 : "";
	size_t instance_len = has_instance ? k->len - base_len - 1 : 0;
	struct model_conn *c;
	char sep = k->buf[base_len];
	char *p;

	/* the label set, formatted in scratch from the base name (cut off in place for a moment) */
	k->buf[base_len] = '\0';
	{
		struct metric_label l[2] = { { "connection", k->buf }, { "conn_instance", instance } };

		strbuf_reset(&m->labelbuf);
		metrics_format_labels(&m->labelbuf, l, m->opt.per_instance ? 2 : 1);
	}
	k->buf[base_len] = sep;

	/* key \0 instance \0 [map_key \0] labels \0: the map key is the key when there is no instance */
	c = xmalloc(sizeof(*c) + base_len + 1 + instance_len + 1 + (has_instance ? k->len + 1 : 0) +
		    m->labelbuf.len + 1);
	memset(c, 0, sizeof(*c));
	p = c->strings;
	c->key = p;
	memcpy(p, k->buf, base_len);
	p[base_len] = '\0';
	p += base_len + 1;
	c->instance = p;
	memcpy(p, instance, instance_len + 1);
	p += instance_len + 1;
	if (has_instance) {
		c->map_key = p;
		memcpy(p, k->buf, k->len + 1);
		p += k->len + 1;
	} else {
		c->map_key = c->key;
	}
	c->labels = p;
	c->labels_len = m->labelbuf.len;
	memcpy(p, m->labelbuf.buf, m->labelbuf.len + 1);
	c->sorted_pos = SIZE_MAX;
	conn_reset_cycle(c);
	return c;
}

/* The connection was listed, or has SAs, in this cycle: counted once. */
static void conn_touch(struct model *m, struct model_conn *c)
{
	if (c->cycle != m->cycle) {
		c->cycle = m->cycle;
		m->conns_touched++;
	}
}

/* How far past the cursor a look-up searches the sorted list before it hashes. */
#define CURSOR_REACH 8

/*
 * The connection with this map key, if the sorted list has it at or just after the cursor. Pluto
 * lists connections, states and SAs sorted by connection name, so the next record's connection is
 * usually the last one found or one of the next few: comparing a few neighbours in memory order
 * costs less than a random access into the map. Only an accelerator: a miss (a connection not
 * sorted in yet, another order) goes to the map.
 */
static struct model_conn *conn_near_cursor(struct model *m, const char *map_key)
{
	size_t end;

	if (m->conns_removed)
		return NULL;	/* the list may hold freed connections until it is sorted again */
	end = m->cursor + CURSOR_REACH < m->n_sorted ? m->cursor + CURSOR_REACH : m->n_sorted;
	for (size_t i = m->cursor; i < end; i++) {
		int r = strcmp(m->sorted[i]->map_key, map_key);

		if (r == 0) {
			m->cursor = i;
			return m->sorted[i];
		}
		if (r > 0)
			break;
	}
	return NULL;
}

/* Look up the connection a (name, instance) pair folds into; create it if asked. No allocation
 * unless it creates: this runs for every connection line, state and SA of every cycle. */
static struct model_conn *conn_lookup(struct model *m, const char *name, const char *instance, bool create)
{
	size_t base_len = conn_map_key_into(m, &m->keybuf, name, instance);
	struct model_conn *c;

	/* a connection's states and SAs come one after the other: no hashing for the same again */
	if (m->last_lookup && streq(m->last_lookup->map_key, m->keybuf.buf))
		return m->last_lookup;
	c = conn_near_cursor(m, m->keybuf.buf);
	if (!c) {
		c = hashmap_get(&m->conns, m->keybuf.buf);
		if (c && c->sorted_pos != SIZE_MAX)
			m->cursor = c->sorted_pos;
	}
	if (c)
		m->last_lookup = c;
	if (c || !create)
		return c;
	c = conn_new(m, base_len);
	xgrow((void **)&m->created, &m->alloc_created, m->n_created + 1, sizeof(*m->created));
	m->created[m->n_created++] = c;
	(void)hashmap_put(&m->conns, c->map_key, c);
	return c;
}

static void min_timer(int64_t *slot, int64_t v)
{
	if (v == STATUS_TIMER_NONE)
		return;
	if (*slot == MODEL_TIMER_NONE || v < *slot)
		*slot = v;
}

static bool is_wildcard_host(const char *h)
{
	return h && (streq(h, "%any") || startswith(h, "%opportunistic") || streq(h, "%group"));
}

/* The connection's description from its own status entry; kept (same strings) when unchanged. */
static void set_info(struct model_conn *c, const struct status_conn *sc)
{
	const char *local = sc->local_host ? sc->local_host : "";
	const char *remote = sc->remote_host ? sc->remote_host : "";
	enum conn_kind kind;

	if (sc->policy_group)
		kind = CONN_KIND_GROUP;
	else if (sc->policy_groupinstance || is_wildcard_host(sc->remote_host))
		kind = CONN_KIND_TEMPLATE;
	else
		kind = CONN_KIND_STATIC;
	if (c->local && c->ike_version == sc->ike_version && c->kind == kind && streq(c->local, local) &&
	    streq(c->remote, remote))
		return;
	c->ike_version = sc->ike_version;
	c->kind = kind;
	free(c->local);
	free(c->remote);
	c->local = xstrdup(local);
	c->remote = xstrdup(remote);
	c->info_version++;
}

static void sort_conns(struct model *m);

/* How many keys ahead a loop of look-ups asks for its map slot. */
#define PREFETCH_KEYS 4

/* Room for a decimal uint64_t and its NUL. */
#define SERIAL_KEY_MAX 21

/* The connection list: which connections are loaded, and what they are. */
static void apply_status_conns(struct model *m, const struct status_summary *st)
{
	/* room for every connection listed, so that a first cycle does not rehash as it goes */
	hashmap_reserve(&m->conns, st->n_conns);

	/* Group definitions first: members fold into them. */
	hashmap_clear(&m->groups);
	for (size_t i = 0; i < st->n_conns; i++)
		if (st->conns[i].policy_group && !st->conns[i].instance[0])
			(void)hashmap_put(&m->groups, st->conns[i].name, (void *)1);

	for (size_t i = 0; i < st->n_conns; i++) {
		const struct status_conn *sc = &st->conns[i];
		bool is_instance = sc->instance[0] != '\0', is_self;
		struct model_conn *c;

		/* With no sorted list yet (a first cycle), every look-up goes to the map: ask for the slot
		 * of the one a few on while this one is made. */
		if (m->n_sorted == 0 && i + PREFETCH_KEYS < st->n_conns) {
			(void)conn_map_key_into(m, &m->prefetchbuf, st->conns[i + PREFETCH_KEYS].name,
						st->conns[i + PREFETCH_KEYS].instance);
			hashmap_prefetch(&m->conns, m->prefetchbuf.buf);
		}
		c = conn_lookup(m, sc->name, sc->instance, true);
		is_self = streq(c->key, sc->name) && (!is_instance || m->opt.per_instance);

		c->loaded = true;
		conn_touch(m, c);
		if (sc->policy_up)
			c->expected_up = true;
		if (is_instance && !m->opt.per_instance)
			c->instances++;
		if (!is_self)
			continue;
		/* The template, group or static connection itself describes the series. */
		c->have_info = true;
		set_info(c, sc);
	}
}

/* The states: what is established, and its timers. */
static void apply_states(struct model *m, const struct status_summary *st)
{
	for (size_t i = 0; i < st->n_states; i++) {
		const struct status_state *ss = &st->states[i];
		struct model_conn *c = conn_lookup(m, ss->conn, ss->instance, false);
		int64_t *timers;

		if (!c)
			continue;
		if (ss->is_child && ss->category == SA_CATEGORY_ESTABLISHED_CHILD) {
			c->child_established++;
			timers = c->child_timer;
		} else if (!ss->is_child && ss->category == SA_CATEGORY_ESTABLISHED_IKE) {
			c->ike_established++;
			timers = c->ike_timer;
			if (ss->lastdpd != STATUS_TIMER_NONE && ss->lastdpd >= 0)
				min_timer(&c->lastdpd, ss->lastdpd);
			if (ss->lastlive != STATUS_TIMER_NONE && ss->lastlive >= 0)
				min_timer(&c->lastlive, ss->lastlive);
		} else {
			continue;
		}
		min_timer(&timers[MODEL_EVENT_REKEY], ss->rekey_in);
		min_timer(&timers[MODEL_EVENT_REPLACE], ss->replace_in);
		min_timer(&timers[MODEL_EVENT_EXPIRE], ss->expire_in);
	}
}

static void apply_status(struct model *m, const struct status_summary *st)
{
	apply_status_conns(m, st);
	/* the states' look-ups follow the sorted list: new connections join it now */
	sort_conns(m);
	m->cursor = 0;
	/* A connection with live instances is a template even if its peer is a fixed address. */
	for (size_t i = 0; i < m->n_sorted; i++)
		if (m->sorted[i]->instances > 0 && m->sorted[i]->kind == CONN_KIND_STATIC)
			m->sorted[i]->kind = CONN_KIND_TEMPLATE;
	apply_states(m, st);
}

static struct model_user *user_lookup(struct model *m, const char *name, bool create)
{
	struct model_user *u = hashmap_get(&m->users, name);

	if (u || !create)
		return u;
	if (m->users.n_items >= m->opt.max_users)
		return &m->other_user;
	u = xcalloc(1, sizeof(*u));
	u->name = xstrdup(name);
	(void)hashmap_put(&m->users, name, u);
	return u;
}

/* A new SA, with its strings in the same allocation. */
static struct model_sa *sa_new(uint64_t serial, const char *key, const char *conn_key)
{
	size_t key_size = strlen(key) + 1, conn_key_size = strlen(conn_key) + 1;
	struct model_sa *s = xmalloc(sizeof(*s) + key_size + conn_key_size);

	*s = (struct model_sa){ .serial = serial };
	memcpy(s->strings, key, key_size);
	memcpy(s->strings + key_size, conn_key, conn_key_size);
	s->key = s->strings;
	s->conn_key = s->strings + key_size;
	return s;
}

/* Move an SA's final values into its connection's (and user's) retired totals. */
static void sa_retire(struct model *m, struct model_sa *s)
{
	struct model_conn *c;

	/* conn_key is the map key of the connection (base plus instance). */
	c = hashmap_get(&m->conns, s->conn_key);
	if (c) {
		c->retired_in += s->in_base + s->last_in;
		c->retired_out += s->out_base + s->last_out;
	}
	if (s->username && m->opt.per_user) {
		struct model_user *u = hashmap_get(&m->users, s->username);

		if (!u)
			u = &m->other_user;
		u->retired_in += s->in_base + s->last_in;
		u->retired_out += s->out_base + s->last_out;
	}
}

/*
 * Take a new raw byte value of one SA. A value that went down is a 32-bit wrap
 * when the format prints 32 bits (add 2^32 to the base), otherwise a replaced
 * kernel SA (retire what it had, start again from 0).
 */
static void track_bytes(uint64_t *last, uint64_t *base, uint64_t *retired, uint64_t now, bool wraps32)
{
	if (now < *last) {
		if (wraps32 && *last < WRAP_32) {
			*base += WRAP_32;
		} else {
			*retired += *base + *last;
			*base = 0;
		}
	}
	*last = now;
}

/* hashmap_remove_if(): an SA trafficstatus no longer lists is retired and dropped. */
static bool sa_gone(const char *key, void *value, void *userdata)
{
	struct model *m = userdata;
	struct model_sa *s = value;

	if (s->cycle == m->cycle)
		return false;
	sa_retire(m, s);
	sa_free(s);
	return true;
}

/* The decimal serial in buf (the SAs' map key): returns where it starts. */
static const char *serial_key_of(char buf[static SERIAL_KEY_MAX], uint64_t serial)
{
	char *p = buf + SERIAL_KEY_MAX - 1;

	*p = '\0';
	do {
		*--p = (char)('0' + serial % 10);
		serial /= 10;
	} while (serial);
	return p;
}

static void apply_traffic(struct model *m, const struct traffic_list *t)
{
	char serial_key[SERIAL_KEY_MAX], key_ahead[SERIAL_KEY_MAX];
	size_t listed = 0;	/* SAs in the map that this list names */

	hashmap_reserve(&m->sas, t->n_sas);
	m->cursor = 0;
	for (size_t i = 0; i < t->n_sas; i++) {
		const struct traffic_sa *sa = &t->sas[i];
		bool in32 = t->prefixed;
		bool out32 = t->prefixed && !sa->has_max_bytes;
		const char *map_key, *key;
		struct model_conn *c;
		struct model_sa *s;

		if (i + PREFETCH_KEYS < t->n_sas)
			hashmap_prefetch(&m->sas, serial_key_of(key_ahead, t->sas[i + PREFETCH_KEYS].serial));
		c = conn_lookup(m, sa->conn, sa->instance, true);
		map_key = c->map_key;
		c->traffic_sas++;
		conn_touch(m, c);
		key = serial_key_of(serial_key, sa->serial);
		s = hashmap_get(&m->sas, key);
		if (s && (!streq(s->conn_key, map_key) ||
			  (s->add_time && sa->add_time && s->add_time != sa->add_time) || s->cycle == m->cycle)) {
			/* The serial was reused (pluto restarted) or listed twice: a different SA. */
			if (s->cycle == m->cycle)
				listed--;	/* counted when it was listed first; it goes now */
			sa_retire(m, s);
			sa_free(hashmap_remove(&m->sas, key));
			s = NULL;
		}
		if (!s) {
			s = sa_new(sa->serial, key, map_key);
			s->username = sa->username ? xstrdup(sa->username) : NULL;
			(void)hashmap_put(&m->sas, s->key, s);
		}
		if (s->cycle != m->cycle)
			listed++;
		s->conn = c;
		if (sa->has_in_bytes)
			track_bytes(&s->last_in, &s->in_base, &c->retired_in, sa->in_bytes, in32);
		if (sa->has_out_bytes)
			track_bytes(&s->last_out, &s->out_base, &c->retired_out, sa->out_bytes, out32);
		if (sa->add_time)
			s->add_time = sa->add_time;
		s->cycle = m->cycle;
		if (m->opt.per_user && sa->username) {
			struct model_user *u = user_lookup(m, sa->username, true);

			if (sa->lease) {
				free(u->lease);
				u->lease = xstrdup(sa->lease);
			}
			if (!u->conn_key)
				u->conn_key = xstrdup(c->key);
			u->cycle = m->cycle;
		}
	}

	/* SAs that are gone: retire them (none when the list named every SA of the map). */
	if (listed < m->sas.n_items)
		(void)hashmap_remove_if(&m->sas, sa_gone, m);
}

/*
 * The kernel's view.
 *
 * An index of a snapshot's SAs by identity (open addressing over their
 * positions), so that the join costs no allocation per SA.
 */
struct kindex {
	uint32_t *slots;	/* position + 1; 0 = empty */
	size_t mask;
};

#define KINDEX_NONE SIZE_MAX

static void kindex_build(struct kindex *ix, const struct kernel_snapshot *k)
{
	size_t n = 16;

	while (n < 2 * k->n_sas)
		n *= 2;
	ix->slots = xcalloc(n, sizeof(*ix->slots));
	ix->mask = n - 1;
	for (size_t i = 0; i < k->n_sas && i < UINT32_MAX - 1; i++) {
		size_t h;

		if (k->sas[i].id.family == 0)
			continue;	/* no address: cannot be joined */
		h = (size_t)sa_id_hash(&k->sas[i].id) & ix->mask;
		while (ix->slots[h])
			h = (h + 1) & ix->mask;
		ix->slots[h] = (uint32_t)i + 1;
	}
}

static size_t kindex_find(const struct kindex *ix, const struct kernel_snapshot *k, const struct sa_id *id)
{
	size_t h = (size_t)sa_id_hash(id) & ix->mask;

	for (; ix->slots[h]; h = (h + 1) & ix->mask)
		if (sa_id_equal(&k->sas[ix->slots[h] - 1].id, id))
			return ix->slots[h] - 1;
	return KINDEX_NONE;
}

/* reqid -> connection, for the policies (which carry no SPI). Open addressing, no deletion. */
struct reqmap {
	uint32_t *keys;		/* 0 = empty (reqid 0 is never a connection's) */
	struct model_conn **conns;
	size_t mask;
	size_t n;
};

static void reqmap_put(struct reqmap *r, uint32_t reqid, struct model_conn *c)
{
	size_t h;

	if (reqid == 0)
		return;
	if (2 * (r->n + 1) > r->mask + 1 || !r->keys) {
		struct reqmap bigger = { 0 };
		size_t n = r->keys ? 2 * (r->mask + 1) : 64;

		bigger.keys = xcalloc(n, sizeof(*bigger.keys));
		bigger.conns = xcalloc(n, sizeof(*bigger.conns));
		bigger.mask = n - 1;
		for (size_t i = 0; r->keys && i <= r->mask; i++)
			if (r->keys[i])
				reqmap_put(&bigger, r->keys[i], r->conns[i]);
		free(r->keys);
		free(r->conns);
		*r = bigger;
	}
	h = (reqid * UINT64_C(0x9E3779B97F4A7C15)) >> 7 & r->mask;
	while (r->keys[h] && r->keys[h] != reqid)
		h = (h + 1) & r->mask;
	if (!r->keys[h])
		r->n++;
	r->keys[h] = reqid;
	r->conns[h] = c;
}

static struct model_conn *reqmap_get(const struct reqmap *r, uint32_t reqid)
{
	size_t h;

	if (!r->keys || reqid == 0)
		return NULL;
	h = (reqid * UINT64_C(0x9E3779B97F4A7C15)) >> 7 & r->mask;
	for (; r->keys[h]; h = (h + 1) & r->mask)
		if (r->keys[h] == reqid)
			return r->conns[h];
	return NULL;
}

/* Move a kernel SA's last values into its connection's retired totals. */
static void ksa_retire(struct model *m, struct model_ksa *s)
{
	struct model_conn *c = hashmap_get(&m->conns, s->conn_key);

	if (c) {
		c->retired_packets[!s->inbound] += s->packets;
		for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
			c->retired_errors[e] += s->errors[e];
	}
	s->packets = 0;
	memset(s->errors, 0, sizeof(s->errors));
}

/* Take the kernel's current values of a tracked SA; a replaced SA is retired first. */
static void ksa_update(struct model *m, struct model_ksa *s, const struct kernel_sa *k)
{
	bool replaced = s->add_time != k->add_time || k->packets < s->packets;

	for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
		replaced = replaced || k->errors[e] < s->errors[e];
	if (replaced) {
		ksa_retire(m, s);
		s->add_time = k->add_time;
	}
	s->packets = k->packets;
	memcpy(s->errors, k->errors, sizeof(s->errors));
	s->reqid = k->reqid;
	s->cycle = m->cycle;
}

/* The tracked entry of a kernel SA joined to connection c; created (from zero) when new. */
static struct model_ksa *ksa_claim(struct model *m, const struct sa_id *id, const struct model_conn *c, bool inbound)
{
	char key[SA_ID_KEY_MAX];
	struct model_ksa *s = hashmap_get(&m->ksas, sa_id_key(id, key));

	if (s && !streq(s->conn_key, c->map_key)) {
		/* the SPI now belongs to another connection: a different SA */
		ksa_retire(m, s);
		ksa_free(hashmap_remove(&m->ksas, key));
		s = NULL;
	}
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->id = *id;
		s->conn_key = xstrdup(c->map_key);
		s->inbound = inbound;
		(void)hashmap_put(&m->ksas, key, s);
	}
	return s;
}

static void child_kernel_add(struct model *m, uint64_t serial, bool inbound, const struct kernel_sa *k)
{
	char buf[SERIAL_KEY_MAX];
	const char *key = serial_key_of(buf, serial);
	struct model_child_kernel *ck;

	ck = hashmap_get(&m->child_kernel, key);
	if (!ck) {
		ck = xcalloc(1, sizeof(*ck));
		(void)hashmap_put(&m->child_kernel, key, ck);
	}
	ck->packets[!inbound] += k->packets;
	for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
		ck->errors[e] += k->errors[e];
}

/* reqids of a connection's SAs: Libreswan numbers them from a base, AH +0, ESP +1, IPComp +2. */
static void reqmap_put_base(struct reqmap *r, uint32_t base, struct model_conn *c)
{
	/* manual reqids (<= 0x3fff) are the same for every SA of the bundle */
	for (uint32_t d = 0; d <= (base > 0x3fff ? 2u : 0u); d++)
		reqmap_put(r, base + d, c);
}

/* Join pluto's established Child SAs (their SAIDs) to the kernel's SAs. */
static void join_kernel(struct model *m, const struct status_summary *st, const struct kernel_snapshot *k,
			const struct kindex *ix, bool *claimed, struct reqmap *reqs)
{
	size_t it = 0;
	void *v;

	while (hashmap_next(&m->conns, &it, NULL, &v)) {
		struct model_conn *c = v;

		c->kernel_joined = c->loaded;
	}
	for (size_t i = 0; i < st->n_conns; i++) {
		struct model_conn *c;

		if (!st->conns[i].reqid)
			continue;
		c = conn_lookup(m, st->conns[i].name, st->conns[i].instance, false);
		if (c)
			reqmap_put_base(reqs, st->conns[i].reqid, c);
	}
	for (size_t i = 0; i < st->n_saids; i++) {
		const struct status_said *sd = &st->saids[i];
		const struct status_state *ss;
		struct model_conn *c;
		size_t pos;

		if (sd->state == SIZE_MAX)
			continue;
		ss = &st->states[sd->state];
		if (!ss->is_child || ss->category != SA_CATEGORY_ESTABLISHED_CHILD)
			continue;
		c = conn_lookup(m, ss->conn, ss->instance, false);
		if (!c)
			continue;
		pos = kindex_find(ix, k, &sd->id);
		if (pos == KINDEX_NONE) {
			c->kernel_sas_missing++;
			continue;
		}
		if (claimed[pos])
			continue;	/* listed twice: counted once */
		claimed[pos] = true;
		c->kernel_sas++;
		(void)ksa_claim(m, &sd->id, c, sd->inbound);
		reqmap_put(reqs, k->sas[pos].reqid, c);
		if (m->opt.per_sa)
			child_kernel_add(m, sd->serial, sd->inbound, &k->sas[pos]);
	}
}

/* Count the kernel's policies of every connection whose reqids are known. */
static void count_policies(struct model *m, const struct kernel_snapshot *k, const struct reqmap *reqs)
{
	for (size_t i = 0; reqs->keys && i <= reqs->mask; i++)
		if (reqs->keys[i])
			reqs->conns[i]->kernel_policies_known = true;
	for (size_t i = 0; i < k->n_policies; i++) {
		const struct kernel_policy *p = &k->policies[i];
		struct model_conn *counted[KERNEL_POLICY_MAX_TMPL];
		unsigned n = 0;

		for (unsigned t = 0; t < p->n_reqids; t++) {
			struct model_conn *c = reqmap_get(reqs, p->reqids[t]);
			bool dup = false;

			if (!c)
				continue;
			for (unsigned j = 0; j < n; j++)
				dup = dup || counted[j] == c;
			if (dup)
				continue;
			counted[n++] = c;
			c->kernel_policies[p->dir]++;
		}
	}
}

struct ksa_refresh_ctx {
	struct model *m;
	const struct kernel_snapshot *k;
	const struct kindex *ix;
};

/* hashmap_remove_if(): a tracked SA takes the kernel's values, or is retired and dropped when gone. */
static bool ksa_refresh(const char *key, void *value, void *userdata)
{
	const struct ksa_refresh_ctx *c = userdata;
	struct model_ksa *s = value;
	size_t pos = kindex_find(c->ix, c->k, &s->id);

	if (pos != KINDEX_NONE) {
		ksa_update(c->m, s, &c->k->sas[pos]);
		return false;
	}
	ksa_retire(c->m, s);
	ksa_free(s);
	return true;
}

static void apply_kernel(struct model *m, const struct status_summary *st, const struct kernel_snapshot *k)
{
	struct kindex ix;
	struct reqmap reqs = { 0 };
	bool *claimed = xcalloc(k->n_sas + 1, sizeof(*claimed));

	m->ever_kernel = true;
	m->kernel = (struct model_kernel_totals){ .valid = true, .joined = st != NULL };
	child_kernel_clear(m);
	kindex_build(&ix, k);
	if (st)
		join_kernel(m, st, k, &ix, claimed, &reqs);

	/* Every tracked SA takes the kernel's values, or is retired when the kernel dropped it. */
	(void)hashmap_remove_if(&m->ksas, ksa_refresh, &(struct ksa_refresh_ctx){ m, k, &ix });

	/* Only ESP, AH and IPComp SAs are IPsec SAs here (IPComp's IP-in-IP helper SAs are not). */
	for (size_t i = 0; i < k->n_sas; i++) {
		const struct kernel_sa *sa = &k->sas[i];
		bool ipsec = sa->id.proto == IPPROTO_ESP || sa->id.proto == IPPROTO_AH || sa->id.proto == IPPROTO_COMP;
		bool larval = !sa->keyed || sa->id.spi == 0;

		if (!ipsec)
			continue;
		m->kernel.larval += larval;
		if (st && !claimed[i] && !larval)
			m->kernel.unclaimed++;
	}
	count_policies(m, k, &reqs);
	free(reqs.keys);
	free(reqs.conns);
	free(ix.slots);
	free(claimed);
}

/* Sum the tracked kernel SAs into their connections. */
static void sum_kernel_live(struct model *m)
{
	size_t it = 0;
	void *v;

	while (hashmap_next(&m->ksas, &it, NULL, &v)) {
		struct model_ksa *s = v;
		struct model_conn *c = hashmap_get(&m->conns, s->conn_key);

		if (!c)
			continue;
		c->kernel_tracked = true;
		c->live_packets[!s->inbound] += s->packets;
		for (size_t e = 0; e < _KERNEL_ERROR_MAX; e++)
			c->live_errors[e] += s->errors[e];
	}
}

/* Sum the live SAs into their connections and users. */
static void sum_live(struct model *m)
{
	size_t it = 0;
	void *v;

	while (hashmap_next(&m->users, &it, NULL, &v)) {
		struct model_user *u = v;

		u->live_in = u->live_out = 0;
		u->sas = 0;
	}
	m->other_user.live_in = m->other_user.live_out = 0;
	m->other_user.sas = 0;

	it = 0;
	while (hashmap_next(&m->sas, &it, NULL, &v)) {
		struct model_sa *s = v;
		/* listed this cycle: it knows its connection; kept from before (no trafficstatus now): look it up */
		struct model_conn *c = s->cycle == m->cycle ? s->conn : hashmap_get(&m->conns, s->conn_key);

		if (c) {
			c->live_in += s->in_base + s->last_in;
			c->live_out += s->out_base + s->last_out;
			if (s->add_time > c->newest_add_time)
				c->newest_add_time = s->add_time;
		}
		if (s->username && m->opt.per_user) {
			struct model_user *u = hashmap_get(&m->users, s->username);

			if (!u)
				u = &m->other_user;
			u->live_in += s->in_base + s->last_in;
			u->live_out += s->out_base + s->last_out;
			u->sas++;
		}
	}
}

/* hashmap_remove_if(), when pluto's list is known: a connection it no longer has, with no SA. */
static bool conn_dead(const char *key, void *value, void *userdata)
{
	struct model_conn *c = value;

	if (c->loaded || c->traffic_sas > 0)
		return false;
	conn_free(c);
	return true;	/* the caller marks the sorted list stale */
}

/* hashmap_remove_if(): a user with no SA left. */
static bool user_idle(const char *key, void *value, void *userdata)
{
	struct model_user *u = value;

	if (u->sas > 0)
		return false;
	user_free(u);
	return true;
}

/* Drop connections pluto no longer has, and users with no SA left. */
static void expire_entries(struct model *m, bool status_now)
{
	m->last_lookup = NULL;	/* it may go now */
	/* one that pluto listed, or that has SAs, stays: none goes when every one was touched */
	if (status_now && m->conns_touched < m->conns.n_items && hashmap_remove_if(&m->conns, conn_dead, NULL) > 0)
		m->conns_removed = true;
	(void)hashmap_remove_if(&m->users, user_idle, NULL);
}

bool model_conn_is_up(const struct model_conn *c)
{
	/* the state list says so, or trafficstatus lists one of its SAs */
	return c->child_established > 0 || c->traffic_sas > 0;
}

uint64_t model_conn_in_bytes(const struct model_conn *c)
{
	return c->retired_in + c->live_in;
}

uint64_t model_conn_out_bytes(const struct model_conn *c)
{
	return c->retired_out + c->live_out;
}

uint64_t model_conn_packets(const struct model_conn *c, unsigned dir)
{
	return c->retired_packets[dir] + c->live_packets[dir];
}

uint64_t model_conn_kernel_errors(const struct model_conn *c, enum kernel_error e)
{
	return c->retired_errors[e] + c->live_errors[e];
}

static int cmp_conn(const void *a, const void *b)
{
	const struct model_conn *x = *(const struct model_conn *const *)a;
	const struct model_conn *y = *(const struct model_conn *const *)b;
	int r = strcmp(x->key, y->key);

	return r ? r : strcmp(x->instance, y->instance);
}

/* Merge the sorted runs a[0..mid) and a[mid..n) into out. */
static void merge_runs(struct model_conn **out, struct model_conn *const *a, size_t mid, size_t n)
{
	size_t i = 0, j = mid, k = 0;

	while (i < mid && j < n)
		out[k++] = cmp_conn(&a[i], &a[j]) <= 0 ? a[i++] : a[j++];
	while (i < mid)
		out[k++] = a[i++];
	while (j < n)
		out[k++] = a[j++];
}

/*
 * Sort connections that come as a few sorted runs (pluto's lists are sorted by name; a first cycle
 * creates them in that order, or in the order of the few lists they came from): the runs found,
 * then merged pairwise. n - 1 comparisons for one run; n log2(runs) for more; stable.
 */
static void sort_runs(struct model_conn **a, size_t n)
{
	size_t *bounds, n_runs = 0;
	struct model_conn **tmp;

	bounds = xreallocarray(NULL, n + 1, sizeof(*bounds));
	bounds[n_runs++] = 0;
	for (size_t i = 1; i < n; i++)
		if (cmp_conn(&a[i - 1], &a[i]) > 0)
			bounds[n_runs++] = i;
	if (n_runs == 1 || n < 2) {
		free(bounds);
		return;
	}
	bounds[n_runs] = n;
	tmp = xreallocarray(NULL, n, sizeof(*tmp));
	while (n_runs > 1) {
		size_t r = 0, kept = 0;

		for (; r + 1 < n_runs; r += 2) {
			size_t lo = bounds[r], mid = bounds[r + 1], hi = bounds[r + 2];

			merge_runs(tmp + lo, a + lo, mid - lo, hi - lo);
			memcpy(a + lo, tmp + lo, (hi - lo) * sizeof(*a));
			bounds[kept++] = lo;
		}
		if (r < n_runs)
			bounds[kept++] = bounds[r];	/* the odd run out waits for the next round */
		bounds[kept] = n;
		n_runs = kept;
	}
	free(tmp);
	free(bounds);
}

/*
 * Sort the connections again when some came or went: a steady gateway's cycle sorts nothing.
 * When connections only came, the new ones are sorted (pluto lists its connections sorted by
 * name, so they usually are already: one comparison each) and merged into the list.
 */
static void sort_conns(struct model *m)
{
	size_t it = 0, n_old = m->n_sorted, n_new = m->n_created, i = 0, j = 0, k = 0;
	struct model_conn **old;
	void *v;

	if (!m->n_created && !m->conns_removed && m->sorted)
		return;
	if (m->conns_removed) {
		/* the list may hold freed connections: from the map again */
		m->sorted = xreallocarray(m->sorted, m->conns.n_items + 1, sizeof(*m->sorted));
		m->n_sorted = 0;
		while (hashmap_next(&m->conns, &it, NULL, &v))
			m->sorted[m->n_sorted++] = v;
		qsort(m->sorted, m->n_sorted, sizeof(*m->sorted), cmp_conn);
	} else {
		sort_runs(m->created, n_new);
		old = m->sorted;
		m->sorted = xreallocarray(NULL, n_old + n_new + 1, sizeof(*m->sorted));
		while (i < n_old && j < n_new)
			m->sorted[k++] = cmp_conn(&old[i], &m->created[j]) <= 0 ? old[i++] : m->created[j++];
		while (i < n_old)
			m->sorted[k++] = old[i++];
		while (j < n_new)
			m->sorted[k++] = m->created[j++];
		m->n_sorted = k;
		free(old);
	}
	for (i = 0; i < m->n_sorted; i++)
		m->sorted[i]->sorted_pos = i;
	m->n_created = 0;
	m->conns_removed = false;
	m->cursor = 0;
	m->sorted_version++;
}

struct model_conn *const *model_sorted_conns(const struct model *m, size_t *ret_n)
{
	*ret_n = m->n_sorted;
	return m->sorted;
}

void model_update(struct model *m, const struct status_summary *status, const struct traffic_list *traffic,
		  const struct kernel_snapshot *kernel)
{
	m->cycle++;
	m->conns_touched = 0;
	m->status_ok = status != NULL;
	m->traffic_ok = traffic != NULL;
	if (status)
		m->ever_status = true;
	/* the last update ended with the list sorted: it holds every connection, in memory order mostly */
	for (size_t i = 0; i < m->n_sorted; i++)
		conn_reset_cycle(m->sorted[i]);
	m->cursor = 0;
	if (status)
		apply_status(m, status);
	if (traffic)
		apply_traffic(m, traffic);
	if (kernel)
		apply_kernel(m, status, kernel);
	else
		m->kernel.valid = m->kernel.joined = false;
	sum_live(m);
	sum_kernel_live(m);
	expire_entries(m, status != NULL);
	sort_conns(m);
}

static int cmp_user(const void *a, const void *b)
{
	const struct model_user *x = *(const struct model_user *const *)a;
	const struct model_user *y = *(const struct model_user *const *)b;

	return strcmp(x->name, y->name);
}

struct model_user **model_sorted_users(const struct model *m, size_t *ret_n)
{
	struct model_user **a = xcalloc(m->users.n_items + 1, sizeof(*a));
	size_t n = 0, it = 0;
	void *v;

	while (hashmap_next(&m->users, &it, NULL, &v))
		a[n++] = v;
	qsort(a, n, sizeof(*a), cmp_user);
	*ret_n = n;
	return a;
}
